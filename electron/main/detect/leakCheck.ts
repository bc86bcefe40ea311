import path from 'node:path';
import { deflateSync } from 'node:zlib';
import type { FaceDetection, FaceDetector, RgbFrame } from '../../../core/detection';
import { BlurlineError, CancelledError } from '../../../core/errors';
import type { FaceApiDetectorOptions } from '../../../core/faceApiDetector';
import { padBox, scaleBox, type Box } from '../../../core/geometry';
import { cropResizeRgb, downscaleRgb, normaliseContrast } from '../../../core/image';
import { LEAK_CRITERIA, LEAK_GROUPING, LeakGrouper, leaksAmong, masterRegions, type LeakCriteria, type LeakFindingCore } from '../../../core/leakCheck';
import { encodePng } from '../../../core/png';
import { DETECTION_PRESETS, withMinConfidence } from '../../../core/presets';
import { progressFromFrames, type JobProgress } from '../../../core/progress';
import type { RenderPlan } from '../../../core/renderPlan';
import { suppressDuplicates, tileLayout } from '../../../core/tiling';
import { decodeFrames, decodeSize } from '../media/decode';
import { assertReadableFile, probeVideo } from '../media/probe';
import { DetectorPool } from './detectorPool';

/**
 * The leak check: after a render, every frame of the master is searched for faces with the
 * thorough preset's detectors at a low threshold, and every face found outside the blur the plan
 * put there is listed, frame by frame, grouped into one finding per face with a thumbnail.
 * Only detector hits count: nothing is predicted or followed, so a finding is always a face a
 * model saw on that frame.
 */

/**
 * Detections down to this confidence count. Measured on the leak-check clip (each detector at
 * 0.1 on every frame): no false detection anywhere scored above 0.17, a blurred face never above
 * 0.54 (and those boxes are mostly blurred: no leak), an unblurred face never below 0.5 at any
 * level; 0.3 keeps twice the margin from the false ones and finds faces the 0.5 of detection would not.
 */
export const LEAK_MIN_CONFIDENCE = 0.3;

/**
 * What searches each frame: the thorough preset's discovery levels (SSD on the frame at a
 * quarter of 1080p, the Tiny Face Detector at half size and at native resolution in strips) at
 * the low threshold, every tile on every frame; and a zoomed look (the preset's re-detection
 * crop) around each face still leaking on recent frames, which finds it on frames where the
 * whole-frame searches miss it.
 */
const LEAK_PRESET = withMinConfidence(DETECTION_PRESETS.thorough, LEAK_MIN_CONFIDENCE);
const ZOOMED_LOOK = { ...LEAK_PRESET.schedule.roi, detector: { ...LEAK_PRESET.schedule.roi.detector, minConfidence: LEAK_MIN_CONFIDENCE } };

/** Frames whose searches run ahead of the frame being decided (keeps every worker busy; each holds one decoded frame). */
const LOOKAHEAD_FRAMES = 6;
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
  /** One line, e.g. `ssd-mobilenet-v1@0.3 1/4, tiny-face-detector@0.3 1/2, …; every frame; zoomed …`. */
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
  elapsedSeconds: number;
}

const shrinkName = (shrink: number) => (shrink === 1 ? 'native' : `1/${shrink}`);
const detectorName = (o: FaceApiDetectorOptions) => `${o.model}@${o.minConfidence}`;

export function leakDetectorInfo(analysisWidth: number): LeakDetectorInfo {
  const levels = LEAK_PRESET.schedule.discovery.map((l) => `${detectorName(l.detector)} ${shrinkName(l.shrink)}`);
  return {
    summary: `${levels.join(', ')}; every frame; zoomed ${detectorName(ZOOMED_LOOK.detector)} around leaking faces; covered when ${LEAK_CRITERIA.coveredShare * 100}% of a face is ${LEAK_CRITERIA.blurredCoverage * 100}% blurred`,
    models: [...new Set([...LEAK_PRESET.schedule.discovery.map((l) => l.detector.model), ZOOMED_LOOK.detector.model])],
    minConfidence: LEAK_MIN_CONFIDENCE,
    analysisWidth,
    criteria: LEAK_CRITERIA,
  };
}

interface Search {
  /** Where the image came from, analysis pixels. */
  rect: Box;
  image: RgbFrame;
  detector: FaceDetector;
}

async function detectIn(searches: Search[]): Promise<FaceDetection[]> {
  const found = await Promise.all(searches.map((s) => s.detector.detect(s.image)));
  return found.flatMap((faces, i) => {
    const { rect, image } = searches[i];
    return faces.map((f) => ({ score: f.score, box: { x: rect.x + (f.box.x * rect.width) / image.width, y: rect.y + (f.box.y * rect.height) / image.height, width: (f.box.width * rect.width) / image.width, height: (f.box.height * rect.height) / image.height } }));
  });
}

/** Every tile of every level of the leak preset on one frame. */
function wholeFrameSearches(frame: RgbFrame, pool: DetectorPool): Search[] {
  return LEAK_PRESET.schedule.discovery.flatMap((level) => {
    const detector = pool.detector(level.detector, 'background');
    return tileLayout(Math.floor(frame.width / level.shrink), Math.floor(frame.height / level.shrink), level.tile, level.overlap).map((tile) => {
      const image = downscaleRgb(frame, level.shrink, tile);
      return { detector, rect: scaleBox(tile, level.shrink), image: level.stretchLevels ? normaliseContrast(image) : image };
    });
  });
}

/** A zoomed look around where a leaking face was last seen (the detection preset's re-detection crop). */
function zoomedSearch(frame: RgbFrame, box: Box, pool: DetectorPool): Search {
  const side = Math.max(box.width, box.height) * ZOOMED_LOOK.context;
  const rect = { x: box.x + box.width / 2 - side / 2, y: box.y + box.height / 2 - side / 2, width: side, height: side };
  const image = normaliseContrast(cropResizeRgb(frame, rect, ZOOMED_LOOK.inputSize, ZOOMED_LOOK.inputSize));
  return { rect, image, detector: pool.detector(ZOOMED_LOOK.detector, 'urgent') };
}

/** The face with a margin, cut from the analysed frame and sized for a list of findings. */
function thumbnailOf(frame: RgbFrame, box: Box, scale: number): { image: RgbFrame; area: Box } {
  const padded = padBox(box, THUMBNAIL_MARGIN);
  const x0 = Math.max(0, Math.floor(padded.x / scale));
  const y0 = Math.max(0, Math.floor(padded.y / scale));
  const x1 = Math.min(frame.width, Math.ceil((padded.x + padded.width) / scale));
  const y1 = Math.min(frame.height, Math.ceil((padded.y + padded.height) / scale));
  const rect = { x: x0, y: y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) };
  const longer = Math.max(rect.width, rect.height);
  const size = Math.min(THUMBNAIL_MAX, Math.max(THUMBNAIL_MIN, longer)) / longer;
  const image = cropResizeRgb(frame, rect, Math.max(1, Math.round(rect.width * size)), Math.max(1, Math.round(rect.height * size)));
  return { image, area: scaleBox(rect, scale) };
}

function encodeThumbnail(kept: { image: RgbFrame; area: Box }): LeakThumbnail {
  const png = encodePng(kept.image, (raw) => deflateSync(raw));
  return { width: kept.image.width, height: kept.image.height, area: kept.area, pngBase64: Buffer.from(png).toString('base64') };
}

/** Errors reading the master say which file and what the check was doing. */
function aboutMaster(err: unknown, masterPath: string): unknown {
  if (!(err instanceof BlurlineError) || err instanceof CancelledError) return err;
  return new BlurlineError(err.code, `leak check of ${path.basename(masterPath)}: ${err.message}`, err.detail);
}

/**
 * Searches every frame of a rendered master for faces and lists those outside the plan's blur.
 * Memory stays bounded for any length: a few decoded frames in flight and a small picture per
 * finding still open. Cancelling through `signal` rejects with CancelledError and stops ffmpeg
 * and the detection workers.
 */
export async function leakCheckMaster(masterPath: string, plan: RenderPlan, options: LeakCheckOptions = {}): Promise<LeakCheckResult> {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const { signal } = options;
  const frameOffset = options.frameOffset ?? 0;
  const absolute = path.resolve(masterPath);
  let master;
  try {
    await assertReadableFile(absolute, 'master');
    master = await probeVideo(absolute, { signal });
  } catch (err) {
    throw aboutMaster(err, absolute);
  }
  if (Math.abs(master.width / master.height - plan.width / plan.height) > 0.01) {
    throw new BlurlineError('INVALID_ARGUMENT', `the master is ${master.width}×${master.height} but the plan is for a ${plan.width}×${plan.height} source: not a render of this project`);
  }
  const size = decodeSize({ sourceWidth: master.width, sourceHeight: master.height, width: LEAK_PRESET.maxAnalysisWidth });
  const scale = master.width / size.width;
  const regionsAt = masterRegions(plan, { width: master.width, height: master.height, frameOffset });
  const grouper = new LeakGrouper(LEAK_GROUPING);
  /** The peak frame's picture of each open finding, until it closes. */
  const pictures = new Map<string, { image: RgbFrame; area: Box }>();
  const findings: LeakFinding[] = [];
  const finalise = (closed: LeakFindingCore[]) => {
    for (const finding of closed) {
      findings.push({ ...finding, thumbnail: encodeThumbnail(pictures.get(finding.id)!) });
      pictures.delete(finding.id);
    }
  };
  const pool = new DetectorPool();
  const waiting: { index: number; frame: RgbFrame; found: Promise<FaceDetection[]> }[] = [];
  let frames = 0;
  let lastReport = 0;

  /** Decides the oldest frame in flight: its faces, zoomed looks at faces still leaking, leaks, findings. */
  const decideNext = async () => {
    const { index, frame, found } = waiting.shift()!;
    const recent = grouper.openFindings().map((f) => scaleBox(f.lastBox, 1 / scale));
    const [whole, zoomed] = await Promise.all([found, detectIn(recent.map((box) => zoomedSearch(frame, box, pool)))]);
    if (signal?.aborted) throw new CancelledError('leak check');
    const faces = suppressDuplicates([...whole, ...zoomed]).map((f) => ({ ...f, box: scaleBox(f.box, scale) }));
    const sourceFrame = index + frameOffset;
    const leaks = leaksAmong(faces, regionsAt(index));
    grouper.add(sourceFrame, leaks).forEach(({ finding, peak }, i) => {
      if (peak) pictures.set(finding.id, thumbnailOf(frame, leaks[i].box, scale));
    });
    finalise(grouper.close(sourceFrame + 1));
    frames++;
    if (options.onProgress && performance.now() - lastReport > 250) {
      lastReport = performance.now();
      options.onProgress(progressFromFrames(frames, master.frameCount, elapsed()));
    }
  };

  try {
    for await (const frame of decodeFrames(absolute, { pixelFormat: 'rgb24', sourceWidth: master.width, sourceHeight: master.height, width: size.width, signal })) {
      if (signal?.aborted) throw new CancelledError('leak check');
      if (frame.index + frameOffset >= plan.frameCount) {
        throw new BlurlineError('INVALID_ARGUMENT', `the master has more frames than the plan's source (${plan.frameCount}, from frame ${frameOffset}): not a render of this project`);
      }
      const found = detectIn(wholeFrameSearches(frame, pool));
      // Awaited in order later; until then a failure must not count as unhandled.
      found.catch(() => {});
      waiting.push({ index: frame.index, frame, found });
      while (waiting.length > LOOKAHEAD_FRAMES) await decideNext();
    }
    while (waiting.length > 0) await decideNext();
    finalise(grouper.finish());
  } catch (err) {
    throw aboutMaster(err, absolute);
  } finally {
    await pool.close();
  }
  options.onProgress?.(progressFromFrames(frames, frames, elapsed()));
  findings.sort((a, b) => a.firstFrame - b.firstFrame || a.id.localeCompare(b.id, 'en', { numeric: true }));
  return {
    masterPath: absolute,
    masterSha256: master.sha256,
    checkedAt: new Date().toISOString(),
    frames,
    frameOffset,
    detector: leakDetectorInfo(size.width),
    findings,
    elapsedSeconds: elapsed(),
  };
}
