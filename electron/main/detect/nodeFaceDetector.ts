import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Tf from '@tensorflow/tfjs';
import { BlurlineError } from '../../../core/errors';
import { BLAZE_FACE_MODEL_FILES, createBlazeFaceDetector, isBlazeFaceModel, type BlazeFaceDetectorOptions, type BlazeFaceNet } from '../../../core/blazeFace';
import type { DetectorOptions, FaceDetector } from '../../../core/detection';
import { createFaceApiDetector, type FaceApiDetectorOptions, type FaceApiModule } from '../../../core/faceApiDetector';
import { createPersonDetector, isPersonModel, PERSON_MODEL_FILES, type PersonDetectorOptions, type PersonModel } from '../../../core/personDetector';
import { installFastWasmConcat, type TfKernelRegistry } from '../../../core/tfKernels';
import { buildTfliteGraph, readTfliteModel } from '../../../core/tflite';
import { createOnnxFaceDetector } from './onnxFaceDetector';

const require = createRequire(import.meta.url);

type TfModule = TfKernelRegistry & typeof Tf;

type LoadableNet = { isLoaded: boolean; loadFromDisk(dir: string): Promise<void> };

type FaceApiNode = FaceApiModule & {
  nets: { ssdMobilenetv1: LoadableNet; tinyFaceDetector: LoadableNet };
};

/** Folder of the face models shipped inside @vladmandic/face-api. */
export function faceModelDir(): string {
  return path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

/** Folder of the models shipped inside @vladmandic/human (the person models, CenterNet and MoveNet, among them). */
export function humanModelDir(): string {
  // The package exports only its entry points (dist/), which sit beside models/.
  return path.join(path.dirname(require.resolve('@vladmandic/human')), '..', 'models');
}

/** Folder of MediaPipe's face detection models (BlazeFace short and full range, .tflite) inside @mediapipe/face_detection. */
export function mediapipeModelDir(): string {
  return path.dirname(require.resolve('@mediapipe/face_detection/package.json'));
}

let backendReady: Promise<TfModule> | null = null;

/** Loads tfjs with the wasm backend from the local package (never from the network), once per process. */
function loadTf(): Promise<TfModule> {
  backendReady ??= (async () => {
    const tf = require('@tensorflow/tfjs') as TfModule;
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string, usePlatformFetch?: boolean): void };
    wasm.setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))}/dist/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
    await tf.ready();
    installFastWasmConcat(tf);
    return tf;
  })();
  return backendReady;
}

async function loadFaceApi(): Promise<FaceApiNode> {
  await loadTf();
  return require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApiNode;
}

/** A graph model of human's models folder read from its files (tfjs would otherwise fetch them). */
async function loadHumanGraph(tf: TfModule, file: string): Promise<Tf.GraphModel> {
  const dir = humanModelDir();
  const graph = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as Tf.io.ModelJSON;
  const weightSpecs = graph.weightsManifest.flatMap((group) => group.weights);
  const shards = await Promise.all(graph.weightsManifest.flatMap((group) => group.paths.map((p) => readFile(path.join(dir, p)))));
  const weights = Buffer.concat(shards);
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  return tf.loadGraphModel(tf.io.fromMemory({ modelTopology: graph.modelTopology, weightSpecs, weightData }));
}

const personModels = new Map<PersonDetectorOptions['model'], Promise<PersonModel>>();

/** A person model, loaded once per process. */
function loadPersonModel(tf: TfModule, name: PersonDetectorOptions['model']): Promise<PersonModel> {
  let model = personModels.get(name);
  if (!model) {
    model = loadHumanGraph(tf, PERSON_MODEL_FILES[name]);
    personModels.set(name, model);
  }
  return model;
}

const blazeFaceNets = new Map<BlazeFaceDetectorOptions['model'], Promise<BlazeFaceNet>>();

/** A BlazeFace network, loaded once per process: human's as a tfjs graph, MediaPipe's .tflite through core/tflite.ts. */
function loadBlazeFaceNet(tf: TfModule, name: BlazeFaceDetectorOptions['model']): Promise<BlazeFaceNet> {
  let net = blazeFaceNets.get(name);
  if (!net) {
    net = (async (): Promise<BlazeFaceNet> => {
      if (name === 'blazeface-human') {
        const graph = await loadHumanGraph(tf, BLAZE_FACE_MODEL_FILES[name]);
        return (input) => graph.execute(input) as Tf.Tensor[];
      }
      const bytes = await readFile(path.join(mediapipeModelDir(), BLAZE_FACE_MODEL_FILES[name]));
      return buildTfliteGraph(tf, readTfliteModel(bytes));
    })();
    net.catch(() => blazeFaceNets.delete(name));
    blazeFaceNets.set(name, net);
  }
  return net;
}

/** The BlazeFace models for Node hosts, on the same tfjs-wasm runtime, models from the packages' folders. */
export async function createNodeBlazeFaceDetector(options: BlazeFaceDetectorOptions): Promise<FaceDetector> {
  try {
    const tf = await loadTf();
    return createBlazeFaceDetector(tf, await loadBlazeFaceNet(tf, options.model), options);
  } catch (err) {
    throw new BlurlineError('DETECTOR_FAILED', `could not load the ${options.model} face model: ${(err as Error).message}`);
  }
}

/** The person models for Node hosts (CenterNet, MoveNet) on the same tfjs-wasm runtime, models from disk. */
export async function createNodePersonDetector(options: PersonDetectorOptions): Promise<FaceDetector> {
  try {
    const tf = await loadTf();
    return createPersonDetector(tf, await loadPersonModel(tf, options.model), options);
  } catch (err) {
    throw new BlurlineError('DETECTOR_FAILED', `could not load the person model: ${(err as Error).message}`);
  }
}

/**
 * The detector for any model a detection worker runs. A user's ONNX model runs on one thread:
 * the pool has a worker per core.
 */
export function createNodeDetector(options: DetectorOptions): Promise<FaceDetector> {
  if (options.model === 'onnx') return createOnnxFaceDetector(options.file, options.minConfidence, { threads: 1, sha256: options.sha256 });
  if (isBlazeFaceModel(options)) return createNodeBlazeFaceDetector(options);
  return isPersonModel(options) ? createNodePersonDetector(options) : createNodeFaceDetector(options);
}

/** The face detector for Node hosts (CLI, tests, benchmarks): face-api on tfjs-wasm, models from disk. */
export async function createNodeFaceDetector(options: FaceApiDetectorOptions): Promise<FaceDetector> {
  try {
    const faceapi = await loadFaceApi();
    const net = options.model === 'ssd-mobilenet-v1' ? faceapi.nets.ssdMobilenetv1 : faceapi.nets.tinyFaceDetector;
    if (!net.isLoaded) await net.loadFromDisk(faceModelDir());
    return createFaceApiDetector(faceapi, options);
  } catch (err) {
    throw new BlurlineError('DETECTOR_FAILED', `could not load the face model: ${(err as Error).message}`);
  }
}
