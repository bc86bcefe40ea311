import type { Box } from '../../core/geometry';
import type { RgbImage } from './faces';
import type { FacePose } from './scene';

/**
 * Pixel work of the generator on packed RGB24 frames: a moving road scene with no faces in it,
 * faces pasted as soft-edged, scaled, squeezed and rotated sprites, motion blur, poles, light.
 * Frames are clamped arrays, so every write saturates at 0 and 255.
 */

/** Deterministic random numbers in [0, 1) (mulberry32), so a scenario always draws the same clip. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEXTURE_BITS = 10;
const TEXTURE_SIZE = 1 << TEXTURE_BITS;
const TEXTURE_MASK = TEXTURE_SIZE - 1;

/** Tileable value noise (0..255) summed over a few octaves: grain for asphalt, grass, clouds and walls. */
export function noiseTexture(random: () => number): Uint8Array {
  const sum = new Float32Array(TEXTURE_SIZE * TEXTURE_SIZE);
  for (const [cell, weight] of [[128, 0.4], [32, 0.3], [8, 0.2], [2, 0.1]]) {
    const n = TEXTURE_SIZE / cell;
    const grid = Float32Array.from({ length: n * n }, random);
    const at = (i: number, j: number) => grid[(j % n) * n + (i % n)];
    for (let y = 0; y < TEXTURE_SIZE; y++) {
      const gy = y / cell;
      const y0 = Math.floor(gy);
      const ty = gy - y0;
      const sy = ty * ty * (3 - 2 * ty);
      for (let x = 0; x < TEXTURE_SIZE; x++) {
        const gx = x / cell;
        const x0 = Math.floor(gx);
        const tx = gx - x0;
        const sx = tx * tx * (3 - 2 * tx);
        const top = at(x0, y0) + (at(x0 + 1, y0) - at(x0, y0)) * sx;
        const bottom = at(x0, y0 + 1) + (at(x0 + 1, y0 + 1) - at(x0, y0 + 1)) * sx;
        sum[y * TEXTURE_SIZE + x] += weight * (top + (bottom - top) * sy);
      }
    }
  }
  return Uint8Array.from(sum, (v) => Math.round(v * 255));
}

interface Building {
  start: number;
  width: number;
  height: number;
  colour: [number, number, number];
}

/** A row of buildings along a repeating stretch of street, `period` pixels long. */
function skyline(random: () => number, period: number, maxHeight: number): Building[] {
  const buildings: Building[] = [];
  for (let start = 0; start < period; ) {
    const width = Math.min(period - start, Math.round(80 + random() * 220));
    const grey = 90 + random() * 90;
    const tint = random() * 40 - 20;
    buildings.push({ start, width, height: Math.round(maxHeight * (0.3 + 0.7 * random())), colour: [grey + tint, grey, grey - tint] });
    start += width;
  }
  return buildings;
}

export type SceneDrawer = (frame: Uint8ClampedArray, t: number) => void;

/**
 * A dashcam view down a straight road: sky with drifting clouds, buildings sliding past on the
 * horizon, textured asphalt with lane marks and kerbs rushing towards the camera, grass, and
 * poles growing out of the distance. Procedural, so it never holds a face.
 */
export function roadScene(width: number, height: number, seed: number): SceneDrawer {
  const random = seededRandom(seed);
  const texture = noiseTexture(random);
  const horizon = Math.round(height * 0.42);
  const centre = width / 2;
  const depthRows = height - horizon;
  const period = 4096;
  const buildings = skyline(random, period, height * 0.22);
  const buildingAt = new Int32Array(period);
  buildings.forEach((b, i) => buildingAt.fill(i, b.start, b.start + b.width));
  const poleSpacing = 40; // metres
  // Row y − horizon = d shows the road at distance ∝ 1/d, where its 7 m width spans ∝ d pixels.
  const distanceAt = (d: number) => (depthRows * 2) / d;
  const halfRoadAt = (d: number) => (width * 0.55 * d) / depthRows;

  return (frame, t) => {
    const travelled = t * 0.8; // metres along the road
    for (let y = 0; y < height; y++) {
      let p = y * width * 3;
      if (y < horizon) {
        const k = y / horizon;
        const sky = [70 + 120 * k, 120 + 90 * k, 190 + 40 * k];
        const row = ((y * 2) & TEXTURE_MASK) << TEXTURE_BITS;
        for (let x = 0; x < width; x++, p += 3) {
          const worldX = Math.floor(x + t * 3) % period;
          const index = buildingAt[worldX];
          const b = buildings[index];
          if (horizon - y < b.height) {
            // Walls with a grid of windows, some lit.
            const wx = (worldX - b.start) % 28;
            const wy = (horizon - y) % 34;
            const pane = wx > 6 && wx < 22 && wy > 8 && wy < 26;
            const lit = (Math.floor((worldX - b.start) / 28) * 7 + Math.floor((horizon - y) / 34) * 13 + index) % 5 === 0;
            const shade = pane ? (lit ? 1.5 : 0.45) : 1;
            const grain = texture[row | (worldX & TEXTURE_MASK)] * 0.3 - 38;
            frame[p] = b.colour[0] * shade + grain;
            frame[p + 1] = b.colour[1] * shade + grain;
            frame[p + 2] = b.colour[2] * shade + grain;
          } else {
            const cloud = (texture[row | (Math.floor(x * 0.5 + t * 0.6) & TEXTURE_MASK)] - 128) * 0.35;
            frame[p] = sky[0] + cloud;
            frame[p + 1] = sky[1] + cloud;
            frame[p + 2] = sky[2] + cloud;
          }
        }
        continue;
      }
      const d = y - horizon + 1;
      const along = distanceAt(d) + travelled;
      const row = (Math.floor(along * 24) & TEXTURE_MASK) << TEXTURE_BITS;
      const halfRoad = halfRoadAt(d);
      const dash = along % 6 < 3;
      for (let x = 0; x < width; x++, p += 3) {
        const lateral = (x - centre) / halfRoad; // -1..1 across the road
        const grain = texture[row | (Math.floor(lateral * 160 + 512) & TEXTURE_MASK)] - 128;
        const side = Math.abs(lateral);
        if (side < 1) {
          const mark = (dash && (side < 0.015 || Math.abs(side - 0.5) < 0.012)) || (side > 0.93 && side < 0.96);
          const grey = mark ? 215 : 92 + grain * 0.25;
          frame[p] = grey;
          frame[p + 1] = grey;
          frame[p + 2] = grey + 4;
        } else if (side < 1.3) {
          // Pavement tiles.
          const tile = (Math.floor(along * 2) + Math.floor(lateral * 12)) % 2 === 0 ? 8 : -8;
          frame[p] = 160 + tile + grain * 0.3;
          frame[p + 1] = 152 + tile + grain * 0.3;
          frame[p + 2] = 140 + tile + grain * 0.3;
        } else {
          frame[p] = 70 + grain * 0.4;
          frame[p + 1] = 112 + grain * 0.5;
          frame[p + 2] = 48 + grain * 0.3;
        }
      }
    }
    // Poles 8 m tall on both kerbs, coming closer as the car drives on; far ones first.
    for (let k = 7; k >= 0; k--) {
      const distance = poleSpacing * (k + 1) - (travelled % poleSpacing);
      if (distance < 3) continue;
      const d = (depthRows * 2) / distance;
      const metre = halfRoadAt(d) / 3.5;
      for (const side of [-1, 1]) {
        const x = centre + side * 1.4 * halfRoadAt(d);
        fillRect(frame, width, height, { x: x - 0.15 * metre, y: horizon + d - 8 * metre, width: Math.max(1, 0.3 * metre), height: 8 * metre }, [58, 60, 64]);
      }
    }
  };
}

/** Fills the pixels whose centres lie in a box. */
export function fillRect(frame: Uint8ClampedArray, width: number, height: number, box: Box, colour: readonly [number, number, number]): void {
  const x0 = Math.max(0, Math.round(box.x));
  const x1 = Math.min(width, Math.round(box.x + box.width));
  const y0 = Math.max(0, Math.round(box.y));
  const y1 = Math.min(height, Math.round(box.y + box.height));
  for (let y = y0; y < y1; y++) {
    for (let p = (y * width + x0) * 3, end = (y * width + x1) * 3; p < end; p += 3) {
      frame[p] = colour[0];
      frame[p + 1] = colour[1];
      frame[p + 2] = colour[2];
    }
  }
}

/** Half-size copy (2×2 means), for sampling a face far smaller than its crop without aliasing. */
export function halveImage(image: RgbImage): RgbImage {
  const width = Math.max(1, image.width >> 1);
  const height = Math.max(1, image.height >> 1);
  const data = new Uint8Array(width * height * 3);
  const at = (x: number, y: number, c: number) => image.data[(Math.min(y, image.height - 1) * image.width + Math.min(x, image.width - 1)) * 3 + c];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        data[(y * width + x) * 3 + c] = (at(2 * x, 2 * y, c) + at(2 * x + 1, 2 * y, c) + at(2 * x, 2 * y + 1, c) + at(2 * x + 1, 2 * y + 1, c) + 2) >> 2;
      }
    }
  }
  return { width, height, data };
}

/** The image and its halvings down to a few pixels. */
export function mipChain(image: RgbImage): RgbImage[] {
  const chain = [image];
  while (chain[chain.length - 1].width > 8 && chain[chain.length - 1].height > 8) chain.push(halveImage(chain[chain.length - 1]));
  return chain;
}

/** A premultiplied RGBA patch placed at (x, y) in the frame. */
export interface Sprite {
  x: number;
  y: number;
  width: number;
  height: number;
  rgba: Float32Array;
}

/** The face crop's opaque core: the ellipse around the face centre that fits the crop; the outer 15% fades out. */
const FADE_FROM = 0.85;

/**
 * Draws a face crop at a pose: scaled so its face box is `pose.width` wide, squeezed
 * horizontally, rotated about the face centre, sampled bilinearly from the mip level just
 * larger than needed, with a soft elliptical edge. `margin` pixels are left free on the
 * left and right for a motion smear.
 */
export function renderFaceSprite(mips: readonly RgbImage[], face: Box, pose: FacePose, margin = 0): Sprite {
  const base = mips[0];
  const scale = pose.width / face.width;
  const sx = scale * pose.squeeze;
  const level = Math.min(mips.length - 1, Math.max(0, Math.floor(Math.log2(1 / scale))));
  const image = mips[level];
  const unit = 2 ** level;
  const angle = (pose.rotation * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const fcx = face.x + face.width / 2;
  const fcy = face.y + face.height / 2;
  const rx = Math.min(fcx, base.width - fcx);
  const ry = Math.min(fcy, base.height - fcy);
  // Frame-space bounds of the rotated, scaled crop.
  const corners = [[0, 0], [base.width, 0], [0, base.height], [base.width, base.height]].map(([u, v]) => {
    const dx = (u - fcx) * sx;
    const dy = (v - fcy) * scale;
    return [pose.x + dx * cos - dy * sin, pose.y + dx * sin + dy * cos];
  });
  const x = Math.floor(Math.min(...corners.map((c) => c[0]))) - margin;
  const y = Math.floor(Math.min(...corners.map((c) => c[1])));
  const width = Math.ceil(Math.max(...corners.map((c) => c[0]))) + margin - x;
  const height = Math.ceil(Math.max(...corners.map((c) => c[1]))) - y;
  const rgba = new Float32Array(width * height * 4);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      // Inverse map of the pixel centre into crop pixels.
      const dx = x + i + 0.5 - pose.x;
      const dy = y + j + 0.5 - pose.y;
      const ex = (dx * cos + dy * sin) / sx;
      const ey = (-dx * sin + dy * cos) / scale;
      const r = Math.sqrt((ex / rx) ** 2 + (ey / ry) ** 2);
      const alpha = Math.min(1, Math.max(0, (1 - r) / (1 - FADE_FROM)));
      if (alpha === 0) continue;
      const u = (fcx + ex) / unit - 0.5;
      const v = (fcy + ey) / unit - 0.5;
      const u0 = Math.min(image.width - 1, Math.max(0, Math.floor(u)));
      const v0 = Math.min(image.height - 1, Math.max(0, Math.floor(v)));
      const u1 = Math.min(image.width - 1, u0 + 1);
      const v1 = Math.min(image.height - 1, v0 + 1);
      const tu = Math.min(1, Math.max(0, u - u0));
      const tv = Math.min(1, Math.max(0, v - v0));
      const o = (j * width + i) * 4;
      for (let c = 0; c < 3; c++) {
        const top = image.data[(v0 * image.width + u0) * 3 + c] * (1 - tu) + image.data[(v0 * image.width + u1) * 3 + c] * tu;
        const bottom = image.data[(v1 * image.width + u0) * 3 + c] * (1 - tu) + image.data[(v1 * image.width + u1) * 3 + c] * tu;
        rgba[o + c] = (top * (1 - tv) + bottom * tv) * alpha;
      }
      rgba[o + 3] = alpha;
    }
  }
  return { x, y, width, height, rgba };
}

/** Horizontal motion blur: every row averaged over a centred window of `length` pixels (premultiplied, so edges fade). */
export function smearHorizontally(sprite: Sprite, length: number): void {
  const half = Math.floor(length / 2);
  if (half < 1) return;
  const n = 2 * half + 1;
  const { width, rgba } = sprite;
  const row = new Float32Array(width * 4);
  for (let j = 0; j < sprite.height; j++) {
    const start = j * width * 4;
    row.set(rgba.subarray(start, start + width * 4));
    for (let c = 0; c < 4; c++) {
      let sum = 0;
      for (let k = -half; k <= half; k++) if (k >= 0 && k < width) sum += row[k * 4 + c];
      for (let i = 0; i < width; i++) {
        rgba[start + i * 4 + c] = sum / n;
        if (i + half + 1 < width) sum += row[(i + half + 1) * 4 + c];
        if (i - half >= 0) sum -= row[(i - half) * 4 + c];
      }
    }
  }
}

/** Alpha-composites a premultiplied sprite over the frame. */
export function composite(frame: Uint8ClampedArray, width: number, height: number, sprite: Sprite): void {
  const i0 = Math.max(0, -sprite.x);
  const i1 = Math.min(sprite.width, width - sprite.x);
  const j0 = Math.max(0, -sprite.y);
  const j1 = Math.min(sprite.height, height - sprite.y);
  for (let j = j0; j < j1; j++) {
    for (let i = i0; i < i1; i++) {
      const o = (j * sprite.width + i) * 4;
      const alpha = sprite.rgba[o + 3];
      if (alpha === 0) continue;
      const p = ((sprite.y + j) * width + sprite.x + i) * 3;
      for (let c = 0; c < 3; c++) frame[p + c] = frame[p + c] * (1 - alpha) + sprite.rgba[o + c];
    }
  }
}

/** Gaussian-ish noise values (sum of three uniforms), unit standard deviation, reused with random offsets. */
export function noiseTable(random: () => number, size = 1 << 20): Float32Array {
  return Float32Array.from({ length: size }, () => (random() + random() + random() - 1.5) * 2);
}

/** Scales the picture's light by `gain` and adds sensor noise of standard deviation `sigma` levels. */
export function applyLight(frame: Uint8ClampedArray, gain: number, sigma: number, noise: Float32Array, offset: number): void {
  const mask = noise.length - 1;
  for (let p = 0; p < frame.length; p++) frame[p] = frame[p] * gain + sigma * noise[(p + offset) & mask];
}
