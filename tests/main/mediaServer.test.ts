import { readFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrames, decodeFramesFrom } from '../../electron/main/media/decode';
import { probeVideo } from '../../electron/main/media/probe';
import { frameTimeline } from '../../electron/main/ipc/frameRange';
import { frameSeconds, rangeSeek } from '../../core/masterFormat';
import { seeksExactly } from '../../electron/main/media/probe';
import { createMediaServer, packageAssetDirs, parseRange, type MediaServer } from '../../electron/main/ipc/mediaServer';
import type { SourceInfo } from '../../core/project';
import { PERSON_MODEL_FILES } from '../../core/personDetector';
import { BLAZE_FACE_MODEL_FILES } from '../../core/blazeFace';
import { bframesClip, mkvClip, mpegPsClip, transportStreamClip, vfrClip } from './clips';

const BASE = 'blurline-media://media';

async function framesFromDecoder(source: SourceInfo, start: number, count: number, width?: number): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const frame of decodeFrames(source.path, { pixelFormat: 'rgb24', sourceWidth: source.width, sourceHeight: source.height, width })) {
    if (frame.index >= start + count) break;
    if (frame.index >= start) parts.push(frame.data);
  }
  return Buffer.concat(parts);
}

describe('media server: video files', () => {
  let server: MediaServer;
  let file: string;
  let url: string;
  beforeAll(async () => {
    server = createMediaServer({ baseUrl: BASE, assetDirs: packageAssetDirs() });
    file = await bframesClip();
    url = server.addSource(await probeVideo(file)).playbackUrl;
  });

  it('serves the whole file with its type, and says ranges are accepted', async () => {
    const res = await server.handle(new Request(url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(file))).toBe(true);
  });

  it('answers range requests with 206, Content-Range and exactly those bytes', async () => {
    const bytes = readFileSync(file);
    const size = bytes.length;
    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=1000-', 1000, size - 1],
      ['bytes=-500', size - 500, size - 1],
      [`bytes=${size - 10}-${size + 1000}`, size - 10, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const res = await server.handle(new Request(url, { headers: { Range: range } }));
      expect(res.status, range).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${size}`);
      expect(res.headers.get('content-length')).toBe(String(end - start + 1));
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(start, end + 1))).toBe(true);
    }
    const head = await server.handle(new Request(url, { method: 'HEAD', headers: { Range: 'bytes=0-9' } }));
    expect([head.status, head.headers.get('content-length'), head.body]).toEqual([206, '10', null]);
    const past = await server.handle(new Request(url, { headers: { Range: `bytes=${size}-` } }));
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${size}`);
  });

  it('parses ranges the way RFC 9110 says, ignoring what it may ignore', () => {
    expect(parseRange(null, 100)).toBeNull();
    expect(parseRange('bytes=0-9,20-29', 100)).toBeNull();
    expect(parseRange('items=0-9', 100)).toBeNull();
    expect(parseRange('bytes=5-2', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-200', 100)).toEqual({ start: 0, end: 99 });
  });

  it('serves only files opened through it: unknown tokens and paths are 404', async () => {
    for (const pathname of ['/video/0123456789abcdef', `/video/${encodeURIComponent(file)}`, '/video/../../etc/passwd', '/frames/nope?start=0&count=1', '/']) {
      expect((await server.handle(new Request(`${BASE}${pathname}`))).status, pathname).toBe(404);
    }
    expect((await server.handle(new Request(url, { method: 'POST' }))).status).toBe(405);
  });
});

describe('media server: exact-index frames', () => {
  let server: MediaServer;
  beforeAll(() => {
    server = createMediaServer({ baseUrl: BASE, assetDirs: packageAssetDirs() });
  });

  async function fetchFrames(framesUrl: string, query: string) {
    const res = await server.handle(new Request(`${framesUrl}?${query}`));
    return { res, body: Buffer.from(await res.arrayBuffer()) };
  }

  const clips: [string, () => Promise<string>][] = [
    ['MP4 with B-frames', bframesClip],
    ['variable frame rate MP4', vfrClip],
    ['Matroska', mkvClip],
    ['MPEG-2 program stream (no index: seeks to the keyframe before)', mpegPsClip],
    ['MPEG-TS from a dashcam (no index: seeks to the keyframe before)', transportStreamClip],
  ];
  for (const [name, clip] of clips) {
    it(`gives the same bytes as decodeFrames from frame 0 and from frames inside GOPs (${name})`, async () => {
      const source = await probeVideo(await clip());
      const { framesUrl } = server.addSource(source);
      // Starts on and beside keyframes (every 12–20 frames) and the VFR clip's jumps (31, 61).
      const ranges: [start: number, count: number, width?: number][] = [[0, 3], [1, 2], [12, 2], [13, 1], [31, 3], [37, 4, 160], [61, 2], [source.frameCount - 2, 5]];
      for (const [start, count, width] of ranges) {
        const { res, body } = await fetchFrames(framesUrl, `start=${start}&count=${count}${width ? `&width=${width}` : ''}`);
        expect(res.status).toBe(200);
        const w = width ?? source.width;
        const h = width ? 120 : source.height;
        expect([res.headers.get('x-frame-width'), res.headers.get('x-frame-height')]).toEqual([String(w), String(h)]);
        const expected = await framesFromDecoder(source, start, count, width);
        // Past the end fewer frames come back, exactly as many as exist.
        expect(body.length, `start=${start}`).toBe(expected.length);
        expect(body.equals(expected), `start=${start} count=${count}`).toBe(true);
      }
    });
  }

  it('reaches a frame in a transport or program stream from the keyframe before it, not from the first frame', async () => {
    for (const [clip, gop] of [[transportStreamClip, 18], [mpegPsClip, 15]] as const) {
      const source = await probeVideo(await clip());
      const timeline = (await frameTimeline(source))!;
      expect(timeline.keyframes.slice(0, 3), source.path).toEqual([0, gop, 2 * gop]);
      expect(rangeSeek(timeline, 2 * gop + 5, seeksExactly(source.container))).toMatchObject({ frame: 2 * gop });
      expect(rangeSeek(timeline, gop - 1, seeksExactly(source.container))).toBeNull();
    }
  });

  it('decodes from the first frame again when a seek lands anywhere but on its frame', async () => {
    const source = await probeVideo(await transportStreamClip());
    const timeline = (await frameTimeline(source))!;
    // A seek said to land on frame 20 whose time is frame 40's: the first frame shows it, so the frames come from frame 0.
    const seek = { frame: 20, seconds: (frameSeconds(timeline, 39) + frameSeconds(timeline, 40)) / 2 };
    const options = { pixelFormat: 'rgb24' as const, sourceWidth: source.width, sourceHeight: source.height, startFrame: 20, maxFrames: 3, timeline };
    const frames = [];
    for await (const frame of decodeFramesFrom(source.path, options, seek)) frames.push(frame);
    expect(frames.map((f) => f.index)).toEqual([20, 21, 22]);
    expect(Buffer.concat(frames.map((f) => f.data)).equals(await framesFromDecoder(source, 20, 3))).toBe(true);
  });

  it('knows the time of every decoded frame, in indexed containers and in the program stream', async () => {
    for (const clip of [vfrClip, mpegPsClip]) {
      const source = await probeVideo(await clip());
      const timeline = await frameTimeline(source);
      // (The VFR header counts a packet the edit list discards: 100; decoding gives 99 frames.)
      const decoded = (await framesFromDecoder(source, 0, Infinity, 32)).length / (32 * Math.round((32 * source.height) / source.width / 2) * 2 * 3);
      expect(timeline?.pts.length, source.path).toBe(decoded);
    }
  });

  it('answers an empty body past the end, and 400 for a bad query', async () => {
    const source = await probeVideo(await bframesClip());
    const { framesUrl } = server.addSource(source);
    const wide = await fetchFrames(framesUrl, 'start=0&count=1&width=4000');
    expect([wide.res.headers.get('x-frame-width'), wide.body.length]).toEqual([String(source.width), source.width * source.height * 3]);
    const past = await fetchFrames(framesUrl, `start=${source.frameCount + 5}&count=2`);
    expect([past.res.status, past.body.length]).toEqual([200, 0]);
    for (const query of ['start=-1&count=1', 'start=0&count=0', 'start=0', 'start=a&count=1', 'start=0&count=1&width=1', 'start=0&count=100000']) {
      const { res, body } = await fetchFrames(framesUrl, query);
      expect(res.status, query).toBe(400);
      expect(JSON.parse(body.toString())).toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
  });

  it('stops ffmpeg when the reader cancels mid-stream', async () => {
    const source = await probeVideo(await bframesClip());
    const { framesUrl } = server.addSource(source);
    const res = await server.handle(new Request(`${framesUrl}?start=0&count=100`));
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    // A second request still works: nothing is left holding the file or the server.
    const again = await fetchFrames(framesUrl, 'start=10&count=1');
    expect(again.body.length).toBe(source.width * source.height * 3);
  });
});

describe('media server: detection assets', () => {
  let server: MediaServer;
  beforeAll(() => {
    server = createMediaServer({ baseUrl: BASE, assetDirs: packageAssetDirs() });
  });

  it('serves the face models, the person models, the BlazeFace models and the tfjs wasm binaries under the URLs detectionAssets names', async () => {
    const { modelBaseUrl, wasmBaseUrl, personModelBaseUrl, mediapipeModelBaseUrl } = server.detectionAssets();
    for (const file of Object.values(PERSON_MODEL_FILES)) {
      const graph = await server.handle(new Request(`${personModelBaseUrl}${file}`));
      expect(graph.status, file).toBe(200);
      const { weightsManifest } = (await graph.json()) as { weightsManifest: { paths: string[] }[] };
      const weights = await server.handle(new Request(`${personModelBaseUrl}${weightsManifest[0].paths[0]}`));
      expect(weights.status, file).toBe(200);
      expect((await weights.arrayBuffer()).byteLength).toBeGreaterThan(1_000_000);
    }
    for (const file of Object.values(BLAZE_FACE_MODEL_FILES)) {
      const base = file.endsWith('.tflite') ? mediapipeModelBaseUrl : personModelBaseUrl;
      const model = await server.handle(new Request(`${base}${file}`));
      expect(model.status, file).toBe(200);
      // A TFLite FlatBuffer carries its identifier at bytes 4–8; human's BlazeFace is a graph manifest.
      if (file.endsWith('.tflite')) expect(Buffer.from(await model.arrayBuffer()).subarray(4, 8).toString('latin1'), file).toBe('TFL3');
      else expect((await model.json()) as object, file).toHaveProperty('weightsManifest');
    }
    const manifest = await server.handle(new Request(`${modelBaseUrl}ssd_mobilenetv1_model-weights_manifest.json`));
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('content-type')).toBe('application/json');
    expect(Array.isArray(await manifest.json())).toBe(true);
    const wasm = await server.handle(new Request(`${wasmBaseUrl}tfjs-backend-wasm-simd.wasm`));
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    // Every wasm module starts with \0asm.
    expect(Buffer.from(await wasm.arrayBuffer()).subarray(0, 4).toString('latin1')).toBe('\0asm');
  });

  it('never serves anything outside the asset folders', async () => {
    for (const name of ['..%2Fpackage.json', '.hidden', 'missing.bin', '%2Fetc%2Fpasswd']) {
      expect((await server.handle(new Request(`${BASE}/models/${name}`))).status, name).toBe(404);
    }
  });
});
