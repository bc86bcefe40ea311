import { padBox, type Box } from './geometry';
import type { BlurStyle, FrameRange, Project, Track } from './project';
import { trackBoxAt, trackSpan } from './tracks';

/** One area to anonymise on one frame, fully resolved to pixels. */
export interface RenderRegion {
  trackId: string;
  type: BlurStyle['type'];
  shape: BlurStyle['shape'];
  /** The padded shape box in whole pixels; may extend past the frame edge (the shape is not squashed). */
  box: Box;
  /** Gaussian: blur radius; pixelate: block size. Pixels. */
  radius: number;
  /** Width of the soft edge outside the box, pixels (0 = hard edge). */
  feather: number;
}

export interface PlannedFrame {
  frame: number;
  regions: RenderRegion[];
}

export interface RenderPlan {
  width: number;
  height: number;
  frameCount: number;
  /** Frames that have at least one region, in increasing frame order. */
  frames: PlannedFrame[];
}

/** Tracks that are rendered: everything the editor has not explicitly rejected. */
/** What the plan reads of a track (an audit report's tracks have it too). */
type PlannedTrack = Pick<Track, 'id' | 'status' | 'style' | 'keyframes'>;

export function isRenderedTrack(track: Pick<Track, 'status'>): boolean {
  return track.status !== 'rejected';
}

/**
 * Blur radius (gaussian) or block size (pixelate) for a face box. It scales with the face so
 * strength 1 removes identifying detail at any distance: about a fifth of the face's smaller side.
 */
export function blurRadiusFor(style: BlurStyle, faceBox: Box): number {
  const side = Math.min(faceBox.width, faceBox.height) * style.strength;
  // Pixelate blocks stay even so the half-resolution chroma grid lines up with the luma grid.
  if (style.type === 'pixelate') return Math.max(4, 2 * Math.round(side * 0.08));
  return Math.max(2, Math.round(side * 0.2));
}

export function regionFor(track: PlannedTrack, faceBox: Box): RenderRegion {
  const padded = padBox(faceBox, track.style.padding);
  const x0 = Math.floor(padded.x);
  const y0 = Math.floor(padded.y);
  const box = {
    x: x0,
    y: y0,
    width: Math.ceil(padded.x + padded.width) - x0,
    height: Math.ceil(padded.y + padded.height) - y0,
  };
  return {
    trackId: track.id,
    type: track.style.type,
    shape: track.style.shape,
    box,
    radius: blurRadiusFor(track.style, faceBox),
    feather: Math.round(track.style.feather * Math.min(box.width, box.height)),
  };
}

function touchesFrame(region: RenderRegion, width: number, height: number): boolean {
  const f = region.feather;
  const { x, y, width: w, height: h } = region.box;
  return x + w + f > 0 && y + h + f > 0 && x - f < width && y - f < height;
}

/** The regions to blur on every frame of the source, from the project's rendered tracks. */
export function buildRenderPlan(project: { source: Pick<Project['source'], 'width' | 'height' | 'frameCount'>; tracks: readonly PlannedTrack[] }): RenderPlan {
  const { width, height, frameCount } = project.source;
  const byFrame = new Map<number, RenderRegion[]>();
  for (const track of project.tracks) {
    if (!isRenderedTrack(track)) continue;
    const span = trackSpan(track);
    const last = Math.min(span.last, frameCount - 1);
    for (let frame = Math.max(0, span.first); frame <= last; frame++) {
      const faceBox = trackBoxAt(track, frame);
      if (!faceBox) continue;
      const region = regionFor(track, faceBox);
      if (!touchesFrame(region, width, height)) continue;
      const list = byFrame.get(frame);
      if (list) list.push(region);
      else byFrame.set(frame, [region]);
    }
  }
  const frames = [...byFrame.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([frame, regions]) => ({ frame, regions }));
  return { width, height, frameCount, frames };
}

/** Number of region-frames in a plan (one face on one frame counts once). */
export function countPlannedRegions(plan: RenderPlan): number {
  return plan.frames.reduce((n, f) => n + f.regions.length, 0);
}

/**
 * The plan of a range export: only source frames first..last, renumbered so master frame 0 is
 * source frame `first` (null: the whole plan).
 */
export function planForRange(plan: RenderPlan, range: FrameRange | null): RenderPlan {
  if (!range) return plan;
  return {
    width: plan.width,
    height: plan.height,
    frameCount: range.last - range.first + 1,
    frames: plan.frames
      .filter((f) => f.frame >= range.first && f.frame <= range.last)
      .map((f) => ({ frame: f.frame - range.first, regions: f.regions })),
  };
}
