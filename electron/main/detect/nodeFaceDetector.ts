import { createRequire } from 'node:module';
import path from 'node:path';
import { BlurlineError } from '../../../core/errors';
import type { FaceDetector } from '../../../core/detection';
import { createFaceApiDetector, type FaceApiDetectorOptions, type FaceApiModule } from '../../../core/faceApiDetector';
import { installFastWasmConcat, type TfKernelRegistry } from '../../../core/tfKernels';

const require = createRequire(import.meta.url);

interface TfModule extends TfKernelRegistry {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
}

type LoadableNet = { isLoaded: boolean; loadFromDisk(dir: string): Promise<void> };

type FaceApiNode = FaceApiModule & {
  nets: { ssdMobilenetv1: LoadableNet; tinyFaceDetector: LoadableNet };
};

/** Folder of the face models shipped inside @vladmandic/face-api. */
export function faceModelDir(): string {
  return path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

let backendReady: Promise<FaceApiNode> | null = null;

/** Loads tfjs with the wasm backend from the local package (never from the network), once per process. */
function loadFaceApi(): Promise<FaceApiNode> {
  backendReady ??= (async () => {
    const tf = require('@tensorflow/tfjs') as TfModule;
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string, usePlatformFetch?: boolean): void };
    wasm.setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))}/dist/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
    await tf.ready();
    installFastWasmConcat(tf);
    return require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApiNode;
  })();
  return backendReady;
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
