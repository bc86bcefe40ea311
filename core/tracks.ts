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
