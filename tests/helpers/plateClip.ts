import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { findBinary } from '../../electron/main/media/binaries';
import { intersectionArea, type Box } from '../../core/geometry';
import { seededRandom } from '../../bench/assurance/draw';
import { FIXTURE_DIR } from './media';

/**
 * Dashcam-like clips with a known truth: a licence plate on the back of a car ahead, over a road
 * that scrolls as the camera moves. The car weaves and comes closer (the plate grows), and a
 * passing van crosses in front of it, covering the plate completely for a few frames. Every frame
 * is drawn here (anti-aliased, with sensor noise), so where the plate is, and how much of it
 * shows, is exact.
 */
export interface PlateClipOptions {
  width: number;
  height: number;
  frames: number;
  fps?: number;
  /** Plate width at the first and last frame, pixels. */
  plateWidth: [number, number];
  /** The frame on which the van's front edge first touches the plate (omit: no van). */
  coverFrom?: number;
  seed?: number;
}

export interface PlateClip {
  path: string;
  options: PlateClipOptions;
  /** The plate's box on each frame. */
  plate: Box[];
  /** The fraction of the plate not covered by the van on each frame (0: hidden). */
  visible: number[];
}

const PLATE_ASPECT = 4.7;
const GLYPHS = 7;

/** A smooth random texture (value noise, several octaves), values 0..1, tileable size×size. */
function roadTexture(size: number, random: () => number): Float32Array {
  const out = new Float32Array(size * size);
  for (const [cell, weight] of [[64, 0.5], [16, 0.3], [4, 0.2]] as const) {
    const n = size / cell;
    const grid = Array.from({ length: n * n }, random);
    for (let y = 0; y < size; y++) {
      const gy = y / cell;
      const y0 = Math.floor(gy);
      const ty = gy - y0;
      for (let x = 0; x < size; x++) {
        const gx = x / cell;
        const x0 = Math.floor(gx);
        const tx = gx - x0;
        const at = (i: number, j: number) => grid[(j % n) * n + (i % n)];
        const top = at(x0, y0) * (1 - tx) + at(x0 + 1, y0) * tx;
        const bottom = at(x0, y0 + 1) * (1 - tx) + at(x0 + 1, y0 + 1) * tx;
        out[y * size + x] += weight * (top * (1 - ty) + bottom * ty);
      }
    }
  }
  return out;
}

/** The plate's face: dark characters (5×7 cells each) on a light ground with a dark rim, as a function of (u, v) in 0..1. */
function plateFace(random: () => number): (u: number, v: number) => number {
  const glyphs = Array.from({ length: GLYPHS }, () => Array.from({ length: 35 }, () => random() < 0.45));
  return (u, v) => {
    if (u < 0.02 || u > 0.98 || v < 0.08 || v > 0.92) return 40;
    const gu = (u - 0.06) / 0.88;
    const gv = (v - 0.2) / 0.6;
    if (gu < 0 || gu >= 1 || gv < 0 || gv >= 1) return 225;
    const slot = gu * GLYPHS;
    const g = Math.floor(slot);
    const cu = (slot - g) / 0.8;
    if (cu >= 1) return 225;
    return glyphs[g][Math.floor(gv * 7) * 5 + Math.floor(cu * 5)] ? 25 : 225;
  };
}

/** The plate's box at frame n: the car weaves and comes closer. */
function plateAt(o: PlateClipOptions, n: number): Box {
  const t = n / Math.max(1, o.frames - 1);
  const width = o.plateWidth[0] + (o.plateWidth[1] - o.plateWidth[0]) * t * t;
  const height = width / PLATE_ASPECT;
  const cx = o.width * (0.5 + 0.18 * Math.sin(n / 23) + 0.04 * Math.sin(n / 5.3));
  const cy = o.height * (0.55 + 0.06 * Math.sin(n / 17) + 0.1 * t);
  return { x: cx - width / 2, y: cy - height / 2, width, height };
}

/** The van crossing right to left: a box taller than the plate, the plate's width × 2.5 wide, moving its own width in 12 frames. */
function vanAt(o: PlateClipOptions, n: number, plate: Box[]): Box | null {
  if (o.coverFrom === undefined) return null;
  const at = plate[Math.min(o.frames - 1, o.coverFrom + 8)];
  const width = at.width * 2.5;
  const speed = width / 12;
  // At coverFrom the van's left edge touches the plate's right edge.
  const start = plate[o.coverFrom];
  const left = start.x + start.width - (n - o.coverFrom) * speed;
  return { x: left, y: 0, width, height: o.height * 0.9 };
}

/** Draws the clip's frames (yuv420p) and encodes them with the bundled ffmpeg, cached by its options. */
export async function plateClip(options: PlateClipOptions): Promise<PlateClip> {
  const o = { fps: 30, seed: 7, ...options };
  const plate = Array.from({ length: o.frames }, (_, n) => plateAt(o, n));
  const vans = plate.map((_, n) => vanAt(o, n, plate));
  const visible = plate.map((box, n) => {
    const van = vans[n];
    return van ? 1 - intersectionArea(box, van) / (box.width * box.height) : 1;
  });
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const key = createHash('sha1').update(JSON.stringify(o)).digest('hex').slice(0, 10);
  const file = path.join(FIXTURE_DIR, `plate-${o.width}x${o.height}-${key}.mp4`);
  const clip = { path: file, options: o, plate, visible };
  if (existsSync(file)) return clip;

  const random = seededRandom(o.seed);
  const TEX = 512;
  const road = roadTexture(TEX, random);
  const face = plateFace(random);
  const { width: W, height: H } = o;
  const temp = path.join(FIXTURE_DIR, `.plate-${key}-${process.pid}.mp4`);
  const encoder = spawn(findBinary('ffmpeg').path, [
    '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${W}x${H}`, '-r', String(o.fps), '-i', 'pipe:0',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', temp,
  ], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  encoder.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => encoder.on('close', resolve));
  const noise = seededRandom(o.seed + 1);
  const chroma = new Uint8Array((W / 2) * (H / 2) * 2).fill(128);
  try {
    for (let n = 0; n < o.frames; n++) {
      const y = new Uint8Array(W * H);
      // The road scrolls towards the camera and sways with the steering.
      const scrollX = 40 * Math.sin(n / 31) + n * 0.7;
      const scrollY = -n * 3;
      for (let j = 0; j < H; j++) {
        for (let i = 0; i < W; i++) {
          const tx = ((Math.floor(i * 0.8 + scrollX) % TEX) + TEX) % TEX;
          const ty = ((Math.floor(j * 0.8 + scrollY) % TEX) + TEX) % TEX;
          y[j * W + i] = 50 + 120 * road[ty * TEX + tx];
        }
      }
      const box = plate[n];
      // The car: a darker body around the plate, moving with it.
      const body = { x: box.x - box.width * 1.2, y: box.y - box.height * 4, width: box.width * 3.4, height: box.height * 6 };
      fill(y, W, H, body, (u, v) => 70 + 15 * Math.sin(u * 9) + (v > 0.6 && v < 0.68 ? 60 : 0));
      fill(y, W, H, box, face);
      const van = vans[n];
      if (van) fill(y, W, H, van, (u, v) => 150 + 40 * Math.sin(u * 40) * Math.sin(v * 7));
      for (let p = 0; p < y.length; p++) y[p] = Math.max(0, Math.min(255, y[p] + Math.round((noise() - 0.5) * 6)));
      if (!encoder.stdin!.write(y)) await new Promise((r) => encoder.stdin!.once('drain', r));
      if (!encoder.stdin!.write(chroma)) await new Promise((r) => encoder.stdin!.once('drain', r));
    }
    encoder.stdin!.end();
    const code = await exited;
    if (code !== 0) throw new Error(`encoding the plate clip failed: ${stderr}`);
    renameSync(temp, file);
  } catch (err) {
    encoder.kill();
    rmSync(temp, { force: true });
    throw err;
  }
  return clip;
}

/** Paints `shade(u, v)` (u, v in 0..1 across the box) into the box, anti-aliased at its edges (4×4 samples per pixel). */
function fill(y: Uint8Array, W: number, H: number, box: Box, shade: (u: number, v: number) => number): void {
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(W, Math.ceil(box.x + box.width));
  const y1 = Math.min(H, Math.ceil(box.y + box.height));
  for (let j = y0; j < y1; j++) {
    for (let i = x0; i < x1; i++) {
      let sum = 0;
      let inside = 0;
      for (let s = 0; s < 16; s++) {
        const u = (i + ((s & 3) + 0.5) / 4 - box.x) / box.width;
        const v = (j + ((s >> 2) + 0.5) / 4 - box.y) / box.height;
        if (u < 0 || u >= 1 || v < 0 || v >= 1) continue;
        sum += shade(u, v);
        inside++;
      }
      if (inside) y[j * W + i] = Math.round((y[j * W + i] * (16 - inside) + sum) / 16);
    }
  }
}

/** The fraction of `truth`'s area that `followed` covers. */
export function coverage(followed: Box, truth: Box): number {
  return intersectionArea(followed, truth) / (truth.width * truth.height);
}
