import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceDetector } from '../../core/detection';
import { iou, type Box } from '../../core/geometry';
import { createOnnxFaceDetector, inspectOnnxFaceModel } from '../../electron/main/detect/onnxFaceDetector';
import sampleFaces from '../fixtures/sample-faces.json';
import { errorOf } from '../helpers/errors';
import { identityOnnxModel, redSquareCenterFaceModel } from '../helpers/onnxModel';
import { FACES_DEV_DIR, loadPhoto, samplePath, sha256, YUNET_MODEL } from '../helpers/media';


interface AnnotatedPhoto {
  file: string;
  kind: 'face' | 'head';
  boxes: [number, number, number, number][];
}

const annotated = (): AnnotatedPhoto[] => JSON.parse(readFileSync(path.join(FACES_DEV_DIR, 'faces.json'), 'utf8'));
const toBox = ([x, y, width, height]: number[]): Box => ({ x, y, width, height });

describe('a user’s own ONNX face model: YuNet on onnxruntime-node', () => {
  let yunet: FaceDetector;
  beforeAll(async () => {
    yunet = await createOnnxFaceDetector(YUNET_MODEL, 0.5);
  });
  afterAll(() => yunet.dispose());

  it('names the file, its format and the threshold', () => {
    expect(yunet.description).toBe('yunet.onnx (yunet)@0.5');
  });

  // Measured at 0.5: 89 of the 114 faces (0.78); of the 25 missed, 23 are the 15–21 px faces of
  // the street fight, under YuNet's smallest anchor. The group photo of 80: 78.
  it('finds most annotated faces of the real photos (IoU > 0.4)', async () => {
    let total = 0;
    let matched = 0;
    for (const photo of annotated().filter((p) => p.kind === 'face')) {
      const found = await yunet.detect(await loadPhoto(path.join(FACES_DEV_DIR, photo.file)));
      total += photo.boxes.length;
      matched += photo.boxes.filter((b) => found.some((f) => iou(f.box, toBox(b)) > 0.4)).length;
    }
    expect(total).toBe(114);
    expect(matched / total).toBeGreaterThan(0.75);
  });

  for (const n of [1, 2, 3, 4, 5, 6]) {
    it(`finds every face of sample${n}.jpg, boxes in frame pixels`, async () => {
      const found = await yunet.detect(await loadPhoto(samplePath(n)));
      const expected: Box[] = (sampleFaces as Record<string, Box[]>)[n];
      for (const face of expected) expect(Math.max(...found.map((f) => iou(f.box, face))), `face at ${face.x},${face.y}`).toBeGreaterThan(0.6);
      expect(found.every((f) => f.score >= 0.5 && f.score <= 1)).toBe(true);
    });
  }

  it('finds nothing in a picture without faces', async () => {
    const noise = { width: 640, height: 360, data: new Uint8Array(640 * 360 * 3).map((_, i) => (i * 37) % 256) };
    expect(await yunet.detect(noise)).toEqual([]);
  });

  it('refuses a missing file and a file that is not ONNX, saying which', async () => {
    expect(await errorOf(createOnnxFaceDetector('/nonexistent/model.onnx', 0.5))).toMatchObject({ code: 'DETECTOR_MODEL_INVALID', message: 'detector model not found: /nonexistent/model.onnx' });
    const notOnnx = await errorOf(createOnnxFaceDetector(samplePath(1), 0.5));
    expect(notOnnx.code).toBe('DETECTOR_MODEL_INVALID');
    expect(notOnnx.message).toMatch(/^sample1\.jpg is not an ONNX model/);
  });

  it('refuses an ONNX model that is not a face detector, listing its outputs', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-onnx-'));
    try {
      writeFileSync(path.join(dir, 'identity.onnx'), identityOnnxModel());
      expect(await errorOf(createOnnxFaceDetector(path.join(dir, 'identity.onnx'), 0.5))).toMatchObject({
        code: 'DETECTOR_MODEL_INVALID',
        message: 'identity.onnx: not a YuNet, SCRFD or CenterFace model: outputs y [1, 3, h, w]',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs a model shaped as the released CenterFace (declared 10×3×32×32) on any frame: sizes freed, RGB in, boxes out', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-onnx-'));
    try {
      writeFileSync(path.join(dir, 'centerface.onnx'), redSquareCenterFaceModel());
      const detector = await createOnnxFaceDetector(path.join(dir, 'centerface.onnx'), 0.5);
      expect(detector.description).toBe('centerface.onnx (centerface)@0.5');
      // 80×40 (a 96×64 input): a pure red 4×4 cell at column 3, row 2, and a pure blue one that is no face.
      const frame = { width: 80, height: 40, data: new Uint8Array(80 * 40 * 3) };
      for (let y = 0; y < 4; y++) {
        for (let x = 0; x < 4; x++) {
          frame.data.set([255, 0, 0], ((8 + y) * 80 + 12 + x) * 3);
          frame.data.set([0, 0, 255], ((24 + y) * 80 + 40 + x) * 3);
        }
      }
      // Centre ((3 + ½)·4, (2 + ½)·4) = (14, 10), 16×16.
      expect(await detector.detect(frame)).toEqual([{ score: expect.closeTo(1, 5), box: { x: expect.closeTo(6, 4), y: expect.closeTo(2, 4), width: expect.closeTo(16, 4), height: expect.closeTo(16, 4) } }]);
      detector.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('inspects a model for the record: absolute path, SHA-256, format', async () => {
    expect(await inspectOnnxFaceModel(YUNET_MODEL)).toEqual({ file: YUNET_MODEL, sha256: sha256(YUNET_MODEL), format: 'yunet' });
    const changed = await errorOf(createOnnxFaceDetector(YUNET_MODEL, 0.5, { sha256: '0'.repeat(64) }));
    expect(changed).toMatchObject({ code: 'DETECTOR_MODEL_INVALID', message: expect.stringMatching(/^yunet\.onnx has changed since it was chosen/) });
  });
});
