/** An axis-aligned box in source pixels (display orientation), origin top-left. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function boxArea(box: Box): number {
  return Math.max(0, box.width) * Math.max(0, box.height);
}

export function intersectionArea(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Intersection over union, 0 when the boxes do not overlap. */
export function iou(a: Box, b: Box): number {
  const inter = intersectionArea(a, b);
  if (inter === 0) return 0;
  return inter / (boxArea(a) + boxArea(b) - inter);
}

export function lerpBox(a: Box, b: Box, t: number): Box {
  return {
    x: a.x + (b.x - a.x) * t,
    y: a.y + (b.y - a.y) * t,
    width: a.width + (b.width - a.width) * t,
    height: a.height + (b.height - a.height) * t,
  };
}

/** Grows a box on every side by `fraction` of its own width/height. */
export function padBox(box: Box, fraction: number): Box {
  const dx = box.width * fraction;
  const dy = box.height * fraction;
  return { x: box.x - dx, y: box.y - dy, width: box.width + 2 * dx, height: box.height + 2 * dy };
}

export function scaleBox(box: Box, sx: number, sy: number = sx): Box {
  return { x: box.x * sx, y: box.y * sy, width: box.width * sx, height: box.height * sy };
}

/**
 * How a detector's boxes differ from SSD's on the same faces: this many times as wide and as tall,
 * the centre this many (SSD) box heights lower. Measured per model on real faces.
 */
export interface BoxShape {
  width: number;
  height: number;
  centreShiftY: number;
}

/** Where a face's chin points in the picture: down on an upright face, sideways on a face lying on its side. */
export type ChinSide = 'down' | 'up' | 'left' | 'right';

/**
 * A box drawn in `shape` redrawn in SSD's: every model's box for one face then looks alike (tracks
 * do not jump when the model changes). The shape is the face's own, so on a face on its side its
 * width and height swap, and the centre moves along the face, towards the forehead.
 */
export function toSsdShape(box: Box, shape: BoxShape, chin: ChinSide = 'down'): Box {
  const sideways = chin === 'left' || chin === 'right';
  const width = box.width / (sideways ? shape.height : shape.width);
  const height = box.height / (sideways ? shape.width : shape.height);
  const shift = shape.centreShiftY * (sideways ? width : height) * (chin === 'down' || chin === 'right' ? 1 : -1);
  const cx = box.x + box.width / 2 - (sideways ? shift : 0);
  const cy = box.y + box.height / 2 - (sideways ? 0 : shift);
  return { x: cx - width / 2, y: cy - height / 2, width, height };
}
