import { coverageAt } from '../../core/anonymise';
import { padBox, type Box } from '../../core/geometry';
import type { PresetName } from '../../core/presets';
import { DEFAULT_BLUR_STYLE, type Project } from '../../core/project';
import { buildRenderPlan, type RenderPlan, type RenderRegion } from '../../core/renderPlan';
import type { TruthFrame } from './scene';

/**
 * How well a blur plan hides the faces of a clip whose faces are known exactly. A blur pass is
 * only as good as its worst frame, so besides the share of faces hidden it reports the longest
 * run of frames that leave a face showing.
 */

/** What each preset must reach. Speed is a target to print next to the result, never asserted. */
export interface AssuranceFloors {
  /** Least share of face-frames (one face on one frame) that are blurred. */
  minCoverage: number;
  /** Longest run of frames allowed to leave some face showing. */
  maxWorstGap?: number;
  /** Most blurred area outside the faces, as a share of the frame, averaged over frames. */
  maxFalseBlur?: number;
  /** Analysis speed on a 1080p30 source, frames per second. */
  minFps?: number;
}

export const ASSURANCE_FLOORS = {
  thorough: { minCoverage: 0.995, maxWorstGap: 2, maxFalseBlur: 0.02 },
  fast: { minCoverage: 0.98, minFps: 30 },
} satisfies Record<PresetName, AssuranceFloors>;

/** A face counts as hidden when at least this share of its box is blurred. */
export const COVERED_SHARE = 0.9;
/** A pixel counts as blurred when the blur's coverage of it is at least this. */
export const BLURRED_COVERAGE = 0.5;
/** False blur is sampled on a grid of every n-th pixel each way. */
export const FALSE_BLUR_STEP = 4;

export interface BlurScore {
  frames: number;
  /** Ground-truth faces summed over frames (one face on one frame = one sample). */
  faceFrames: number;
  coveredFaceFrames: number;
  /** coveredFaceFrames / faceFrames; 1 when there is no face. */
  coverage: number;
  /** Longest run of consecutive frames with some face not covered. */
  worstGap: number;
  /** First frame of that run, or null when there is none. */
  worstGapStart: number | null;
  /** Blurred area outside every padded face box, as a share of frame area, averaged over frames. */
  falseBlur: number;
}

export function isBlurred(regions: readonly RenderRegion[], px: number, py: number): boolean {
  return regions.some((region) => coverageAt(region, px, py) >= BLURRED_COVERAGE);
}

/** Pixel indices whose centres (i + 0.5) lie in [from, from + length). */
function pixelCentresIn(from: number, length: number): [number, number] {
  return [Math.ceil(from - 0.5), Math.ceil(from + length - 0.5)];
}

/** Share of a box's pixels (by their centres) that are blurred; a box too thin to hold a centre is judged at its centre. */
export function blurredShare(regions: readonly RenderRegion[], box: Box): number {
  if (regions.length === 0) return 0;
  const [x0, x1] = pixelCentresIn(box.x, box.width);
  const [y0, y1] = pixelCentresIn(box.y, box.height);
  if (x1 <= x0 || y1 <= y0) return isBlurred(regions, box.x + box.width / 2, box.y + box.height / 2) ? 1 : 0;
  let blurred = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (isBlurred(regions, x + 0.5, y + 0.5)) blurred++;
  return blurred / ((x1 - x0) * (y1 - y0));
}

export function isCovered(regions: readonly RenderRegion[], box: Box): boolean {
  return blurredShare(regions, box) >= COVERED_SHARE;
}

/** Length and start of the longest run of `true`. */
export function longestRun(flags: readonly boolean[]): { length: number; start: number | null } {
  let best = { length: 0, start: null as number | null };
  let runStart = 0;
  flags.forEach((flag, i) => {
    if (!flag) runStart = i + 1;
    else if (i - runStart + 1 > best.length) best = { length: i - runStart + 1, start: runStart };
  });
  return best;
}

function inside(box: Box, px: number, py: number): boolean {
  return px >= box.x && px < box.x + box.width && py >= box.y && py < box.y + box.height;
}

/**
 * Share of the frame that is blurred but lies outside every allowed box, sampled at the centres
 * of every `step`-th pixel each way. Only grid points near a region can be blurred, so only those are visited.
 */
export function falseBlurShare(regions: readonly RenderRegion[], allowed: readonly Box[], width: number, height: number, step = FALSE_BLUR_STEP): number {
  const columns = Math.ceil(width / step);
  const rows = Math.ceil(height / step);
  const seen = new Uint8Array(columns * rows);
  let falselyBlurred = 0;
  for (const region of regions) {
    const { box, feather } = region;
    const c0 = Math.max(0, Math.floor((box.x - feather) / step));
    const c1 = Math.min(columns, Math.ceil((box.x + box.width + feather) / step) + 1);
    const r0 = Math.max(0, Math.floor((box.y - feather) / step));
    const r1 = Math.min(rows, Math.ceil((box.y + box.height + feather) / step) + 1);
    for (let r = r0; r < r1; r++) {
      for (let c = c0; c < c1; c++) {
        if (seen[r * columns + c]) continue;
        const px = c * step + 0.5;
        const py = r * step + 0.5;
        if (coverageAt(region, px, py) < BLURRED_COVERAGE) continue;
        seen[r * columns + c] = 1;
        if (!allowed.some((a) => inside(a, px, py))) falselyBlurred++;
      }
    }
  }
  return falselyBlurred / (columns * rows);
}

/** Where blur is never false on a frame: every face box (whole, even where hidden) grown by the style's padding. */
export function allowedBoxes(truth: TruthFrame, padding = DEFAULT_BLUR_STYLE.padding): Box[] {
  return truth.map((face) => padBox(face.extent, padding));
}

/** Scores a render plan against the ground truth of every frame of its clip. */
export function scoreBlurPlan(plan: RenderPlan, truth: readonly TruthFrame[]): BlurScore {
  if (truth.length !== plan.frameCount) {
    throw new Error(`ground truth has ${truth.length} frames but the source has ${plan.frameCount}: frames would not line up`);
  }
  const regionsOf = new Map(plan.frames.map((f) => [f.frame, f.regions]));
  let faceFrames = 0;
  let coveredFaceFrames = 0;
  let falseBlurSum = 0;
  const missed = truth.map((faces, frame) => {
    const regions = regionsOf.get(frame) ?? [];
    const required = faces.flatMap((f) => (f.box ? [f.box] : []));
    const covered = required.filter((box) => isCovered(regions, box)).length;
    faceFrames += required.length;
    coveredFaceFrames += covered;
    falseBlurSum += falseBlurShare(regions, allowedBoxes(faces), plan.width, plan.height);
    return covered < required.length;
  });
  const gap = longestRun(missed);
  return {
    frames: truth.length,
    faceFrames,
    coveredFaceFrames,
    coverage: faceFrames ? coveredFaceFrames / faceFrames : 1,
    worstGap: gap.length,
    worstGapStart: gap.start,
    falseBlur: truth.length ? falseBlurSum / truth.length : 0,
  };
}

export function scoreProject(project: Pick<Project, 'source' | 'tracks'>, truth: readonly TruthFrame[]): BlurScore {
  return scoreBlurPlan(buildRenderPlan(project), truth);
}

/**
 * Several clips scored as one: face-frames and frames pooled, the worst gap of any clip. (Gaps
 * do not join across clips: each clip is its own footage.)
 */
export function pooledScore(scores: readonly BlurScore[]): BlurScore {
  const frames = scores.reduce((n, s) => n + s.frames, 0);
  const faceFrames = scores.reduce((n, s) => n + s.faceFrames, 0);
  const coveredFaceFrames = scores.reduce((n, s) => n + s.coveredFaceFrames, 0);
  const worst = scores.reduce<BlurScore | null>((w, s) => (!w || s.worstGap > w.worstGap ? s : w), null);
  return {
    frames,
    faceFrames,
    coveredFaceFrames,
    coverage: faceFrames ? coveredFaceFrames / faceFrames : 1,
    worstGap: worst?.worstGap ?? 0,
    worstGapStart: null,
    falseBlur: frames ? scores.reduce((sum, s) => sum + s.falseBlur * s.frames, 0) / frames : 0,
  };
}

export interface AnalysisSpeed {
  framesAnalysed: number;
  analyseSeconds: number;
  fps: number;
  /** Plain `ffmpeg -i clip -f null -` on the same clip. */
  decodeSeconds: number;
  /** How many times longer the analysis took than the plain decode. */
  ratioToDecode: number;
}

export function analysisSpeed(run: { framesAnalysed: number; analyseSeconds: number }, decodeSeconds: number): AnalysisSpeed {
  return {
    framesAnalysed: run.framesAnalysed,
    analyseSeconds: run.analyseSeconds,
    fps: run.framesAnalysed / run.analyseSeconds,
    decodeSeconds,
    ratioToDecode: run.analyseSeconds / decodeSeconds,
  };
}

export function pooledSpeed(speeds: readonly AnalysisSpeed[]): AnalysisSpeed {
  const framesAnalysed = speeds.reduce((n, s) => n + s.framesAnalysed, 0);
  const analyseSeconds = speeds.reduce((n, s) => n + s.analyseSeconds, 0);
  const decodeSeconds = speeds.reduce((n, s) => n + s.decodeSeconds, 0);
  return analysisSpeed({ framesAnalysed, analyseSeconds }, decodeSeconds);
}

export interface FloorCheck {
  metric: 'coverage' | 'worstGap' | 'falseBlur' | 'fps';
  value: number;
  floor: number;
  met: boolean;
}

/** Each floor of a preset against a score (and speed, when given). */
export function checkFloors(floors: AssuranceFloors, score: BlurScore, speed?: AnalysisSpeed): FloorCheck[] {
  const checks: FloorCheck[] = [{ metric: 'coverage', value: score.coverage, floor: floors.minCoverage, met: score.coverage >= floors.minCoverage }];
  if (floors.maxWorstGap !== undefined) checks.push({ metric: 'worstGap', value: score.worstGap, floor: floors.maxWorstGap, met: score.worstGap <= floors.maxWorstGap });
  if (floors.maxFalseBlur !== undefined) checks.push({ metric: 'falseBlur', value: score.falseBlur, floor: floors.maxFalseBlur, met: score.falseBlur <= floors.maxFalseBlur });
  if (floors.minFps !== undefined && speed) checks.push({ metric: 'fps', value: speed.fps, floor: floors.minFps, met: speed.fps >= floors.minFps });
  return checks;
}
