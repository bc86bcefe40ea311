import type { FrameRange } from '../../../core/project';
import { framesIn } from '../../../core/review';

/** Ranges intersecting the view, joined where they would touch on screen. */
export function rangesInView(ranges: readonly FrameRange[], from: number, to: number, pxPerFrame: number, minGapPx: number): FrameRange[] {
  const gap = minGapPx / pxPerFrame;
  const out: FrameRange[] = [];
  for (const r of ranges) {
    if (r.last < from || r.first > to) continue;
    const last = out[out.length - 1];
    if (last && r.first - last.last <= gap) last.last = Math.max(last.last, r.last);
    else out.push({ ...r });
  }
  return out;
}

/** The share of the clip watched, floored so that 100 % means every frame. */
export function watchedPercent(watched: readonly FrameRange[], frameCount: number): number {
  return Math.floor((100 * framesIn(watched)) / frameCount);
}
