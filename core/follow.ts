import type { Box } from './geometry';
import { correlate } from './correlation';
import type { LumaFrame, RgbFrame } from './detection';

/**
 * Following a face by its look between detections. Both models lose faces for tens of frames
 * at a time — a head turning to profile, a dark face at night — while the face itself is still
 * plainly there; matching the face's own pixels from the frame before keeps its blur on it.
 */

/** A face's look: the grey pixels of its box sampled on a `size`×`size` grid, zero mean, unit length. */
export interface FaceTemplate {
  size: number;
  pixels: Float32Array;
}

/** Samples of the face box per side: enough to tell a face from the road, cheap to match. */
export const TEMPLATE_SIZE = 24;
/** Grey levels below which a patch is flat (nothing to match on, any position would do). */
const FLAT_DEVIATION = 1;

/** A frame to follow a face on: RGB, or luma alone (the half-size frames kept for following further back). */
export type FollowFrame = RgbFrame | LumaFrame;

/** The grey level of pixel `i` (BT.601 luma of an RGB frame; a luma frame's own value). */
function greyReader(frame: FollowFrame): (i: number) => number {
  const { data } = frame;
  if (data.length === frame.width * frame.height) return (i) => data[i];
  return (i) => 0.299 * data[3 * i] + 0.587 * data[3 * i + 1] + 0.114 * data[3 * i + 2];
}

/**
 * Grey samples of `rect` on a `cols`×`rows` grid (bilinear, edges repeated). Samples sit at grid
 * cell centres, so a rect sampled at the same step as a template lines up with it.
 */
function sampleGrey(frame: FollowFrame, rect: Box, cols: number, rows: number): Float32Array {
  const { width, height } = frame;
  const greyAt = greyReader(frame);
  const out = new Float32Array(cols * rows);
  const sx = rect.width / cols;
  const sy = rect.height / rows;
  for (let j = 0; j < rows; j++) {
    const fy = Math.min(height - 1, Math.max(0, rect.y + (j + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(height - 1, y0 + 1);
    const ty = fy - y0;
    for (let i = 0; i < cols; i++) {
      const fx = Math.min(width - 1, Math.max(0, rect.x + (i + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(width - 1, x0 + 1);
      const tx = fx - x0;
      const top = greyAt(y0 * width + x0) * (1 - tx) + greyAt(y0 * width + x1) * tx;
      const bottom = greyAt(y1 * width + x0) * (1 - tx) + greyAt(y1 * width + x1) * tx;
      out[j * cols + i] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}

/** The look of the face in `box` on this frame; null where the box is flat (nothing to follow). */
export function faceTemplate(frame: FollowFrame, box: Box, size = TEMPLATE_SIZE): FaceTemplate | null {
  const pixels = sampleGrey(frame, box, size, size);
  const mean = pixels.reduce((a, b) => a + b, 0) / pixels.length;
  let squares = 0;
  for (let i = 0; i < pixels.length; i++) {
    pixels[i] -= mean;
    squares += pixels[i] * pixels[i];
  }
  if (Math.sqrt(squares / pixels.length) < FLAT_DEVIATION) return null;
  const norm = Math.sqrt(squares);
  for (let i = 0; i < pixels.length; i++) pixels[i] /= norm;
  return { size, pixels };
}

/**
 * Finds where the face of `template` is on this frame near `expected` (the tracker's prediction,
 * whose size it keeps): the position within `reach` box sizes of it where the pixels correlate
 * best with the template (normalised cross-correlation, 1 = same look, 0 = unrelated).
 */
export function followFace(frame: FollowFrame, template: FaceTemplate, expected: Box, reach = 0.5): { box: Box; similarity: number } {
  const n = template.size;
  const r = Math.max(1, Math.round(reach * n));
  const side = n + 2 * r;
  const stepX = expected.width / n;
  const stepY = expected.height / n;
  const window = sampleGrey(frame, { x: expected.x - r * stepX, y: expected.y - r * stepY, width: side * stepX, height: side * stepY }, side, side);
  const { scores, spanX: span, bestX, bestY, best: top } = correlate(window, side, side, template.pixels, n, n, FLAT_DEVIATION);
  // Every patch flat: no match (−1), in place.
  const best = { dx: bestX, dy: bestY, similarity: Math.max(-1, top) };
  // A face moves a fraction of a sample per frame: the peak is placed between samples (a parabola
  // through it and its neighbours), or a template renewed every frame would never move at all.
  const peakShift = (before: number, after: number) => {
    const curvature = before - 2 * best.similarity + after;
    return before < 0 || after < 0 || curvature >= 0 ? 0 : Math.max(-0.5, Math.min(0.5, (before - after) / (2 * curvature)));
  };
  const at = (dx: number, dy: number) => (dx < 0 || dy < 0 || dx >= span || dy >= span ? -1 : scores[dy * span + dx]);
  const shiftX = peakShift(at(best.dx - 1, best.dy), at(best.dx + 1, best.dy));
  const shiftY = peakShift(at(best.dx, best.dy - 1), at(best.dx, best.dy + 1));
  return {
    box: {
      x: expected.x + (best.dx + shiftX - r) * stepX,
      y: expected.y + (best.dy + shiftY - r) * stepY,
      width: expected.width,
      height: expected.height,
    },
    similarity: best.similarity,
  };
}
