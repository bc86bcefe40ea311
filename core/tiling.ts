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
 * Non-maximum suppression across tiles and passes: keeps the best-scoring box of each group.
 * Overlap is measured against the smaller box as well, so a face cut by a tile edge (a partial
 * box inside the whole one) is dropped in favour of the whole face.
 */
export function suppressDuplicates(detections: readonly FaceDetection[], maxOverlap = 0.45): FaceDetection[] {
  const sorted = [...detections].sort((a, b) => b.score - a.score);
  const kept: FaceDetection[] = [];
  for (const candidate of sorted) {
    const duplicate = kept.some((k) => {
      const inter = intersectionArea(k.box, candidate.box);
      if (inter === 0) return false;
      const union = boxArea(k.box) + boxArea(candidate.box) - inter;
      return inter / union > maxOverlap || inter / Math.min(boxArea(k.box), boxArea(candidate.box)) > 0.7;
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
