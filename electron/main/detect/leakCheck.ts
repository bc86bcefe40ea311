import path from 'node:path';
import { deflateSync } from 'node:zlib';
import type { FaceDetection, RgbFrame } from '../../../core/detection';
import { BlurlineError, CancelledError } from '../../../core/errors';
import { confirmByLook, describeSchedule, FaceAnalysis, type AnalysisSchedule } from '../../../core/faceAnalysis';
import { padBox, scaleBox, type Box } from '../../../core/geometry';
import { cropResizeRgb } from '../../../core/image';
import { LEAK_CRITERIA, LeakGrouper, leaksAmong, masterRegions, type LeakCriteria, type LeakFindingCore } from '../../../core/leakCheck';
import { encodePng } from '../../../core/png';
import { isBlazeFaceModel } from '../../../core/blazeFace';
import { DETECTION_PRESETS, scheduleWithout, withMinConfidence } from '../../../core/presets';
import type { SourceInfo } from '../../../core/project';
import { progressFromFrames, type JobProgress } from '../../../core/progress';
import type { RenderPlan } from '../../../core/renderPlan';
import { suppressDuplicates } from '../../../core/tiling';
import { decodeFrames, decodeSize } from '../media/decode';
import { assertReadableFile, probeVideo } from '../media/probe';
import { DetectorPool } from './detectorPool';

/**
 * The leak check: after a render, every frame of the master is searched for faces with the
 * thorough preset's detectors at a low threshold, and every face found outside the blur the plan
 * put there is listed, frame by frame, grouped into one finding per face with a thumbnail.
 * The detection engine's own schedule decides where to look on each frame, but only detector
 * hits count: nothing predicted or followed, so a finding is always a face a model saw on that
 * frame. (Measured against searching every tile of every level on every frame: the same frames
 * found on the test clips, none falsely, at a quarter of the time on 1080p; and the backwards
 * search finds a face approaching from 16 px on the frames before whole-frame searches see it.)
 */

/**
 * Detections down to this confidence count (the thorough preset detects at 0.5, its zoomed looks
 * at 0.4). Measured on the leak-check clip (each detector at 0.1 on every frame of its masters):
 * no false detection scored above 0.17 and an unblurred face never below 0.5 at any scale, so
 * 0.3 keeps almost twice the margin from the false ones; a blurred face is still detected now
 * and then (Tiny up to 0.54), but inside its blur (see LEAK_CRITERIA).
 */
export const LEAK_MIN_CONFIDENCE = 0.3;

/**
 * The thorough preset at the low threshold, its zoomed looks included. Its schedule searches
 * every frame: whole frames for new faces (SSD at a quarter of 1080p every other frame, the Tiny
 * Face Detector at half size every third and at native resolution in strips over eight), every
 * face found so far in a zoomed crop on every frame, and a new face back over the 48 frames
 * before it was found. Only the faces those searches find count; tracking only says where to look.
 */
const THOROUGH = DETECTION_PRESETS.thorough.schedule;
export const LEAK_SCHEDULE: AnalysisSchedule = {
  // BlazeFace is left out, its search and its look: it takes a blurred face for a face (on a
  // real clip, a 0.68 box over a blurred face and the hands below it; at 0.3, a 0.50 box on the
  // leak-check clip), and its look confirms its own finds.
  ...scheduleWithout(withMinConfidence(DETECTION_PRESETS.thorough, LEAK_MIN_CONFIDENCE).schedule, isBlazeFaceModel),
  roi: { ...THOROUGH.roi, detector: { ...THOROUGH.roi.detector, minConfidence: LEAK_MIN_CONFIDENCE } },
  // Faces a detector finds are what a leak is; possible faces over persons are the editor's to review.
  persons: null,
};
const ANALYSIS_WIDTH = DETECTION_PRESETS.thorough.maxAnalysisWidth;

/** Thumbnails show the face with half its size around it on each side, at most this many pixels on the longer side… */
const THUMBNAIL_MAX = 160;
/** …and small faces are enlarged to at least this (a 20 px face is a smudge at its own size). */
const THUMBNAIL_MIN = 96;
const THUMBNAIL_MARGIN = 0.5;

export interface LeakCheckOptions {
  signal?: AbortSignal;
  onProgress?: (progress: JobProgress) => void;
  /** Source frame of the master's frame 0, for a master rendered from a range (default 0). */
  frameOffset?: number;
}

/** A small picture of the face where it was found with the most confidence. */
export interface LeakThumbnail {
  width: number;
  height: number;
  /** The area of the master it shows, master pixels (the face's box with a margin, inside the frame). */
  area: Box;
  /** PNG (8-bit RGB), base64. */
  pngBase64: string;
}

export interface LeakFinding extends LeakFindingCore {
  thumbnail: LeakThumbnail;
}

/** What looked for faces, for the record beside the result. */
export interface LeakDetectorInfo {
  /** One line, e.g. `ssd-mobilenet-v1@0.3, tiny-face-detector@0.3; roi tiny-face-detector@0.3; thorough schedule over every frame, …`. */
  summary: string;
  models: string[];
  minConfidence: number;
  /** Width the master was searched at (masters wider than the preset's analysis width are scaled down). */
  analysisWidth: number;
  criteria: LeakCriteria;
}

export interface LeakCheckResult {
  masterPath: string;
  masterSha256: string;
  /** ISO 8601. */
  checkedAt: string;
  /** Frames of the master checked (every one). */
  frames: number;
  frameOffset: number;
  detector: LeakDetectorInfo;
  /** In the order they start; frames are source frames (master frame + frameOffset). */
  findings: LeakFinding[];
  /** Faces found on a frame that a second look did not confirm (not listed: colour edges, textures). */
  unconfirmed: number;
  elapsedSeconds: number;
}

/** What the leak check runs, for the record beside its result. */
export function leakDetectorInfo(analysisWidth: number): LeakDetectorInfo {
  const { coveredShare, blurredCoverage } = LEAK_CRITERIA;
  return {
    summary: `${describeSchedule(LEAK_SCHEDULE)}; thorough schedule over every frame, detector hits only, each face confirmed by a zoomed look; covered when ${coveredShare * 100}% of a face is at least ${blurredCoverage * 100}% blurred`,
    models: [...new Set([...LEAK_SCHEDULE.discovery.map((l) => l.detector.model), LEAK_SCHEDULE.roi.detector.model])].sort(),
    minConfidence: LEAK_MIN_CONFIDENCE,
    analysisWidth,
    criteria: LEAK_CRITERIA,
  };
}

/** The face with a margin, cut from the decoded frame (`scale`: master pixels per frame pixel) and sized for a list of findings. */
function thumbnailOf(frame: RgbFrame, box: Box, scale: number): LeakThumbnail {
  const padded = padBox(box, THUMBNAIL_MARGIN);
  const x0 = Math.max(0, Math.floor(padded.x / scale));
  const y0 = Math.max(0, Math.floor(padded.y / scale));
  const x1 = Math.min(frame.width, Math.ceil((padded.x + padded.width) / scale));
  const y1 = Math.min(frame.height, Math.ceil((padded.y + padded.height) / scale));
  const rect = { x: x0, y: y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) };
  const longer = Math.max(rect.width, rect.height);
  const size = Math.min(THUMBNAIL_MAX, Math.max(THUMBNAIL_MIN, longer)) / longer;
  const image = cropResizeRgb(frame, rect, Math.max(1, Math.round(rect.width * size)), Math.max(1, Math.round(rect.height * size)));
  const png = encodePng(image, (raw) => deflateSync(raw));
  return { width: image.width, height: image.height, area: scaleBox(rect, scale), pngBase64: Buffer.from(png).toString('base64') };
}

/** Errors reading the master say which file the check was reading. */
function aboutMaster(err: unknown, masterPath: string): unknown {
  if (!(err instanceof BlurlineError) || err instanceof CancelledError) return err;
  return new BlurlineError(err.code, `leak check of ${path.basename(masterPath)}: ${err.message}`, err.detail);
}

interface DecodeTarget {
  file: string;
  master: SourceInfo;
  width: number;
  signal?: AbortSignal;
}

const decodeForCheck = (target: DecodeTarget) =>
  decodeFrames(target.file, { pixelFormat: 'rgb24', sourceWidth: target.master.width, sourceHeight: target.master.height, width: target.width, signal: target.signal });

/**
 * The second pass over the frames where faces were found outside the blur: each such face gets a
 * second look, and only confirmed ones are grouped into findings (a thumbnail is taken whenever a
 * finding's peak moves). Whole-frame searches at the low threshold see faces in colour edges and
 * textures now and then (measured: a red/green edge beside a grey bar at 0.86-1.0 on a test
 * pattern, on a third of the frames); the zoomed confirming looks that keep such candidates out
 * of detection keep them out of the findings too, and out of the grouping, where one beside a
 * real face would otherwise join its finding. Faces too small for a zoomed look (under the
 * confirm size) count without one: a false finding costs a waiver, a missed face far more.
 */
async function confirmedLeaks(
  target: DecodeTarget,
  leaking: ReadonlyMap<number, FaceDetection[]>,
  scale: number,
  pool: DetectorPool,
): Promise<{ findings: LeakFinding[]; unconfirmed: number }> {
  const grouper = new LeakGrouper();
  const thumbnails = new Map<string, LeakThumbnail>();
  const confirm = LEAK_SCHEDULE.confirm;
  let unconfirmed = 0;
  const lastFrame = Math.max(-1, ...leaking.keys());
  if (lastFrame >= 0) {
    for await (const frame of decodeForCheck(target)) {
      // One face found twice on a frame (by a whole-frame search and the backwards search) is one leak.
      const leaks = suppressDuplicates(leaking.get(frame.index) ?? []);
      const seen: FaceDetection[] = [];
      for (const leak of leaks) {
        const box = scaleBox(leak.box, 1 / scale);
        const small = !confirm || Math.min(box.width, box.height) < confirm.minSize;
        if (small || (await confirmByLook(frame, box, confirm, (options) => pool.detector(options, 'urgent'))).confirmed) seen.push(leak);
        else unconfirmed++;
      }
      if (seen.length > 0) {
        grouper.add(frame.index, seen).forEach(({ finding, peak }, i) => {
          if (peak) thumbnails.set(finding.id, thumbnailOf(frame, seen[i].box, scale));
        });
      }
      if (frame.index >= lastFrame) break;
    }
  }
  const findings = grouper.finish().map((f) => ({ ...f, thumbnail: thumbnails.get(f.id)! }));
  if (findings.some((f) => !f.thumbnail)) throw new BlurlineError('SOURCE_CHANGED', 'the master changed while it was being checked (a frame with a finding is gone)');
  return { findings, unconfirmed };
}

/** A finding counted in master frames, renumbered in source frames. */
function inSourceFrames(finding: LeakFindingCore, offset: number): LeakFindingCore {
  if (offset === 0) return finding;
  const { firstFrame, lastFrame, frames, peakFrame } = finding;
  return { ...finding, firstFrame: firstFrame + offset, lastFrame: lastFrame + offset, frames: frames.map((f) => f + offset), peakFrame: peakFrame + offset };
}

/**
 * Searches every frame of a rendered master for faces and lists those outside the plan's blur.
 * Memory stays bounded for any length: the analysis keeps a fixed number of frames (60 at most),
 * and of each frame only the boxes of faces leaking on it are kept. Cancelling through `signal`
 * rejects with CancelledError and stops ffmpeg and the detection workers.
 */
export async function leakCheckMaster(masterPath: string, plan: RenderPlan, options: LeakCheckOptions = {}): Promise<LeakCheckResult> {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const { signal } = options;
  const frameOffset = options.frameOffset ?? 0;
  const file = path.resolve(masterPath);
  try {
    await assertReadableFile(file, 'master');
    const master = await probeVideo(file, { signal });
    if (Math.abs(master.width / master.height - plan.width / plan.height) > 0.01) {
      throw new BlurlineError('INVALID_ARGUMENT', `the master is ${master.width}×${master.height} but the plan is for a ${plan.width}×${plan.height} source: not a render of this project`);
    }
    const size = decodeSize({ sourceWidth: master.width, sourceHeight: master.height, width: ANALYSIS_WIDTH });
    const target: DecodeTarget = { file, master, width: size.width, signal };
    const scale = master.width / size.width;

    const regionsAt = masterRegions(plan, { width: master.width, height: master.height, frameOffset });
    /** Faces the detectors found outside the blur, per master frame, in master pixels (frames arrive out of order). */
    const leaking = new Map<number, FaceDetection[]>();
    const onDetected = (frame: number, faces: readonly FaceDetection[]) => {
      const leaks = leaksAmong(faces.map((f) => ({ score: f.score, box: scaleBox(f.box, scale) })), regionsAt(frame));
      if (leaks.length > 0) leaking.set(frame, [...(leaking.get(frame) ?? []), ...leaks]);
    };
    const pool = new DetectorPool();
    const analysis = new FaceAnalysis((detector, urgency) => pool.detector(detector, urgency), LEAK_SCHEDULE, onDetected);
    let frames = 0;
    let lastReport = 0;
    let checked: Awaited<ReturnType<typeof confirmedLeaks>>;
    try {
      for await (const frame of decodeForCheck(target)) {
        if (frame.index + frameOffset >= plan.frameCount) {
          throw new BlurlineError('INVALID_ARGUMENT', `the master has more frames than the plan's source (${plan.frameCount}, from frame ${frameOffset}): not a render of this project`);
        }
        await analysis.push(frame.index, frame);
        if (signal?.aborted) throw new CancelledError('leak check');
        frames++;
        if (options.onProgress && performance.now() - lastReport > 250) {
          lastReport = performance.now();
          options.onProgress(progressFromFrames(frames, master.frameCount, elapsed()));
        }
      }
      await analysis.finish();
      checked = await confirmedLeaks(target, leaking, scale, pool);
    } finally {
      await pool.close();
    }
    options.onProgress?.(progressFromFrames(frames, frames, elapsed()));
    return {
      masterPath: file,
      masterSha256: master.sha256,
      checkedAt: new Date().toISOString(),
      frames,
      frameOffset,
      detector: leakDetectorInfo(size.width),
      findings: checked.findings.map((f) => ({ ...inSourceFrames(f, frameOffset), thumbnail: f.thumbnail })),
      unconfirmed: checked.unconfirmed,
      elapsedSeconds: elapsed(),
    };
  } catch (err) {
    throw aboutMaster(err, file);
  }
}
