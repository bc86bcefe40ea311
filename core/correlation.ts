/** Where a template best matches inside a window of samples: the search both followers share. */

export interface Correlation {
  /** Score of every position, row by row (spanX × spanY); −Infinity where the patch is flat. */
  scores: Float32Array;
  spanX: number;
  spanY: number;
  /** The best position (the middle one when every patch is flat) and its score (−Infinity then). */
  bestX: number;
  bestY: number;
  best: number;
}

/**
 * Normalised cross-correlation (1 = the same look, 0 = unrelated) of a zero-mean, unit-length
 * template of `cols`×`rows` samples with every `cols`×`rows` patch of a `windowCols`×`windowRows`
 * window, the patches' sums from summed-area tables. A patch whose deviation is under `flat`
 * grey levels scores −Infinity: any position matches a flat patch.
 */
export function correlate(window: Float32Array, windowCols: number, windowRows: number, template: Float32Array, cols: number, rows: number, flat: number): Correlation {
  const stride = windowCols + 1;
  const sum = new Float64Array(stride * (windowRows + 1));
  const sumSq = new Float64Array(stride * (windowRows + 1));
  for (let y = 0; y < windowRows; y++) {
    for (let x = 0; x < windowCols; x++) {
      const v = window[y * windowCols + x];
      const at = (y + 1) * stride + x + 1;
      sum[at] = v + sum[at - 1] + sum[at - stride] - sum[at - stride - 1];
      sumSq[at] = v * v + sumSq[at - 1] + sumSq[at - stride] - sumSq[at - stride - 1];
    }
  }
  const area = (table: Float64Array, x: number, y: number) =>
    table[(y + rows) * stride + x + cols] - table[y * stride + x + cols] - table[(y + rows) * stride + x] + table[y * stride + x];
  const n = cols * rows;
  const spanX = windowCols - cols + 1;
  const spanY = windowRows - rows + 1;
  const scores = new Float32Array(spanX * spanY).fill(-Infinity);
  let bestX = (spanX - 1) >> 1;
  let bestY = (spanY - 1) >> 1;
  let best = -Infinity;
  for (let dy = 0; dy < spanY; dy++) {
    for (let dx = 0; dx < spanX; dx++) {
      const s = area(sum, dx, dy);
      const variance = area(sumSq, dx, dy) - (s * s) / n;
      if (variance < flat * flat * n) continue;
      // The template is zero-mean, so its dot product with the raw patch equals that with the centred one.
      let dot = 0;
      for (let y = 0; y < rows; y++) {
        const w = (dy + y) * windowCols + dx;
        const t = y * cols;
        for (let x = 0; x < cols; x++) dot += template[t + x] * window[w + x];
      }
      const similarity = dot / Math.sqrt(variance);
      scores[dy * spanX + dx] = similarity;
      if (similarity > best) {
        best = similarity;
        bestX = dx;
        bestY = dy;
      }
    }
  }
  return { scores, spanX, spanY, bestX, bestY, best };
}
