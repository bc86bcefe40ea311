import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { turnRgb } from '../../core/image';
import { applyLight, mipChain, noiseTable, roadScene, seededRandom } from './draw';
import type { RgbImage } from './faces';
import { FACES_DEV_DIR, loadPhoto } from '../../tests/helpers/media';
import { cachedClip, encodeRgbClip } from './generate';
import { frameTime, placementAt, type DevPhoto, type Placement, type RealClip } from './realSuite';
import { realTruth, type RealTruthFace } from './realTruth';

/** Films a real-face clip: the photo sampled through the camera of every frame, encoded with x264. */

export interface RealClipFile {
  path: string;
  clip: RealClip;
  truth: RealTruthFace[][];
}

/** Sample positions of one axis: for each output pixel, the two source pixels and the weight of the second (−1: outside). */
function axisSamples(count: number, offset: number, scale: number, sourceSize: number) {
  const i0 = new Int32Array(count);
  const t = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const u = (i + 0.5 - offset) / scale - 0.5;
    if (u < -0.5 || u > sourceSize - 0.5) {
      i0[i] = -1;
      continue;
    }
    const c = Math.min(sourceSize - 1, Math.max(0, u));
    i0[i] = Math.min(sourceSize - 2, Math.floor(c));
    t[i] = c - i0[i];
  }
  return { i0, t };
}

/**
 * Adds the photo placed at `at` into `sum` (float RGB, frame size) with weight `weight`, sampling
 * bilinearly from the mip level just larger than needed; pixels outside the photo get `background`.
 */
function addPlacedPhoto(sum: Float32Array, width: number, height: number, mips: readonly RgbImage[], at: Placement, background: Uint8ClampedArray, weight: number): void {
  const level = Math.min(mips.length - 1, Math.max(0, Math.floor(Math.log2(1 / at.scale))));
  const image = mips[level];
  const k = 2 ** level;
  const cols = axisSamples(width, at.x / k, at.scale * k, image.width);
  const rows = axisSamples(height, at.y / k, at.scale * k, image.height);
  for (let y = 0; y < height; y++) {
    const r0 = rows.i0[y];
    const ty = rows.t[y];
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      const c0 = cols.i0[x];
      if (r0 < 0 || c0 < 0) {
        sum[p] += weight * background[p];
        sum[p + 1] += weight * background[p + 1];
        sum[p + 2] += weight * background[p + 2];
        continue;
      }
      const tx = cols.t[x];
      const a = (r0 * image.width + c0) * 3;
      const b = a + image.width * 3;
      for (let c = 0; c < 3; c++) {
        const top = image.data[a + c] + (image.data[a + 3 + c] - image.data[a + c]) * tx;
        const bottom = image.data[b + c] + (image.data[b + 3 + c] - image.data[b + c]) * tx;
        sum[p + c] += weight * (top + (bottom - top) * ty);
      }
    }
  }
}

/** Sub-frame samples for motion blur: a shutter open half the frame interval. */
const BLUR_SAMPLES = 6;
const CONDITIONS = {
  night: { gain: 0.22, noise: 4 },
  crf: { normal: 20, lowBitrate: 40 },
  backgroundGrey: 30,
};

async function filmClip(clip: RealClip, image: RgbImage, output: string): Promise<void> {
  const turned = turnRgb(image, clip.turn);
  const mips = mipChain(turned);
  const { width, height } = clip;
  const random = seededRandom(clip.seed);
  const noise = noiseTable(random);
  const background = new Uint8ClampedArray(width * height * 3).fill(CONDITIONS.backgroundGrey);
  const drawScene = clip.condition === 'poster' ? roadScene(width, height, clip.seed) : null;
  const sum = new Float32Array(width * height * 3);
  const samples = clip.condition === 'motion-blur' ? BLUR_SAMPLES : 1;
  const format = { width, height, fps: clip.fps, crf: clip.condition === 'low-bitrate' ? CONDITIONS.crf.lowBitrate : CONDITIONS.crf.normal };
  await encodeRgbClip(format, clip.frames, output, `filming ${clip.name}`, (frame, index) => {
    if (drawScene) drawScene(background, index);
    sum.fill(0);
    const step = (0.5 * frameTime(1)) / samples;
    for (let s = 0; s < samples; s++) {
      // Centred on the frame's time, so the truth (placed at that time) sits in the middle of the smear.
      const t = frameTime(index) + (s - (samples - 1) / 2) * step;
      addPlacedPhoto(sum, width, height, mips, placementAt(clip, turned, t), background, 1 / samples);
    }
    for (let p = 0; p < sum.length; p++) frame[p] = sum[p];
    if (clip.condition === 'night') applyLight(frame, CONDITIONS.night.gain, CONDITIONS.night.noise, noise, Math.floor(random() * noise.length));
  });
}

const GENERATOR_FILES = ['./realCompose.ts', './realSuite.ts', './draw.ts'];

function clipKey(clip: RealClip, photoBytes: Buffer): string {
  const hash = createHash('sha1').update(JSON.stringify(clip)).update(photoBytes);
  for (const file of GENERATOR_FILES) hash.update(readFileSync(new URL(file, import.meta.url)));
  return hash.digest('hex').slice(0, 12);
}

/** The clip's file (filmed once per machine and generator version) and its ground truth. */
export async function filmRealClip(clip: RealClip, photo: DevPhoto, dir = FACES_DEV_DIR): Promise<RealClipFile> {
  const file = path.join(dir, photo.file);
  const name = `real-${clip.name.replace(/[^\w.-]+/g, '_')}-${clip.width}x${clip.height}-${clip.frames}f-${clipKey(clip, readFileSync(file))}`;
  const clipPath = await cachedClip(name, async (temp) => filmClip(clip, await loadPhoto(file), temp));
  return { path: clipPath, clip, truth: realTruth(clip, photo) };
}
