import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Readable } from 'node:stream';
import { BlurlineError } from '../../../core/errors';
import type { SourceInfo } from '../../../core/project';
import type { DetectionAssets } from '../../shared/contract';
import { decodeSize } from '../media/decode';
import { assertReadableFile } from '../media/probe';
import { toIpcError } from './calls';
import type { FrameTimeline } from '../../../core/masterFormat';
import { frameRange, frameTimeline } from './frameRange';
import { humanModelDir, mediapipeModelDir } from '../detect/nodeFaceDetector';

/**
 * The media server the renderer reads pictures from, as one WHATWG `(Request) => Response`
 * function: Electron mounts it on the `blurline-media:` scheme, the browser tests on a local
 * HTTP port (httpMediaServer.ts). It serves only what the user opened, under random tokens:
 *
 *   /video/<token>                       the file, with Range support (what `<video>` seeks with)
 *   /frames/<token>?start=&count=&width= exact-index RGB24 frames (see frameRange.ts)
 *   /models/<file>, /wasm/<file>         the face models and tfjs wasm binaries
 *   /person-models/<file>                the person models and BlazeFace (human's models folder)
 *   /mediapipe-models/<file>             MediaPipe's BlazeFace models (.tflite)
 *   /detector-model/<sha256>             the user's own ONNX face model, once chosen
 */

export interface AssetDirs {
  /** face-api model files (`*.json` manifests and `*.bin` weights). */
  models: string;
  /** tfjs-backend-wasm `*.wasm` binaries. */
  wasm: string;
  /** @vladmandic/human's models, the person models (CenterNet, MoveNet) and BlazeFace among them. */
  personModels: string;
  /** @mediapipe/face_detection's folder (BlazeFace short and full range, .tflite). */
  mediapipeModels: string;
}

const require = createRequire(import.meta.url);

/** The asset folders inside the installed packages (in a packaged app: inside app.asar). */
export function packageAssetDirs(): AssetDirs {
  const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));
  return {
    models: path.join(packageDir('@vladmandic/face-api'), 'model'),
    wasm: path.join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist'),
    personModels: humanModelDir(),
    mediapipeModels: mediapipeModelDir(),
  };
}

interface Entry {
  file: string;
  /** Set for sources (frames can be served); null for playback-only files such as proxies. */
  source: SourceInfo | null;
  timeline?: Promise<FrameTimeline | null>;
}

export interface MediaServer {
  /** Serves one request; never throws (errors are answered with a status and a JSON body). */
  handle(request: Request): Promise<Response>;
  /** Makes a source playable and decodable; returns its URLs. */
  addSource(source: SourceInfo): { playbackUrl: string; framesUrl: string };
  /** Makes a file (a proxy) playable; returns its URL. */
  addPlayback(file: string): string;
  /** A source opened in this session, by its SHA-256; null for any other. */
  openedSource(sha256: string): SourceInfo | null;
  detectionAssets(): DetectionAssets;
  /** Serves the user's model file under its SHA-256 (checked by the caller). */
  addDetectorModel(file: string, sha256: string): void;
}

/** Most frames one request may ask for (a detection batch is tens; this only bounds a bad caller). */
const MAX_FRAMES_PER_REQUEST = 2000;

const CONTENT_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  // Chromium plays H.264 in QuickTime files only when told they are MP4.
  '.mov': 'video/mp4',
  '.webm': 'video/webm',
  '.mkv': 'video/webm',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.tflite': 'application/octet-stream',
  // WebAssembly.instantiateStreaming insists on this type.
  '.wasm': 'application/wasm',
};

/** Headers on every answer: the renderer's origin differs from the media origin, and reads these. */
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Range',
  'Access-Control-Expose-Headers': 'Content-Range, Content-Length, Accept-Ranges, X-Frame-Width, X-Frame-Height',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

function respond(status: number, body: ReadableStream<Uint8Array> | string | null, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { ...CORS_HEADERS, 'Cache-Control': 'no-store', ...headers } });
}

function errorResponse(status: number, err: unknown): Response {
  const { code, message } = toIpcError(err);
  return respond(status, JSON.stringify({ code, message }), { 'Content-Type': 'application/json' });
}

const fileBody = (file: string, start: number, end: number) =>
  Readable.toWeb(createReadStream(file, { start, end })) as ReadableStream<Uint8Array>;

export type ByteRange = { start: number; end: number } | 'unsatisfiable' | null;

/**
 * Parses a single `bytes=` range against a file size (end inclusive). Null means "send it all"
 * (no header, another unit, or several ranges, which a server may ignore).
 */
export function parseRange(header: string | null, size: number): ByteRange {
  const match = header?.match(/^bytes=(\d*)-(\d*)$/);
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    return suffix === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  return start >= size || end < start ? 'unsatisfiable' : { start, end };
}

async function serveFile(request: Request, file: string): Promise<Response> {
  const size = await assertReadableFile(file, 'video');
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  const headers = { 'Content-Type': type, 'Accept-Ranges': 'bytes' };
  const range = parseRange(request.headers.get('range'), size);
  if (range === 'unsatisfiable') return respond(416, null, { ...headers, 'Content-Range': `bytes */${size}` });
  const { start, end } = range ?? { start: 0, end: size - 1 };
  const length = end - start + 1;
  const body = request.method === 'HEAD' || length <= 0 ? null : fileBody(file, start, end);
  if (!range) return respond(200, body, { ...headers, 'Content-Length': String(size) });
  return respond(206, body, { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': String(length) });
}

/** Reads an integer query parameter within bounds; `fallback` when absent. */
function intParam(url: URL, name: string, min: number, max: number, fallback?: number): number {
  const text = url.searchParams.get(name);
  if (text === null && fallback !== undefined) return fallback;
  const value = Number(text);
  if (text === null || text === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new BlurlineError('INVALID_ARGUMENT', `${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/**
 * Frames as a response body, read one at a time as the reader asks (memory stays bounded); the
 * decoder stops when the reader goes away, and a failure after the first frame errors the stream
 * instead of ending it as if complete.
 */
function framesBody(frames: AsyncGenerator<Uint8Array>, first: IteratorResult<Uint8Array>): ReadableStream<Uint8Array> {
  let pending: IteratorResult<Uint8Array> | null = first;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const result = pending ?? (await frames.next());
        pending = null;
        if (result.done) controller.close();
        else controller.enqueue(result.value);
      },
      async cancel() {
        await frames.return(undefined);
      },
    },
    { highWaterMark: 4 << 20, size: (chunk) => chunk.byteLength },
  );
}

export function createMediaServer(options: { baseUrl: string; assetDirs: AssetDirs }): MediaServer {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const entries = new Map<string, Entry>();
  const detectorModels = new Map<string, string>();

  const add = (entry: Entry) => {
    const token = randomBytes(16).toString('hex');
    entries.set(token, entry);
    return token;
  };

  async function serveFrames(request: Request, url: URL, entry: Entry): Promise<Response> {
    const source = entry.source;
    if (!source) return errorResponse(404, new BlurlineError('INVALID_ARGUMENT', 'no frames for this file'));
    const start = intParam(url, 'start', 0, Number.MAX_SAFE_INTEGER);
    const count = intParam(url, 'count', 1, MAX_FRAMES_PER_REQUEST);
    // A width above the source's gives the source size (decodeSize); the headers say which.
    const width = intParam(url, 'width', 2, 16384, source.width);
    const size = decodeSize({ sourceWidth: source.width, sourceHeight: source.height, width });
    const headers = {
      'Content-Type': 'application/octet-stream',
      'X-Frame-Width': String(size.width),
      'X-Frame-Height': String(size.height),
    };
    // Read once per opened source; a failed read is tried again by the next request.
    entry.timeline ??= frameTimeline(source).catch((err: unknown) => {
      entry.timeline = undefined;
      throw err;
    });
    const timeline = await entry.timeline;
    if (timeline && start >= timeline.pts.length) return respond(200, null, headers);
    if (request.method === 'HEAD') return respond(200, null, headers);
    const frames = frameRange(source, { start, count, width }, timeline, request.signal);
    // The first frame (or the failure) comes before the answer, so a decode that fails at once gets an error status.
    const first = await frames.next();
    return respond(200, framesBody(frames, first), headers);
  }

  async function serveAsset(dir: string, name: string): Promise<Response> {
    // One plain file name: no separators, no dot-dot, so nothing outside the folder is reachable.
    if (!/^[\w][\w.-]*$/.test(name)) return errorResponse(404, new BlurlineError('INVALID_ARGUMENT', 'not found'));
    return servePlainFile(path.join(dir, name));
  }

  async function servePlainFile(file: string): Promise<Response> {
    const name = path.basename(file);
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
    } catch {
      return errorResponse(404, new BlurlineError('INVALID_ARGUMENT', `no such asset: ${name}`));
    }
    const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
    return respond(200, body, { 'Content-Type': CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream', 'Cache-Control': 'max-age=3600' });
  }

  async function handle(request: Request): Promise<Response> {
    if (request.method === 'OPTIONS') return respond(204, null, { 'Access-Control-Allow-Methods': 'GET, HEAD' });
    if (request.method !== 'GET' && request.method !== 'HEAD') return respond(405, null, { Allow: 'GET, HEAD' });
    const url = new URL(request.url);
    const [, route, name, ...rest] = url.pathname.split('/');
    try {
      if (rest.length === 0 && name) {
        if (route === 'models') return await serveAsset(options.assetDirs.models, name);
        if (route === 'wasm') return await serveAsset(options.assetDirs.wasm, name);
        if (route === 'person-models') return await serveAsset(options.assetDirs.personModels, name);
        if (route === 'mediapipe-models') return await serveAsset(options.assetDirs.mediapipeModels, name);
        const model = route === 'detector-model' ? detectorModels.get(name) : undefined;
        if (model) return await servePlainFile(model);
        const entry = entries.get(name);
        if (entry && route === 'video') return await serveFile(request, entry.file);
        if (entry && route === 'frames') return await serveFrames(request, url, entry);
      }
      return errorResponse(404, new BlurlineError('INVALID_ARGUMENT', 'not found (only files opened in Blurline are served)'));
    } catch (err) {
      const code = err instanceof BlurlineError ? err.code : 'INTERNAL';
      return errorResponse(code === 'INVALID_ARGUMENT' ? 400 : code === 'SOURCE_NOT_FOUND' ? 404 : 500, err);
    }
  }

  return {
    handle,
    addSource(source) {
      const token = add({ file: source.path, source });
      return { playbackUrl: `${baseUrl}/video/${token}`, framesUrl: `${baseUrl}/frames/${token}` };
    },
    addPlayback(file) {
      return `${baseUrl}/video/${add({ file, source: null })}`;
    },
    openedSource(sha256) {
      for (const entry of entries.values()) if (entry.source?.sha256 === sha256) return entry.source;
      return null;
    },
    detectionAssets: () => ({
      modelBaseUrl: `${baseUrl}/models/`,
      wasmBaseUrl: `${baseUrl}/wasm/`,
      personModelBaseUrl: `${baseUrl}/person-models/`,
      mediapipeModelBaseUrl: `${baseUrl}/mediapipe-models/`,
      detectorModelBaseUrl: `${baseUrl}/detector-model/`,
    }),
    addDetectorModel(file, sha256) {
      detectorModels.set(sha256, file);
    },
  };
}
