import { BlurlineError, CancelledError } from '../../../core/errors';
import type { Box } from '../../../core/geometry';
import { progressFromFrames, type JobProgress } from '../../../core/progress';
import type { SourceInfo } from '../../../core/project';
import {
  followStep,
  startFollow,
  type FollowDirection,
  type FollowResult,
  type FollowSide,
  type FollowState,
} from '../../../core/regionFollow';
import type { LumaFrame } from '../../../core/detection';
import type { FrameTimeline } from '../../../core/masterFormat';
import { frameRange, frameTimeline } from '../ipc/frameRange';

/**
 * Follows a region the editor marked on one frame through the clip, forward and backward at
 * once (two decoders, one per core), frame by frame on the luma plane until the region is lost or
 * the clip ends. Backward runs on chunks of frames decoded forward and read in reverse, so memory
 * stays at one chunk of luma planes whatever the length.
 */
export interface FollowRequest {
  source: SourceInfo;
  frame: number;
  box: Box;
  directions: readonly FollowDirection[];
}

export interface FollowOptions {
  signal?: AbortSignal;
  onProgress?: (progress: JobProgress) => void;
}

/** Luma kept per backward chunk: about this many bytes, within these frame counts. */
const BACKWARD_CHUNK_BYTES = 192 * 2 ** 20;
const BACKWARD_CHUNK_FRAMES = { min: 8, max: 120 };

interface Context {
  source: SourceInfo;
  timeline: FrameTimeline | null;
  signal?: AbortSignal;
  /** Called once per frame followed, in either direction. */
  onFrame: () => void;
  /** Called when a direction stops short of the clip's end, with the frames it will not follow. */
  onStop: (framesLeft: number) => void;
}

const lumaOf = (source: SourceInfo, data: Uint8Array): LumaFrame => ({ width: source.width, height: source.height, data });

/** Decodes frames `start .. start+count-1` as luma planes (each in its own buffer). */
function lumaRange(ctx: Context, start: number, count: number): AsyncGenerator<Uint8Array> {
  return frameRange(ctx.source, { start, count, pixelFormat: 'gray' }, ctx.timeline, ctx.signal);
}

/** Takes one step and records it; returns the side finished, or null to go on. */
function stepOnto(state: FollowState, side: FollowSide, frame: number, luma: LumaFrame): boolean {
  const step = followStep(state, luma);
  if (step.kind === 'lost') {
    side.stoppedAt = frame;
    side.reason = step.reason;
    return true;
  }
  side.boxes.push({ frame, box: step.box, sure: step.kind === 'found' });
  return false;
}

async function followForward(ctx: Context, state: FollowState, from: number): Promise<FollowSide> {
  const side: FollowSide = { direction: 'forward', boxes: [], stoppedAt: null, reason: 'clip-end' };
  let frame = from + 1;
  const count = ctx.source.frameCount - frame;
  if (count <= 0) return side;
  for await (const data of lumaRange(ctx, frame, count)) {
    if (stepOnto(state, side, frame, lumaOf(ctx.source, data))) {
      ctx.onStop(ctx.source.frameCount - frame);
      break;
    }
    ctx.onFrame();
    frame++;
  }
  return side;
}

async function followBackward(ctx: Context, state: FollowState, from: number): Promise<FollowSide> {
  const side: FollowSide = { direction: 'backward', boxes: [], stoppedAt: null, reason: 'clip-end' };
  const planeBytes = ctx.source.width * ctx.source.height;
  const chunk = Math.max(BACKWARD_CHUNK_FRAMES.min, Math.min(BACKWARD_CHUNK_FRAMES.max, Math.floor(BACKWARD_CHUNK_BYTES / planeBytes)));
  for (let end = from; end > 0; ) {
    const start = Math.max(0, end - chunk);
    const planes: Uint8Array[] = [];
    for await (const data of lumaRange(ctx, start, end - start)) planes.push(data);
    for (let i = planes.length - 1; i >= 0; i--) {
      if (stepOnto(state, side, start + i, lumaOf(ctx.source, planes[i]))) {
        ctx.onStop(start + i + 1);
        return side;
      }
      ctx.onFrame();
    }
    end = start;
  }
  return side;
}

export async function followRegion(request: FollowRequest, options: FollowOptions = {}): Promise<FollowResult> {
  const { source, frame, box, directions } = request;
  if (!Number.isInteger(frame) || frame < 0 || frame >= source.frameCount) {
    throw new BlurlineError('INVALID_ARGUMENT', `frame ${frame} is not in the clip (frames 0–${source.frameCount - 1})`);
  }
  const timeline = await frameTimeline(source, options.signal);
  const started = performance.now();
  let total = directions.reduce((n, d) => n + (d === 'forward' ? source.frameCount - 1 - frame : frame), 0);
  let done = 0;
  let reported = 0;
  const ctx: Context = {
    source,
    timeline,
    signal: options.signal,
    onFrame: () => {
      done++;
      if (done - reported >= 10 && options.onProgress) {
        reported = done;
        options.onProgress(progressFromFrames(done, total, (performance.now() - started) / 1000));
      }
    },
    onStop: (framesLeft) => (total -= framesLeft),
  };
  let first: LumaFrame | null = null;
  for await (const data of lumaRange(ctx, frame, 1)) first = lumaOf(source, data);
  if (!first) throw new BlurlineError('SOURCE_TRUNCATED', `frame ${frame} could not be decoded`);
  const startState = () => startFollow(first!, box);
  if (!startState()) {
    throw new BlurlineError(
      'INVALID_ARGUMENT',
      `nothing to follow in the box at ${Math.round(box.x)},${Math.round(box.y)} (${Math.round(box.width)}×${Math.round(box.height)}) on frame ${frame}: it is flat or outside the picture; draw it over the thing to hide`,
    );
  }
  const sides = await Promise.all(directions.map((d) => (d === 'forward' ? followForward(ctx, startState()!, frame) : followBackward(ctx, startState()!, frame))));
  if (options.signal?.aborted) throw new CancelledError('following the region');
  options.onProgress?.(progressFromFrames(total, total, (performance.now() - started) / 1000));
  return { frame, box: { ...box }, sides };
}
