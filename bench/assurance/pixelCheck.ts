import { padBox, type Box } from '../../core/geometry';
import { longestRun } from './metrics';
import type { RealTruthFace } from './realTruth';

/**
 * Scores a master by its pixels alone, never by the plan it was rendered from: a face counts as
 * hidden on a frame when the detail left at the face's own scale falls below a share of the
 * source's. Detail is measured on a thumbnail no larger than the face (a 14 px face on a 14 px
 * thumbnail): measured on a larger one, a blurred small face would still show the block edges
 * of the blur and the encoder's noise, and a sharp small face would look no sharper than them.
 */

/** An 8-bit grey picture (the Y plane of a decoded frame). */
export interface LumaFrame {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A face is hidden when its detail is below this share of the source's. */
export const HIDDEN_DETAIL_RATIO = 0.35;
/** Thumbnails are at most this many pixels a side (a large face's identity is in its coarse structure). */
export const MAX_THUMBNAIL = 32;
/** Faces whose source detail is below this (RMS gradient, grey levels) show nothing to hide and are not scored. */
export const MIN_SOURCE_DETAIL = 1;
/** False blur is measured on square cells of this many pixels, each on a thumbnail of half that. */
export const CELL = 16;
/** A cell is textured (something there could be blurred) when its source detail reaches this. */
export const TEXTURED_DETAIL = 3;
/** A textured cell counts as blurred when it kept less than this share of its detail. */
export const CELL_BLURRED_RATIO = 0.5;
/** Face sizes (√(w·h) of the box) at the buckets' edges. */
export const SIZE_BUCKETS = { small: 24, large: 48 } as const;
/** Gaps are counted for faces of at least this size (smaller ones flicker in and out of detectability). */
export const GAP_MIN_SIZE = 24;
/**
 * Cells touching a face box grown by this share of its size on each side (the blur style's own
 * padding) are the face's, never false blur; everything else, even between the faces of a crowd,
 * should stay sharp.
 */
const FACE_SURROUND = 0.25;

export type SizeBucket = 'large' | 'medium' | 'small';

export function bucketOf(size: number): SizeBucket {
  return size >= SIZE_BUCKETS.large ? 'large' : size >= SIZE_BUCKETS.small ? 'medium' : 'small';
}

/** The box shrunk to an s×s thumbnail by averaging the pixels whose centres fall in each cell; RMS of its gradients. */
export function detailAt(frame: LumaFrame, box: Box, side: number): number {
  const x0 = Math.max(0, Math.round(box.x));
  const y0 = Math.max(0, Math.round(box.y));
  const x1 = Math.min(frame.width, Math.round(box.x + box.width));
  const y1 = Math.min(frame.height, Math.round(box.y + box.height));
  const w = x1 - x0;
  const h = y1 - y0;
  if (w < 2 || h < 2) return 0;
  const sw = Math.max(2, Math.min(side, w));
  const sh = Math.max(2, Math.min(side, h));
  const sums = new Float64Array(sw * sh);
  const counts = new Uint32Array(sw * sh);
  for (let y = 0; y < h; y++) {
    const ty = Math.min(sh - 1, Math.floor((y * sh) / h));
    const row = (y0 + y) * frame.width + x0;
    for (let x = 0; x < w; x++) {
      const t = ty * sw + Math.min(sw - 1, Math.floor((x * sw) / w));
      sums[t] += frame.data[row + x];
      counts[t]++;
    }
  }
  const thumb = Float64Array.from(sums, (s, i) => s / counts[i]);
  let energy = 0;
  let n = 0;
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const v = thumb[y * sw + x];
      if (x + 1 < sw) {
        energy += (thumb[y * sw + x + 1] - v) ** 2;
        n++;
      }
      if (y + 1 < sh) {
        energy += (thumb[(y + 1) * sw + x] - v) ** 2;
        n++;
      }
    }
  }
  return Math.sqrt(energy / n);
}

/** Thumbnail side for a face box: no larger than the face, at most MAX_THUMBNAIL. */
export function thumbnailSide(box: Box): number {
  return Math.max(2, Math.min(MAX_THUMBNAIL, Math.floor(Math.min(box.width, box.height))));
}

export interface BucketScore {
  faceFrames: number;
  hidden: number;
}

export interface PixelScore {
  frames: number;
  buckets: Record<SizeBucket | 'all', BucketScore>;
  /** Face-frames whose source shows no detail (too dark or flat): not scored. */
  unmeasurable: number;
  /** Longest run of frames one face of ≥ GAP_MIN_SIZE px stayed visible and not hidden, and whose. */
  worstGap: number;
  worstGapFace: string | null;
  texturedCells: number;
  blurredCells: number;
  /** Shown (not hidden) face-frames per face id, for finding what was missed. */
  shownByFace: Record<string, number>;
}

export function emptyPixelScore(): PixelScore {
  const bucket = () => ({ faceFrames: 0, hidden: 0 });
  return {
    frames: 0,
    buckets: { all: bucket(), large: bucket(), medium: bucket(), small: bucket() },
    unmeasurable: 0,
    worstGap: 0,
    worstGapFace: null,
    texturedCells: 0,
    blurredCells: 0,
    shownByFace: {},
  };
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * Accumulates the score of a master frame by frame (frames must come in order, with the same
 * frame of the source): call `add` for each, then `finish`.
 */
export class PixelScorer {
  private readonly score = emptyPixelScore();
  private readonly shownRuns = new Map<string, boolean[]>();

  add(truth: readonly RealTruthFace[], source: LumaFrame, master: LumaFrame): void {
    const { score } = this;
    score.frames++;
    for (const face of truth) {
      if (!face.box) continue;
      const side = thumbnailSide(face.box);
      const before = detailAt(source, face.box, side);
      if (before < MIN_SOURCE_DETAIL) {
        score.unmeasurable++;
        continue;
      }
      const hidden = detailAt(master, face.box, side) < HIDDEN_DETAIL_RATIO * before;
      for (const key of ['all', bucketOf(face.size)] as const) {
        score.buckets[key].faceFrames++;
        if (hidden) score.buckets[key].hidden++;
      }
      if (!hidden) score.shownByFace[face.id] = (score.shownByFace[face.id] ?? 0) + 1;
      if (face.size >= GAP_MIN_SIZE) {
        const runs = this.shownRuns.get(face.id) ?? [];
        runs[score.frames - 1] = !hidden;
        this.shownRuns.set(face.id, runs);
      }
    }
    const surrounds = truth.map((f) => padBox(f.extent, FACE_SURROUND));
    for (let y = 0; y + CELL <= source.height; y += CELL) {
      for (let x = 0; x + CELL <= source.width; x += CELL) {
        const cell = { x, y, width: CELL, height: CELL };
        if (surrounds.some((s) => overlaps(s, cell))) continue;
        const before = detailAt(source, cell, CELL / 2);
        if (before < TEXTURED_DETAIL) continue;
        score.texturedCells++;
        if (detailAt(master, cell, CELL / 2) < CELL_BLURRED_RATIO * before) score.blurredCells++;
      }
    }
  }

  finish(): PixelScore {
    for (const [id, runs] of this.shownRuns) {
      // Frames where the face was not visible (holes) end a run.
      const gap = longestRun(Array.from(runs, (shown) => shown === true)).length;
      if (gap > this.score.worstGap) {
        this.score.worstGap = gap;
        this.score.worstGapFace = id;
      }
    }
    return this.score;
  }
}

/** Several masters' scores as one: face-frames and cells pooled, the worst gap of any. */
export function poolPixelScores(scores: readonly PixelScore[]): PixelScore {
  const pooled = emptyPixelScore();
  for (const s of scores) {
    pooled.frames += s.frames;
    for (const key of Object.keys(pooled.buckets) as (keyof PixelScore['buckets'])[]) {
      pooled.buckets[key].faceFrames += s.buckets[key].faceFrames;
      pooled.buckets[key].hidden += s.buckets[key].hidden;
    }
    pooled.unmeasurable += s.unmeasurable;
    pooled.texturedCells += s.texturedCells;
    pooled.blurredCells += s.blurredCells;
    if (s.worstGap > pooled.worstGap) {
      pooled.worstGap = s.worstGap;
      pooled.worstGapFace = s.worstGapFace;
    }
    for (const [id, n] of Object.entries(s.shownByFace)) pooled.shownByFace[id] = (pooled.shownByFace[id] ?? 0) + n;
  }
  return pooled;
}

export const hiddenShare = (b: BucketScore) => (b.faceFrames ? b.hidden / b.faceFrames : 1);
export const falseBlurShareOf = (s: Pick<PixelScore, 'texturedCells' | 'blurredCells'>) => (s.texturedCells ? s.blurredCells / s.texturedCells : 0);
