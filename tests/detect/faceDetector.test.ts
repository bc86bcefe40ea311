import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceDetector, RgbFrame } from '../../core/detection';
import { iou, scaleBox, type Box } from '../../core/geometry';
import { createNodeFaceDetector } from '../../electron/main/detect/nodeFaceDetector';
import { loadPhoto, samplePath } from '../helpers/media';
import sampleFaces from '../fixtures/sample-faces.json';
import { createRequire } from 'node:module';
import type * as FaceApi from '@vladmandic/face-api';
import type * as Tf from '@tensorflow/tfjs';
import { tinyBoxToSsd } from '../../core/faceApiDetector';
import { runSsdNetwork, runTinyNetwork } from '../../core/faceApiNetworks';
import { cropResizeRgb } from '../../core/image';

const require = createRequire(import.meta.url);
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof FaceApi;
// face-api's types leave out tfjs's memory and profiling calls.
const engine = faceapi.tf as unknown as Pick<typeof Tf, 'memory' | 'dispose'> & { profile(run: () => unknown): Promise<{ peakBytes: number; result: unknown }> };

/** Bytes of tensors a run holds at its peak, beyond what was held before (its input included). */
async function peakBytes(input: FaceApi.tf.Tensor, run: (input: FaceApi.tf.Tensor) => unknown): Promise<number> {
  const held = engine.memory().numBytes;
  const profile = await engine.profile(() => run(input));
  engine.dispose(profile.result as Tf.Tensor);
  return profile.peakBytes - held;
}

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

  it('runs face-api’s network to the bit while holding a fraction of its memory', async () => {
    const { tf } = faceapi;
    const net = faceapi.nets.ssdMobilenetv1;
    const faceApis = Object.getPrototypeOf(net).forwardInput as typeof net.forwardInput;
    const params = net.params!;
    for (const [n, width] of [
      [1, 640],
      [5, 300],
    ]) {
      const photo = await loadSample(n, width);
      const input = await faceapi.toNetInput(tf.tensor3d(photo.data, [photo.height, photo.width, 3], 'int32') as unknown as FaceApi.TNetInput);
      const tensors = engine.memory().numTensors;
      const ours = runSsdNetwork(tf, input, params);
      expect(engine.memory().numTensors).toBe(tensors + 2);
      const reference = faceApis.call(net, input);
      expect(Array.from(await ours.boxes[0].data())).toEqual(Array.from(await reference.boxes[0].data()));
      expect(Array.from(await ours.scores[0].data())).toEqual(Array.from(await reference.scores[0].data()));
      engine.dispose([...ours.boxes, ...ours.scores, ...reference.boxes, ...reference.scores] as unknown as Tf.Tensor[]);
      if (n === 1) {
        // 114 MB against 32 MB on a 640×427 photo.
        const image = input.getInput(0) as FaceApi.tf.Tensor;
        const theirs = await peakBytes(image, () => faceApis.call(net, input));
        expect(await peakBytes(image, () => runSsdNetwork(tf, input, params))).toBeLessThan(0.4 * theirs);
      }
      (input.getInput(0) as FaceApi.tf.Tensor).dispose();
    }
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

  it('runs face-api’s network to the bit while holding a fraction of its memory', async () => {
    const { tf } = faceapi;
    const net = faceapi.nets.tinyFaceDetector;
    const params = net.params as Parameters<typeof net.runMobilenet>[1];
    const noise = (width: number, height: number) =>
      tf.tensor4d(Float32Array.from({ length: width * height * 3 }, (_, i) => Math.sin(i * 12.9898) / 2), [1, height, width, 3]);
    for (const [width, height] of [
      [160, 160],
      [480, 288],
      [736, 640],
    ]) {
      const input = noise(width, height);
      const tensors = engine.memory().numTensors;
      const ours = runTinyNetwork(tf, input.clone(), params);
      // Nothing but the output is left behind.
      expect(engine.memory().numTensors).toBe(tensors + 1);
      const reference = tf.tidy(() => net.runMobilenet(input, params));
      expect(Array.from(await ours.data())).toEqual(Array.from(await reference.data()));
      engine.dispose([input, ours, reference] as unknown as Tf.Tensor[]);
    }
    // The WebAssembly heap grows to a run's peak: on a 960×544 input (a half-size 1080p frame),
    // 181 MB against 102 MB (three of the first layer's 33 MB outputs at once instead of every layer's).
    const input = noise(960, 544);
    const faceApis = await peakBytes(input, (x) => tf.tidy(() => net.runMobilenet(x as FaceApi.tf.Tensor4D, params)));
    const ours = await peakBytes(input, (x) => runTinyNetwork(tf, x.clone() as FaceApi.tf.Tensor4D, params));
    expect(ours).toBeLessThan(0.6 * faceApis);
    input.dispose();
  });
});
