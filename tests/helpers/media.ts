import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findBinary, REPO_ROOT } from '../../electron/main/media/binaries';

/** Independent helpers for tests: they call the ffmpeg binaries directly, not Blurline's pipeline. */

const run = promisify(execFile);

export const FACE_SAMPLES_DIR = path.join(REPO_ROOT, 'node_modules/@vladmandic/face-api/demo');
export const samplePath = (n: number) => path.join(FACE_SAMPLES_DIR, `sample${n}.jpg`);

export async function ffmpeg(args: string[]): Promise<string> {
  const { stderr } = await run(findBinary('ffmpeg').path, ['-hide_banner', '-v', 'error', '-y', ...args], { maxBuffer: 1 << 26 });
  return stderr;
}

export async function ffprobeJson(file: string, extra: string[] = ['-show_format', '-show_streams']): Promise<any> {
  const { stdout } = await run(findBinary('ffprobe').path, ['-v', 'error', '-print_format', 'json', ...extra, file], { maxBuffer: 1 << 26 });
  return JSON.parse(stdout);
}

/** Decodes a video to 8-bit grey frames at its own size. */
export async function readGrayFrames(file: string, width: number, height: number): Promise<Uint8Array[]> {
  const { stdout } = await run(
    findBinary('ffmpeg').path,
    ['-v', 'error', '-i', file, '-map', '0:v:0', '-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'],
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

const FIXTURE_DIR = path.join(os.tmpdir(), 'blurline-test-fixtures');

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

export function faceClip(): Promise<string> {
  return generatedClip('face-moving', [
    '-f', 'lavfi', '-i', `testsrc2=s=${FACE_CLIP.width}x${FACE_CLIP.height}:r=${FACE_CLIP.fps}:d=3`,
    '-loop', '1', '-framerate', String(FACE_CLIP.fps), '-i', samplePath(1),
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=3',
    '-filter_complex', "[1:v]crop=265:330:370:310,scale=212:264[face];[0:v][face]overlay=x='80+6*n':y=180:eval=frame:shortest=1,format=yuv420p[v]",
    '-map', '[v]', '-map', '2:a',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-c:a', 'aac', '-b:a', '128k', '-t', '3',
    '-metadata', 'title=Ambulance cam 3', '-metadata', 'location=+48.8584+002.2945/', '-metadata', 'comment=device SN 12345',
    '-metadata', 'creation_time=2024-01-01T10:00:00Z', '-metadata:s:v:0', 'handler_name=GoPro AVC', '-metadata:s:a:0', 'language=eng',
  ]);
}
