import type { Box } from '../../core/geometry';
import { MIN_VISIBLE_SHARE } from './scene';
import { turnBox } from '../../core/image';
import { frameTime, placementAt, turnedSize, type DevPhoto, type Placement, type RealClip } from './realSuite';

/**
 * The ground truth of a real-face clip, from the camera that filmed it (kept apart from the
 * filming code, whose hash names the cached clips: a change here needs no new clip).
 */

/** One annotated face on one frame. */
export interface RealTruthFace {
  /** `<photo>#<index in faces.json>`: the same face on every frame. */
  id: string;
  /** The whole box on the frame (may reach past its edges). */
  extent: Box;
  /** The part inside the frame, or null when under MIN_VISIBLE_SHARE of it is. */
  box: Box | null;
  /** Size for the buckets: √(width·height) of the whole box, frame pixels. */
  size: number;
}

export function placeBox(box: Box, at: Placement): Box {
  return { x: at.x + box.x * at.scale, y: at.y + box.y * at.scale, width: box.width * at.scale, height: box.height * at.scale };
}

function visiblePart(extent: Box, width: number, height: number): Box | null {
  const x0 = Math.max(0, extent.x);
  const y0 = Math.max(0, extent.y);
  const x1 = Math.min(width, extent.x + extent.width);
  const y1 = Math.min(height, extent.y + extent.height);
  if (x1 <= x0 || y1 <= y0) return null;
  const box = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  return box.width * box.height >= MIN_VISIBLE_SHARE * extent.width * extent.height ? box : null;
}

/**
 * Where the face is in a whole-head box (VOC's boxes hold the hair and the back of the head):
 * its middle 70 % each way, a little below the centre. A blur over the face hides the person
 * whether or not the hair stays sharp, so the check measures the face, not the hair.
 */
export function faceOfHead([x, y, w, h]: readonly number[]): [number, number, number, number] {
  return [x + 0.15 * w, y + 0.2 * h, 0.7 * w, 0.7 * h];
}

/** The ground truth of a clip, per frame: every annotated face of the photo where the camera puts it. */
export function realTruth(clip: RealClip, photo: DevPhoto): RealTruthFace[][] {
  const turned = turnedSize(photo, clip.turn);
  const boxes = photo.boxes.map((b) => {
    const [x, y, width, height] = photo.kind === 'head' ? faceOfHead(b) : b;
    return turnBox({ x, y, width, height }, clip.turn, photo.width, photo.height);
  });
  return Array.from({ length: clip.frames }, (_, frame) => {
    const at = placementAt(clip, turned, frameTime(frame));
    return boxes.flatMap((b, i) => {
      const extent = placeBox(b, at);
      if (extent.x >= clip.width || extent.y >= clip.height || extent.x + extent.width <= 0 || extent.y + extent.height <= 0) return [];
      return [{ id: `${photo.file}#${i}`, extent, box: visiblePart(extent, clip.width, clip.height), size: Math.sqrt(extent.width * extent.height) }];
    });
  });
}

