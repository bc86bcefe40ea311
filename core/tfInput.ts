import type * as Tf from '@tensorflow/tfjs';
import type { RgbFrame } from './detection';

/** The tfjs API `squareInput` uses; the Node (wasm) and browser builds both provide it. */
export type SquareInputTf = Pick<typeof Tf, 'tensor3d' | 'cast' | 'image' | 'expandDims' | 'pad'>;

/**
 * A frame as a model's square float input: padded with black at the bottom and right to a
 * `side`-pixel square (the picture keeps its shape), then resized to `input`×`input`. Call it
 * inside `tf.tidy`.
 */
export function squareInput(tf: SquareInputTf, frame: RgbFrame, side: number, input: number): Tf.Tensor4D {
  const image = tf.cast(tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32'), 'float32');
  const square = tf.pad(image, [
    [0, side - frame.height],
    [0, side - frame.width],
    [0, 0],
  ]);
  return tf.image.resizeBilinear(tf.expandDims(square, 0) as Tf.Tensor4D, [input, input]);
}
