import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceDetector, RgbFrame } from '../../core/detection';
import { iou, scaleBox, type Box } from '../../core/geometry';
import { decodeFrames } from '../../electron/main/media/decode';
import { createNodeFaceDetector } from '../../electron/main/detect/nodeFaceDetector';
import { ffprobeJson, samplePath } from '../helpers/media';

/** Faces in the face-api demo photos, checked by eye on the photos (x, y, width, height at full size). */
const EXPECTED: Record<number, Box[]> = {
  1: [
    { x: 414, y: 355, width: 177, height: 239 },
    { x: 838, y: 421, width: 187, height: 227 },
    { x: 1476, y: 200, width: 203, height: 241 },
  ],
  2: [
    { x: 1447, y: 154, width: 193, height: 242 },
    { x: 902, y: 220, width: 150, height: 234 },
    { x: 361, y: 126, width: 152, height: 260 },
  ],
  3: [
    { x: 585, y: 329, width: 199, height: 271 },
    { x: 1514, y: 292, width: 170, height: 280 },
    { x: 1075, y: 215, width: 221, height: 299 },
  ],
  4: [
    { x: 664, y: 52, width: 187, height: 258 },
    { x: 257, y: 185, width: 162, height: 246 },
    { x: 988, y: 180, width: 169, height: 228 },
    { x: 1277, y: 144, width: 145, height: 242 },
  ],
  5: [
    { x: 787, y: 108, width: 156, height: 212 },
    { x: 1112, y: 198, width: 159, height: 237 },
    { x: 1406, y: 390, width: 166, height: 271 },
    { x: 597, y: 415, width: 167, height: 248 },
    { x: 377, y: 859, width: 172, height: 301 },
  ],
  6: [
    { x: 681, y: 320, width: 160, height: 308 },
    { x: 1181, y: 305, width: 188, height: 279 },
    { x: 1487, y: 262, width: 212, height: 297 },
    { x: 249, y: 468, width: 211, height: 291 },
  ],
};

async function loadPhoto(n: number, width?: number): Promise<RgbFrame> {
  const stream = (await ffprobeJson(samplePath(n))).streams[0];
  for await (const frame of decodeFrames(samplePath(n), { pixelFormat: 'rgb24', sourceWidth: stream.width, sourceHeight: stream.height, width })) {
    return frame;
  }
  throw new Error('no frame');
}

/** Every expected face is matched by a detection with enough overlap, and nothing else is found. */
function expectFaces(found: Box[], expected: Box[], minIou = 0.6) {
  expect(found).toHaveLength(expected.length);
  for (const face of expected) {
    const best = Math.max(...found.map((f) => iou(f, face)));
    expect(best, `face at ${face.x},${face.y}`).toBeGreaterThan(minIou);
  }
}

describe('face detection with the real model (SSD MobileNet v1, wasm)', () => {
  let ssd: FaceDetector;
  beforeAll(async () => {
    ssd = await createNodeFaceDetector({ model: 'ssd-mobilenet-v1', minConfidence: 0.5 });
  });
  afterAll(() => ssd.dispose());

  for (const n of [1, 2, 3, 4, 5, 6]) {
    it(`finds the ${EXPECTED[n].length} faces in sample${n}.jpg`, async () => {
      const faces = await ssd.detect(await loadPhoto(n));
      expectFaces(
        faces.map((f) => f.box),
        EXPECTED[n],
      );
      expect(faces.every((f) => f.score >= 0.5 && f.score <= 1)).toBe(true);
    });
  }

  it('finds the same faces on a frame scaled for analysis (boxes scaled back)', async () => {
    const frame = await loadPhoto(1, 960);
    const faces = await ssd.detect(frame);
    expectFaces(
      faces.map((f) => scaleBox(f.box, 1920 / frame.width, 1280 / frame.height)),
      EXPECTED[1],
    );
  });

  it('finds nothing in a picture without faces', async () => {
    const blank: RgbFrame = { width: 640, height: 360, data: new Uint8Array(640 * 360 * 3).map((_, i) => (i * 37) % 256) };
    expect(await ssd.detect(blank)).toEqual([]);
  });

  it('records the model and threshold it ran with', () => {
    expect(ssd.description).toBe('ssd-mobilenet-v1@0.5');
  });
});

describe('face detection with the Tiny Face Detector', () => {
  it('finds the faces in sample1.jpg', async () => {
    const tiny = await createNodeFaceDetector({ model: 'tiny-face-detector', minConfidence: 0.5 });
    const faces = await tiny.detect(await loadPhoto(1));
    // Tiny Face Detector draws squarer boxes than SSD, so the overlap with SSD's boxes is lower.
    expectFaces(
      faces.map((f) => f.box),
      EXPECTED[1],
      0.35,
    );
  });
});
