import type { Box } from './geometry';
import type { RenderRegion } from './renderPlan';

/**
 * Pixel operations that anonymise a region in place. Pure functions over typed arrays so the
 * render pipeline (planar YUV from ffmpeg) and a preview (packed RGBA) share one implementation.
 */

/** One 8-bit channel of an image: planar (pixelStep 1) or one channel of a packed format. */
export interface PlaneView {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  /** Bytes per row. */
  stride: number;
  /** Bytes between horizontally adjacent pixels. */
  pixelStep: number;
  /** Byte offset of this channel in the first pixel. */
  offset: number;
}

/** A region in one plane's own pixel grid (chroma planes are subsampled). */
export interface PlaneRegion {
  type: RenderRegion['type'];
  shape: RenderRegion['shape'];
  box: Box;
  radius: number;
  feather: number;
  /** Value written by the solid style. */
  fill: number;
}

interface Extent {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function maskExtent(plane: PlaneView, region: PlaneRegion): Extent | null {
  const f = region.feather;
  const x0 = Math.max(0, Math.floor(region.box.x - f));
  const y0 = Math.max(0, Math.floor(region.box.y - f));
  const x1 = Math.min(plane.width, Math.ceil(region.box.x + region.box.width + f));
  const y1 = Math.min(plane.height, Math.ceil(region.box.y + region.box.height + f));
  return x1 > x0 && y1 > y0 ? { x0, y0, x1, y1 } : null;
}

/**
 * How much of the effect a point receives (0..1): 1 inside the region's shape, falling linearly
 * to 0 across the feather outside it. The render and the coverage metrics both use this.
 */
export function coverageAt(region: Pick<RenderRegion, 'shape' | 'box' | 'feather'>, px: number, py: number): number {
  const { box, feather } = region;
  let outside: number;
  if (region.shape === 'ellipse') {
    const a = box.width / 2;
    const b = box.height / 2;
    const dx = px - (box.x + a);
    const dy = py - (box.y + b);
    const rho2 = (dx / a) ** 2 + (dy / b) ** 2;
    if (rho2 <= 1) return 1;
    // Distance past the ellipse edge along the ray from the centre.
    outside = Math.sqrt(dx * dx + dy * dy) * (1 - 1 / Math.sqrt(rho2));
  } else {
    const ox = Math.max(box.x - px, 0, px - (box.x + box.width));
    const oy = Math.max(box.y - py, 0, py - (box.y + box.height));
    if (ox === 0 && oy === 0) return 1;
    outside = Math.sqrt(ox * ox + oy * oy);
  }
  return feather > 0 ? Math.max(0, 1 - outside / feather) : 0;
}

/** Coverage of every pixel in the extent, sampled at pixel centres. */
function coverageMask(region: PlaneRegion, ext: Extent): Float32Array {
  const w = ext.x1 - ext.x0;
  const h = ext.y1 - ext.y0;
  const mask = new Float32Array(w * h);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) mask[j * w + i] = coverageAt(region, ext.x0 + i + 0.5, ext.y0 + j + 0.5);
  }
  return mask;
}

/** Running-sum box blur along one line of `n` samples with clamped edges; O(n) for any radius. */
function boxBlurLine(src: Float32Array, dst: Float32Array, start: number, step: number, n: number, r: number): void {
  const first = src[start];
  const last = src[start + (n - 1) * step];
  let sum = (r + 1) * first;
  for (let k = 1; k <= r; k++) sum += k < n ? src[start + k * step] : last;
  const norm = 1 / (2 * r + 1);
  for (let k = 0; k < n; k++) {
    dst[start + k * step] = sum * norm;
    const add = k + r + 1 < n ? src[start + (k + r + 1) * step] : last;
    const sub = k - r >= 0 ? src[start + (k - r) * step] : first;
    sum += add - sub;
  }
}

/** Three box passes each way over a w×h buffer; returns the buffer holding the result. */
function blurBuffer(a: Float32Array, b: Float32Array, w: number, h: number, r: number): Float32Array {
  for (let pass = 0; pass < 3; pass++) {
    for (let j = 0; j < h; j++) boxBlurLine(a, b, j * w, 1, w, r);
    [a, b] = [b, a];
  }
  for (let pass = 0; pass < 3; pass++) {
    for (let i = 0; i < w; i++) boxBlurLine(a, b, i, w, h, r);
    [a, b] = [b, a];
  }
  return a;
}

/** Above this radius the blur runs on a copy shrunk by about radius/4, then is scaled back up. */
const SHRINK_FROM_RADIUS = 8;

/**
 * Gaussian-like blur of the extent (three box passes of radius r have variance r(r+1): sigma ≈
 * `radius`), sampling context around it. Large radii blur a shrunk copy of the window: the same
 * sigma at a fraction of the cost, and a blur this strong has no detail that shrinking could lose.
 */
function gaussianValues(plane: PlaneView, ext: Extent, radius: number): Float32Array {
  const r = Math.max(1, Math.round(radius));
  const margin = 3 * r;
  const wx0 = Math.max(0, ext.x0 - margin);
  const wy0 = Math.max(0, ext.y0 - margin);
  const wx1 = Math.min(plane.width, ext.x1 + margin);
  const wy1 = Math.min(plane.height, ext.y1 + margin);
  const k = r >= SHRINK_FROM_RADIUS ? Math.floor(r / 4) : 1;
  // Shrunk window: each cell is the mean of up to k×k source pixels.
  const w = Math.ceil((wx1 - wx0) / k);
  const h = Math.ceil((wy1 - wy0) / k);
  const sums = new Float32Array(w * h);
  const counts = new Float32Array(w * h);
  const cellOfColumn = new Int32Array(wx1 - wx0);
  for (let i = 0; i < cellOfColumn.length; i++) cellOfColumn[i] = Math.floor(i / k);
  for (let y = wy0; y < wy1; y++) {
    const row = Math.floor((y - wy0) / k) * w;
    let p = y * plane.stride + wx0 * plane.pixelStep + plane.offset;
    for (let i = 0; i < cellOfColumn.length; i++, p += plane.pixelStep) {
      const cell = row + cellOfColumn[i];
      sums[cell] += plane.data[p];
      counts[cell] += 1;
    }
  }
  for (let i = 0; i < sums.length; i++) sums[i] /= counts[i];
  const blurred = blurBuffer(sums, counts, w, h, Math.max(1, Math.round(r / k)));
  const ew = ext.x1 - ext.x0;
  const eh = ext.y1 - ext.y0;
  const out = new Float32Array(ew * eh);
  // Bilinear lookup at each pixel centre (k = 1 lands exactly on cells).
  for (let j = 0; j < eh; j++) {
    const fy = Math.min(h - 1, Math.max(0, (ext.y0 + j - wy0 + 0.5) / k - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(h - 1, y0 + 1);
    const ty = fy - y0;
    for (let i = 0; i < ew; i++) {
      const fx = Math.min(w - 1, Math.max(0, (ext.x0 + i - wx0 + 0.5) / k - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(w - 1, x0 + 1);
      const tx = fx - x0;
      const top = blurred[y0 * w + x0] + (blurred[y0 * w + x1] - blurred[y0 * w + x0]) * tx;
      const bottom = blurred[y1 * w + x0] + (blurred[y1 * w + x1] - blurred[y1 * w + x0]) * tx;
      out[j * ew + i] = top + (bottom - top) * ty;
    }
  }
  return out;
}

/** Block means on a grid anchored at the region box, so blocks do not crawl as the box moves within a pixel. */
function pixelateValues(plane: PlaneView, ext: Extent, box: Box, block: number): Float32Array {
  const ew = ext.x1 - ext.x0;
  const eh = ext.y1 - ext.y0;
  const out = new Float32Array(ew * eh);
  const gx = Math.floor(box.x);
  const gy = Math.floor(box.y);
  const bx0 = Math.floor((ext.x0 - gx) / block);
  const bx1 = Math.floor((ext.x1 - 1 - gx) / block);
  const by0 = Math.floor((ext.y0 - gy) / block);
  const by1 = Math.floor((ext.y1 - 1 - gy) / block);
  for (let by = by0; by <= by1; by++) {
    const y0 = Math.max(0, gy + by * block);
    const y1 = Math.min(plane.height, gy + (by + 1) * block);
    for (let bx = bx0; bx <= bx1; bx++) {
      const x0 = Math.max(0, gx + bx * block);
      const x1 = Math.min(plane.width, gx + (bx + 1) * block);
      let sum = 0;
      for (let y = y0; y < y1; y++) {
        let p = y * plane.stride + x0 * plane.pixelStep + plane.offset;
        for (let x = x0; x < x1; x++, p += plane.pixelStep) sum += plane.data[p];
      }
      const mean = sum / ((x1 - x0) * (y1 - y0));
      for (let y = Math.max(y0, ext.y0); y < Math.min(y1, ext.y1); y++) {
        for (let x = Math.max(x0, ext.x0); x < Math.min(x1, ext.x1); x++) out[(y - ext.y0) * ew + (x - ext.x0)] = mean;
      }
    }
  }
  return out;
}

/** Anonymises one region of one plane in place. */
export function anonymisePlane(plane: PlaneView, region: PlaneRegion): void {
  const ext = maskExtent(plane, region);
  if (!ext) return;
  const mask = coverageMask(region, ext);
  const ew = ext.x1 - ext.x0;
  const eh = ext.y1 - ext.y0;
  const values =
    region.type === 'gaussian'
      ? gaussianValues(plane, ext, region.radius)
      : region.type === 'pixelate'
        ? pixelateValues(plane, ext, region.box, Math.max(1, Math.round(region.radius)))
        : null;
  for (let j = 0; j < eh; j++) {
    let p = (ext.y0 + j) * plane.stride + ext.x0 * plane.pixelStep + plane.offset;
    for (let i = 0; i < ew; i++, p += plane.pixelStep) {
      const alpha = mask[j * ew + i];
      if (alpha === 0) continue;
      const target = values ? values[j * ew + i] : region.fill;
      const src = plane.data[p];
      plane.data[p] = Math.round(src + alpha * (target - src));
    }
  }
}

/** Byte size of one yuv420p frame (chroma planes rounded up for odd sizes, as ffmpeg lays them out). */
export function yuv420FrameSize(width: number, height: number): number {
  return width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2);
}

/** Anonymises regions in one yuv420p frame in place; chroma planes get the same shape at half scale. */
export function anonymiseYuv420Frame(frame: Uint8Array, width: number, height: number, regions: readonly RenderRegion[]): void {
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  const luma: PlaneView = { data: frame, width, height, stride: width, pixelStep: 1, offset: 0 };
  const chroma = [width * height, width * height + cw * ch].map(
    (start): PlaneView => ({ data: frame.subarray(start, start + cw * ch), width: cw, height: ch, stride: cw, pixelStep: 1, offset: 0 }),
  );
  for (const region of regions) {
    anonymisePlane(luma, { ...region, fill: 16 });
    const half: PlaneRegion = {
      type: region.type,
      shape: region.shape,
      box: { x: region.box.x / 2, y: region.box.y / 2, width: region.box.width / 2, height: region.box.height / 2 },
      radius: Math.max(1, region.radius / 2),
      feather: region.feather / 2,
      fill: 128,
    };
    for (const plane of chroma) anonymisePlane(plane, half);
  }
}
