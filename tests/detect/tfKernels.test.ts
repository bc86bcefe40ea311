import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { concatInto } from '../../core/tfKernels';
import { createNodeFaceDetector } from '../../electron/main/detect/nodeFaceDetector';

const require = createRequire(import.meta.url);

interface Tf {
  tensor(values: number[], shape: number[], dtype?: string): { dataSync(): Float32Array | Int32Array; shape: number[] };
  concat(tensors: unknown[], axis: number): { dataSync(): Float32Array | Int32Array; shape: number[] };
  getBackend(): string;
}

/** Reference concatenation over nested arrays. */
function concatReference(shapes: number[][], datas: number[][], axis: number): number[] {
  const outer = shapes[0].slice(0, axis).reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let b = 0; b < outer; b++) {
    shapes.forEach((shape, i) => {
      const inner = shape.slice(axis).reduce((a, c) => a * c, 1);
      out.push(...datas[i].slice(b * inner, (b + 1) * inner));
    });
  }
  return out;
}

describe('fast Concat for the wasm backend', () => {
  it('copies short inner runs like the reference', () => {
    const out = new Array(8).fill(0);
    concatInto([[1, 2], [5, 6], [9, 10, 11, 12]], [1, 1, 2], 2, out);
    expect(out).toEqual([1, 5, 9, 10, 2, 6, 11, 12]);
    expect(out).toEqual(concatReference([[2, 1], [2, 1], [2, 2]], [[1, 2], [5, 6], [9, 10, 11, 12]], 1));
  });

  it('gives tf.concat the same values on every axis once installed (channel axis: the fast path)', async () => {
    await createNodeFaceDetector({ model: 'tiny-face-detector', minConfidence: 0.5 });
    const tf = require('@tensorflow/tfjs') as Tf;
    expect(tf.getBackend()).toBe('wasm');
    const shape = [1, 5, 7, 1];
    const datas = [0, 1, 2].map((c) => Array.from({ length: 35 }, (_, i) => i * 3 + c + 0.5));
    const channels = tf.concat(datas.map((d) => tf.tensor(d, shape, 'float32')), 3);
    expect(channels.shape).toEqual([1, 5, 7, 3]);
    expect([...channels.dataSync()]).toEqual(Array.from({ length: 105 }, (_, i) => i + 0.5));
    for (const axis of [0, 1, 2]) {
      const shapes = [[1, 5, 7, 1], [1, 5, 7, 1]].map((s) => s.map((d, k) => (k === axis ? d + 1 : d)));
      const values = shapes.map((s, i) => Array.from({ length: s.reduce((a, b) => a * b, 1) }, (_, k) => k + 1000 * i));
      const joined = tf.concat(values.map((v, i) => tf.tensor(v, shapes[i], 'int32')), axis);
      expect([...joined.dataSync()], `axis ${axis}`).toEqual(concatReference(shapes, values, axis));
    }
  });
});
