import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { FaceDetection, FaceDetector, RgbFrame } from '../../core/detection';
import { FaceAnalysis, type AnalysisSchedule } from '../../core/faceAnalysis';
import type { Box } from '../../core/geometry';
import {
  blurredShare,
  LEAK_CRITERIA,
  LEAK_GROUPING,
  LeakGrouper,
  leaksAmong,
  masterRegions,
} from '../../core/leakCheck';
import { crc32, encodePng, readPngHeader } from '../../core/png';
import { buildRenderPlan, type RenderRegion } from '../../core/renderPlan';
import { trackBoxAt } from '../../core/tracks';
import { keyframe, projectWith, track } from '../helpers/projects';

const face: Box = { x: 200, y: 100, width: 60, height: 80 };
const moved = (box: Box, dx: number, dy = 0): Box => ({ ...box, x: box.x + dx, y: box.y + dy });
const detection = (box: Box, score = 0.9): FaceDetection => ({ box, score });

/** The plan's region for `face` on frame 0 of a 640×360 source, with the default style (ellipse, padding 0.25, feather 0.15). */
function regionFor(box: Box): RenderRegion {
  return buildRenderPlan(projectWith([track('t', [keyframe(0, box)])])).frames[0].regions[0];
}

describe('blurredShare', () => {
  const region = regionFor(face);

  it('is 1 for a face under its own blur, 0 with no blur or far from it', () => {
    expect(blurredShare([region], face)).toBe(1);
    expect(blurredShare([], face)).toBe(0);
    expect(blurredShare([region], moved(face, 300))).toBe(0);
  });

  it('measures the part of a box under the blur, the feather counting where it is at least half', () => {
    // The padded ellipse spans x 185..275; a box from 230 to 290 is blurred on its left side only.
    const half = blurredShare([region], { x: 230, y: 130, width: 60, height: 20 });
    expect(half).toBeGreaterThan(0.6);
    expect(half).toBeLessThan(0.95);
    // With a hard edge the feather no longer counts: less of it is blurred.
    expect(blurredShare([{ ...region, feather: 0 }], { x: 230, y: 130, width: 60, height: 20 })).toBeLessThan(half);
  });

  it('is scale-free: the same geometry twice as large gives the same share', () => {
    const big = (b: Box): Box => ({ x: b.x * 2, y: b.y * 2, width: b.width * 2, height: b.height * 2 });
    const r2 = { ...region, box: big(region.box), feather: region.feather * 2 };
    const box = moved(face, 30);
    expect(blurredShare([r2], big(box))).toBeCloseTo(blurredShare([region], box), 2);
  });
});

describe('leaksAmong', () => {
  const region = regionFor(face);

  it('passes a face under its blur, even found with a larger box than planned (a blurred blob reads larger)', () => {
    expect(leaksAmong([detection(face)], [region])).toEqual([]);
    const larger = { x: face.x - 6, y: face.y - 8, width: face.width + 12, height: face.height + 16 };
    expect(leaksAmong([detection(larger, 0.35)], [region])).toEqual([]);
  });

  it('flags a face beside the blur, and one whose blur slid three quarters of its width aside', () => {
    const beside = detection({ x: 400, y: 100, width: 60, height: 80 });
    expect(leaksAmong([detection(face), beside], [region])).toEqual([beside]);
    const halfShown = detection(moved(face, -0.75 * face.width));
    expect(leaksAmong([halfShown], [region])).toEqual([halfShown]);
  });

  it('takes its thresholds from the criteria', () => {
    const shifted = detection(moved(face, -0.5 * face.width));
    const share = blurredShare([region], shifted.box);
    expect(leaksAmong([shifted], [region], { ...LEAK_CRITERIA, coveredShare: share - 0.01 })).toEqual([]);
    expect(leaksAmong([shifted], [region], { ...LEAK_CRITERIA, coveredShare: share + 0.01 })).toEqual([shifted]);
  });
});

describe('masterRegions', () => {
  const plan = buildRenderPlan(projectWith([track('t', [keyframe(10, face), keyframe(12, face)])]));

  it('maps master frames to source frames through the range offset', () => {
    const at = masterRegions(plan, { width: 640, height: 360, frameOffset: 10 });
    expect(at(0)).toHaveLength(1);
    expect(at(2)).toHaveLength(1);
    expect(at(3)).toEqual([]);
    expect(masterRegions(plan, { width: 640, height: 360, frameOffset: 0 })(0)).toEqual([]);
  });

  it('scales regions to a master of another size', () => {
    const [source] = masterRegions(plan, { width: 640, height: 360, frameOffset: 0 })(10);
    const [double] = masterRegions(plan, { width: 1280, height: 720, frameOffset: 0 })(10);
    expect(double.box).toEqual({ x: source.box.x * 2, y: source.box.y * 2, width: source.box.width * 2, height: source.box.height * 2 });
    expect(double.feather).toBe(source.feather * 2);
  });
});

describe('LeakGrouper', () => {
  it('groups one face over frames into one finding that lists every frame, missed frames bridged', () => {
    const grouper = new LeakGrouper();
    const frames = [3, 4, 5, 6, 10, 11, 12];
    for (const frame of frames) grouper.add(frame, [detection(moved(face, 8 * frame), frame === 5 ? 0.97 : 0.6)]);
    const [finding, ...rest] = grouper.finish();
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ id: 'leak-1', firstFrame: 3, lastFrame: 12, frames, peakFrame: 5, confidence: 0.97 });
    expect(finding.box).toEqual(moved(face, 40));
    // The face on each of its frames, for a track to be made of it.
    expect(finding.faces).toEqual(frames.map((frame) => detection(moved(face, 8 * frame), frame === 5 ? 0.97 : 0.6)));
  });

  it('keeps a fast face (most of its width a frame) as one finding, and two faces apart as two', () => {
    const grouper = new LeakGrouper();
    for (let frame = 0; frame < 8; frame++) {
      grouper.add(frame, [detection(moved(face, 45 * frame)), detection({ x: 100, y: 250, width: 40, height: 50 }, 0.5)]);
    }
    const findings = grouper.finish();
    expect(findings.map((f) => f.frames.length)).toEqual([8, 8]);
    expect(findings.map((f) => f.id)).toEqual(['leak-1', 'leak-2']);
  });

  it('takes a weaker box on or just beside a face on the same frame for that face, not a new finding', () => {
    const grouper = new LeakGrouper();
    grouper.add(0, [detection(face)]);
    // As measured: one face drawn twice, the weaker box shifted up by 40 % of its height; and one
    // drawn above the head, a few pixels clear of it.
    const above = { x: face.x - 10, y: face.y - 90, width: 50, height: 85 };
    const thrice = grouper.add(1, [detection(moved(face, 5, -0.4 * face.height), 0.3), detection(moved(face, 5), 0.8), detection(above, 0.35)]);
    expect(thrice.map((r) => r.finding.id)).toEqual(['leak-1', 'leak-1', 'leak-1']);
    expect(grouper.finish()).toMatchObject([{ id: 'leak-1', frames: [0, 1], confidence: 0.9 }]);
  });

  it('starts a new finding when the face comes back after more than the allowed gap, or much larger', () => {
    const grouper = new LeakGrouper();
    grouper.add(0, [detection(face)]);
    grouper.add(LEAK_GROUPING.maxGapFrames + 2, [detection(face)]);
    grouper.add(LEAK_GROUPING.maxGapFrames + 3, [detection({ ...face, width: face.width * 3, height: face.height * 3 })]);
    expect(grouper.finish().map((f) => f.frames)).toEqual([[0], [LEAK_GROUPING.maxGapFrames + 2], [LEAK_GROUPING.maxGapFrames + 3]]);
  });

  it('hands out findings once no later leak can continue them', () => {
    const grouper = new LeakGrouper();
    grouper.add(0, [detection(face)]);
    expect(grouper.close(LEAK_GROUPING.maxGapFrames + 1)).toEqual([]);
    expect(grouper.close(LEAK_GROUPING.maxGapFrames + 2).map((f) => f.id)).toEqual(['leak-1']);
    expect(grouper.finish()).toEqual([]);
  });

  it('says which leak made a new peak (the host keeps that frame’s picture)', () => {
    const grouper = new LeakGrouper();
    expect(grouper.add(0, [detection(face, 0.5)]).map((r) => r.peak)).toEqual([true]);
    expect(grouper.add(1, [detection(face, 0.4)]).map((r) => r.peak)).toEqual([false]);
    expect(grouper.add(2, [detection(face, 0.8)]).map((r) => r.peak)).toEqual([true]);
  });

  it('refuses frames out of order', () => {
    const grouper = new LeakGrouper();
    grouper.add(5, []);
    expect(() => grouper.add(5, [])).toThrow(RangeError);
  });
});

describe('leaksAmong and LeakGrouper over a whole master', () => {
  it('lists the unblurred face on every frame it shows and nothing for the blurred one', () => {
    const other: Box = { x: 450, y: 120, width: 50, height: 66 };
    const plan = buildRenderPlan(projectWith([track('a', [keyframe(0, face), keyframe(9, moved(face, 90))])]));
    const frames = Array.from({ length: 10 }, (_, frame) => ({
      frame,
      faces: [detection(moved(face, 10 * frame), 0.4), ...(frame >= 2 ? [detection(moved(other, -5 * frame), 0.8)] : [])],
    }));
    const regionsAt = masterRegions(plan, { width: 640, height: 360, frameOffset: 0 });
    const grouper = new LeakGrouper();
    for (const { frame, faces } of frames) grouper.add(frame, leaksAmong(faces, regionsAt(frame)));
    const findings = grouper.finish();
    expect(findings).toHaveLength(1);
    expect(findings[0].frames).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('encodePng', () => {
  const image = { width: 3, height: 2, data: Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90]) };

  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('writes a PNG whose header and rows read back', () => {
    const png = encodePng(image, (raw) => deflateSync(raw));
    expect(readPngHeader(png)).toEqual({ width: 3, height: 2, bitDepth: 8, colourType: 2 });
    // One IDAT after the 33 bytes of signature and IHDR: its rows are a filter byte (0) and the pixels.
    const idatLength = new DataView(png.buffer, png.byteOffset).getUint32(33);
    const rows = inflateSync(png.subarray(41, 41 + idatLength));
    expect([...rows]).toEqual([0, ...image.data.subarray(0, 9), 0, ...image.data.subarray(9)]);
    expect(new TextDecoder().decode(png.subarray(png.length - 8, png.length - 4))).toBe('IEND');
  });

  it('refuses an image whose bytes do not match its size, and reads no header from other bytes', () => {
    expect(() => encodePng({ ...image, width: 4 }, deflateSync)).toThrow(RangeError);
    expect(readPngHeader(new Uint8Array(40))).toBeNull();
    const png = encodePng(image, (raw) => deflateSync(raw));
    png[20] ^= 1;
    expect(readPngHeader(png)).toBeNull();
  });
});

describe('FaceAnalysis onDetected: what the leak check counts', () => {
  /** Frames are blank but for their index in the first byte; the stand-in model sees the face on the frames listed. */
  const seenOn = new Set([0, 1, 2, 3, 4, 8, 9]);
  const wholeFrame: FaceDetector = {
    description: 'stand-in',
    minConfidence: 0.3,
    async detect(frame: RgbFrame) {
      return seenOn.has(frame.data[0]) ? [{ box: { ...face, x: face.x + frame.data[0] }, score: 0.8 }] : [];
    },
    dispose() {},
  };
  const zoomed: FaceDetector = { ...wholeFrame, detect: async () => [] };
  const detector = { model: 'tiny-face-detector' as const, minConfidence: 0.3 };
  const schedule: AnalysisSchedule = {
    discovery: [{ detector, shrink: 1, tile: { width: 4096, height: 4096 }, overlap: 0, everyFrames: 1, stretchLevels: false }],
    roi: { detector, everyFrames: 1, context: 2.2, inputSize: 64 },
    confirm: null,
    backtrackFrames: 4,
    followBackFrames: 0,
    tracker: { preRollFrames: 0, postRollFrames: 0 },
    persons: null,
  };

  it('hears of the faces a detector found, on their frames, never of the frames the tracker bridged', async () => {
    const heard: { frame: number; faces: readonly FaceDetection[] }[] = [];
    const analysis = new FaceAnalysis((_o, urgency) => (urgency === 'urgent' ? zoomed : wholeFrame), schedule, (frame, faces) => heard.push({ frame, faces }));
    for (let n = 0; n < 10; n++) {
      const data = new Uint8Array(320 * 240 * 3);
      data[0] = n;
      await analysis.push(n, { data, width: 320, height: 240 });
    }
    const [bridged] = await analysis.finish();
    expect(trackBoxAt(bridged, 6)).not.toBeNull();
    const found = heard.filter((h) => h.faces.length > 0);
    expect(found.map((h) => h.frame)).toEqual([...seenOn]);
    expect(found.map((h) => h.faces[0].box.x)).toEqual([...seenOn].map((n) => face.x + n));
  });
});
