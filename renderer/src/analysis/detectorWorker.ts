import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as faceapi from '@vladmandic/face-api/dist/face-api.esm-nobundle.js';
import type { DetectorOptions, FaceDetector } from '../../../core/detection';
import { createFaceApiDetector } from '../../../core/faceApiDetector';
import { createPersonDetector, isPersonModel, PERSON_MODEL_FILES, type PersonDetectorOptions, type PersonModel } from '../../../core/personDetector';
import { installFastWasmConcat, type TfKernelRegistry } from '../../../core/tfKernels';
import type { Backend, DetectorReply, DetectorRequest } from './protocol';

/**
 * A face-model worker: face-api's browser build on one tensorflow backend, models loaded from the
 * host. The analysis worker runs several (one per core with wasm) and sends each a crop to search.
 * It also runs the person models (CenterNet and MoveNet, from @vladmandic/human) for the person safety net.
 */

const scope = self as unknown as {
  postMessage(message: DetectorReply): void;
  onmessage: ((event: MessageEvent<DetectorRequest>) => void) | null;
};

/**
 * Why WebGL is not worth using here, or null: a software renderer (SwiftShader, llvmpipe) runs the
 * models about ten times slower than wasm (0.3 against 3 frames per second, measured on 720p).
 */
function webglUnsuitable(): string | null {
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return 'no WebGL 2 in workers';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  return /swiftshader|llvmpipe|software/i.test(renderer) ? `software renderer (${renderer})` : null;
}

async function startBackend(backends: Backend[], wasmBaseUrl: string): Promise<Backend> {
  setWasmPaths(wasmBaseUrl);
  const failures: string[] = [];
  for (const backend of backends) {
    const unsuitable = backend === 'webgl' && backends.length > 1 ? webglUnsuitable() : null;
    if (unsuitable) {
      failures.push(`webgl: ${unsuitable}`);
      continue;
    }
    try {
      if (await tf.setBackend(backend)) {
        await tf.ready();
        // A backend can start and still fail on the first kernel (no WebGL context in a worker).
        tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)).dataSync());
        if (backend === 'wasm') installFastWasmConcat(tf as unknown as TfKernelRegistry);
        return backend;
      }
      failures.push(`${backend}: did not start`);
    } catch (err) {
      failures.push(`${backend}: ${(err as Error).message}`);
    }
  }
  throw new Error(`no tensorflow backend could start (${failures.join('; ')})`);
}

/**
 * face-api looks for a DOM (window, document) or Node and finds neither in a worker. Tensors are
 * all it is given here, so it needs only fetch (for the models) and canvas classes to test against.
 */
function setWorkerEnvironment(): void {
  const unsupported = () => {
    throw new Error('images are not decoded in the detection worker');
  };
  const environment = {
    Canvas: OffscreenCanvas,
    CanvasRenderingContext2D: OffscreenCanvasRenderingContext2D,
    Image: class {},
    ImageData,
    Video: class {},
    createCanvasElement: () => new OffscreenCanvas(1, 1),
    createImageElement: unsupported,
    createVideoElement: unsupported,
    fetch: (url: string, init?: RequestInit) => fetch(url, init),
    readFile: unsupported,
  };
  faceapi.env.setEnv(environment as unknown as Parameters<typeof faceapi.env.setEnv>[0]);
}

async function loadModels(modelBaseUrl: string): Promise<void> {
  const base = modelBaseUrl.replace(/\/?$/, '/');
  setWorkerEnvironment();
  try {
    if (!faceapi.nets.ssdMobilenetv1.isLoaded) await faceapi.nets.ssdMobilenetv1.loadFromUri(base);
    if (!faceapi.nets.tinyFaceDetector.isLoaded) await faceapi.nets.tinyFaceDetector.loadFromUri(base);
  } catch (err) {
    throw new Error(`could not load the face models from ${base}: ${(err as Error).message}`);
  }
}

let personModelBaseUrl = '';
const personModels = new Map<PersonDetectorOptions['model'], Promise<PersonModel>>();

/** A person model is loaded on its first search: most searches are for faces, and each worker holds its own copy. */
function loadPersonModel(name: PersonDetectorOptions['model']): Promise<PersonModel> {
  let model = personModels.get(name);
  if (!model) {
    const url = `${personModelBaseUrl.replace(/\/?$/, '/')}${PERSON_MODEL_FILES[name]}`;
    model = tf.loadGraphModel(url).catch((err: Error) => {
      personModels.delete(name);
      throw new Error(`could not load the person model from ${url}: ${err.message}`);
    });
    personModels.set(name, model);
  }
  return model;
}

function personDetector(options: PersonDetectorOptions): FaceDetector {
  return {
    description: `${options.model}@${options.minConfidence}`,
    minConfidence: options.minConfidence,
    detect: async (frame) => createPersonDetector(tf, await loadPersonModel(options.model), options).detect(frame),
    dispose() {},
  };
}

const detectors = new Map<string, FaceDetector>();

function detectorFor(options: DetectorOptions): FaceDetector {
  const key = JSON.stringify(options);
  let detector = detectors.get(key);
  if (!detector) {
    detector = isPersonModel(options) ? personDetector(options) : createFaceApiDetector(faceapi, options);
    detectors.set(key, detector);
  }
  return detector;
}

scope.onmessage = async (event) => {
  const request = event.data;
  if (request.type === 'init') {
    try {
      const backend = await startBackend(request.backends, request.assets.wasmBaseUrl);
      await loadModels(request.assets.modelBaseUrl);
      personModelBaseUrl = request.assets.personModelBaseUrl;
      scope.postMessage({ type: 'ready', backend });
    } catch (err) {
      scope.postMessage({ type: 'failed', message: (err as Error).message });
    }
    return;
  }
  try {
    const faces = await detectorFor(request.options).detect({ data: request.data, width: request.width, height: request.height });
    scope.postMessage({ type: 'faces', id: request.id, faces });
  } catch (err) {
    scope.postMessage({ type: 'error', id: request.id, message: (err as Error).message });
  }
};
