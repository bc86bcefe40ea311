import { describe, expect, it } from 'vitest';
import type { Box } from '../../core/geometry';
import { DEFAULT_BLUR_STYLE, type BlurStyle } from '../../core/project';
import { regionFor } from '../../core/renderPlan';
import {
  analysisSpeed,
  ASSURANCE_FLOORS,
  blurredShare,
  checkFloors,
  falseBlurShare,
  longestRun,
  pooledScore,
  scoreProject,
  type BlurScore,
} from '../../bench/assurance/metrics';
import { tallyLeakFindings } from '../../bench/assurance/realAssess';
import type { RealTruthFace } from '../../bench/assurance/realTruth';
import type { TruthFrame } from '../../bench/assurance/scene';
import { keyframe, projectWith, track } from '../helpers/projects';

/** Hand-made clips: 640x360, 100 frames (the helpers' default source). */
const FRAMES = 100;
const FACE: Box = { x: 100, y: 100, width: 40, height: 40 };
/** A hard-edged rectangle exactly on the box: blurred pixels can be counted by hand. */
const EXACT_RECT: BlurStyle = { ...DEFAULT_BLUR_STYLE, shape: 'rect', feather: 0, padding: 0 };

function truthWithFace(frames: Iterable<number>, box: Box | null = FACE, extent: Box = FACE): TruthFrame[] {
  const truth: TruthFrame[] = Array.from({ length: FRAMES }, () => []);
  for (const frame of frames) truth[frame] = [{ id: 'face', box, extent }];
  return truth;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('longestRun', () => {
  it('finds the longest run of true and where it starts', () => {
    expect(longestRun([])).toEqual({ length: 0, start: null });
    expect(longestRun([false, false])).toEqual({ length: 0, start: null });
    expect(longestRun([true, false, true, true, false, true])).toEqual({ length: 2, start: 2 });
    expect(longestRun([false, true, true, true])).toEqual({ length: 3, start: 1 });
  });
});

describe('blurredShare (pixels judged at their centres, blurred at coverage ≥ 0.5)', () => {
  it('is 1 for a face under the default padded ellipse, 0 with no blur', () => {
    const region = regionFor(track('t', [keyframe(0, FACE)]), FACE);
    expect(blurredShare([region], FACE)).toBe(1);
    expect(blurredShare([], FACE)).toBe(0);
  });

  it('counts the part of the face a hard rectangle covers', () => {
    const region = regionFor(track('t', [keyframe(0, FACE)], { style: EXACT_RECT }), { ...FACE, width: 30 });
    expect(blurredShare([region], FACE)).toBeCloseTo(0.75, 10);
  });

  it('judges a box thinner than a pixel at its centre', () => {
    const region = regionFor(track('t', [keyframe(0, FACE)], { style: EXACT_RECT }), FACE);
    expect(blurredShare([region], { x: 110.1, y: 110.1, width: 0.2, height: 0.2 })).toBe(1);
    expect(blurredShare([region], { x: 300.1, y: 110.1, width: 0.2, height: 0.2 })).toBe(0);
  });
});

describe('falseBlurShare (grid of every 4th pixel)', () => {
  const region = regionFor(track('t', [keyframe(0, FACE)], { style: EXACT_RECT }), FACE);

  it('counts blurred grid points outside the allowed boxes as a share of all grid points', () => {
    // Grid points at 4c + 0.5 inside [100, 140): c = 25..34, so 10 × 10 of 160 × 90.
    expect(falseBlurShare([region], [], 640, 360)).toBeCloseTo(100 / 14400, 12);
    expect(falseBlurShare([region], [{ x: 0, y: 0, width: 120, height: 360 }], 640, 360)).toBeCloseTo(50 / 14400, 12);
    expect(falseBlurShare([region], [FACE], 640, 360)).toBe(0);
  });

  it('counts a point under two overlapping regions once', () => {
    expect(falseBlurShare([region, region], [], 640, 360)).toBeCloseTo(100 / 14400, 12);
  });
});

describe('scoreProject', () => {
  it('gives a perfect score to blur that follows the face exactly', () => {
    const project = projectWith([track('t', range(10, 40).map((f) => keyframe(f, FACE)))]);
    const score = scoreProject(project, truthWithFace(range(10, 40)));
    expect(score).toMatchObject({ frames: 100, faceFrames: 31, coveredFaceFrames: 31, coverage: 1, worstGap: 0, worstGapStart: null });
    // The default style's feather reaches a little past the padded box.
    expect(score.falseBlur).toBeLessThan(0.001);
  });

  it('reports missed face-frames and the longest run of frames with a face showing', () => {
    const project = projectWith([
      track('a', [keyframe(0, FACE), keyframe(9, FACE)]),
      track('b', [keyframe(15, FACE), keyframe(20, FACE)]),
      track('c', [keyframe(23, FACE), keyframe(29, FACE)]),
    ]);
    const score = scoreProject(project, truthWithFace(range(0, 29)));
    expect(score.faceFrames).toBe(30);
    expect(score.coveredFaceFrames).toBe(30 - 5 - 2);
    expect(score.coverage).toBeCloseTo(23 / 30, 12);
    expect(score.worstGap).toBe(5);
    expect(score.worstGapStart).toBe(10);
  });

  it('counts a face as hidden only when 90% of its box is blurred', () => {
    const covering = (width: number) => projectWith([track('t', [keyframe(0, { ...FACE, width })], { style: EXACT_RECT })]);
    expect(scoreProject(covering(36), truthWithFace([0])).coverage).toBe(1);
    expect(scoreProject(covering(35), truthWithFace([0])).coverage).toBe(0);
  });

  it('does not require a face that barely shows, and never counts blur on it as false', () => {
    const project = projectWith([track('t', [keyframe(0, FACE)], { style: EXACT_RECT })]);
    const score = scoreProject(projectWith([]), truthWithFace([0], null));
    expect(score).toMatchObject({ faceFrames: 0, coverage: 1, worstGap: 0, falseBlur: 0 });
    expect(scoreProject(project, truthWithFace([0], null)).falseBlur).toBe(0);
  });

  it('counts blur with no face near it as false, averaged over all frames', () => {
    const project = projectWith([track('t', [keyframe(5, FACE)], { style: EXACT_RECT })]);
    expect(scoreProject(project, truthWithFace([])).falseBlur).toBeCloseTo(100 / 14400 / FRAMES, 12);
  });

  it('allows blur over the padded face box (25% each side), not beyond', () => {
    const padded: Box = { x: 90, y: 90, width: 60, height: 60 };
    const wider: Box = { x: 86, y: 90, width: 68, height: 60 };
    const blurring = (box: Box) => projectWith([track('t', [keyframe(0, box)], { style: EXACT_RECT })]);
    expect(scoreProject(blurring(padded), truthWithFace([0])).falseBlur).toBe(0);
    // One more grid column each side (x = 88.5 and 152.5), 15 rows.
    expect(scoreProject(blurring(wider), truthWithFace([0])).falseBlur).toBeCloseTo(30 / 14400 / FRAMES, 12);
  });

  it('refuses ground truth that does not have one entry per frame of the source', () => {
    expect(() => scoreProject(projectWith([]), truthWithFace([]).slice(1))).toThrow(/frames would not line up/);
  });
});

describe('pooledScore', () => {
  const score = (s: Partial<BlurScore>): BlurScore => ({
    frames: 100, faceFrames: 0, coveredFaceFrames: 0, coverage: 1, worstGap: 0, worstGapStart: null, falseBlur: 0, ...s,
  });

  it('pools face-frames and frames, and keeps the worst gap of any clip', () => {
    const pooled = pooledScore([
      score({ faceFrames: 100, coveredFaceFrames: 100, worstGap: 0, falseBlur: 0.01 }),
      score({ frames: 300, faceFrames: 300, coveredFaceFrames: 250, worstGap: 7, worstGapStart: 40, falseBlur: 0.03 }),
    ]);
    expect(pooled).toMatchObject({ frames: 400, faceFrames: 400, coveredFaceFrames: 350, coverage: 350 / 400, worstGap: 7 });
    expect(pooled.falseBlur).toBeCloseTo((0.01 * 100 + 0.03 * 300) / 400, 12);
  });
});

describe('analysisSpeed and checkFloors', () => {
  it('gives frames per second and how many times longer than a plain decode the analysis took', () => {
    expect(analysisSpeed({ framesAnalysed: 300, analyseSeconds: 60 }, 2)).toEqual({
      framesAnalysed: 300, analyseSeconds: 60, fps: 5, decodeSeconds: 2, ratioToDecode: 30,
    });
  });

  it('checks each floor of a preset', () => {
    const thorough = checkFloors(ASSURANCE_FLOORS.thorough, { ...perfectScore(), coverage: 0.996, worstGap: 3, falseBlur: 0.01 });
    expect(thorough.map((c) => [c.metric, c.met])).toEqual([['coverage', true], ['worstGap', false], ['falseBlur', true]]);
    const fast = checkFloors(ASSURANCE_FLOORS.fast, { ...perfectScore(), coverage: 0.97 }, analysisSpeed({ framesAnalysed: 300, analyseSeconds: 5 }, 1));
    expect(fast.map((c) => [c.metric, c.met])).toEqual([['coverage', false], ['fps', true]]);
  });
});

function perfectScore(): BlurScore {
  return { frames: 1, faceFrames: 1, coveredFaceFrames: 1, coverage: 1, worstGap: 0, worstGapStart: null, falseBlur: 0 };
}

describe('the leak check sorted against the annotated faces', () => {
  const face = (id: string, box: Box): RealTruthFace => ({ id, extent: box, box, size: Math.sqrt(box.width * box.height) });
  // Two frames: one face at the left, none at the right.
  const truth = [[face('p#0', { x: 100, y: 100, width: 60, height: 60 })], [face('p#0', { x: 104, y: 100, width: 60, height: 60 })]];
  const finding = (frames: number[], box: Box) => ({ frames, faces: frames.map(() => ({ box, score: 0.8 })) });

  it('a finding on an annotated face on any of its frames is a true leak; one away from every face is false', () => {
    const onFace = finding([0, 1], { x: 110, y: 105, width: 50, height: 55 });
    const elsewhere = finding([0, 1], { x: 500, y: 200, width: 40, height: 40 });
    expect(tallyLeakFindings([onFace, elsewhere], truth, false)).toEqual({ findings: 2, onFaces: 1, elsewhere: 1, elsewhereOnCleanMasters: 0 });
    expect(tallyLeakFindings([elsewhere], truth, true)).toEqual({ findings: 1, onFaces: 0, elsewhere: 1, elsewhereOnCleanMasters: 1 });
    expect(tallyLeakFindings([], truth, true)).toEqual({ findings: 0, onFaces: 0, elsewhere: 0, elsewhereOnCleanMasters: 0 });
  });

  it('a finding past the last annotated frame is elsewhere', () => {
    expect(tallyLeakFindings([finding([5], { x: 110, y: 105, width: 50, height: 55 })], truth, false).elsewhere).toBe(1);
  });
});
