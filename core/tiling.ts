import { boxArea, intersectionArea, iou, type Box } from './geometry';
import type { FaceDetection } from './detection';

/** A tile's size; a side at least the frame's makes one column (or row) of tiles. */
export interface TileSize {
  width: number;
  height: number;
}

/**
 * Overlapping tiles covering a frame. A face smaller than `overlap` always lies whole in at
 * least one tile, so splitting the frame never loses it.
 */
export function tileLayout(width: number, height: number, tile: TileSize, overlap: number): Box[] {
  const positions = (extent: number, size: number): number[] => {
    if (extent <= size) return [0];
    const count = Math.ceil((extent - overlap) / (size - overlap));
    const step = (extent - size) / (count - 1);
    return Array.from({ length: count }, (_, i) => Math.round(i * step));
  };
  const xs = positions(width, tile.width);
  const ys = positions(height, tile.height);
  const w = Math.min(tile.width, width);
  const h = Math.min(tile.height, height);
  return ys.flatMap((y) => xs.map((x) => ({ x, y, width: w, height: h })));
}

/**
 * A box inside another is part of the same face when it spans most of the other's width or
 * height: a face cut by a tile edge, or one model's tighter box. A face under half the other's
 * size both ways is another person's: a speaker's face in front of a face on a poster behind
 * them lies inside the poster face's box, and was dropped as its duplicate on every frame.
 */
const PART_OF_FACE = { inside: 0.7, minSideRatio: 0.6 };

function isPartOf(a: Box, b: Box): boolean {
  const inter = intersectionArea(a, b);
  if (inter / Math.min(boxArea(a), boxArea(b)) <= PART_OF_FACE.inside) return false;
  const sideRatio = Math.max(Math.min(a.width, b.width) / Math.max(a.width, b.width), Math.min(a.height, b.height) / Math.max(a.height, b.height));
  return sideRatio >= PART_OF_FACE.minSideRatio;
}

/**
 * Non-maximum suppression across tiles and passes: keeps the best-scoring box of each group.
 * A box inside a better one that is part of the same face (see `isPartOf`) goes too.
 */
export function suppressDuplicates(detections: readonly FaceDetection[], maxOverlap = 0.45): FaceDetection[] {
  const sorted = [...detections].sort((a, b) => b.score - a.score);
  const kept: FaceDetection[] = [];
  for (const candidate of sorted) {
    const duplicate = kept.some((k) => {
      if (intersectionArea(k.box, candidate.box) === 0) return false;
      return iou(k.box, candidate.box) > maxOverlap || isPartOf(k.box, candidate.box);
    });
    if (!duplicate) kept.push(candidate);
  }
  return kept;
}

/** Plain non-maximum suppression within one detector's output: the best box of each group overlapping above `maxIou`. */
export function nonMaxSuppression(candidates: readonly FaceDetection[], maxIou: number): FaceDetection[] {
  const kept: FaceDetection[] = [];
  for (const candidate of [...candidates].sort((a, b) => b.score - a.score)) {
    if (kept.every((k) => iou(k.box, candidate.box) <= maxIou)) kept.push(candidate);
  }
  return kept;
}
