import { describe, expect, it } from 'vitest';
import type { FaceDetection, FaceDetector, RgbFrame } from '../../core/detection';
import { FaceAnalysis, type AnalysisSchedule } from '../../core/faceAnalysis';
import { iou, type Box } from '../../core/geometry';
import { trackBoxAt } from '../../core/tracks';

/**
 * A stand-in for the face model in this unit test of the scheduling logic (the real model is
 * tested on real photos elsewhere): it finds the bright square in its input, and like a real
 * detector it cannot see faces smaller than `minSize` pixels in the image it is given.
 */
function brightSquareDetector(minSize: number, calls: { sizes: number[] }): FaceDetector {
  return {
    description: 'bright-square',
    minConfidence: 0.5,
    async detect(frame: RgbFrame): Promise<FaceDetection[]> {
      calls.sizes.push(frame.width);
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -1;
      let y1 = -1;
      for (let y = 0; y < frame.height; y++) {
        for (let x = 0; x < frame.width; x++) {
          if (frame.data[(y * frame.width + x) * 3] > 128) {
            x0 = Math.min(x0, x);
            y0 = Math.min(y0, y);
            x1 = Math.max(x1, x);
            y1 = Math.max(y1, y);
          }
        }
      }
      if (x1 < 0 || x1 - x0 + 1 < minSize) return [];
      return [{ box: { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 }, score: 0.9 }];
    },
    dispose() {},
  };
}

function frameWith(face: Box | null, width = 320, height = 180): RgbFrame {
  const data = new Uint8Array(width * height * 3);
  if (face) {
    for (let y = Math.round(face.y); y < Math.round(face.y + face.height); y++) {
      for (let x = Math.round(face.x); x < Math.round(face.x + face.width); x++) data.fill(255, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return { data, width, height };
}

const TINY = { model: 'tiny-face-detector' as const, minConfidence: 0.5 };
const schedule: AnalysisSchedule = {
  // Half-size discovery only: a face is found once it is 32 px (16 px in the shrunk frame).
  discovery: [{ detector: TINY, shrink: 2, tile: { width: 96, height: 96 }, overlap: 32, everyFrames: 2, stretchLevels: false }],
  roi: { detector: TINY, everyFrames: 2, context: 2.2, inputSize: 64 },
  confirm: null,
  backtrackFrames: 40,
  followBackFrames: 0,
  tracker: { preRollFrames: 0, postRollFrames: 0, smoothingFrames: 0 },
  persons: null,
};

/** A face that grows from 8 to 47 px while moving right, on frames 0..39. */
const growingFace = (n: number): Box => ({ x: 40 + 3 * n, y: 60, width: 8 + n, height: 8 + n });

describe('FaceAnalysis', () => {
  it('finds a growing face once it is large enough, then searches back to where it was tiny', async () => {
    const discoveryCalls = { sizes: [] as number[] };
    const roiCalls = { sizes: [] as number[] };
    const discovery = brightSquareDetector(16, discoveryCalls);
    const roi = brightSquareDetector(16, roiCalls);
    const analysis = new FaceAnalysis((_options, urgency) => (urgency === 'urgent' ? roi : discovery), schedule);
    for (let n = 0; n < 40; n++) await analysis.push(n, frameWith(growingFace(n)));
    const tracks = await analysis.finish();
    expect(tracks).toHaveLength(1);
    const [track] = tracks;
    // Discovery alone sees it from frame 24 (32 px); the zoomed backwards search finds it much earlier.
    expect(track.keyframes[0].frame).toBeLessThanOrEqual(2);
    for (let n = track.keyframes[0].frame; n < 40; n++) expect(iou(trackBoxAt(track, n)!, growingFace(n)), `frame ${n}`).toBeGreaterThan(0.6);
    // Tiles are 96 px; zoomed crops are resized to the detector's 64 px input.
    expect(new Set(discoveryCalls.sizes)).toEqual(new Set([96]));
    expect(new Set(roiCalls.sizes)).toEqual(new Set([64]));
    expect(analysis.stats).toMatchObject({ framesAnalysed: 40 });
    expect(analysis.stats.roiCalls).toBeGreaterThan(20);
  });

  it('spreads tiles over frames and reports nothing for a face-free clip', async () => {
    const calls = { sizes: [] as number[] };
    const detector = brightSquareDetector(16, calls);
    const analysis = new FaceAnalysis(() => detector, schedule);
    for (let n = 0; n < 4; n++) await analysis.push(n, frameWith(null));
    expect(await analysis.finish()).toEqual([]);
    // 160x90 shrunk frame in 96 px tiles with 32 px overlap: 2 × 1 tiles, spread over 2 frames.
    expect(analysis.stats.discoveryCalls).toBe(4);
    expect(analysis.stats.roiCalls).toBe(0);
  });

  it('searches a row of tiles on one frame when the level says so (small tiles, a strip\'s timing)', async () => {
    const perFrame = async (rowsTogether: boolean) => {
      const calls = { sizes: [] as number[] };
      const detector = brightSquareDetector(16, calls);
      const level = { detector: TINY, shrink: 1, tile: { width: 128, height: 96 }, overlap: 32, everyFrames: 2, rowsTogether, stretchLevels: false };
      const analysis = new FaceAnalysis(() => detector, { ...schedule, discovery: [level] });
      const counts: number[] = [];
      for (let n = 0; n < 2; n++) {
        const before = analysis.stats.discoveryCalls;
        await analysis.push(n, frameWith(null));
        counts.push(analysis.stats.discoveryCalls - before);
      }
      await analysis.finish();
      expect(new Set(calls.sizes)).toEqual(new Set([128]));
      return counts;
    };
    // 320x180 in 128x96 tiles with 32 px overlap: 3 rows of 3. By row, rows 0-1 then row 2; by tile, 5 then 4.
    expect(await perFrame(true)).toEqual([6, 3]);
    expect(await perFrame(false)).toEqual([5, 4]);
  });

  it('keeps blurring a face through frames where the detector misses it', async () => {
    const calls = { sizes: [] as number[] };
    const detector = brightSquareDetector(16, calls);
    const analysis = new FaceAnalysis(() => detector, { ...schedule, backtrackFrames: 0 });
    const face = (n: number): Box => ({ x: 100 + 2 * n, y: 50, width: 40, height: 40 });
    // The face is hidden (not drawn) on frames 10..14, like a head turned away.
    for (let n = 0; n < 30; n++) await analysis.push(n, frameWith(n >= 10 && n < 15 ? null : face(n)));
    const [track] = await analysis.finish();
    for (let n = 1; n < 30; n++) expect(iou(trackBoxAt(track, n)!, face(n)), `frame ${n}`).toBeGreaterThan(0.7);
  });

  it('drops a new face that the confirming detector does not see, and asks again for the same box only after 30 frames', async () => {
    const calls = { sizes: [] as number[] };
    const finds = brightSquareDetector(16, calls);
    const confirmCalls = { sizes: [] as number[] };
    const neverSees: FaceDetector = { ...brightSquareDetector(1000, confirmCalls) };
    /** A still 40 px face on `frames` frames, which the confirming look never sees. */
    const analysedFor = async (frames: number) => {
      const analysis = new FaceAnalysis((options) => (options.model === 'ssd-mobilenet-v1' ? neverSees : finds), {
        ...schedule,
        confirm: { looks: [{ detector: { model: 'ssd-mobilenet-v1', minConfidence: 0.3 }, inputSize: 128 }], context: 2.2, minSize: 20 },
      });
      for (let n = 0; n < frames; n++) await analysis.push(n, frameWith({ x: 100, y: 50, width: 40, height: 40 }));
      expect(await analysis.finish()).toEqual([]);
      return analysis;
    };
    const analysis = await analysedFor(30);
    expect(analysis.stats.confirmCalls).toBe(1);
    expect(confirmCalls.sizes).toEqual([128]);
    // A face too dark or small to confirm at first may be clear later: after 30 frames it is checked again.
    const longer = await analysedFor(40);
    expect(longer.stats.confirmCalls).toBe(2);
  });

  it('accepts a new face the confirming detector also finds, and small ones without asking', async () => {
    const calls = { sizes: [] as number[] };
    const finds = brightSquareDetector(16, calls);
    for (const [minSize, asked] of [
      [20, 2],
      [60, 0],
    ]) {
      const blind = brightSquareDetector(1000, { sizes: [] });
      const analysis = new FaceAnalysis((options) => (options.minConfidence === 0.9 ? blind : finds), {
        ...schedule,
        // The first look misses (it never sees anything), the second finds the face: that is enough.
        confirm: {
          looks: [
            { detector: { model: 'ssd-mobilenet-v1', minConfidence: 0.9 }, inputSize: 96 },
            { detector: { model: 'ssd-mobilenet-v1', minConfidence: 0.3 }, inputSize: 128 },
          ],
          context: 2.2,
          minSize,
        },
      });
      for (let n = 0; n < 10; n++) await analysis.push(n, frameWith({ x: 100, y: 50, width: 40, height: 40 }));
      expect(await analysis.finish()).toHaveLength(1);
      expect(analysis.stats.confirmCalls).toBe(asked);
    }
  });
});
