import { beforeAll, describe, expect, it } from 'vitest';
import type { FaceDetection, FaceDetector, RgbFrame } from '../../core/detection';
import { FaceAnalysis, type AnalysisSchedule } from '../../core/faceAnalysis';
import { faceTemplate, followFace } from '../../core/follow';
import { iou, scaleBox, type Box } from '../../core/geometry';
import { subsampleLuma } from '../../core/image';
import { trackBoxAt } from '../../core/tracks';
import { decodeFrames } from '../../electron/main/media/decode';
import { ffprobeJson, samplePath } from '../helpers/media';
import sampleFaces from '../fixtures/sample-faces.json';

/** Following faces by their look, on a real photo (sample1.jpg at 960×640: faces of about 90×115 px). */

const SCALE = 0.5;
let photo: RgbFrame;
let face: Box;

beforeAll(async () => {
  const stream = (await ffprobeJson(samplePath(1))).streams[0];
  for await (const frame of decodeFrames(samplePath(1), { pixelFormat: 'rgb24', sourceWidth: stream.width, sourceHeight: stream.height, width: 960 })) {
    photo = frame;
    break;
  }
  face = scaleBox(sampleFaces['1'][1], SCALE, SCALE);
});

/** The photo moved by (dx, dy) pixels (whole pixels; edges repeated), as if the camera panned. */
function shifted(frame: RgbFrame, dx: number, dy: number): RgbFrame {
  const data = new Uint8Array(frame.data.length);
  for (let y = 0; y < frame.height; y++) {
    const sy = Math.min(frame.height - 1, Math.max(0, y - dy));
    for (let x = 0; x < frame.width; x++) {
      const sx = Math.min(frame.width - 1, Math.max(0, x - dx));
      data.set(frame.data.subarray((sy * frame.width + sx) * 3, (sy * frame.width + sx) * 3 + 3), (y * frame.width + x) * 3);
    }
  }
  return { ...frame, data };
}

/** The photo with `box` painted over by the pixels `by` pixels to its left (something passing in front). */
function covered(frame: RgbFrame, box: Box, by: number): RgbFrame {
  const data = frame.data.slice();
  for (let y = Math.round(box.y); y < Math.round(box.y + box.height); y++) {
    for (let x = Math.round(box.x); x < Math.round(box.x + box.width); x++) {
      data.copyWithin((y * frame.width + x) * 3, (y * frame.width + x - by) * 3, (y * frame.width + x - by) * 3 + 3);
    }
  }
  return { ...frame, data };
}

const moved = (box: Box, dx: number, dy: number): Box => ({ ...box, x: box.x + dx, y: box.y + dy });

describe('followFace on a real photo', () => {
  it('finds the face where it moved, to a pixel, and says it looks the same', () => {
    const template = faceTemplate(photo, face)!;
    const found = followFace(shifted(photo, 9, -6), template, face);
    expect(Math.abs(found.box.x - face.x - 9)).toBeLessThan(1);
    expect(Math.abs(found.box.y - face.y + 6)).toBeLessThan(1);
    expect(found.similarity).toBeGreaterThan(0.95);
  });

  it('follows a move smaller than its sampling step (a template renewed every frame would otherwise never move)', () => {
    // The face box is sampled 24 times across about 94 px: a step of about 4 px.
    let template = faceTemplate(photo, face)!;
    let box = face;
    for (let step = 1; step <= 8; step++) {
      const frame = shifted(photo, step, 0);
      box = followFace(frame, template, box).box;
      template = faceTemplate(frame, box)!;
    }
    expect(box.x - face.x).toBeGreaterThan(6);
    expect(box.x - face.x).toBeLessThan(10);
  });

  it('follows on a luma frame as on its RGB frame (the half-size frames kept for following further back are luma)', () => {
    const template = faceTemplate(photo, face)!;
    const frame = shifted(photo, 9, -6);
    const [onRgb, onLuma] = [frame, subsampleLuma(frame, 1)].map((f) => followFace(f, template, face));
    expect(Math.abs(onLuma.box.x - onRgb.box.x)).toBeLessThan(0.05);
    expect(Math.abs(onLuma.box.y - onRgb.box.y)).toBeLessThan(0.05);
    expect(Math.abs(onLuma.similarity - onRgb.similarity)).toBeLessThan(0.002);
  });

  it('does not take what covers the face for the face', () => {
    const template = faceTemplate(photo, face)!;
    const found = followFace(covered(photo, face, 150), template, face);
    expect(found.similarity).toBeLessThan(0.5);
  });

  it('has no look for a flat patch (nothing to follow)', () => {
    const grey: RgbFrame = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).fill(90) };
    expect(faceTemplate(grey, { x: 8, y: 8, width: 40, height: 40 })).toBeNull();
  });
});

/**
 * Detectors that see the face only on the frames they are told (the real models lose turned or
 * dark faces like this): the whole-frame search answers from the script, one call per frame in
 * order; the zoomed looks at the known face see nothing.
 */
function detectorsSeeing(script: (Box | null)[]): (options: unknown, urgency: string) => FaceDetector {
  let call = 0;
  const make = (answer: () => FaceDetection[]): FaceDetector => ({ description: 'scripted', minConfidence: 0.5, detect: async () => answer(), dispose() {} });
  const discovery = make(() => {
    const box = script[call++];
    return box ? [{ box, score: 0.9 }] : [];
  });
  const blind = make(() => []);
  return (_options, urgency) => (urgency === 'background' ? discovery : blind);
}

const schedule: AnalysisSchedule = {
  discovery: [{ detector: { model: 'tiny-face-detector', minConfidence: 0.5 }, shrink: 1, tile: { width: 4096, height: 4096 }, overlap: 0, everyFrames: 1, stretchLevels: false }],
  roi: { detector: { model: 'tiny-face-detector', minConfidence: 0.4 }, everyFrames: 1, context: 2.2, inputSize: 64 },
  confirm: null,
  backtrackFrames: 0,
  followBackFrames: 0,
  tracker: { preRollFrames: 0, postRollFrames: 0, maxMissedFrames: 3, linkFrames: 0 },
  persons: null,
};

describe('FaceAnalysis follows a face no detector sees', () => {
  it('keeps the blur on a face panning by 4 px a frame for the 25 frames the detector lost it', async () => {
    const frames = Array.from({ length: 30 }, (_, n) => shifted(photo, 4 * n, 0));
    // Discovery sees the whole frame: the scripted detector answers for frames it was shown.
    const analysis = new FaceAnalysis(detectorsSeeing(frames.map((_, n) => (n < 5 ? moved(face, 4 * n, 0) : null))), schedule);
    for (let n = 0; n < frames.length; n++) await analysis.push(n, frames[n]);
    const tracks = await analysis.finish();
    expect(tracks).toHaveLength(1);
    for (let n = 0; n < 30; n++) expect(iou(trackBoxAt(tracks[0], n)!, moved(face, 4 * n, 0)), `frame ${n}`).toBeGreaterThan(0.7);
    expect(analysis.stats.followed).toBe(25);
  });

  it('follows a face found late back over the half-size frames kept before the full-size ones', async () => {
    const frames = Array.from({ length: 30 }, (_, n) => shifted(photo, 3 * n, 0));
    // Found only from frame 25; full-size frames reach back 2 frames, half-size ones 30 more.
    const analysis = new FaceAnalysis(detectorsSeeing(frames.map((_, n) => (n >= 25 ? moved(face, 3 * n, 0) : null))), {
      ...schedule,
      backtrackFrames: 2,
      followBackFrames: 30,
    });
    for (let n = 0; n < frames.length; n++) await analysis.push(n, frames[n]);
    const [track] = await analysis.finish();
    expect(track.keyframes[0].frame).toBe(0);
    for (let n = 0; n < 30; n++) expect(iou(trackBoxAt(track, n)!, moved(face, 3 * n, 0)), `frame ${n}`).toBeGreaterThan(0.7);
  });

  it('stops following when something covers the face, and the track ends', async () => {
    const frames = Array.from({ length: 30 }, (_, n) => (n < 10 ? photo : covered(photo, face, 150)));
    const analysis = new FaceAnalysis(detectorsSeeing(frames.map((_, n) => (n < 5 ? face : null))), schedule);
    for (let n = 0; n < frames.length; n++) await analysis.push(n, frames[n]);
    const [track] = await analysis.finish();
    // Followed on frames 5–9, then predicted for the 3 frames a track survives unseen.
    expect(track.keyframes.at(-1)!.frame).toBeLessThanOrEqual(12);
    expect(analysis.stats.followed).toBe(5);
  });
});
