/**
 * The render's blur kernel, in AssemblyScript (`npm run build:wasm` compiles it into
 * core/anonymiseKernelWasm.ts). It is `anonymisePlane` of core/anonymise.ts for planar 8- and
 * 16-bit samples: the same operations in the same order and precision, so a master's pixels are
 * byte for byte those of the JavaScript (tests/unit/anonymiseKernel.test.ts holds it to that).
 * What makes it faster: no bounds checks, column sums in SIMD, the fully covered span written
 * straight from the blurred values, and edge coverage mirrored across the shape's centre.
 *
 * Memory: the caller writes a frame at `frameAt(bytes)`; each call's scratch follows it.
 */

let top: usize = 0;
let scratchStart: usize = 0;

function alloc(bytes: usize): usize {
  const at = (top + 15) & ~(<usize>15);
  top = at + bytes;
  const need = <i32>((top + 0xffff) >>> 16) - memory.size();
  if (need > 0) memory.grow(need);
  return at;
}

/** Where the caller writes a frame of `bytes`; memory grows to hold it. */
export function frameAt(bytes: usize): usize {
  top = __heap_base;
  const at = alloc(bytes);
  scratchStart = top;
  return at;
}

/** Running-sum box blur of one line with clamped edges; reading clamped indices gives the same sums as the JavaScript's branches. */
function boxBlurLine(src: usize, dst: usize, start: i32, step: i32, n: i32, r: i32): void {
  const line = src + (<usize>start << 2);
  const out = dst + (<usize>start << 2);
  const stride = <usize>step << 2;
  const lastIndex = n - 1;
  const first = <f64>load<f32>(line);
  let sum = <f64>(r + 1) * first;
  for (let k = 1; k <= r; k++) sum += <f64>load<f32>(line + <usize>min(k, lastIndex) * stride);
  const norm = 1 / <f64>(2 * r + 1);
  for (let k = 0; k < n; k++) {
    store<f32>(out + <usize>k * stride, <f32>(sum * norm));
    const add = <f64>load<f32>(line + <usize>min(k + r + 1, lastIndex) * stride);
    const sub = <f64>load<f32>(line + <usize>max(k - r, 0) * stride);
    sum += add - sub;
  }
}

/** Two adjacent columns of `boxBlurLine` at once (f64x2 lanes: each lane's arithmetic is the scalar's). */
function boxBlurColumnPair(src: usize, dst: usize, column: i32, w: i32, n: i32, r: i32): void {
  const line = src + (<usize>column << 2);
  const out = dst + (<usize>column << 2);
  const stride = <usize>w << 2;
  const lastIndex = n - 1;
  const first = f64x2.promote_low_f32x4(v128.load64_zero(line));
  let sum = f64x2.mul(f64x2.splat(<f64>(r + 1)), first);
  for (let k = 1; k <= r; k++) sum = f64x2.add(sum, f64x2.promote_low_f32x4(v128.load64_zero(line + <usize>min(k, lastIndex) * stride)));
  const norm = f64x2.splat(1 / <f64>(2 * r + 1));
  for (let k = 0; k < n; k++) {
    v128.store64_lane(out + <usize>k * stride, f32x4.demote_f64x2_zero(f64x2.mul(sum, norm)), 0);
    const add = f64x2.promote_low_f32x4(v128.load64_zero(line + <usize>min(k + r + 1, lastIndex) * stride));
    const sub = f64x2.promote_low_f32x4(v128.load64_zero(line + <usize>max(k - r, 0) * stride));
    sum = f64x2.add(sum, f64x2.sub(add, sub));
  }
}

/** Three box passes down every column of a w×h buffer, two columns at a time; returns the buffer holding the result. */
function blurColumns(a: usize, b: usize, w: i32, h: i32, r: i32): usize {
  for (let pass = 0; pass < 3; pass++) {
    let i = 0;
    for (; i + 1 < w; i += 2) boxBlurColumnPair(a, b, i, w, h, r);
    if (i < w) boxBlurLine(a, b, i, w, h, r);
    const t = a; a = b; b = t;
  }
  return a;
}

function transpose(src: usize, dst: usize, w: i32, h: i32): void {
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) store<f32>(dst + (<usize>(i * h + j) << 2), load<f32>(src + (<usize>(j * w + i) << 2)));
  }
}

/**
 * Three box passes each way over a w×h buffer (radius rx along rows, ry along columns), rows
 * first as in the JavaScript; the row passes run down the columns of a transposed copy.
 */
function blurBuffer(a: usize, b: usize, w: i32, h: i32, rx: i32, ry: i32): usize {
  transpose(a, b, w, h);
  const rows = blurColumns(b, a, h, w, rx);
  const other = rows == a ? b : a;
  transpose(rows, other, h, w);
  const done = blurColumns(other, rows, w, h, ry);
  return done;
}

/** before (i32), after (i32), weight (f64) tables for `count` pixels. */
function bilinearAxis(count: i32, offset: i32, k: i32, cells: i32, before: usize, after: usize, weight: usize): void {
  for (let i = 0; i < count; i++) {
    const f = Math.min(<f64>(cells - 1), Math.max(0, (<f64>(offset + i) + 0.5) / <f64>k - 0.5));
    const b = <i32>Math.floor(f);
    store<i32>(before + (<usize>i << 2), b);
    store<i32>(after + (<usize>i << 2), min(cells - 1, b + 1));
    store<f64>(weight + (<usize>i << 3), f - <f64>b);
  }
}

// Gaussian window results.
let gBlurred: usize = 0;
let gW: i32 = 0;
let gColA: usize = 0;
let gColB: usize = 0;
let gColT: usize = 0;
/** Per column: the end (exclusive) of its run of columns between the same two cells. */
let gColRunEnd: usize = 0;
let gRowA: usize = 0;
let gRowB: usize = 0;
let gRowT: usize = 0;

function gaussianWindow<T>(data: usize, width: i32, height: i32, stride: i32, x0: i32, y0: i32, x1: i32, y1: i32, rx: i32, ry: i32, kx: i32, ky: i32): void {
  const wx0 = max(0, x0 - 3 * rx);
  const wy0 = max(0, y0 - 3 * ry);
  const wx1 = min(width, x1 + 3 * rx);
  const wy1 = min(height, y1 + 3 * ry);
  const ww = wx1 - wx0;
  const w = (ww + kx - 1) / kx;
  const h = (wy1 - wy0 + ky - 1) / ky;
  const cells = <usize>(w * h);
  const sums = alloc(cells << 2);
  const counts = alloc(cells << 2);
  // Each cell row: the window's columns summed down its rows, then across each cell's columns.
  const columns = alloc(<usize>ww << 2);
  const size = sizeof<T>();
  for (let r = 0; r < h; r++) {
    const ya = wy0 + r * ky;
    const yb = min(wy1, ya + ky);
    memory.fill(columns, 0, <usize>ww << 2);
    for (let y = ya; y < yb; y++) {
      const p = data + <usize>(y * stride + wx0) * size;
      if (size == 1) {
        let x = 0;
        for (; x + 16 <= ww; x += 16) {
          const v = v128.load(p + x);
          const lo = i16x8.extend_low_i8x16_u(v);
          const hi = i16x8.extend_high_i8x16_u(v);
          const at = columns + (<usize>x << 2);
          v128.store(at, i32x4.add(v128.load(at), i32x4.extend_low_i16x8_u(lo)));
          v128.store(at, i32x4.add(v128.load(at, 16), i32x4.extend_high_i16x8_u(lo)), 16);
          v128.store(at, i32x4.add(v128.load(at, 32), i32x4.extend_low_i16x8_u(hi)), 32);
          v128.store(at, i32x4.add(v128.load(at, 48), i32x4.extend_high_i16x8_u(hi)), 48);
        }
        for (; x < ww; x++) {
          const at = columns + (<usize>x << 2);
          store<i32>(at, load<i32>(at) + <i32>load<u8>(p + x));
        }
      } else {
        for (let x = 0; x < ww; x++) {
          const at = columns + (<usize>x << 2);
          store<i32>(at, load<i32>(at) + <i32>load<T>(p + (<usize>x << 1)));
        }
      }
    }
    for (let c = 0, x = 0; c < w; c++) {
      const end = min(ww, x + kx);
      let sum: i32 = 0;
      for (; x < end; x++) sum += load<i32>(columns + (<usize>x << 2));
      store<f32>(sums + (<usize>(r * w + c) << 2), <f32>sum);
    }
  }
  for (let r = 0; r < h; r++) {
    const rows = min(ky, wy1 - wy0 - r * ky);
    for (let c = 0; c < w; c++) store<f32>(counts + (<usize>(r * w + c) << 2), <f32>(rows * min(kx, ww - c * kx)));
  }
  for (let i: usize = 0; i < cells; i++) {
    store<f32>(sums + (i << 2), <f32>(<f64>load<f32>(sums + (i << 2)) / <f64>load<f32>(counts + (i << 2))));
  }
  gBlurred = blurBuffer(sums, counts, w, h, max(1, <i32>Math.round(<f64>rx / <f64>kx)), max(1, <i32>Math.round(<f64>ry / <f64>ky)));
  gW = w;
  const ew = x1 - x0;
  const eh = y1 - y0;
  gColA = alloc(<usize>ew << 2); gColB = alloc(<usize>ew << 2); gColT = alloc(<usize>ew << 3);
  gRowA = alloc(<usize>eh << 2); gRowB = alloc(<usize>eh << 2); gRowT = alloc(<usize>eh << 3);
  bilinearAxis(ew, x0 - wx0, kx, w, gColA, gColB, gColT);
  gColRunEnd = alloc(<usize>ew << 2);
  for (let i = ew - 1, end = ew; i >= 0; i--) {
    if (i + 1 < ew && load<i32>(gColA + (<usize>(i + 1) << 2)) != load<i32>(gColA + (<usize>i << 2))) end = i + 1;
    store<i32>(gColRunEnd + (<usize>i << 2), end);
  }
  bilinearAxis(eh, y0 - wy0, ky, h, gRowA, gRowB, gRowT);
}

/** Block means on a grid anchored at the box (f32 per extent pixel). */
function pixelateValues<T>(data: usize, width: i32, height: i32, stride: i32, x0e: i32, y0e: i32, x1e: i32, y1e: i32, bx: f64, by: f64, block: i32, blockY: i32): usize {
  const ew = x1e - x0e;
  const eh = y1e - y0e;
  const out = alloc(<usize>(ew * eh) << 2);
  const size = sizeof<T>();
  const gx = <i32>Math.floor(bx);
  const gy = <i32>Math.floor(by);
  const bx0 = <i32>Math.floor(<f64>(x0e - gx) / <f64>block);
  const bx1 = <i32>Math.floor(<f64>(x1e - 1 - gx) / <f64>block);
  const by0 = <i32>Math.floor(<f64>(y0e - gy) / <f64>blockY);
  const by1 = <i32>Math.floor(<f64>(y1e - 1 - gy) / <f64>blockY);
  for (let byi = by0; byi <= by1; byi++) {
    const y0 = max(0, gy + byi * blockY);
    const y1 = min(height, gy + (byi + 1) * blockY);
    for (let bxi = bx0; bxi <= bx1; bxi++) {
      const x0 = max(0, gx + bxi * block);
      const x1 = min(width, gx + (bxi + 1) * block);
      let sum: f64 = 0;
      for (let y = y0; y < y1; y++) {
        let p = data + <usize>(y * stride + x0) * size;
        for (let x = x0; x < x1; x++, p += size) sum += <f64>load<T>(p);
      }
      const mean = <f32>(sum / <f64>((x1 - x0) * (y1 - y0)));
      for (let y = max(y0, y0e); y < min(y1, y1e); y++) {
        for (let x = max(x0, x0e); x < min(x1, x1e); x++) store<f32>(out + (<usize>((y - y0e) * ew + (x - x0e)) << 2), mean);
      }
    }
  }
  return out;
}

/**
 * anonymisePlane for one region: type 0 gaussian, 1 pixelate, 2 solid; shape 0 rect, 1 ellipse.
 * `r`, `rY`: rounded gaussian radii or pixelate block sizes; `kx`, `ky`: the gaussian window's shrink.
 */
function anonymise<T>(
  data: usize, width: i32, height: i32, stride: i32,
  type: i32, ellipse: bool, bx: f64, by: f64, bw: f64, bh: f64,
  r: i32, rY: i32, kx: i32, ky: i32, feather: f64, fillValue: f64,
): void {
  top = scratchStart;
  const x0 = max(0, <i32>Math.floor(bx - feather));
  const y0 = max(0, <i32>Math.floor(by - feather));
  const x1 = min(width, <i32>Math.ceil(bx + bw + feather));
  const y1 = min(height, <i32>Math.ceil(by + bh + feather));
  if (x1 <= x0 || y1 <= y0) return;
  const ew = x1 - x0;
  const eh = y1 - y0;
  const gauss = type == 0;
  const pixelate = type == 1;
  if (gauss) gaussianWindow<T>(data, width, height, stride, x0, y0, x1, y1, r, rY, kx, ky);
  const blocks = pixelate ? pixelateValues<T>(data, width, height, stride, x0, y0, x1, y1, bx, by, r, rY) : 0;
  const fill = <f32>fillValue;
  const a = bw / 2;
  const b = bh / 2;
  const cx = bx + a;
  const cy = by + b;
  const bx1 = bx + bw;
  const by1 = by + bh;
  const size = sizeof<T>();
  const coverage = alloc(<usize>(ew * eh) << 2);
  // Pixel centres mirror onto pixel centres when twice the centre is a whole number.
  const mirrorRows = Math.floor(2 * cy) == 2 * cy;
  const mirrorBase = <i32>(2 * cy) - 1;
  const mirrorColumns = Math.floor(2 * cx) == 2 * cx;
  const mirrorColumnBase = <i32>(2 * cx) - 1 - 2 * x0;
  const target = alloc(<usize>ew << 2);
  const cellRow = alloc(<usize>(gauss ? gW : 0) << 3);
  const colOut = alloc(<usize>ew << 3);
  const colDx = alloc(<usize>ew << 3);
  const colQ = alloc(<usize>ew << 3);
  for (let i = 0; i < ew; i++) {
    const px = <f64>(x0 + i) + 0.5;
    store<f64>(colOut + (<usize>i << 3), Math.max(Math.max(bx - px, 0), px - bx1));
    store<f64>(colDx + (<usize>i << 3), px - cx);
    store<f64>(colQ + (<usize>i << 3), (px - cx) / a);
  }
  if (!gauss && !pixelate) for (let i = 0; i < ew; i++) store<f32>(target + (<usize>i << 2), fill);
  for (let j = 0; j < eh; j++) {
    const py = <f64>(y0 + j) + 0.5;
    const dy = py - cy;
    const oy = Math.max(Math.max(by - py, 0), py - by1);
    let first: i32;
    let end: i32;
    let inStart: i32 = 0;
    let inEnd: i32 = 0;
    if (ellipse) {
      const innerHalf = Math.abs(dy) < b ? a * Math.sqrt(1 - (dy / b) * (dy / b)) - 0.01 : -1;
      if (innerHalf > 0) {
        inStart = spanStart(cx, innerHalf, x0, ew);
        inEnd = spanEnd(cx, innerHalf, x0, ew);
      }
      const grownB = b + feather;
      if (Math.abs(dy) > grownB + 0.01) continue;
      const outerHalf = (a + feather) * Math.sqrt(Math.max(0, 1 - (dy / grownB) * (dy / grownB))) + 0.01;
      first = spanStart(cx, outerHalf, x0, ew);
      end = spanEnd(cx, outerHalf, x0, ew);
    } else {
      if (oy > 0 && oy >= feather) continue;
      if (oy == 0) {
        inStart = spanStart(cx, a - 1, x0, ew);
        inEnd = spanEnd(cx, a - 1, x0, ew);
      }
      const reach = Math.sqrt(feather * feather - oy * oy) + 0.01;
      first = spanStart(cx, a + reach, x0, ew);
      end = spanEnd(cx, a + reach, x0, ew);
    }
    if (end <= first) continue;
    inStart = max(first, inStart);
    inEnd = max(inStart, min(end, inEnd));
    // Coverage is computed only at the edges: the span in between is inside the shape (1). The
    // shape is symmetric about its centre, so a row or column mirrored onto pixel centres already
    // done is copied: the same operations on -dx and dx give the same values.
    const cov = coverage + <usize>(j * ew) * 4;
    const jm = mirrorRows ? mirrorBase - (y0 + j) - y0 : -1;
    if (jm >= 0 && jm < j) {
      memory.copy(cov + (<usize>first << 2), coverage + (<usize>(jm * ew + first) << 2), <usize>(end - first) << 2);
    } else {
      const shape = ellipse ? 1 : 0;
      const rowTerm = ellipse ? (dy / b) * (dy / b) : 0;
      const rowSquare = ellipse ? dy * dy : oy * oy;
      const columns = ellipse ? colDx : colOut;
      coverageSpan(cov, columns, colQ, shape, rowTerm, rowSquare, feather, first, inStart);
      // The right edge mirrors the left where its mirror image lies there.
      const lo = mirrorColumns ? max(inEnd, mirrorColumnBase - inStart + 1) : end;
      const hi = mirrorColumns ? min(end, mirrorColumnBase - first + 1) : end;
      if (lo < hi) {
        coverageSpan(cov, columns, colQ, shape, rowTerm, rowSquare, feather, inEnd, lo);
        for (let i = lo; i < hi; i++) store<f32>(cov + (<usize>i << 2), load<f32>(cov + (<usize>(mirrorColumnBase - i) << 2)));
        coverageSpan(cov, columns, colQ, shape, rowTerm, rowSquare, feather, hi, end);
      } else {
        coverageSpan(cov, columns, colQ, shape, rowTerm, rowSquare, feather, inEnd, end);
      }
    }
    const last = end - 1;
    if (gauss) {
      const w = gW;
      const rowA = <usize>(load<i32>(gRowA + (<usize>j << 2)) * w);
      const rowB = <usize>(load<i32>(gRowB + (<usize>j << 2)) * w);
      const t = load<f64>(gRowT + (<usize>j << 3));
      const cEnd = load<i32>(gColB + (<usize>last << 2));
      for (let c = load<i32>(gColA + (<usize>first << 2)); c <= cEnd; c++) {
        const va = <f64>load<f32>(gBlurred + ((rowA + c) << 2));
        const vb = <f64>load<f32>(gBlurred + ((rowB + c) << 2));
        store<f64>(cellRow + (<usize>c << 3), va + (vb - va) * t);
      }
      const pixels = data + <usize>((y0 + j) * stride + x0) * size;
      interpolate<T>(cellRow, target, 0, first, inStart);
      interpolate<T>(cellRow, pixels, 1, inStart, inEnd);
      interpolate<T>(cellRow, target, 0, inEnd, end);
    } else if (pixelate) {
      memory.copy(target + (<usize>first << 2), blocks + (<usize>(j * ew + first) << 2), <usize>(last + 1 - first) << 2);
    }
    const row = data + <usize>((y0 + j) * stride + x0) * size;
    blendEdge<T>(row, cov, target, first, inStart);
    // Fully covered: src + 1 * (t - src) is exactly t, so the pixel is t rounded.
    if (pixelate) {
      for (let i = inStart; i < inEnd; i++) store<T>(row + <usize>i * size, <T>(<i32>(<f64>load<f32>(target + (<usize>i << 2)) + 0.5)));
    } else if (!gauss) {
      const value = <T>(<i32>(<f64>fill + 0.5));
      for (let i = inStart; i < inEnd; i++) store<T>(row + <usize>i * size, value);
    }
    blendEdge<T>(row, cov, target, inEnd, end);
  }
}

/**
 * The blurred value at columns [from, to) of a row, interpolated between the row's cells: into
 * `target` (f32) where it is blended next, or (toPixels) rounded straight into the picture.
 */
function interpolate<T>(cellRow: usize, out: usize, toPixels: i32, from: i32, to: i32): void {
  const half = f64x2.splat(0.5);
  for (let i = from; i < to; ) {
    const left = load<f64>(cellRow + (<usize>load<i32>(gColA + (<usize>i << 2)) << 3));
    const rise = load<f64>(cellRow + (<usize>load<i32>(gColB + (<usize>i << 2)) << 3)) - left;
    // The run of columns between the same two cells, two at a time.
    const runEnd = min(to, load<i32>(gColRunEnd + (<usize>i << 2)));
    const l = f64x2.splat(left);
    const rs = f64x2.splat(rise);
    if (toPixels) {
      for (; i + 1 < runEnd; i += 2) {
        const t = f32x4.demote_f64x2_zero(f64x2.add(l, f64x2.mul(rs, v128.load(gColT + (<usize>i << 3)))));
        const rounded = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.promote_low_f32x4(t), half));
        const narrow = i16x8.narrow_i32x4_u(rounded, rounded);
        const p = out + <usize>i * sizeof<T>();
        if (sizeof<T>() == 1) v128.store16_lane(p, i8x16.narrow_i16x8_u(narrow, narrow), 0);
        else v128.store32_lane(p, narrow, 0);
      }
      if (i < runEnd) {
        const t = <f32>(left + rise * load<f64>(gColT + (<usize>i << 3)));
        store<T>(out + <usize>i * sizeof<T>(), <T>(<i32>(<f64>t + 0.5)));
        i++;
      }
    } else {
      for (; i + 1 < runEnd; i += 2) {
        v128.store64_lane(out + (<usize>i << 2), f32x4.demote_f64x2_zero(f64x2.add(l, f64x2.mul(rs, v128.load(gColT + (<usize>i << 3))))), 0);
      }
      if (i < runEnd) {
        store<f32>(out + (<usize>i << 2), <f32>(left + rise * load<f64>(gColT + (<usize>i << 3))));
        i++;
      }
    }
  }
}

/**
 * Coverage at columns [from, to) of one row, two at a time: per column the x offset from an
 * ellipse's centre (or distance outside a rect) and that offset over the half-width, per row the y terms. Where the JavaScript
 * branches, both sides are computed and one is selected: each lane's operations are the scalar's.
 */
function coverageSpan(cov: usize, columns: usize, quotients: usize, ellipse: i32, rowTerm: f64, rowSquare: f64, feather: f64, from: i32, to: i32): void {
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const term = f64x2.splat(rowTerm);
  const square = f64x2.splat(rowSquare);
  const f = f64x2.splat(feather);
  const hasFeather = feather > 0;
  let i = from;
  for (; i + 1 < to; i += 2) {
    const d = v128.load(columns + (<usize>i << 3));
    const distance = f64x2.sqrt(f64x2.add(f64x2.mul(d, d), square));
    let outside = distance;
    if (ellipse) {
      const q = v128.load(quotients + (<usize>i << 3));
      const rho2 = f64x2.add(f64x2.mul(q, q), term);
      const past = f64x2.mul(distance, f64x2.sub(one, f64x2.div(one, f64x2.sqrt(rho2))));
      outside = v128.bitselect(past, zero, f64x2.gt(rho2, one));
    }
    const inside = f64x2.eq(outside, zero);
    const ramp = hasFeather ? f64x2.max(zero, f64x2.sub(one, f64x2.div(outside, f))) : zero;
    v128.store64_lane(cov + (<usize>i << 2), f32x4.demote_f64x2_zero(v128.bitselect(one, ramp, inside)), 0);
  }
  if (i < to) {
    const d = load<f64>(columns + (<usize>i << 3));
    let outside: f64 = 0;
    if (ellipse) {
      const q = load<f64>(quotients + (<usize>i << 3));
      const rho2 = q * q + rowTerm;
      if (rho2 > 1) outside = Math.sqrt(d * d + rowSquare) * (1 - 1 / Math.sqrt(rho2));
    } else {
      outside = Math.sqrt(d * d + rowSquare);
    }
    store<f32>(cov + (<usize>i << 2), <f32>(outside == 0 ? 1 : hasFeather ? Math.max(0, 1 - outside / feather) : 0));
  }
}

/** Blends the target into columns [from, to) of a row by their coverage, two at a time (f64x2, as the scalar). */
function blendEdge<T>(row: usize, coverage: usize, target: usize, from: i32, to: i32): void {
  const half = f64x2.splat(0.5);
  let i = from;
  for (; i + 1 < to; i += 2) {
    const p = row + <usize>i * sizeof<T>();
    const samples = sizeof<T>() == 1 ? i16x8.extend_low_i8x16_u(i32x4.splat(<i32>load<u16>(p))) : i32x4.splat(load<i32>(p));
    const src = f64x2.convert_low_i32x4_u(i32x4.extend_low_i16x8_u(samples));
    const cov = f64x2.promote_low_f32x4(v128.load64_zero(coverage + (<usize>i << 2)));
    const tgt = f64x2.promote_low_f32x4(v128.load64_zero(target + (<usize>i << 2)));
    const blended = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.add(src, f64x2.mul(cov, f64x2.sub(tgt, src))), half));
    const narrow = i16x8.narrow_i32x4_u(blended, blended);
    if (sizeof<T>() == 1) v128.store16_lane(p, i8x16.narrow_i16x8_u(narrow, narrow), 0);
    else v128.store32_lane(p, narrow, 0);
  }
  if (i < to) {
    const p = row + <usize>i * sizeof<T>();
    const src = <f64>load<T>(p);
    const cov = <f64>load<f32>(coverage + (<usize>i << 2));
    const tgt = <f64>load<f32>(target + (<usize>i << 2));
    store<T>(p, <T>(<i32>(src + cov * (tgt - src) + 0.5)));
  }
}

// @ts-ignore: decorator
@inline function clampColumn(i: i32, ew: i32): i32 {
  return min(ew, max(0, i));
}
// @ts-ignore: decorator
@inline function spanStart(centre: f64, half: f64, x0: i32, ew: i32): i32 {
  return clampColumn(<i32>Math.floor(centre - half - <f64>x0 - 0.5) + 1, ew);
}
// @ts-ignore: decorator
@inline function spanEnd(centre: f64, half: f64, x0: i32, ew: i32): i32 {
  return clampColumn(<i32>Math.ceil(centre + half - <f64>x0 - 0.5), ew);
}

export function anonymise8(plane: usize, width: i32, height: i32, type: i32, ellipse: bool, bx: f64, by: f64, bw: f64, bh: f64, r: i32, rY: i32, kx: i32, ky: i32, feather: f64, fill: f64): void {
  anonymise<u8>(plane, width, height, width, type, ellipse, bx, by, bw, bh, r, rY, kx, ky, feather, fill);
}

export function anonymise16(plane: usize, width: i32, height: i32, type: i32, ellipse: bool, bx: f64, by: f64, bw: f64, bh: f64, r: i32, rY: i32, kx: i32, ky: i32, feather: f64, fill: f64): void {
  anonymise<u16>(plane, width, height, width, type, ellipse, bx, by, bw, bh, r, rY, kx, ky, feather, fill);
}
