import type * as FaceApi from '@vladmandic/face-api';

/**
 * face-api's two face networks, op for op (the same output to the bit), but each tensor freed as
 * soon as the next op has read it. face-api keeps every layer's output until the whole network
 * has run, and the WebAssembly heap grows to that peak and never shrinks: in every detection
 * worker, 303 MB after the Tiny Face Detector saw a 960×540 frame and 207 MB after one SSD run.
 */

type Tf = typeof FaceApi.tf;
type Tensor = FaceApi.tf.Tensor;
type Tensor4D = FaceApi.tf.Tensor4D;
type Tensor1D = FaceApi.tf.Tensor1D;

/** `op` applied to `x`, and `x` freed. */
export function consume<T extends Tensor, U extends Tensor>(x: T, op: (x: T) => U): U {
  const out = op(x);
  x.dispose();
  return out;
}

export type TinyParams = Parameters<FaceApi.TinyFaceDetector['runMobilenet']>[1];
type ConvParams = { filters: Tensor4D; bias: Tensor1D };
type SeparableParams = { depthwise_filter: Tensor4D; pointwise_filter: Tensor4D; bias: Tensor1D };

/** face-api's `runMobilenet` for the Tiny Face Detector (its first layer a plain convolution). Consumes `input`. */
export function runTinyNetwork(tf: Tf, input: Tensor4D, params: TinyParams): Tensor4D {
  // face-api's leaky, relu(x − 0.1x) + 0.1x in its order: not bit-equal to tf.leakyRelu.
  const leaky = (x: Tensor4D): Tensor4D => {
    const alpha = tf.scalar(0.10000000149011612);
    const min: Tensor4D = tf.mul(x, alpha);
    alpha.dispose();
    const relu = consume(consume(x, (v): Tensor4D => tf.sub(v, min)), (d) => tf.relu(d));
    const out = consume(relu, (r): Tensor4D => tf.add(r, min));
    min.dispose();
    return out;
  };
  const conv = (x: Tensor4D, p: ConvParams) => consume(consume(x, (v) => tf.conv2d(v, p.filters, [1, 1], 'valid')), (c): Tensor4D => tf.add(c, p.bias));
  const separable = (x: Tensor4D, p: SeparableParams) => {
    const padded = consume(x, (v) => tf.pad(v, [[0, 0], [1, 1], [1, 1], [0, 0]]));
    const convolved = consume(padded, (v) => tf.separableConv2d(v, p.depthwise_filter, p.pointwise_filter, [1, 1], 'valid'));
    return leaky(consume(convolved, (c): Tensor4D => tf.add(c, p.bias)));
  };
  const pool = (x: Tensor4D, stride: 1 | 2) => consume(x, (v) => tf.maxPool(v, [2, 2], [stride, stride], 'same'));
  let out = pool(leaky(conv(input, params.conv0 as ConvParams)), 2);
  for (const layer of [params.conv1, params.conv2, params.conv3, params.conv4]) out = pool(separable(out, layer), 2);
  out = pool(separable(out, params.conv5), 1);
  if (params.conv6) out = separable(out, params.conv6);
  if (params.conv7) out = separable(out, params.conv7);
  return conv(out, params.conv8);
}

type SsdNet = FaceApi.SsdMobilenetv1;
export type SsdParams = NonNullable<SsdNet['params']>;
type SsdOutput = ReturnType<SsdNet['forwardInput']>;
type PointwiseParams = { filters: Tensor4D; batch_norm_offset: Tensor1D };
type DepthwiseParams = { filters: Tensor4D; batch_norm_mean: Tensor1D; batch_norm_variance: Tensor1D; batch_norm_offset: Tensor1D; batch_norm_scale: Tensor1D };
type BoxPredictorParams = { box_encoding_predictor: ConvParams; class_predictor: ConvParams };

/** Layers of MobileNet v1 whose depthwise convolution has stride 2. */
const SSD_STRIDE_2_LAYERS = new Set([2, 4, 6, 12]);
const SSD_BATCH_NORM_EPSILON = 0.0010000000474974513;

/**
 * face-api's SSD `forwardInput` (MobileNet v1 at 512×512, prediction and output layers). Only
 * MobileNet's early layers are large (up to 256×256×64); the layers after it keep face-api's form.
 */
export function runSsdNetwork(tf: Tf, input: FaceApi.NetInput, params: SsdParams): SsdOutput {
  return tf.tidy(() => {
    const pointwise = (x: Tensor4D, p: PointwiseParams, strides: 1 | 2) => {
      const convolved = consume(x, (v) => tf.conv2d(v, p.filters, strides, 'same'));
      const offset = consume(convolved, (v): Tensor4D => tf.add(v, p.batch_norm_offset));
      return consume(offset, (v) => tf.clipByValue(v, 0, 6));
    };
    const depthwise = (x: Tensor4D, p: DepthwiseParams, strides: 1 | 2) => {
      const convolved = consume(x, (v) => tf.depthwiseConv2d(v, p.filters, strides, 'same'));
      const normalised = consume(convolved, (v) => tf.batchNorm(v, p.batch_norm_mean, p.batch_norm_variance, p.batch_norm_offset, p.batch_norm_scale, SSD_BATCH_NORM_EPSILON));
      return consume(normalised, (v) => tf.clipByValue(v, 0, 6));
    };
    const batch = consume(input.toBatchTensor(512, false), (t) => tf.cast(t, 'float32'));
    const normalised = consume(consume(batch, (t) => tf.div(t, 127.5)), (t): Tensor4D => tf.sub(t, 1));

    const net = params.mobilenetv1;
    let out = pointwise(normalised, net.conv_0, 2);
    let conv11: Tensor4D | null = null;
    const layers = [net.conv_1, net.conv_2, net.conv_3, net.conv_4, net.conv_5, net.conv_6, net.conv_7, net.conv_8, net.conv_9, net.conv_10, net.conv_11, net.conv_12, net.conv_13];
    layers.forEach((layer, i) => {
      // Layer 11's output also feeds the prediction layer: kept, not consumed.
      const layerInput = out === conv11 ? out.clone() : out;
      out = pointwise(depthwise(layerInput, layer.depthwise_conv, SSD_STRIDE_2_LAYERS.has(i + 1) ? 2 : 1), layer.pointwise_conv, 1);
      if (i + 1 === 11) conv11 = out;
    });

    // face-api's prediction and output layers, on 32×32 and smaller maps. A map that also feeds a
    // box predictor goes on as a clone (its data shared), so consuming it keeps the map.
    const prediction = params.prediction_layer;
    const conv1 = pointwise(pointwise(out.clone(), prediction.conv_0, 1), prediction.conv_1, 2);
    const conv3 = pointwise(pointwise(conv1.clone(), prediction.conv_2, 1), prediction.conv_3, 2);
    const conv5 = pointwise(pointwise(conv3.clone(), prediction.conv_4, 1), prediction.conv_5, 2);
    const conv7 = pointwise(pointwise(conv5.clone(), prediction.conv_6, 1), prediction.conv_7, 2);
    const predict = (x: Tensor4D, p: BoxPredictorParams) => {
      const convLayer = (c: ConvParams) => tf.add(tf.conv2d(x, c.filters, 1, 'same'), c.bias);
      return { box: tf.reshape(convLayer(p.box_encoding_predictor), [x.shape[0], -1, 1, 4]), cls: tf.reshape(convLayer(p.class_predictor), [x.shape[0], -1, 3]) };
    };
    const predictions = [
      predict(conv11!, prediction.box_predictor_0),
      predict(out, prediction.box_predictor_1),
      predict(conv1, prediction.box_predictor_2),
      predict(conv3, prediction.box_predictor_3),
      predict(conv5, prediction.box_predictor_4),
      predict(conv7, prediction.box_predictor_5),
    ];
    const boxPredictions = tf.concat(predictions.map((p) => p.box), 1) as Tensor4D;
    const classPredictions = tf.concat(predictions.map((p) => p.cls), 1) as Tensor4D;
    return ssdOutputLayer(tf, boxPredictions, classPredictions, params.output_layer.extra_dim);
  });
}

/** face-api's SSD output layer: box encodings decoded against the anchors, face scores. */
function ssdOutputLayer(tf: Tf, boxPredictions: Tensor4D, classPredictions: Tensor4D, anchors: FaceApi.tf.Tensor3D): SsdOutput {
  const batchSize = boxPredictions.shape[0];
  const anchorVec = tf.unstack(tf.transpose(tf.reshape(tf.tile(anchors, [batchSize, 1, 1]), [-1, 4]), [1, 0]));
  const sizes = [tf.sub(anchorVec[2], anchorVec[0]), tf.sub(anchorVec[3], anchorVec[1])];
  const centres = [tf.add(anchorVec[0], tf.div(sizes[0], 2)), tf.add(anchorVec[1], tf.div(sizes[1], 2))];
  const vec = tf.unstack(tf.transpose(tf.reshape(boxPredictions, [-1, 4]), [1, 0]));
  const div0 = tf.div(tf.mul(tf.exp(tf.div(vec[2], 5)), sizes[0]), 2);
  const add0 = tf.add(tf.mul(tf.div(vec[0], 10), sizes[0]), centres[0]);
  const div1 = tf.div(tf.mul(tf.exp(tf.div(vec[3], 5)), sizes[1]), 2);
  const add1 = tf.add(tf.mul(tf.div(vec[1], 10), sizes[1]), centres[1]);
  const decoded = tf.transpose(tf.stack([tf.sub(add0, div0), tf.sub(add1, div1), tf.add(add0, div0), tf.add(add1, div1)]), [1, 0]);
  const boxes = tf.reshape(decoded, [batchSize, decoded.shape[0] / batchSize, 4]);
  const scoresAndClasses = tf.sigmoid(tf.slice(classPredictions, [0, 0, 1], [-1, -1, -1]));
  const scores = tf.slice(scoresAndClasses, [0, 0, 0], [-1, -1, 1]);
  return {
    boxes: tf.unstack(boxes) as FaceApi.tf.Tensor2D[],
    scores: tf.unstack(tf.reshape(scores, [batchSize, scores.shape[1] as number])) as Tensor1D[],
  };
}
