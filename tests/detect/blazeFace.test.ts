import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blazeFaceInputSize, type BlazeFaceModel } from '../../core/blazeFace';
import type { FaceDetector, RgbFrame } from '../../core/detection';
import { contextRect, fromCrop, turnedCrop, zoomedInput } from '../../core/faceAnalysis';
import { iou, type Box } from '../../core/geometry';
import { turnBox, turnRgb } from '../../core/image';
import { readTfliteModel } from '../../core/tflite';
import { createNodeDetector, mediapipeModelDir } from '../../electron/main/detect/nodeFaceDetector';
import { errorOf } from '../helpers/errors';
import { FACES_DEV_DIR, loadPhoto } from '../helpers/media';

/** faces-dev photos with clear frontal faces (WIDER face boxes, see its README). */
const PRESS_CONFERENCE = { file: 'images/9_Press_Conference_Press_Conference_9_266.jpg', faces: [{ x: 400, y: 150, width: 208, height: 290 }] };
const SOLDIERS = {
  file: 'images/26_Soldier_Drilling_Soldiers_Drilling_26_143.jpg',
  faces: [
    { x: 286, y: 202, width: 80, height: 126 },
    { x: 392, y: 182, width: 86, height: 130 },
    { x: 568, y: 252, width: 88, height: 124 },
    { x: 740, y: 154, width: 82, height: 168 },
  ],
};

const bestIou = (found: readonly Box[], face: Box) => Math.max(0, ...found.map((b) => iou(b, face)));

const MODELS: BlazeFaceModel[] = ['blazeface-human', 'mediapipe-short', 'mediapipe-full'];

describe('BlazeFace models (human tfjs graph; MediaPipe .tflite through core/tflite.ts) on real faces, wasm', () => {
  let press: RgbFrame;
  let soldiers: RgbFrame;
  beforeAll(async () => {
    press = await loadPhoto(path.join(FACES_DEV_DIR, PRESS_CONFERENCE.file));
    soldiers = await loadPhoto(path.join(FACES_DEV_DIR, SOLDIERS.file));
  });

  for (const model of MODELS) {
    describe(model, () => {
      let detector: FaceDetector;
      beforeAll(async () => {
        detector = await createNodeDetector({ model, minConfidence: 0.5 });
      });
      afterAll(() => detector.dispose());

      it('finds the face of a whole 1024×683 photo (letterboxed to its input), in SSD’s box shape, and nothing else', async () => {
        const found = await detector.detect(press);
        // Measured IoU with the annotation: 0.90 (human), 0.91 (short), 0.75 (full).
        expect(found).toHaveLength(1);
        expect(bestIou([found[0].box], PRESS_CONFERENCE.faces[0])).toBeGreaterThan(0.5);
        expect(found[0].score).toBeGreaterThanOrEqual(0.5);
        expect(found[0].score).toBeLessThanOrEqual(1);
      });

      it('finds each of four soldiers’ faces in a zoomed look (a crop 2.2× the face at its input size, as the tracker looks)', async () => {
        for (const face of SOLDIERS.faces) {
          const rect = contextRect(face, 2.2);
          const crop = turnedCrop(rect, zoomedInput(soldiers, rect, blazeFaceInputSize(model)), 0, detector);
          const found = (await detector.detect(crop.image)).map((d) => fromCrop(d.box, crop));
          // Measured IoU 0.52–0.84.
          expect(bestIou(found, face), `face at ${face.x},${face.y}`).toBeGreaterThan(0.5);
        }
      });

      it('draws a face on its side in SSD’s shape turned with it (the eyes and mouth say which way)', async () => {
        for (const turn of [90, 270] as const) {
          const found = await detector.detect(turnRgb(press, turn));
          const truth = turnBox(PRESS_CONFERENCE.faces[0], turn, press.width, press.height);
          // Measured IoU with the turned annotation 0.71–0.87; in the upright shape, 0.52–0.58.
          expect(bestIou(found.map((d) => d.box), truth), `${turn}°`).toBeGreaterThan(0.65);
        }
      });

      it('finds nothing in a picture without faces', async () => {
        const noise: RgbFrame = { width: 640, height: 360, data: new Uint8Array(640 * 360 * 3).map((_, i) => (i * 37) % 256) };
        expect(await detector.detect(noise)).toEqual([]);
      });

      it('records the model and threshold it ran with', () => {
        expect(detector.description).toBe(`${model}@0.5`);
      });
    });
  }
});

describe('TFLite reader', () => {
  const mediapipeFile = (name: string) => new Uint8Array(readFileSync(path.join(mediapipeModelDir(), name)));

  it('reads MediaPipe’s models: one image in, boxes and scores for every anchor out, fp16 weights widened', () => {
    for (const [file, side, anchors] of [
      ['face_detection_short_range.tflite', 128, 896],
      ['face_detection_full_range.tflite', 192, 2304],
    ] as const) {
      const model = readTfliteModel(mediapipeFile(file));
      expect(model.tensors[model.inputs[0]].shape).toEqual([1, side, side, 3]);
      expect(model.outputs.map((o) => model.tensors[o].shape)).toEqual([
        [1, anchors, 16],
        [1, anchors, 1],
      ]);
      const firstConv = model.operators.find((o) => o.op === 'CONV_2D')!;
      const kernel = model.tensors[firstConv.inputs[1]];
      expect(kernel.data).toBeInstanceOf(Float32Array);
      expect(kernel.data!.length).toBe(kernel.shape.reduce((a, b) => a * b, 1));
      expect(kernel.data!.every(Number.isFinite)).toBe(true);
    }
  });

  it('refuses a corrupt or unsupported file with what is wrong', async () => {
    const short = mediapipeFile('face_detection_short_range.tflite');
    const refusal = (bytes: Uint8Array) => errorOf((async () => readTfliteModel(bytes))());
    expect(await refusal(short.subarray(0, 100_000))).toMatchObject({ code: 'DETECTOR_MODEL_INVALID', message: expect.stringMatching(/outside the file \(truncated or corrupt\)/) });
    expect(await refusal(mediapipeFile('face_detection_solution_simd_wasm_bin.wasm'))).toMatchObject({ code: 'DETECTOR_MODEL_INVALID', message: expect.stringMatching(/TFL3 identifier/) });
    // The sparse full-range model densifies its weights at run time (op 124, DENSIFY): not supported.
    expect(await refusal(mediapipeFile('face_detection_full_range_sparse.tflite'))).toMatchObject({
      code: 'DETECTOR_MODEL_INVALID',
      message: expect.stringMatching(/builtin op 124 is not supported/),
    });
  });
});
