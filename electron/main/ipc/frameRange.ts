import type { SourceInfo } from '../../../core/project';
import { decodeSize } from '../media/decode';
import { frameSeconds, type FrameTimeline } from '../../../core/masterFormat';
import { spawnMedia, type MediaProcess } from '../media/ffmpeg';
import { readFrameTimeline, seeksExactly } from '../media/probe';

/**
 * Raw RGB frames `start .. start+count-1` of a source, numbered exactly as `decodeFrames` numbers
 * them (every decoded frame, `-vsync passthrough`). Starting at frame N must not decode N frames
 * first (an hour of 1080p is 100 000 of them), so where the container has a seek index ffmpeg
 * seeks to the keyframe before N and drops the frames before N's timestamp; other containers
 * (MPEG-PS/TS, AVI …), whose seeks can land past the target, decode from the start and skip.
 */

/**
 * The source's frame times where `-ss` lands exactly (mov/mp4, Matroska); null elsewhere, or
 * when the timestamps cannot be trusted, so the caller decodes from the start and skips.
 */
export async function seekTimeline(source: SourceInfo, signal?: AbortSignal): Promise<FrameTimeline | null> {
  return seeksExactly(source.container) ? readFrameTimeline(source.path, 'v:0', signal) : null;
}

export interface FrameRangeRequest {
  start: number;
  count: number;
  /** Output width (aspect kept, even); omit for the source width. */
  width?: number;
}

/**
 * ffmpeg arguments for the range. With a timeline the seek point is halfway between frame
 * start-1 and frame start: ffmpeg drops every decoded frame before it, and the midpoint keeps
 * the printed (rounded) timestamps from deciding which side a frame falls on.
 */
export function frameRangeArgs(source: SourceInfo, request: FrameRangeRequest, timeline: FrameTimeline | null): string[] {
  const { width, height } = decodeSize({ sourceWidth: source.width, sourceHeight: source.height, width: request.width });
  const filters: string[] = [];
  const input: string[] = [];
  if (request.start > 0 && timeline) {
    const seek = (frameSeconds(timeline, request.start - 1) + frameSeconds(timeline, request.start)) / 2;
    input.push('-ss', seek.toFixed(6));
  } else if (request.start > 0) {
    filters.push(`select=gte(n\\,${request.start})`);
  }
  if (width !== source.width || height !== source.height) filters.push(`scale=${width}:${height}:flags=bilinear`);
  return [
    '-hide_banner', '-nostdin', '-v', 'error',
    ...input,
    '-i', source.path,
    '-map', '0:v:0',
    '-vsync', 'passthrough',
    ...(filters.length ? ['-vf', filters.join(',')] : []),
    '-frames:v', String(request.count),
    '-f', 'rawvideo', '-pix_fmt', 'rgb24',
    'pipe:1',
  ];
}

/** Starts ffmpeg for the range; its stdout carries the frames, concatenated. */
export function spawnFrameRange(source: SourceInfo, request: FrameRangeRequest, timeline: FrameTimeline | null, signal?: AbortSignal): MediaProcess {
  return spawnMedia(frameRangeArgs(source, request, timeline), { task: 'decoding frames', signal });
}
