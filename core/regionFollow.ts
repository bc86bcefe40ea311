import type { LumaFrame } from './detection';
import type { Box } from './geometry';
import type { TrackKeyframe } from './project';
import { thinKeyframes } from './tracks';
import { correlate } from './correlation';

/**
 * Following any region the editor marks (a plate, a tattoo, a badge, a screen) by its look alone:
 * no model knows these things, so the region's own brightness pattern is matched frame to frame.
 *
 * The look is the region sampled on a fixed grid of cells, each cell the mean of the pixels it
 * covers; a region twice the size samples to the same grid, so scale change is a change of cell
 * size, searched around the motion model's prediction. Cell means (not point samples) keep fine
 * texture from aliasing when a large region is read at a coarse step.
 */

/** A look: cell means on a `cols`×`rows` grid, zero mean, unit length. */
interface Look {
  cols: number;
  rows: number;
  pixels: Float32Array;
}

/**
 * The look includes a margin around the region, per side this fraction of the side plus this
 * fraction of the shorter side: the region's own edges against what surrounds it are what tell
 * its size, which the inside of a plate or a screen alone hardly does.
 */
const CONTEXT_OF_SIDE = 0.15;
const CONTEXT_OF_SHORT_SIDE = 0.25;

function withContext(box: Box): Box {
  const short = Math.min(box.width, box.height);
  const dx = CONTEXT_OF_SIDE * box.width + CONTEXT_OF_SHORT_SIDE * short;
  const dy = CONTEXT_OF_SIDE * box.height + CONTEXT_OF_SHORT_SIDE * short;
  return { x: box.x - dx, y: box.y - dy, width: box.width + 2 * dx, height: box.height + 2 * dy };
}

/** The region in the middle of a looked-at box (`inner`: its size as a fraction of the box's), with `margin` of its size added on each side. */
function regionIn(looked: Box, inner: { width: number; height: number }, margin: number): Box {
  const width = looked.width * inner.width * (1 + 2 * margin);
  const height = looked.height * inner.height * (1 + 2 * margin);
  return { x: looked.x + (looked.width - width) / 2, y: looked.y + (looked.height - height) / 2, width, height };
}

/** Cells in a look: fine enough to place the region within a few per cent, cheap to match. */
const GRID_CELLS = 768;
const GRID_MIN_SIDE = 12;
/** Grey levels below which a patch is flat: nothing to match on. */
const FLAT_DEVIATION = 2;
/**
 * Size ratios searched around the predicted size (its growth per frame is in the prediction):
 * first with a coarse look (cells pooled 2×2) over the whole reach, then with the full look
 * around the coarse match.
 */
const COARSE_SCALES = [0.95, 1, 1.05];
const FINE_SCALES = [0.97, 0.985, 1, 1.015, 1.03];
/** How far from the prediction the region is searched: a fraction of its longer side, and at least this many pixels. */
const REACH_FRACTION = 0.3;
const REACH_MIN_PX = 6;
/** Below this similarity to its look the region is taken to be covered on that frame. */
export const LOST_BELOW = 0.45;
/**
 * The recent look is renewed (a little) only from frames matched at least this well, so a
 * passing cover does not become the look. Renewing lets the follow keep up as the region turns or
 * the light changes, but each renewal can move the look by a fraction of a pixel; so the match is
 * then placed by the first look, where that still matches this well.
 */
const RENEW_FROM = 0.75;
const RENEW_RATE = 0.12;
const ANCHOR_FROM = 0.7;
/**
 * Between LOST_BELOW and this, the match is doubtful (something passing in front, motion blur):
 * the box is placed between the match and the motion model's prediction, by how well it matched,
 * and the motion model is not changed by it.
 */
const SURE_FROM = 0.7;
/** Doubtful frames in a row after which the follow stops rather than drift on its prediction. */
const MAX_DOUBTFUL = 8;
/**
 * Margin added on each side of a followed box, as a fraction of its size: always a little (a box
 * a pixel off would leave an edge of a plate showing), and more for each doubtful or missed frame
 * in a row, as the prediction standing in for a match grows less sure.
 */
const SURE_MARGIN = 0.03;
const DOUBT_MARGIN_PER_FRAME = 0.04;
const MAX_MARGIN = 0.2;
/** Weight of the newest frame's motion in the smoothed motion model. */
const MOTION_GAIN = 0.65;
/** Frames in a row without a match before the follow stops; they keep the predicted box. */
const MISSES_TO_STOP = 4;
/** Visible fraction of the region below which it is taken to have left the frame. */
const MIN_VISIBLE = 0.35;
/** A region lost while less than this fraction of it is in the picture has left it. */
const LEAVING_BELOW = 0.9;

/** Sums of a frame's luma over a rectangle of it, for the mean of any (sub-pixel) rectangle inside. */
class AreaSums {
  private readonly table: Float64Array;
  private readonly stride: number;

  constructor(
    frame: LumaFrame,
    readonly x0: number,
    readonly y0: number,
    readonly x1: number,
    readonly y1: number,
  ) {
    const w = x1 - x0;
    const h = y1 - y0;
    this.stride = w + 1;
    this.table = new Float64Array((w + 1) * (h + 1));
    const { data, width } = frame;
    for (let y = 0; y < h; y++) {
      let row = 0;
      const src = (y0 + y) * width + x0;
      const at = (y + 1) * this.stride + 1;
      for (let x = 0; x < w; x++) {
        row += data[src + x];
        this.table[at + x] = this.table[at + x - this.stride] + row;
      }
    }
  }

  /** The table at a fractional point: bilinear between corners, exact for pixels of constant value. */
  private at(x: number, y: number): number {
    const fx = x - this.x0;
    const fy = y - this.y0;
    const ix = Math.min(this.x1 - this.x0 - 1, Math.floor(fx));
    const iy = Math.min(this.y1 - this.y0 - 1, Math.floor(fy));
    const tx = fx - ix;
    const ty = fy - iy;
    const t = this.table;
    const p = iy * this.stride + ix;
    const top = t[p] + (t[p + 1] - t[p]) * tx;
    const bottom = t[p + this.stride] + (t[p + this.stride + 1] - t[p + this.stride]) * tx;
    return top + (bottom - top) * ty;
  }

  /** Mean over [x, x+w)×[y, y+h), of its part inside the covered area; NaN for a cell wholly outside it. */
  mean(x: number, y: number, w: number, h: number): number {
    if (x >= this.x1 || y >= this.y1 || x + w <= this.x0 || y + h <= this.y0) return Number.NaN;
    const ax = Math.max(this.x0, x);
    const bx = Math.min(this.x1, x + w);
    const ay = Math.max(this.y0, y);
    const by = Math.min(this.y1, y + h);
    const sum = this.at(bx, by) - this.at(ax, by) - this.at(bx, ay) + this.at(ax, ay);
    return sum / ((bx - ax) * (by - ay));
  }
}

function gridFor(box: Box): { cols: number; rows: number } {
  const short = Math.min(box.width, box.height);
  const cell = Math.max(1, Math.min(Math.sqrt((box.width * box.height) / GRID_CELLS), short / GRID_MIN_SIDE));
  return { cols: Math.max(GRID_MIN_SIDE, Math.round(box.width / cell)), rows: Math.max(GRID_MIN_SIDE, Math.round(box.height / cell)) };
}

/**
 * Cell means of a `cols`×`rows` grid of cells `stepX`×`stepY` from (x, y). Cells past the
 * picture's edge (the search area reaches the edge wherever the picture ends first) read the
 * mean of the rest: flat, so a region leaving the picture is matched on the part still in it,
 * and the edge's repeated pixels cannot pass for it.
 */
function sampleCells(sums: AreaSums, x: number, y: number, cols: number, rows: number, stepX: number, stepY: number): Float32Array {
  const out = new Float32Array(cols * rows);
  let total = 0;
  let inside = 0;
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) {
      const v = sums.mean(x + i * stepX, y + j * stepY, stepX, stepY);
      out[j * cols + i] = v;
      if (!Number.isNaN(v)) {
        total += v;
        inside++;
      }
    }
  }
  if (inside < out.length) {
    const fill = inside ? total / inside : 0;
    for (let k = 0; k < out.length; k++) if (Number.isNaN(out[k])) out[k] = fill;
  }
  return out;
}

/** Normalises in place to zero mean and unit length; false when the samples are flatter than `flat` grey levels. */
function normalise(pixels: Float32Array, flat = FLAT_DEVIATION): boolean {
  let mean = 0;
  for (let i = 0; i < pixels.length; i++) mean += pixels[i];
  mean /= pixels.length;
  let squares = 0;
  for (let i = 0; i < pixels.length; i++) {
    pixels[i] -= mean;
    squares += pixels[i] * pixels[i];
  }
  if (squares === 0 || Math.sqrt(squares / pixels.length) < flat) return false;
  const norm = 1 / Math.sqrt(squares);
  for (let i = 0; i < pixels.length; i++) pixels[i] *= norm;
  return true;
}

function sumsAround(frame: LumaFrame, box: Box, margin: number): AreaSums | null {
  const x0 = Math.max(0, Math.floor(box.x - margin));
  const y0 = Math.max(0, Math.floor(box.y - margin));
  const x1 = Math.min(frame.width, Math.ceil(box.x + box.width + margin));
  const y1 = Math.min(frame.height, Math.ceil(box.y + box.height + margin));
  return x1 - x0 >= 2 && y1 - y0 >= 2 ? new AreaSums(frame, x0, y0, x1, y1) : null;
}

function lookOf(frame: LumaFrame, box: Box, cols: number, rows: number): Look | null {
  const sums = sumsAround(frame, box, 1);
  if (!sums) return null;
  const pixels = sampleCells(sums, box.x, box.y, cols, rows, box.width / cols, box.height / rows);
  return normalise(pixels) ? { cols, rows, pixels } : null;
}

function visibleFraction(box: Box, frame: LumaFrame): number {
  const w = Math.min(frame.width, box.x + box.width) - Math.max(0, box.x);
  const h = Math.min(frame.height, box.y + box.height) - Math.max(0, box.y);
  return w > 0 && h > 0 ? (w * h) / (box.width * box.height) : 0;
}

/** Where a parabola through three scores peaks, as an offset from the middle one (−0.5 … 0.5); 0 without a clear peak. */
function peakOffset(before: number, middle: number, after: number): number {
  const curvature = before - 2 * middle + after;
  if (!Number.isFinite(before) || !Number.isFinite(after) || curvature >= 0) return 0;
  return Math.max(-0.5, Math.min(0.5, (before - after) / (2 * curvature)));
}

interface Match {
  box: Box;
  similarity: number;
}

/**
 * The best match of `look` at one scale: the grid of `size` slid by whole cells within `reach`
 * cells of `centre`, scored by normalised cross-correlation (1 = the same look), the peak placed
 * between cells by a parabola through its neighbours.
 */
function matchAtScale(sums: AreaSums, look: Look, cx: number, cy: number, width: number, height: number, reachPx: number): Match {
  const { cols, rows, pixels: t } = look;
  const stepX = width / cols;
  const stepY = height / rows;
  const rx = Math.max(1, Math.ceil(reachPx / stepX));
  const ry = Math.max(1, Math.ceil(reachPx / stepY));
  const wc = cols + 2 * rx;
  const wr = rows + 2 * ry;
  const left = cx - width / 2 - rx * stepX;
  const top = cy - height / 2 - ry * stepY;
  const window = sampleCells(sums, left, top, wc, wr, stepX, stepY);
  const { scores, spanX, spanY, bestX, bestY, best } = correlate(window, wc, wr, t, cols, rows, FLAT_DEVIATION);
  const score = (x: number, y: number) => (x < 0 || y < 0 || x >= spanX || y >= spanY ? -Infinity : scores[y * spanX + x]);
  const shiftX = best > -Infinity ? peakOffset(score(bestX - 1, bestY), best, score(bestX + 1, bestY)) : 0;
  const shiftY = best > -Infinity ? peakOffset(score(bestX, bestY - 1), best, score(bestX, bestY + 1)) : 0;
  return {
    box: { x: left + (bestX + shiftX) * stepX, y: top + (bestY + shiftY) * stepY, width, height },
    similarity: best,
  };
}

/** A look and the same look with its cells pooled 2×2, for the coarse search. */
interface Looks {
  fine: Look;
  coarse: Look;
}

function pooled(look: Look): Look {
  const cols = look.cols >> 1;
  const rows = look.rows >> 1;
  const pixels = new Float32Array(cols * rows);
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) {
      const p = 2 * j * look.cols + 2 * i;
      pixels[j * cols + i] = look.pixels[p] + look.pixels[p + 1] + look.pixels[p + look.cols] + look.pixels[p + look.cols + 1];
    }
  }
  normalise(pixels, 0);
  return { cols, rows, pixels };
}

function looksOf(fine: Look): Looks {
  return { fine, coarse: pooled(fine) };
}

/** What a follow knows between frames: its looks, and where and how fast the region moves and grows. */
export interface FollowState {
  /** The look marked by the editor, and the look renewed from recent frames. */
  first: Looks;
  recent: Looks;
  /** The box the looks cover: the region and its margin. */
  box: Box;
  /** The region's size as a fraction of `box`'s. */
  inner: { width: number; height: number };
  /** Per-frame motion of the centre (pixels) and growth of the size (log ratio), smoothed. */
  velocity: { x: number; y: number; scale: number };
  misses: number;
  doubtful: number;
}

/** Starts a follow from the region the editor marked; null when it is flat (nothing to follow) or outside the frame. */
export function startFollow(frame: LumaFrame, box: Box): FollowState | null {
  if (visibleFraction(box, frame) < MIN_VISIBLE) return null;
  const looked = withContext(box);
  const { cols, rows } = gridFor(looked);
  const look = lookOf(frame, looked, cols, rows);
  if (!look) return null;
  const inner = { width: box.width / looked.width, height: box.height / looked.height };
  const copy = (l: Look) => ({ ...l, pixels: l.pixels.slice() });
  const first = looksOf(look);
  return { first, recent: { fine: copy(first.fine), coarse: copy(first.coarse) }, box: looked, inner, velocity: { x: 0, y: 0, scale: 0 }, misses: 0, doubtful: 0 };
}

export type FollowStep =
  | { kind: 'found'; box: Box; similarity: number }
  /** Not matched on this frame (covered?): the predicted box stands in while the follow waits to see it again. */
  | { kind: 'covered'; box: Box; similarity: number }
  | { kind: 'lost'; reason: 'covered' | 'left-frame' };

const doubtMargin = (frames: number) => Math.min(MAX_MARGIN, SURE_MARGIN + DOUBT_MARGIN_PER_FRAME * frames);

const centreOf = (b: Box) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });

/** The best match over sizes `width × scales`; between the two best steps by a parabola through the scores. */
function bestOverScales(
  sums: AreaSums, look: Look, cx: number, cy: number, width: number, height: number, scales: readonly number[], reachPx: number,
): Match {
  const matches = scales.map((s) => matchAtScale(sums, look, cx, cy, width * s, height * s, reachPx));
  let k = 0;
  for (let i = 1; i < matches.length; i++) if (matches[i].similarity > matches[k].similarity) k = i;
  const found = matches[k];
  if (k === 0 || k === matches.length - 1) return found;
  const t = peakOffset(matches[k - 1].similarity, found.similarity, matches[k + 1].similarity);
  const ratio = scales[k] + t * (t < 0 ? scales[k] - scales[k - 1] : scales[k + 1] - scales[k]);
  const w = width * ratio;
  const h = height * ratio;
  const c = centreOf(found.box);
  return { box: { x: c.x - w / 2, y: c.y - h / 2, width: w, height: h }, similarity: found.similarity };
}

/** Follows the region onto the next frame (forward or backward: the motion model does not care). */
export function followStep(state: FollowState, frame: LumaFrame): FollowStep {
  const { box, velocity } = state;
  const growth = Math.exp(velocity.scale);
  const width = box.width * growth;
  const height = box.height * growth;
  const cx = box.x + box.width / 2 + velocity.x;
  const cy = box.y + box.height / 2 + velocity.y;
  const predicted = { x: cx - width / 2, y: cy - height / 2, width, height };
  if (visibleFraction(regionIn(predicted, state.inner, 0), frame) < MIN_VISIBLE) return { kind: 'lost', reason: 'left-frame' };
  const reach = Math.max(REACH_MIN_PX, REACH_FRACTION * Math.max(width, height));
  const largest = COARSE_SCALES[COARSE_SCALES.length - 1] * FINE_SCALES[FINE_SCALES.length - 1];
  const sums = sumsAround(frame, { x: cx - (width * largest) / 2, y: cy - (height * largest) / 2, width: width * largest, height: height * largest }, reach + 2);
  if (!sums) return { kind: 'lost', reason: 'left-frame' };
  const coarse = bestOverScales(sums, state.recent.coarse, cx, cy, width, height, COARSE_SCALES, reach);
  const c = centreOf(coarse.box);
  const coarseCell = Math.max(coarse.box.width / state.recent.coarse.cols, coarse.box.height / state.recent.coarse.rows);
  let found = bestOverScales(sums, state.recent.fine, c.x, c.y, coarse.box.width, coarse.box.height, FINE_SCALES, 1.5 * coarseCell);
  // Lost partly past the picture's edge: it left the picture, rather than something covering it.
  const lostReason = visibleFraction(regionIn(predicted, state.inner, 0), frame) < LEAVING_BELOW ? 'left-frame' : 'covered';
  if (!(found.similarity >= LOST_BELOW)) {
    state.misses++;
    if (state.misses >= MISSES_TO_STOP) return { kind: 'lost', reason: lostReason };
    state.box = predicted;
    return { kind: 'covered', box: regionIn(predicted, state.inner, doubtMargin(state.misses + state.doubtful)), similarity: Math.max(0, found.similarity) };
  }
  // Placed by the first look where it still matches: renewals cannot walk the box off the region.
  const f = centreOf(found.box);
  const fineCell = Math.max(found.box.width / state.first.fine.cols, found.box.height / state.first.fine.rows);
  const anchored = bestOverScales(sums, state.first.fine, f.x, f.y, found.box.width, found.box.height, [0.985, 1, 1.015], 2 * fineCell);
  if (anchored.similarity >= ANCHOR_FROM) found = { box: anchored.box, similarity: Math.max(found.similarity, anchored.similarity) };
  state.misses = 0;
  if (found.similarity < SURE_FROM) {
    state.doubtful++;
    if (state.doubtful > MAX_DOUBTFUL) return { kind: 'lost', reason: lostReason };
    const trust = (found.similarity - LOST_BELOW) / (SURE_FROM - LOST_BELOW);
    const m = centreOf(found.box);
    state.box = { x: cx + (m.x - cx) * trust - width / 2, y: cy + (m.y - cy) * trust - height / 2, width, height };
    return { kind: 'covered', box: regionIn(state.box, state.inner, doubtMargin(state.doubtful)), similarity: found.similarity };
  }
  state.doubtful = 0;
  const motion = {
    x: centreOf(found.box).x - (box.x + box.width / 2),
    y: centreOf(found.box).y - (box.y + box.height / 2),
    scale: Math.log(found.box.width / box.width),
  };
  // (After a miss the box moved on with the prediction, so this is still one frame's motion.)
  const keep = 1 - MOTION_GAIN;
  state.velocity = {
    x: keep * velocity.x + MOTION_GAIN * motion.x,
    y: keep * velocity.y + MOTION_GAIN * motion.y,
    scale: keep * velocity.scale + MOTION_GAIN * motion.scale,
  };
  state.box = found.box;
  if (found.similarity >= RENEW_FROM) {
    const fresh = lookOf(frame, found.box, state.recent.fine.cols, state.recent.fine.rows);
    if (fresh) {
      const pixels = state.recent.fine.pixels;
      for (let i = 0; i < pixels.length; i++) pixels[i] = (1 - RENEW_RATE) * pixels[i] + RENEW_RATE * fresh.pixels[i];
      normalise(pixels, 0);
      state.recent = looksOf(state.recent.fine);
    }
  }
  return { kind: 'found', box: regionIn(found.box, state.inner, SURE_MARGIN), similarity: found.similarity };
}

export type FollowDirection = 'forward' | 'backward';
export type FollowStopReason = 'covered' | 'left-frame' | 'clip-end';

/** One direction of a follow: the boxes it placed, frame by frame away from the start, and why it stopped. */
export interface FollowSide {
  direction: FollowDirection;
  boxes: { frame: number; box: Box; sure: boolean }[];
  /** The first frame it did not follow onto (null at the clip's end). */
  stoppedAt: number | null;
  reason: FollowStopReason;
}

/** A follow from the editor's box on one frame, forward, backward or both. */
export interface FollowResult {
  frame: number;
  box: Box;
  sides: FollowSide[];
}

/** Followed boxes are kept as keyframes where straight lines between them stray more than this fraction of the box from a followed box. */
export const FOLLOW_KEYFRAME_TOLERANCE = 0.01;

/** The keyframes of a follow: the editor's box and every followed box, thinned to those the motion needs. */
export function followedKeyframes(result: FollowResult): TrackKeyframe[] {
  const all = [{ frame: result.frame, box: result.box }, ...result.sides.flatMap((s) => s.boxes)]
    .sort((a, b) => a.frame - b.frame)
    .map(({ frame, box }) => ({ frame, box: { ...box }, confidence: null }));
  return thinKeyframes(all, FOLLOW_KEYFRAME_TOLERANCE);
}

/** The frames a follow covers, first to last. */
export function followedSpan(result: FollowResult): { first: number; last: number } {
  const frames = [result.frame, ...result.sides.flatMap((s) => s.boxes.map((b) => b.frame))];
  return { first: Math.min(...frames), last: Math.max(...frames) };
}

/** One line for the editor: how far each direction went and why it stopped there. */
export function describeFollow(result: FollowResult): string {
  const why: Record<FollowStopReason, string> = { covered: 'lost it (covered?)', 'left-frame': 'it left the picture', 'clip-end': 'end of clip' };
  return result.sides
    .map((s) => {
      const last = s.boxes.length ? s.boxes[s.boxes.length - 1].frame : result.frame;
      return `${s.direction} to frame ${last}${s.reason === 'clip-end' ? ' (end of clip)' : `, stopped at ${s.stoppedAt}: ${why[s.reason]}`}`;
    })
    .join('; ');
}
