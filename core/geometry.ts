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
