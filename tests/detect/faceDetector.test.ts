import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceDetector, RgbFrame } from '../../core/detection';
import { iou, scaleBox, type Box } from '../../core/geometry';
import { createNodeFaceDetector } from '../../electron/main/detect/nodeFaceDetector';
import { loadPhoto, samplePath } from '../helpers/media';
import sampleFaces from '../fixtures/sample-faces.json';
import { createRequire } from 'node:module';
import type * as FaceApi from '@vladmandic/face-api';
import { tinyBoxToSsd } from '../../core/faceApiDetector';
import { cropResizeRgb } from '../../core/image';

const require = createRequire(import.meta.url);

/** Faces in the face-api demo photos, checked by eye on the photos (x, y, width, height at full size). */
const EXPECTED: Record<number, Box[]> = sampleFaces;

const loadSample = (n: number, width?: number) => loadPhoto(samplePath(n), width);

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
      const faces = await ssd.detect(await loadSample(n));
      expectFaces(
        faces.map((f) => f.box),
        EXPECTED[n],
      );
      expect(faces.every((f) => f.score >= 0.5 && f.score <= 1)).toBe(true);
    });
  }

  it('finds the same faces on a frame scaled for analysis (boxes scaled back)', async () => {
    const frame = await loadSample(1, 960);
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
  let tiny: FaceDetector;
  beforeAll(async () => {
    tiny = await createNodeFaceDetector({ model: 'tiny-face-detector', minConfidence: 0.5 });
  });

  it('finds the faces in sample1.jpg, run at the picture’s own scale (a 480 px wide copy: faces of 50–70 px)', async () => {
    const frame = await loadSample(1, 480);
    const faces = await tiny.detect(frame);
    expectFaces(
      faces.map((f) => scaleBox(f.box, 1920 / frame.width, 1280 / frame.height)),
      EXPECTED[1],
      0.5,
    );
  });

  it('gives face-api’s own detections on a square input of the model’s size', async () => {
    const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof FaceApi;
    const photo = await loadSample(5);
    for (const [width, height] of [
      [416, 416],
      [416, 288],
    ]) {
      const image = cropResizeRgb(photo, { x: 0, y: 0, width: photo.width, height: photo.height }, width, height);
      const tensor = faceapi.tf.tensor3d(image.data, [height, width, 3], 'int32');
      const reference = await faceapi.detectAllFaces(tensor as unknown as FaceApi.TNetInput, new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 }));
      tensor.dispose();
      const ours = await tiny.detect(image);
      expect(ours).toHaveLength(reference.length);
      for (const face of reference) {
        const box = tinyBoxToSsd({ x: face.box.x, y: face.box.y, width: face.box.width, height: face.box.height });
        expect(Math.max(...ours.map((o) => iou(o.box, box))), `${width}×${height}`).toBeGreaterThan(0.97);
      }
    }
  });
});
