import type { SourceInfo } from '../../../core/project';
import { decodeFramesFrom, type RawPixelFormat } from '../media/decode';
import { rangeSeek, type FrameTimeline } from '../../../core/masterFormat';
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

/** The range's frames in order, one buffer each. */
export async function* frameRange(source: SourceInfo, request: FrameRangeRequest, timeline: FrameTimeline | null, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const { start, count } = request;
  const frames = decodeFramesFrom(
    source.path,
    {
      pixelFormat: request.pixelFormat ?? 'rgb24',
      sourceWidth: source.width,
      sourceHeight: source.height,
      width: request.width,
      startFrame: start,
      maxFrames: count,
      timeline,
      signal,
    },
    timeline && rangeSeek(timeline, start, seeksExactly(source.container)),
  );
  const end = start + count;
  let next = start;
  let previous: Uint8Array | null = null;
  for await (const frame of frames) {
    // A range that begins on an undecodable frame has no frame before it to repeat: the next one stands in.
    for (; next < Math.min(frame.index, end); next++) yield previous ?? frame.data;
    if (frame.index >= end) break;
    yield frame.data;
    next = frame.index + 1;
    previous = frame.data;
  }
}
