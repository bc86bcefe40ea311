import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as faceapi from '@vladmandic/face-api/dist/face-api.esm-nobundle.js';
import type { FaceDetector } from '../../../core/detection';
import { appendSegmentTracks } from '../../../core/edits';
import { describeSchedule, FaceAnalysis } from '../../../core/faceAnalysis';
import { createFaceApiDetector, type FaceApiDetectorOptions } from '../../../core/faceApiDetector';
import { scaleBox } from '../../../core/geometry';
import { splitFrames } from '../../../core/rawFrames';
import { DETECTION_PRESETS } from '../../../core/presets';
import type { Track } from '../../../core/project';
import { progressFromFrames } from '../../../electron/main/media/progress';
import type { AnalyseRequest, Backend, WorkerReply, WorkerRequest } from './protocol';

/**
 * The detection worker: the CLI's analysis engine (core/faceAnalysis) on face-api's browser build,
 * fed exact-index RGB frames streamed from the host. The clip is analysed in segments so tracks
 * reach the timeline while the run goes on; a face that crosses a segment boundary is joined.
 */

const scope = self as unknown as {
  postMessage(message: WorkerReply): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
};

/** Frames per segment: tracks are published after each one. */
const SEGMENT_FRAMES = 60;

let running: AbortController | null = null;
let backendReady: Promise<Backend> | null = null;

function post(message: WorkerReply): void {
  scope.postMessage(message);
}

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

async function startBackend(request: AnalyseRequest): Promise<Backend> {
  setWasmPaths(request.assets.wasmBaseUrl);
  const failures: string[] = [];
  for (const backend of request.backends) {
    const unsuitable = backend === 'webgl' && request.backends.length > 1 ? webglUnsuitable() : null;
    if (unsuitable) {
      failures.push(`webgl: ${unsuitable}`);
      continue;
    }
    try {
      if (await tf.setBackend(backend)) {
        await tf.ready();
        // A backend can start and still fail on the first kernel (no WebGL context in a worker).
        tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)).dataSync());
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

/** Fetches frames `first..last` as RGB24 from the host and yields them one at a time, in index order. */
async function* fetchFrames(framesUrl: string, first: number, last: number, width: number, signal: AbortSignal) {
  const response = await fetch(`${framesUrl}?start=${first}&count=${last - first + 1}&width=${width}`, { signal });
  if (!response.ok || !response.body) {
    throw new Error(`the host could not decode frames ${first}–${last} (${response.status} ${await response.text()})`);
  }
  const w = Number(response.headers.get('X-Frame-Width'));
  const h = Number(response.headers.get('X-Frame-Height'));
  if (!(w > 0 && h > 0)) throw new Error('the host sent frames without X-Frame-Width/X-Frame-Height headers');
  let index = first;
  for await (const data of splitFrames(response.body, w * h * 3)) {
    yield { index, frame: { data, width: w, height: h } };
    index++;
  }
  if (index <= last) throw new Error(`the host sent frames up to ${index - 1}, expected up to ${last}`);
}

async function analyse(request: AnalyseRequest, signal: AbortSignal): Promise<void> {
  post({ type: 'stage', stage: 'starting the face model' });
  backendReady ??= startBackend(request);
  const backend = await backendReady;
  post({ type: 'stage', stage: 'loading the face models', backend });
  await loadModels(request.assets.modelBaseUrl);
  const preset = DETECTION_PRESETS[request.preset];
  const detectors = new Map<string, FaceDetector>();
  const detectorFor = (options: FaceApiDetectorOptions) => {
    const key = JSON.stringify(options);
    let detector = detectors.get(key);
    if (!detector) {
      detector = createFaceApiDetector(faceapi, options);
      detectors.set(key, detector);
    }
    return detector;
  };

  const total = request.last - request.first + 1;
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const width = Math.min(preset.maxAnalysisWidth, request.source.width);
  let found: Track[] = [];
  let nextId = 1;
  let framesAnalysed = 0;
  let analysisWidth = width;
  let segment: { analysis: FaceAnalysis; first: number; scale: number } | null = null;
  let lastReport = 0;

  const closeSegment = async (lastFrame: number) => {
    if (!segment) return;
    const tracks = await segment.analysis.finish(lastFrame);
    framesAnalysed += segment.analysis.stats.framesAnalysed;
    const scale = segment.scale;
    const scaled = tracks.map((t) => ({
      ...t,
      id: `found-${nextId++}`,
      keyframes: t.keyframes.map((k) => ({ ...k, box: scaleBox(k.box, scale) })),
    }));
    found = appendSegmentTracks(found, scaled, segment.first);
    segment = null;
    post({ type: 'tracks', tracks: found });
  };

  post({ type: 'stage', stage: 'analysing', backend });
  let lastIndex = request.first - 1;
  try {
    // One request and one engine per segment: the host seeks to each segment's first frame.
    for (let first = request.first; first <= request.last && !signal.aborted; first += SEGMENT_FRAMES) {
      const last = Math.min(request.last, first + SEGMENT_FRAMES - 1);
      for await (const { index, frame } of fetchFrames(request.framesUrl, first, last, width, signal)) {
        if (!segment) {
          analysisWidth = frame.width;
          segment = { analysis: new FaceAnalysis(detectorFor, preset.schedule), first: index, scale: request.source.width / frame.width };
        }
        await segment.analysis.push(index, frame);
        lastIndex = index;
        if (signal.aborted) break;
        if (performance.now() - lastReport > 250) {
          lastReport = performance.now();
          post({ type: 'progress', progress: progressFromFrames(index - request.first + 1, total, elapsed()) });
        }
      }
      if (!signal.aborted) await closeSegment(last);
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
  // A cancelled run keeps what it found on the frames it analysed.
  await closeSegment(lastIndex);
  if (signal.aborted) {
    post({ type: 'cancelled', tracks: found, lastFrame: lastIndex });
    return;
  }
  post({ type: 'progress', progress: progressFromFrames(total, total, elapsed()) });
  post({
    type: 'done',
    tracks: found,
    record: {
      detector: describeSchedule(preset.schedule),
      minConfidence: Math.min(...preset.schedule.discovery.map((level) => level.detector.minConfidence)),
      analysisWidth,
      framesAnalysed,
    },
  });
}

scope.onmessage = (event) => {
  const request = event.data;
  if (request.type === 'cancel') {
    running?.abort();
    return;
  }
  if (running) {
    post({ type: 'failed', message: 'an analysis is already running' });
    return;
  }
  const controller = new AbortController();
  running = controller;
  analyse(request, controller.signal)
    .catch((err: Error) => post({ type: 'failed', message: err.message }))
    .finally(() => {
      if (running === controller) running = null;
    });
};
