import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as faceapi from '@vladmandic/face-api/dist/face-api.esm-nobundle.js';
import * as ort from 'onnxruntime-web/wasm';
import { BLAZE_FACE_MODEL_FILES, createBlazeFaceDetector, isBlazeFaceModel, type BlazeFaceDetectorOptions, type BlazeFaceNet } from '../../../core/blazeFace';
import { detectorName, type DetectorOptions, type FaceDetector } from '../../../core/detection';
import { fileName } from '../../../core/paths';
import { createFaceApiDetector } from '../../../core/faceApiDetector';
import { createOnnxModelDetector, float32Outputs, loadOnnxFaceModel, type OnnxDetectorOptions, type OnnxModelInput } from '../../../core/onnxFaceModels';
import { createPersonDetector, isPersonModel, PERSON_MODEL_FILES, type PersonDetectorOptions, type PersonModel } from '../../../core/personDetector';
import type { DetectionAssets } from '../../../electron/shared/contract';
import { installFastWasmConcat, type TfKernelRegistry } from '../../../core/tfKernels';
import { buildTfliteGraph, readTfliteModel } from '../../../core/tflite';
import type { Backend, DetectorReply, DetectorRequest } from './protocol';

/**
 * A face-model worker: face-api's browser build on one tensorflow backend, models loaded from the
 * host, and the user's own ONNX model (if a schedule names one) on onnxruntime-web's wasm backend.
 * The analysis worker runs several (one per core with wasm) and sends each a crop to search.
 * It also runs the person models (CenterNet and MoveNet, from @vladmandic/human) for the person safety net,
 * and the BlazeFace face models (human's tfjs graph; MediaPipe's .tflite files, read by core/tflite.ts).
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

const hex = (digest: ArrayBuffer) => [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');

/**
 * The user's own model, fetched from the host by its SHA-256 and checked against it (a file
 * changed since it was chosen is refused), on onnxruntime-web's wasm backend.
 */
async function createOnnxWebDetector(options: OnnxDetectorOptions, assets: DetectionAssets): Promise<FaceDetector> {
  const name = fileName(options.file);
  // One thread: the pool has a worker per core (and more would need cross-origin isolation). Its
  // wasm binary comes with the renderer: onnxruntime-web's bundle names it by a URL relative to
  // itself, which Vite resolves to the built copy (served from the app's own origin, as CSP wants).
  ort.env.wasm.numThreads = 1;
  const response = await fetch(`${assets.detectorModelBaseUrl}${options.sha256}`);
  if (!response.ok) throw new Error(`could not load ${name} from the host (${response.status})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (hex(await crypto.subtle.digest('SHA-256', bytes)) !== options.sha256) throw new Error(`${name} has changed since it was chosen`);
  const { session, model } = await loadOnnxFaceModel(bytes, (b) => ort.InferenceSession.create(b, { executionProviders: ['wasm'] }), (s) => s.release());
  const run = async (input: OnnxModelInput) => float32Outputs(await session.run({ [model.inputName]: new ort.Tensor('float32', input.data, input.dims) }));
  return createOnnxModelDetector(model, run, name, options.minConfidence, () => void session.release());
}

/** Set by `init`: where the user's model and the person models come from. */
let detectionAssets: DetectionAssets | null = null;
const personModels = new Map<PersonDetectorOptions['model'], Promise<PersonModel>>();

/** A person model is loaded on its first search: most searches are for faces, and each worker holds its own copy. */
function loadPersonModel(name: PersonDetectorOptions['model']): Promise<PersonModel> {
  let model = personModels.get(name);
  if (!model) {
    const url = `${detectionAssets!.personModelBaseUrl.replace(/\/?$/, '/')}${PERSON_MODEL_FILES[name]}`;
    model = tf.loadGraphModel(url).catch((err: Error) => {
      personModels.delete(name);
      throw new Error(`could not load the person model from ${url}: ${err.message}`);
    });
    personModels.set(name, model);
  }
  return model;
}

/** A detector whose model loads on its first search. */
function loadingDetector(options: DetectorOptions, create: () => Promise<FaceDetector>): FaceDetector {
  return {
    description: detectorName(options),
    minConfidence: options.minConfidence,
    detect: async (frame) => (await create()).detect(frame),
    dispose() {},
  };
}

function personDetector(options: PersonDetectorOptions): FaceDetector {
  return loadingDetector(options, async () => createPersonDetector(tf, await loadPersonModel(options.model), options));
}

const blazeFaceNets = new Map<BlazeFaceDetectorOptions['model'], Promise<BlazeFaceNet>>();

/** A BlazeFace network, loaded on its first search: human's graph by URL, MediaPipe's .tflite fetched and built on tfjs ops. */
function loadBlazeFaceNet(name: BlazeFaceDetectorOptions['model']): Promise<BlazeFaceNet> {
  let net = blazeFaceNets.get(name);
  if (!net) {
    const base = name === 'blazeface-human' ? detectionAssets!.personModelBaseUrl : detectionAssets!.mediapipeModelBaseUrl;
    const url = `${base.replace(/\/?$/, '/')}${BLAZE_FACE_MODEL_FILES[name]}`;
    net = (async (): Promise<BlazeFaceNet> => {
      if (name === 'blazeface-human') {
        const graph = await tf.loadGraphModel(url);
        return (input) => graph.execute(input) as tf.Tensor[];
      }
      const response = await fetch(url);
      if (!response.ok) throw new Error(`status ${response.status}`);
      return buildTfliteGraph(tf, readTfliteModel(new Uint8Array(await response.arrayBuffer())));
    })().catch((err: Error) => {
      blazeFaceNets.delete(name);
      throw new Error(`could not load the ${name} face model from ${url}: ${err.message}`);
    });
    blazeFaceNets.set(name, net);
  }
  return net;
}

function blazeFaceDetector(options: BlazeFaceDetectorOptions): FaceDetector {
  return loadingDetector(options, async () => createBlazeFaceDetector(tf, await loadBlazeFaceNet(options.model), options));
}

const detectors = new Map<string, Promise<FaceDetector>>();

function detectorFor(options: DetectorOptions): Promise<FaceDetector> {
  const key = JSON.stringify(options);
  let detector = detectors.get(key);
  if (!detector) {
    detector =
      options.model === 'onnx'
        ? createOnnxWebDetector(options, detectionAssets!)
        : Promise.resolve(
            isPersonModel(options) ? personDetector(options) : isBlazeFaceModel(options) ? blazeFaceDetector(options) : createFaceApiDetector(faceapi, options),
          );
    // A model that failed to load is tried again by the next search (and fails it with why).
    detector.catch(() => detectors.delete(key));
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
      detectionAssets = request.assets;
      scope.postMessage({ type: 'ready', backend });
    } catch (err) {
      scope.postMessage({ type: 'failed', message: (err as Error).message });
    }
    return;
  }
  try {
    const faces = await (await detectorFor(request.options)).detect({ data: request.data, width: request.width, height: request.height });
    scope.postMessage({ type: 'faces', id: request.id, faces });
  } catch (err) {
    scope.postMessage({ type: 'error', id: request.id, message: (err as Error).message });
  }
};
