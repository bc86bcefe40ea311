import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RgbFrame } from '../../core/detection';
import { findBinary, REPO_ROOT } from '../../electron/main/media/binaries';

/** Independent helpers for tests: they call the ffmpeg binaries directly, not Blurline's pipeline. */

const run = promisify(execFile);

export const FACE_SAMPLES_DIR = path.join(REPO_ROOT, 'node_modules/@vladmandic/face-api/demo');
export const samplePath = (n: number) => path.join(FACE_SAMPLES_DIR, `sample${n}.jpg`);
/** The reference YuNet face model beside the checkout (a user's own model in tests; never shipped). */
export const YUNET_MODEL = path.join(REPO_ROOT, '../shared/anchors/yunet.onnx');
/** Annotated real photos beside the checkout (README there). */
export const FACES_DEV_DIR = path.join(REPO_ROOT, '../shared/faces-dev');

/** A photo as one RGB frame, at its own size or scaled (bilinear) to `width` and the even height that keeps its aspect. */
export async function loadPhoto(file: string, width?: number): Promise<RgbFrame> {
  const stream = (await ffprobeJson(file, ['-show_streams'])).streams[0];
  const scaled = width !== undefined && width < stream.width;
  const size = scaled ? { width, height: Math.round((stream.height * width) / stream.width / 2) * 2 } : { width: stream.width, height: stream.height };
  const { stdout } = await run(
    findBinary('ffmpeg').path,
    ['-v', 'error', '-i', file, '-frames:v', '1', ...(scaled ? ['-vf', `scale=${size.width}:${size.height}:flags=bilinear`] : []), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 1 << 28 },
  );
  if (stdout.length !== size.width * size.height * 3) throw new Error(`${file}: expected one ${size.width}×${size.height} frame, got ${stdout.length} bytes`);
  return { data: new Uint8Array(stdout), ...size };
}

export async function ffmpeg(args: string[]): Promise<string> {
  const { stderr } = await run(findBinary('ffmpeg').path, ['-hide_banner', '-v', 'error', '-y', ...args], { maxBuffer: 1 << 26 });
  return stderr;
}

export async function ffprobeJson(file: string, extra: string[] = ['-show_format', '-show_streams']): Promise<any> {
  const { stdout } = await run(findBinary('ffprobe').path, ['-v', 'error', '-print_format', 'json', ...extra, file], { maxBuffer: 1 << 26 });
  return JSON.parse(stdout);
}

/** Decodes a video to 8-bit grey frames at its own size (every decoded frame, or as `timing` says). */
export async function readGrayFrames(file: string, width: number, height: number, timing = ['-vsync', 'passthrough']): Promise<Uint8Array[]> {
  const { stdout } = await run(
    findBinary('ffmpeg').path,
    ['-v', 'error', '-i', file, '-map', '0:v:0', ...timing, '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'],
    { maxBuffer: 1 << 30, encoding: 'buffer' },
  );
  const size = width * height;
  const frames: Uint8Array[] = [];
  for (let off = 0; off + size <= stdout.length; off += size) frames.push(new Uint8Array(stdout.subarray(off, off + size)));
  return frames;
}

/** Mean R, G, B of a rectangle of one frame. */
export async function meanRgb(file: string, frame: number, rect: Rect): Promise<[number, number, number]> {
  const { stdout } = await run(
    findBinary('ffmpeg').path,
    ['-v', 'error', '-i', file, '-vf', `select=eq(n\\,${frame}),crop=${rect.width}:${rect.height}:${rect.x}:${rect.y}`, '-vframes', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    { maxBuffer: 1 << 26, encoding: 'buffer' },
  );
  const sums = [0, 0, 0];
  for (let i = 0; i < stdout.length; i++) sums[i % 3] += stdout[i];
  const n = stdout.length / 3;
  return [sums[0] / n, sums[1] / n, sums[2] / n];
}

/** MD5 of a stream's packets (copied, not decoded): equal hashes mean bit-identical streams. */
export async function streamPacketsMd5(file: string, map: string): Promise<string> {
  const { stdout } = await run(findBinary('ffmpeg').path, ['-v', 'error', '-i', file, '-map', map, '-c', 'copy', '-f', 'md5', 'pipe:1']);
  return stdout.trim();
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Detail inside a rectangle (or the ellipse inscribed in it: the shape of a face): the mean
 * absolute Laplacian of the picture averaged over `cell`×`cell` blocks. Cells of a few pixels
 * keep the features that identify a face (eyes, mouth, nose) and average away codec noise,
 * which would otherwise put a floor under the detail of any blurred area.
 */
export function highFrequencyEnergy(gray: Uint8Array, width: number, rect: Rect, shape: 'rect' | 'ellipse' = 'rect', cell = 1): number {
  const cols = Math.floor(rect.width / cell);
  const rows = Math.floor(rect.height / cell);
  const grid = new Float64Array(cols * rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let sum = 0;
      for (let y = 0; y < cell; y++) for (let x = 0; x < cell; x++) sum += gray[(rect.y + r * cell + y) * width + rect.x + c * cell + x];
      grid[r * cols + c] = sum / (cell * cell);
    }
  }
  let total = 0;
  let n = 0;
  for (let r = 1; r < rows - 1; r++) {
    for (let c = 1; c < cols - 1; c++) {
      if (shape === 'ellipse' && ((c + 0.5 - cols / 2) / (cols / 2)) ** 2 + ((r + 0.5 - rows / 2) / (rows / 2)) ** 2 > 1) continue;
      const i = r * cols + c;
      total += Math.abs(4 * grid[i] - grid[i - 1] - grid[i + 1] - grid[i - cols] - grid[i + cols]);
      n++;
    }
  }
  return n ? total / n : 0;
}

/** Mean absolute difference of two grey frames inside a rectangle. */
export function meanAbsDiff(a: Uint8Array, b: Uint8Array, width: number, rect: Rect): number {
  let sum = 0;
  let n = 0;
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let x = rect.x; x < rect.x + rect.width; x++) {
      sum += Math.abs(a[y * width + x] - b[y * width + x]);
      n++;
    }
  }
  return n ? sum / n : 0;
}

export const FIXTURE_DIR = path.join(os.tmpdir(), 'blurline-test-fixtures');

/**
 * A generated clip, made once per machine and reused: the name carries a hash of the ffmpeg
 * arguments, so changing a generator makes a new file. Written to a temp name then renamed,
 * so parallel test files never see half a clip.
 */
export async function generatedClip(name: string, args: string[], ext = 'mp4'): Promise<string> {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const key = createHash('sha1').update(JSON.stringify(args)).digest('hex').slice(0, 10);
  const file = path.join(FIXTURE_DIR, `${name}-${key}.${ext}`);
  if (existsSync(file)) return file;
  const temp = path.join(FIXTURE_DIR, `.${name}-${key}-${process.pid}.${ext}`);
  await ffmpeg([...args, temp]);
  renameSync(temp, file);
  return file;
}

/** A clip that shows a real face photo (cropped from the face-api samples) moving across a test pattern, with a tone and identifying tags. */
export const FACE_CLIP = {
  width: 1280,
  height: 720,
  fps: 25,
  frames: 75,
  /** The face's bounding box in the clip at frame n (the photo's face box, scaled and moved). */
  faceBoxAt(n: number): Rect {
    return { x: 80 + 6 * n + 35, y: 180 + 36, width: 142, height: 191 };
  },
  /** Where the photo (face plus hair and shoulders) is at frame n. */
  photoBoxAt(n: number): Rect {
    return { x: 80 + 6 * n, y: 180, width: 212, height: 264 };
  },
};

/**
 * The face clip, or its first `frames` frames made the same way (the same picture, sound and tags,
 * only shorter: FACE_CLIP's boxes hold on every frame), for tests that need fewer frames.
 */
export function faceClip(frames: number = FACE_CLIP.frames): Promise<string> {
  const seconds = String(frames / FACE_CLIP.fps);
  return generatedClip(frames === FACE_CLIP.frames ? 'face-moving' : `face-moving-${frames}f`, [
    '-f', 'lavfi', '-i', `testsrc2=s=${FACE_CLIP.width}x${FACE_CLIP.height}:r=${FACE_CLIP.fps}:d=${seconds}`,
    '-loop', '1', '-framerate', String(FACE_CLIP.fps), '-i', samplePath(1),
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    '-filter_complex', "[1:v]crop=265:330:370:310,scale=212:264[face];[0:v][face]overlay=x='80+6*n':y=180:eval=frame:shortest=1,format=yuv420p[v]",
    '-map', '[v]', '-map', '2:a',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-c:a', 'aac', '-b:a', '128k', '-t', seconds,
    '-metadata', 'title=Ambulance cam 3', '-metadata', 'location=+48.8584+002.2945/', '-metadata', 'comment=device SN 12345',
    '-metadata', 'creation_time=2024-01-01T10:00:00Z', '-metadata:s:v:0', 'handler_name=GoPro AVC', '-metadata:s:a:0', 'language=eng',
  ]);
}

/**
 * Decodes a video's luma to 10-bit values (gray10le) at its own size: what a 10-bit master really
 * holds. (ffmpeg's own 10 → 8-bit conversion dithers, which reads as fine detail.)
 */
export async function readGray10Frames(file: string, width: number, height: number): Promise<Uint16Array[]> {
  const { stdout } = await run(
    findBinary('ffmpeg').path,
    ['-v', 'error', '-i', file, '-map', '0:v:0', '-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'gray10le', 'pipe:1'],
    { maxBuffer: 1 << 30, encoding: 'buffer' },
  );
  const size = width * height * 2;
  const frames: Uint16Array[] = [];
  for (let off = 0; off + size <= stdout.length; off += size) frames.push(new Uint16Array(stdout.buffer.slice(stdout.byteOffset + off, stdout.byteOffset + off + size)));
  return frames;
}

/** One audio stream decoded to interleaved PCM samples (`s16le` or `s32le`), for sample-exact comparisons. */
export async function readPcm(file: string, audioIndex: number, format: 's16le' | 's32le' = 's16le'): Promise<Int16Array | Int32Array> {
  const { stdout } = await run(
    findBinary('ffmpeg').path,
    ['-v', 'error', '-i', file, '-map', `0:a:${audioIndex}`, '-f', format, '-c:a', `pcm_${format}`, 'pipe:1'],
    { maxBuffer: 1 << 30, encoding: 'buffer' },
  );
  const copy = stdout.buffer.slice(stdout.byteOffset, stdout.byteOffset + stdout.length);
  return format === 's16le' ? new Int16Array(copy) : new Int32Array(copy);
}

/**
 * A clip of genuine 10-bit video (no 8-bit values widened): a ramp across the picture with fine
 * moving stripes, written as raw yuv420p10le frames and encoded losslessly (HEVC) by the caller's
 * arguments. `encode` gets the raw input arguments and returns the rest of the ffmpeg command.
 */
export async function tenBitClip(name: string, size: { width: number; height: number; fps: number; frames: number }, encode: string[], ext: string): Promise<string> {
  const { width: w, height: h, fps, frames } = size;
  mkdirSync(FIXTURE_DIR, { recursive: true });
  // The name says what the frames hold, so changing the pattern makes new files.
  const raw = path.join(FIXTURE_DIR, `tenbit-${w}x${h}x${frames}-ramp400+200-stripes300.yuv420p10le`);
  if (!existsSync(raw)) {
    const cw = Math.ceil(w / 2);
    const ch = Math.ceil(h / 2);
    const frame = new Uint16Array(w * h + 2 * cw * ch);
    const chunks: Buffer[] = [];
    for (let t = 0; t < frames; t++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) frame[y * w + x] = Math.round(400 + (x * 200) / w + 300 * Math.sin((x + 4 * t) / 2.2) * Math.sin(y / 2.7));
      }
      for (let i = 0; i < cw * ch; i++) {
        frame[w * h + i] = Math.round(512 + 120 * Math.sin((i % cw) / 9));
        frame[w * h + cw * ch + i] = 512 + ((i * 7) % 5);
      }
      chunks.push(Buffer.from(frame.buffer.slice(0)));
    }
    const temp = `${raw}.${process.pid}`;
    writeFileSync(temp, Buffer.concat(chunks));
    renameSync(temp, raw);
  }
  return generatedClip(name, ['-f', 'rawvideo', '-pix_fmt', 'yuv420p10le', '-s', `${w}x${h}`, '-framerate', String(fps), '-i', raw, ...encode], ext);
}

/**
 * A copy of a .mov clip with a dashcam-style GPS subtitle track (mov_text) and a GoPro-style
 * telemetry data stream (`gpmd`, GPMF). This ffmpeg cannot write a gpmd track itself, so a second
 * mov_text track is written and its handler and sample entry are retyped in place (same sizes):
 * ffmpeg and ffprobe then read it as a bin_data stream tagged gpmd, with its packets.
 */
export async function withGpsTracks(clip: string): Promise<string> {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const srt = path.join(FIXTURE_DIR, 'gps-track.srt');
  writeFileSync(
    srt,
    ['1', '00:00:00,000 --> 00:00:01,000', 'GPS N40.71280 W74.00600 52 km/h', '', '2', '00:00:01,000 --> 00:00:02,000', 'GPS N40.71302 W74.00621 50 km/h', ''].join('\n'),
  );
  const written = await generatedClip(
    `${path.basename(clip, path.extname(clip))}-gps`,
    [
      '-i', clip, '-i', srt, '-i', srt,
      '-map', '0', '-map', '1', '-map', '2', '-c', 'copy', '-c:s', 'mov_text',
      '-metadata:s:s:0', 'handler_name=DashCam GPS', '-metadata:s:s:1', 'handler_name=GoPro MET',
    ],
    'mov',
  );
  const file = written.replace(/\.mov$/, '-gpmd.mov');
  if (existsSync(file)) return file;
  const bytes = readFileSync(written);
  const lastTrak = bytes.lastIndexOf('trak');
  const handler = bytes.indexOf('mhlrtext', lastTrak);
  const entry = bytes.indexOf('text', bytes.indexOf('stsd', lastTrak));
  if (lastTrak < 0 || handler < 0 || entry < 0) throw new Error('unexpected mov layout for the gpmd track');
  bytes.write('mhlrmeta', handler, 'latin1');
  bytes.write('gpmd', entry, 'latin1');
  const temp = `${file}.${process.pid}`;
  writeFileSync(temp, bytes);
  renameSync(temp, file);
  return file;
}

/**
 * A clip of a real person (a PASCAL VOC photo from faces-dev, a man standing, head 53×73 px) seen
 * from behind: his face is painted over in the colour of his hair, so the face detectors find
 * nothing and the person detector finds him. (Turned upside down instead, a face was still
 * found.) The photo is scaled 1.44× onto 1280×720.
 */
export const BACK_OF_HEAD_CLIP = {
  photo: path.join(REPO_ROOT, '../shared/faces-dev/images/voc_2007_000807.jpg'),
  width: 1280,
  height: 720,
  fps: 25,
  /** One second: the thorough preset searches for persons every 10 frames, so three times (a possible face needs two sightings). */
  frames: 25,
  /** The head's box in the clip (the photo's annotated head box, scaled and moved). */
  head: { x: 400 + Math.round(87 * 1.44), y: Math.round(31 * 1.44), width: Math.round(53 * 1.44), height: Math.round(73 * 1.44) },
};

export function backOfHeadClip(): Promise<string> {
  const { photo, width, height, fps, frames } = BACK_OF_HEAD_CLIP;
  return generatedClip('person-back-of-head', [
    '-loop', '1', '-framerate', String(fps), '-i', photo,
    '-filter_complex',
    `[0:v]drawbox=x=94:y=44:w=46:h=58:color=0x1c1a1e:t=fill,scale=481:720,pad=${width}:${height}:400:0,format=yuv420p[v]`,
    '-map', '[v]', '-frames:v', String(frames), '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18',
  ]);
}
