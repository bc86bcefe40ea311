import type { SourceInfo } from '../../../core/project';
import { decodeFrames, type DecodedFrame, type RawPixelFormat } from '../media/decode';
import { rangeSeek, type FrameTimeline, type RangeSeek } from '../../../core/masterFormat';
import { readFrameTimeline, seeksExactly } from '../media/probe';

/**
 * Raw frames `start .. start+count-1` of a source, numbered exactly as analysis and the
 * render number them: by each decoded frame's own timestamp on the source's frame timeline, so a
 * frame the decoder cannot decode leaves its index out instead of moving every later frame, in
 * this request and every later one. Its place is held by the frame before it, as in the master.
 * Starting at frame N must not decode N frames first (an hour of 1080p is 100 000 of them), so
 * ffmpeg seeks (`rangeSeek`): to N where the container has a seek index, else (MPEG-TS and -PS)
 * to the keyframe before N, decoding from there. Only a source without trustworthy timestamps
 * (AVI, whose frames are counted) is decoded from the start and skipped.
 */

/** The source's frame timestamps (the packet index; null when they cannot be trusted, and frames are then counted). */
export function frameTimeline(source: SourceInfo, signal?: AbortSignal): Promise<FrameTimeline | null> {
  return readFrameTimeline(source.path, 'v:0', signal);
}

export interface FrameRangeRequest {
  start: number;
  count: number;
  /** Output width (aspect kept, even); omit for the source width. */
  width?: number;
  /** Default rgb24. */
  pixelFormat?: RawPixelFormat;
}

/**
 * The range's frames in order, one buffer each. A seek that lands anywhere but on its frame (a
 * transport stream's timestamp search can land past it) is noticed by the first frame's index,
 * and the range is decoded again from the first frame.
 */
export async function* frameRange(source: SourceInfo, request: FrameRangeRequest, timeline: FrameTimeline | null, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const seek = timeline && rangeSeek(timeline, request.start, seeksExactly(source.container));
  if (seek) {
    const seeked = decodedRange(source, request, timeline, signal, seek);
    const first = await seeked.next();
    if (!first.done && first.value.index === seek.frame) {
      yield* emitRange(request, (async function* () {
        yield first.value;
        yield* seeked;
      })());
      return;
    }
    await seeked.return(undefined);
  }
  yield* emitRange(request, decodedRange(source, request, timeline, signal, null));
}

function decodedRange(source: SourceInfo, request: FrameRangeRequest, timeline: FrameTimeline | null, signal: AbortSignal | undefined, seek: RangeSeek | null) {
  return decodeFrames(source.path, {
    pixelFormat: request.pixelFormat ?? 'rgb24',
    sourceWidth: source.width,
    sourceHeight: source.height,
    width: request.width,
    // From the frame the seek lands on: the first one's index says where it landed.
    startFrame: seek?.frame ?? request.start,
    seekSeconds: seek?.seconds,
    maxFrames: request.count + request.start - (seek?.frame ?? request.start),
    timeline,
    signal,
  });
}

/** Frames start .. start+count-1 from decoded frames in index order, a missing one held by the frame before it. */
async function* emitRange({ start, count }: FrameRangeRequest, frames: AsyncIterable<DecodedFrame>): AsyncGenerator<Uint8Array> {
  const end = start + count;
  let next = start;
  let previous: Uint8Array | null = null;
  for await (const frame of frames) {
    // Frames before the range (decoded from the keyframe a seek landed on) only stand in for a missing first one.
    if (frame.index < start) {
      previous = frame.data;
      continue;
    }
    // A range that begins on an undecodable frame and has no frame before it to repeat: the next one stands in.
    for (; next < Math.min(frame.index, end); next++) yield previous ?? frame.data;
    if (frame.index >= end) break;
    yield frame.data;
    next = frame.index + 1;
    previous = frame.data;
  }
}
