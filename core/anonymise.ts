import type { Box } from './geometry';
import type { RenderRegion } from './renderPlan';

/**
 * Pixel operations that anonymise a region in place. Pure functions over typed arrays so the
 * render pipeline (planar YUV from ffmpeg) and a preview (packed RGBA) share one implementation.
 */

/** Samples of one plane: 8-bit, or 16-bit words for deeper video (10-bit values in 0..1023). */
export type PlaneData = Uint8Array | Uint8ClampedArray | Uint16Array;

/** One channel of an image: planar (pixelStep 1) or one channel of a packed format. */
export interface PlaneView {
  data: PlaneData;
  width: number;
  height: number;
  /** Samples per row. */
  stride: number;
  /** Samples between horizontally adjacent pixels. */
  pixelStep: number;
  /** Sample offset of this channel in the first pixel. */
  offset: number;
}

/** A region in one plane's own pixel grid (chroma planes are subsampled). */
export interface PlaneRegion {
  type: RenderRegion['type'];
  shape: RenderRegion['shape'];
  box: Box;
  /** Gaussian radius or pixelate block size, along x (and along y unless radiusY is given). */
  radius: number;
  /** Along y, where the plane's pixels are not square (4:2:2 chroma: twice the x value). */
  radiusY?: number;
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
    const rho2 = (dx / a) * (dx / a) + (dy / b) * (dy / b);
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

/** Three box passes each way over a w×h buffer (radius rx along rows, ry along columns); returns the buffer holding the result. */
function blurBuffer(a: Float32Array, b: Float32Array, w: number, h: number, rx: number, ry: number): Float32Array {
  for (let pass = 0; pass < 3; pass++) {
    for (let j = 0; j < h; j++) boxBlurLine(a, b, j * w, 1, w, rx);
    [a, b] = [b, a];
  }
  for (let pass = 0; pass < 3; pass++) {
    for (let i = 0; i < w; i++) boxBlurLine(a, b, i, w, h, ry);
    [a, b] = [b, a];
  }
  return a;
}

/** Above this radius the blur runs on a copy shrunk by about radius/4, then is scaled back up. */
const SHRINK_FROM_RADIUS = 8;

const shrinkFor = (r: number) => (r >= SHRINK_FROM_RADIUS ? Math.floor(r / 4) : 1);

/**
 * A region's radii in whole pixels along x and y (the gaussian's, or the pixelate block's), and
 * the gaussian window's shrink along each: what both this code and the WebAssembly kernel use.
 */
export function wholeRadii(region: Pick<PlaneRegion, 'radius' | 'radiusY'>): { rx: number; ry: number; kx: number; ky: number } {
  const rx = Math.max(1, Math.round(region.radius));
  const ry = Math.max(1, Math.round(region.radiusY ?? region.radius));
  return { rx, ry, kx: shrinkFor(rx), ky: shrinkFor(ry) };
}

/** A blurred, possibly shrunk copy of the window around an extent, and where each extent pixel reads it (bilinear). */
interface BlurredWindow {
  blurred: Float32Array;
  w: number;
  /** Per extent column: the two cells left and right, and the weight of the right one. */
  colA: Int32Array;
  colB: Int32Array;
  colT: Float64Array;
  /** Per extent row: the cell rows above and below, and the weight of the lower one. */
  rowA: Int32Array;
  rowB: Int32Array;
  rowT: Float64Array;
}

/**
 * Along one axis, for each of `count` pixels starting `offset` into the window: the cell before
 * and after its centre on a grid of `cells` cells of `k` pixels, and the weight of the one after.
 */
function bilinearAxis(count: number, offset: number, k: number, cells: number): [Int32Array, Int32Array, Float64Array] {
  const before = new Int32Array(count);
  const after = new Int32Array(count);
  const weight = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const f = Math.min(cells - 1, Math.max(0, (offset + i + 0.5) / k - 0.5));
    before[i] = Math.floor(f);
    after[i] = Math.min(cells - 1, before[i] + 1);
    weight[i] = f - before[i];
  }
  return [before, after, weight];
}

/**
 * Gaussian-like blur of the extent (three box passes of radius r have variance r(r+1): sigma ≈
 * `radius`), sampling context around it. Large radii blur a shrunk copy of the window: the same
 * sigma at a fraction of the cost, and a blur this strong has no detail that shrinking could lose.
 * `radiusY` differs from `radius` only on planes with non-square pixels (4:2:2 chroma).
 */
function gaussianWindow(plane: PlaneView, ext: Extent, region: PlaneRegion): BlurredWindow {
  const { rx, ry, kx, ky } = wholeRadii(region);
  const wx0 = Math.max(0, ext.x0 - 3 * rx);
  const wy0 = Math.max(0, ext.y0 - 3 * ry);
  const wx1 = Math.min(plane.width, ext.x1 + 3 * rx);
  const wy1 = Math.min(plane.height, ext.y1 + 3 * ry);
  // Shrunk window: each cell is the mean of up to kx×ky source pixels. (Sums of at most a few
  // thousand samples are whole numbers a float holds exactly, in any order.)
  const ww = wx1 - wx0;
  const w = Math.ceil(ww / kx);
  const h = Math.ceil((wy1 - wy0) / ky);
  const sums = new Float32Array(w * h);
  const counts = new Float32Array(w * h);
  const data = plane.data;
  const step = plane.pixelStep;
  for (let y = wy0; y < wy1; y++) {
    const row = Math.floor((y - wy0) / ky) * w;
    let p = y * plane.stride + wx0 * step + plane.offset;
    for (let c = 0, x = 0; c < w; c++) {
      const end = Math.min(ww, x + kx);
      let sum = 0;
      for (; x < end; x++, p += step) sum = (sum + data[p]) | 0;
      sums[row + c] += sum;
    }
  }
  for (let r = 0; r < h; r++) {
    const rows = Math.min(ky, wy1 - wy0 - r * ky);
    for (let c = 0; c < w; c++) counts[r * w + c] = rows * Math.min(kx, ww - c * kx);
  }
  for (let i = 0; i < sums.length; i++) sums[i] /= counts[i];
  const blurred = blurBuffer(sums, counts, w, h, Math.max(1, Math.round(rx / kx)), Math.max(1, Math.round(ry / ky)));
  const ew = ext.x1 - ext.x0;
  const eh = ext.y1 - ext.y0;
  // Bilinear lookup at each pixel centre (k = 1 lands exactly on cells).
  const [colA, colB, colT] = bilinearAxis(ext.x1 - ext.x0, ext.x0 - wx0, kx, w);
  const [rowA, rowB, rowT] = bilinearAxis(ext.y1 - ext.y0, ext.y0 - wy0, ky, h);
  return { blurred, w, colA, colB, colT, rowA, rowB, rowT };
}

/** Block means on a grid anchored at the region box, so blocks do not crawl as the box moves within a pixel. */
function pixelateValues(plane: PlaneView, ext: Extent, box: Box, block: number, blockY: number): Float32Array {
  const ew = ext.x1 - ext.x0;
  const eh = ext.y1 - ext.y0;
  const out = new Float32Array(ew * eh);
  const gx = Math.floor(box.x);
  const gy = Math.floor(box.y);
  const bx0 = Math.floor((ext.x0 - gx) / block);
  const bx1 = Math.floor((ext.x1 - 1 - gx) / block);
  const by0 = Math.floor((ext.y0 - gy) / blockY);
  const by1 = Math.floor((ext.y1 - 1 - gy) / blockY);
  for (let by = by0; by <= by1; by++) {
    const y0 = Math.max(0, gy + by * blockY);
    const y1 = Math.min(plane.height, gy + (by + 1) * blockY);
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

/**
 * Anonymises one region of one plane in place. Row by row: each pixel's coverage (as `coverageAt`
 * gives it, kept to float precision; the exact test only near the shape's edge, since the span
 * surely inside is 1), then the blurred, pixelated or solid value blended in by it. Pixels the
 * region does not reach are not read twice.
 */
export function anonymisePlane(plane: PlaneView, region: PlaneRegion): void {
  const ext = maskExtent(plane, region);
  if (!ext) return;
  const ew = ext.x1 - ext.x0;
  const eh = ext.y1 - ext.y0;
  const gauss = region.type === 'gaussian' ? gaussianWindow(plane, ext, region) : null;
  const whole = wholeRadii(region);
  const blocks = region.type === 'pixelate' ? pixelateValues(plane, ext, region.box, whole.rx, whole.ry) : null;
  const fill = Math.fround(region.fill);
  const { box, feather } = region;
  const ellipse = region.shape === 'ellipse';
  const a = box.width / 2;
  const b = box.height / 2;
  const cx = box.x + a;
  const cy = box.y + b;
  const bx1 = box.x + box.width;
  const by1 = box.y + box.height;
  const data = plane.data;
  const step = plane.pixelStep;
  // Per extent row: each pixel's coverage, and the value blended in by it.
  const coverage = new Float32Array(ew);
  const target = new Float32Array(ew);
  // A blurred window's row, already interpolated between its two cell rows.
  const cellRow = new Float64Array(gauss?.w ?? 0);
  // Per column: x distance outside a rectangle, and x offset from an ellipse's centre.
  const colOut = new Float64Array(ew);
  const colDx = new Float64Array(ew);
  for (let i = 0; i < ew; i++) {
    const px = ext.x0 + i + 0.5;
    colOut[i] = Math.max(box.x - px, 0, px - bx1);
    colDx[i] = px - cx;
  }
  const clampColumn = (i: number) => Math.min(ew, Math.max(0, i));
  // Columns whose centres lie strictly within `half` of x = `centre`, as [start, end).
  const spanStart = (centre: number, half: number) => clampColumn(Math.floor(centre - half - ext.x0 - 0.5) + 1);
  const spanEnd = (centre: number, half: number) => clampColumn(Math.ceil(centre + half - ext.x0 - 0.5));
  if (!gauss && !blocks) target.fill(fill);
  for (let j = 0; j < eh; j++) {
    const py = ext.y0 + j + 0.5;
    const dy = py - cy;
    const oy = Math.max(box.y - py, 0, py - by1);
    // Columns outside [first, last] are surely beyond the feather (coverage 0) and those in
    // [inStart, inEnd) surely inside the shape (coverage 1); only the rest get the exact test.
    // The spans keep 0.01 px from their bounds, far above rounding error. (A point whose distance
    // past the ellipse along the ray is under the feather lies inside the ellipse grown by it.)
    let first: number;
    let end: number;
    let inStart = 0;
    let inEnd = 0;
    if (ellipse) {
      const innerHalf = Math.abs(dy) < b ? a * Math.sqrt(1 - (dy / b) * (dy / b)) - 0.01 : -1;
      if (innerHalf > 0) {
        inStart = spanStart(cx, innerHalf);
        inEnd = spanEnd(cx, innerHalf);
      }
      const grownB = b + feather;
      if (Math.abs(dy) > grownB + 0.01) continue;
      const outerHalf = (a + feather) * Math.sqrt(Math.max(0, 1 - (dy / grownB) * (dy / grownB))) + 0.01;
      first = spanStart(cx, outerHalf);
      end = spanEnd(cx, outerHalf);
    } else {
      if (oy > 0 && oy >= feather) continue;
      if (oy === 0) {
        inStart = spanStart(cx, a - 1);
        inEnd = spanEnd(cx, a - 1);
      }
      const reach = Math.sqrt(feather * feather - oy * oy) + 0.01;
      first = spanStart(cx, a + reach);
      end = spanEnd(cx, a + reach);
    }
    if (end <= first) continue;
    inStart = Math.max(first, inStart);
    inEnd = Math.max(inStart, Math.min(end, inEnd));
    coverage.fill(1, inStart, inEnd);
    for (let i = first; i < end; i++) {
      if (i === inStart) i = inEnd;
      if (i === end) break;
      let outside = 0;
      if (ellipse) {
        const dx = colDx[i];
        const rho2 = (dx / a) * (dx / a) + (dy / b) * (dy / b);
        if (rho2 > 1) outside = Math.sqrt(dx * dx + dy * dy) * (1 - 1 / Math.sqrt(rho2));
      } else {
        const ox = colOut[i];
        if (ox !== 0 || oy !== 0) outside = Math.sqrt(ox * ox + oy * oy);
      }
      coverage[i] = outside === 0 ? 1 : feather > 0 ? Math.max(0, 1 - outside / feather) : 0;
    }
    const last = end - 1;
    if (gauss) {
      const { blurred, w, colA, colB, colT } = gauss;
      const rowA = gauss.rowA[j] * w;
      const rowB = gauss.rowB[j] * w;
      const t = gauss.rowT[j];
      for (let c = colA[first]; c <= colB[last]; c++) cellRow[c] = blurred[rowA + c] + (blurred[rowB + c] - blurred[rowA + c]) * t;
      // Pixels between the same two cells form runs; the cells are read once per run.
      for (let i = first; i <= last; ) {
        const x0 = colA[i];
        const left = cellRow[x0];
        const rise = cellRow[colB[i]] - left;
        for (; i <= last && colA[i] === x0; i++) target[i] = left + rise * colT[i];
      }
    } else if (blocks) target.set(blocks.subarray(j * ew + first, j * ew + last + 1), first);
    let p = (ext.y0 + j) * plane.stride + (ext.x0 + first) * step + plane.offset;
    // Values stay in 0..1023, so adding a half and truncating is Math.round.
    for (let i = first; i <= last; i++, p += step) {
      const src = data[p];
      data[p] = (src + coverage[i] * (target[i] - src) + 0.5) | 0;
    }
  }
}

/** How a raw planar YUV frame is laid out: chroma subsampling and bits per sample (10-bit in 16-bit words). */
export interface YuvLayout {
  chroma: '420' | '422';
  bitDepth: 8 | 10;
}

export const YUV420_8BIT: YuvLayout = { chroma: '420', bitDepth: 8 };

/** Chroma plane size for a frame (rounded up for odd sizes, as ffmpeg lays them out). */
function chromaSize(layout: YuvLayout, width: number, height: number): { cw: number; ch: number } {
  return { cw: Math.ceil(width / 2), ch: layout.chroma === '420' ? Math.ceil(height / 2) : height };
}

/** Byte size of one raw frame in this layout. */
export function yuvFrameSize(layout: YuvLayout, width: number, height: number): number {
  const { cw, ch } = chromaSize(layout, width, height);
  return (width * height + 2 * cw * ch) * (layout.bitDepth > 8 ? 2 : 1);
}

/** Byte size of one yuv420p frame. */
export function yuv420FrameSize(width: number, height: number): number {
  return yuvFrameSize(YUV420_8BIT, width, height);
}

/** 16-bit samples are little-endian in ffmpeg's `…le` formats; a typed-array view reads them directly only on a little-endian host. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Anonymises regions in one raw planar YUV frame in place (yuv420p, yuv422p and their 10-bit
 * little-endian forms), each plane with the region on its own grid (`yuvPlaneRegions`). The
 * render uses the WebAssembly kernel (core/anonymiseKernel.ts), which gives the same bytes.
 */
export function anonymiseYuvFrame(frame: Uint8Array, layout: YuvLayout, width: number, height: number, regions: readonly RenderRegion[]): void {
  let data: Uint8Array | Uint16Array = frame;
  if (layout.bitDepth > 8) {
    if (!LITTLE_ENDIAN || frame.byteOffset % 2 !== 0) throw new Error('16-bit frames need a little-endian host and an even byte offset');
    data = new Uint16Array(frame.buffer, frame.byteOffset, frame.byteLength / 2);
  }
  const planes = yuvPlanes(layout, width, height);
  for (const region of regions) {
    const { luma, chroma } = yuvPlaneRegions(layout, region);
    anonymisePlane({ data: data.subarray(planes[0].start, planes[0].end), ...planes[0] }, luma);
    for (const plane of planes.slice(1)) anonymisePlane({ data: data.subarray(plane.start, plane.end), ...plane }, chroma);
  }
}

/** The three planes of a raw planar YUV frame: size and where each starts and ends (in samples). */
export function yuvPlanes(layout: YuvLayout, width: number, height: number): (Omit<PlaneView, 'data'> & { start: number; end: number })[] {
  const { cw, ch } = chromaSize(layout, width, height);
  const plane = (start: number, w: number, h: number) => ({ start, end: start + w * h, width: w, height: h, stride: w, pixelStep: 1, offset: 0 });
  return [plane(0, width, height), plane(width * height, cw, ch), plane(width * height + cw * ch, cw, ch)];
}

/**
 * One region on each plane's own grid: the luma as it is; the chroma the same shape at half
 * size for 4:2:0, at half width for 4:2:2, where the radius along y stays the luma one and the
 * feather is halved both ways (the chroma effect never reaches past the luma's).
 */
export function yuvPlaneRegions(layout: YuvLayout, region: RenderRegion): { luma: PlaneRegion; chroma: PlaneRegion } {
  const scale = 1 << (layout.bitDepth - 8);
  const sy = layout.chroma === '420' ? 2 : 1;
  return {
    luma: { ...region, fill: 16 * scale },
    chroma: {
      type: region.type,
      shape: region.shape,
      box: { x: region.box.x / 2, y: region.box.y / sy, width: region.box.width / 2, height: region.box.height / sy },
      radius: Math.max(1, region.radius / 2),
      radiusY: sy === 2 ? undefined : region.radius,
      feather: region.feather / 2,
      fill: 128 * scale,
    },
  };
}

/** Anonymises regions in one yuv420p frame in place; chroma planes get the same shape at half scale. */
export function anonymiseYuv420Frame(frame: Uint8Array, width: number, height: number, regions: readonly RenderRegion[]): void {
  anonymiseYuvFrame(frame, YUV420_8BIT, width, height, regions);
}
