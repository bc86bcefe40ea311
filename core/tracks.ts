import { lerpBox, type Box } from './geometry';
import type { Track, TrackKeyframe } from './project';

export interface FrameSpan {
  first: number;
  last: number;
}

export function trackSpan(track: Pick<Track, 'keyframes'>): FrameSpan {
  return { first: track.keyframes[0].frame, last: track.keyframes[track.keyframes.length - 1].frame };
}

/** Index of the last keyframe at or before `frame`, or -1. Keyframes are sorted by frame. */
export function keyframeIndexAtOrBefore(keyframes: readonly TrackKeyframe[], frame: number): number {
  let lo = 0;
  let hi = keyframes.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (keyframes[mid].frame <= frame) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/**
 * The box of a track at `frame`: the keyframe's box on a keyframe, linear interpolation
 * between the keyframes around it, null outside the track's span.
 */
export function trackBoxAt(track: Pick<Track, 'keyframes'>, frame: number): Box | null {
  const { keyframes } = track;
  const i = keyframeIndexAtOrBefore(keyframes, frame);
  if (i < 0) return null;
  const before = keyframes[i];
  if (before.frame === frame) return { ...before.box };
  const after = keyframes[i + 1];
  if (!after) return null;
  return lerpBox(before.box, after.box, (frame - before.frame) / (after.frame - before.frame));
}

/**
 * The keyframes needed to draw the same boxes: a keyframe is dropped where the boxes before and
 * after it, interpolated, put every edge within `tolerance` of its box's size of where it was
 * (left and right edges by its width, top and bottom by its height, so a plate's thin side counts),
 * on every frame of the original from the last kept keyframe on. The first and last stay.
 */
export function thinKeyframes(keyframes: readonly TrackKeyframe[], tolerance: number): TrackKeyframe[] {
  if (keyframes.length <= 2) return keyframes.slice();
  const kept: TrackKeyframe[] = [keyframes[0]];
  let anchor = 0;
  const fits = (end: number) => {
    const a = keyframes[anchor];
    const b = keyframes[end];
    for (let i = anchor + 1; i < end; i++) {
      const k = keyframes[i];
      const box = lerpBox(a.box, b.box, (k.frame - a.frame) / (b.frame - a.frame));
      const dx = Math.max(Math.abs(box.x - k.box.x), Math.abs(box.x + box.width - k.box.x - k.box.width));
      const dy = Math.max(Math.abs(box.y - k.box.y), Math.abs(box.y + box.height - k.box.y - k.box.height));
      if (dx > tolerance * k.box.width || dy > tolerance * k.box.height) return false;
    }
    return true;
  };
  for (let end = 2; end < keyframes.length; end++) {
    if (!fits(end)) {
      anchor = end - 1;
      kept.push(keyframes[anchor]);
    }
  }
  kept.push(keyframes[keyframes.length - 1]);
  return kept;
}
