import type { SourceInfo } from '../../electron/shared/contract';

/** Frame ↔ time on the `<video>` element's timeline, which starts at the first frame (time 0). */

export type FrameClock = Pick<SourceInfo, 'frameRate' | 'frameCount'>;

export function fpsOf(clock: FrameClock): number {
  return clock.frameRate.num / clock.frameRate.den;
}

/**
 * The frame whose display interval contains `seconds`: a frame's own timestamp
 * (`requestVideoFrameCallback`'s `mediaTime`) or any time within it. Timestamps are rounded to
 * microseconds, so one may fall a hair before its frame's exact start: allow 1% of a frame.
 */
export function frameAtTime(clock: FrameClock, seconds: number): number {
  return Math.max(0, Math.min(clock.frameCount - 1, Math.floor(seconds * fpsOf(clock) + 0.01)));
}

/** A time inside frame `n`'s display interval: seeking there shows exactly frame n. */
export function seekTimeOf(clock: FrameClock, frame: number): number {
  return (clampFrame(clock, frame) + 0.5) / fpsOf(clock);
}

export function clampFrame(clock: Pick<SourceInfo, 'frameCount'>, frame: number): number {
  return Math.max(0, Math.min(clock.frameCount - 1, Math.round(frame)));
}

/** `hh:mm:ss:ff` with the frame within the second (nominal rate for fractional rates). */
export function timecode(clock: FrameClock, frame: number): string {
  const rate = Math.round(fpsOf(clock));
  const totalSeconds = Math.floor(frame / rate);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(totalSeconds / 3600))}:${pad(Math.floor(totalSeconds / 60) % 60)}:${pad(totalSeconds % 60)}:${pad(frame % rate)}`;
}

/** Where frame `n` starts on the source's timeline, in seconds (rounded to microseconds). */
export function frameStartSeconds(clock: FrameClock, frame: number): number {
  return Math.round((frame / fpsOf(clock)) * 1e6) / 1e6;
}

/**
 * The frames a span of seconds touches (inclusive): the frame holding `start`, up to the frame
 * holding the last instant before `end`. A span that ends on a frame boundary stops before it.
 */
export function framesOfSeconds(clock: FrameClock, start: number, end: number): { first: number; last: number } {
  const first = frameAtTime(clock, start);
  const last = Math.min(clock.frameCount - 1, Math.ceil(end * fpsOf(clock) - 0.01) - 1);
  return { first, last: Math.max(first, last) };
}
