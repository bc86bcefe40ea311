import { anonymisePlane, type PlaneView } from '../../../core/anonymise';
import type { Box } from '../../../core/geometry';
import type { RenderRegion } from '../../../core/renderPlan';

/**
 * Draws the shown video frame at source size and anonymises the regions with the render's own
 * pixel code (core/anonymise on RGBA), so the preview is the blur the export will write.
 * Each region is processed in a window around it: the blur only reads pixels within 3 radii.
 */
export function drawPreview(
  ctx: CanvasRenderingContext2D,
  video: CanvasImageSource,
  width: number,
  height: number,
  regions: readonly RenderRegion[],
  outsideBlur: { focus: readonly Box[] } | null = null,
): void {
  if (outsideBlur) {
    // The protective view's soft surround: the whole picture blurred, the boxes worked on sharp.
    ctx.filter = `blur(${Math.round(Math.max(width, height) / 120)}px)`;
    ctx.drawImage(video, 0, 0, width, height);
    ctx.filter = 'none';
    ctx.save();
    ctx.beginPath();
    for (const b of outsideBlur.focus) ctx.rect(b.x, b.y, b.width, b.height);
    ctx.clip();
    ctx.drawImage(video, 0, 0, width, height);
    ctx.restore();
  } else ctx.drawImage(video, 0, 0, width, height);
  for (const region of regions) {
    const reach = region.feather + 3 * region.radius + 2;
    const x0 = Math.max(0, Math.floor(region.box.x - reach));
    const y0 = Math.max(0, Math.floor(region.box.y - reach));
    const x1 = Math.min(width, Math.ceil(region.box.x + region.box.width + reach));
    const y1 = Math.min(height, Math.ceil(region.box.y + region.box.height + reach));
    if (x1 <= x0 || y1 <= y0) continue;
    const image = ctx.getImageData(x0, y0, x1 - x0, y1 - y0);
    const local = { ...region, box: { ...region.box, x: region.box.x - x0, y: region.box.y - y0 }, fill: 0 };
    for (let channel = 0; channel < 3; channel++) {
      const plane: PlaneView = { data: image.data, width: image.width, height: image.height, stride: image.width * 4, pixelStep: 4, offset: channel };
      anonymisePlane(plane, local);
    }
    ctx.putImageData(image, x0, y0);
  }
}
