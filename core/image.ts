import type { Box } from './geometry';
import type { LumaFrame, RgbFrame } from './detection';

/**
 * Crops a rectangle out of an RGB frame and resizes it to `outWidth`×`outHeight` with bilinear
 * sampling. Parts of the rectangle outside the frame repeat the edge pixels. Used to feed the
 * detector tiles (no resize) and zoomed-in regions around tracked faces (upscaled).
 */
export function cropResizeRgb(frame: RgbFrame, rect: Box, outWidth: number, outHeight: number): RgbFrame {
  const out = new Uint8Array(outWidth * outHeight * 3);
  const { data, width, height } = frame;
  const sx = rect.width / outWidth;
  const sy = rect.height / outHeight;
  if (sx === 1 && sy === 1 && Number.isInteger(rect.x) && Number.isInteger(rect.y) && rect.x >= 0 && rect.y >= 0 && rect.x + outWidth <= width && rect.y + outHeight <= height) {
    for (let y = 0; y < outHeight; y++) {
      const start = ((rect.y + y) * width + rect.x) * 3;
      out.set(data.subarray(start, start + outWidth * 3), y * outWidth * 3);
    }
    return { data: out, width: outWidth, height: outHeight };
  }
  const xs0 = new Int32Array(outWidth);
  const xs1 = new Int32Array(outWidth);
  const xt = new Float32Array(outWidth);
  for (let i = 0; i < outWidth; i++) {
    const fx = Math.min(width - 1, Math.max(0, rect.x + (i + 0.5) * sx - 0.5));
    xs0[i] = Math.floor(fx) * 3;
    xs1[i] = Math.min(width - 1, Math.floor(fx) + 1) * 3;
    xt[i] = fx - Math.floor(fx);
  }
  for (let j = 0; j < outHeight; j++) {
    const fy = Math.min(height - 1, Math.max(0, rect.y + (j + 0.5) * sy - 0.5));
    const row0 = Math.floor(fy) * width * 3;
    const row1 = Math.min(height - 1, Math.floor(fy) + 1) * width * 3;
    const ty = fy - Math.floor(fy);
    let o = j * outWidth * 3;
    for (let i = 0; i < outWidth; i++) {
      const t = xt[i];
      for (let c = 0; c < 3; c++, o++) {
        const top = data[row0 + xs0[i] + c] + (data[row0 + xs1[i] + c] - data[row0 + xs0[i] + c]) * t;
        const bottom = data[row1 + xs0[i] + c] + (data[row1 + xs1[i] + c] - data[row1 + xs0[i] + c]) * t;
        out[o] = top + (bottom - top) * ty + 0.5;
      }
    }
  }
  return { data: out, width: outWidth, height: outHeight };
}

/**
 * Shrinks a frame by an integer factor, averaging each factor×factor block (no aliasing).
 * With `region` (in shrunk pixels, inside the shrunk frame) only that part is made: a few tiles
 * of a shrunk 1080p frame cost a fraction of shrinking the whole frame.
 */
export function downscaleRgb(frame: RgbFrame, factor: number, region?: Box): RgbFrame {
  if (factor <= 1 && !region) return frame;
  const x0 = region?.x ?? 0;
  const y0 = region?.y ?? 0;
  const w = region?.width ?? Math.floor(frame.width / factor);
  const h = region?.height ?? Math.floor(frame.height / factor);
  const out = new Uint8Array(w * h * 3);
  if (factor === 1) {
    for (let j = 0; j < h; j++) {
      const start = ((y0 + j) * frame.width + x0) * 3;
      out.set(frame.data.subarray(start, start + w * 3), j * w * 3);
    }
    return { data: out, width: w, height: h };
  }
  const sums = new Uint32Array(w * 3);
  const area = factor * factor;
  const half = area >> 1;
  const data = frame.data;
  for (let j = 0; j < h; j++) {
    sums.fill(0);
    for (let dy = 0; dy < factor; dy++) {
      let p = (((y0 + j) * factor + dy) * frame.width + x0 * factor) * 3;
      for (let o = 0; o < w * 3; o += 3) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (let dx = 0; dx < factor; dx++, p += 3) {
          r += data[p];
          g += data[p + 1];
          b += data[p + 2];
        }
        sums[o] += r;
        sums[o + 1] += g;
        sums[o + 2] += b;
      }
    }
    const row = j * w * 3;
    for (let k = 0; k < w * 3; k++) out[row + k] = (sums[k] + half) / area;
  }
  return { data: out, width: w, height: h };
}

/**
 * The luma (BT.601, rounded) of every `step`-th pixel of every `step`-th row: a small grey copy
 * of a frame for remembering many frames where only their rough look matters.
 */
export function subsampleLuma(frame: RgbFrame, step: number): LumaFrame {
  const width = Math.floor(frame.width / step);
  const height = Math.floor(frame.height / step);
  const out = new Uint8Array(width * height);
  const { data } = frame;
  for (let y = 0, o = 0; y < height; y++) {
    for (let x = 0, p = y * step * frame.width * 3; x < width; x++, p += 3 * step) {
      out[o++] = (19595 * data[p] + 38470 * data[p + 1] + 7471 * data[p + 2] + 32768) >> 16;
    }
  }
  return { data: out, width, height };
}

/**
 * Stretches a dark or flat picture's levels to the full range before detection: both face
 * models were trained on well-exposed photos and miss faces at night (gain 0.25) that they find
 * once the levels are spread. The 1st and 99th luma percentiles map to 0 and 255; a picture that
 * already spans most of the range is returned as is.
 */
export function normaliseContrast(image: RgbFrame): RgbFrame {
  const { data } = image;
  const histogram = new Uint32Array(256);
  let samples = 0;
  // Every 7th pixel is plenty for percentiles and keeps this cheap next to the model.
  for (let p = 0; p < data.length; p += 21) {
    histogram[(data[p] * 77 + data[p + 1] * 150 + data[p + 2] * 29) >> 8]++;
    samples++;
  }
  const percentile = (share: number) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += histogram[v];
      if (seen > share * samples) return v;
    }
    return 255;
  };
  const low = percentile(0.01);
  const high = percentile(0.99);
  if (high - low >= 160) return image;
  // A flat picture (range under 32 levels) is noise: spreading it further only invents edges.
  const scale = 255 / Math.max(high - low, 32);
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.max(0, Math.min(255, Math.round((v - low) * scale)));
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = lut[data[i]];
  return { data: out, width: image.width, height: image.height };
}

/** Clockwise quarter turns: a face lying on its side or upside down is upright in one of them. */
export type QuarterTurn = 0 | 90 | 180 | 270;

/** The picture turned clockwise by `turn` degrees (90 and 270 swap its width and height). */
export function turnRgb(image: RgbFrame, turn: QuarterTurn): RgbFrame {
  if (turn === 0) return image;
  const sideways = turn !== 180;
  const width = sideways ? image.height : image.width;
  const height = sideways ? image.width : image.height;
  const out = new Uint8Array(image.data.length);
  const { data } = image;
  let o = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++, o += 3) {
      // Where the turned pixel (x, y) is in the picture.
      const sx = turn === 90 ? y : turn === 180 ? image.width - 1 - x : image.width - 1 - y;
      const sy = turn === 90 ? image.height - 1 - x : turn === 180 ? image.height - 1 - y : x;
      const p = (sy * image.width + sx) * 3;
      out[o] = data[p];
      out[o + 1] = data[p + 1];
      out[o + 2] = data[p + 2];
    }
  }
  return { data: out, width, height };
}

/** A box of a `width`×`height` picture, in that picture turned clockwise by `turn`. */
export function turnBox(box: Box, turn: QuarterTurn, width: number, height: number): Box {
  if (turn === 90) return { x: height - box.y - box.height, y: box.x, width: box.height, height: box.width };
  if (turn === 180) return { x: width - box.x - box.width, y: height - box.y - box.height, width: box.width, height: box.height };
  if (turn === 270) return { x: box.y, y: width - box.x - box.width, width: box.height, height: box.width };
  return box;
}

/** A box found in a picture turned by `turn`, in the unturned picture of size `width`×`height`. */
export function unturnBox(box: Box, turn: QuarterTurn, width: number, height: number): Box {
  if (turn === 90) return { x: box.y, y: height - box.x - box.width, width: box.height, height: box.width };
  if (turn === 180) return { x: width - box.x - box.width, y: height - box.y - box.height, width: box.width, height: box.height };
  if (turn === 270) return { x: width - box.y - box.height, y: box.x, width: box.height, height: box.width };
  return box;
}
