import { regionFor, isRenderedTrack, type RenderRegion } from '../../../core/renderPlan';
import type { Track } from '../../../core/project';
import { trackBoxAt } from '../../../core/tracks';
import type { Box } from '../../../core/geometry';

export interface TrackOnFrame {
  track: Track;
  /** The face box (keyframe or interpolated). */
  box: Box;
  /** What the render blurs for it: the same geometry as the export. */
  region: RenderRegion;
}

/** Tracks that have a box on `frame`, with the region the render would blur. */
export function tracksOnFrame(tracks: readonly Track[], frame: number): TrackOnFrame[] {
  const result: TrackOnFrame[] = [];
  for (const track of tracks) {
    const box = trackBoxAt(track, frame);
    if (box) result.push({ track, box, region: regionFor(track, box) });
  }
  return result;
}

export function renderedRegions(onFrame: readonly TrackOnFrame[]): RenderRegion[] {
  return onFrame.filter((t) => isRenderedTrack(t.track)).map((t) => t.region);
}
