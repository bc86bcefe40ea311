import type { SourceInfo } from '../../../core/project';
import { decodeSize } from '../media/decode';
import { runFfprobeJson, spawnMedia, type MediaProcess } from '../media/ffmpeg';

/**
 * Raw RGB frames `start .. start+count-1` of a source, numbered exactly as `decodeFrames` numbers
 * them (every decoded frame, `-vsync passthrough`). Starting at frame N must not decode N frames
 * first (an hour of 1080p is 100 000 of them), so where the container has a seek index ffmpeg
 * seeks to the keyframe before N and drops the frames before N's timestamp; other containers
 * (MPEG-PS/TS, AVI …), whose seeks can land past the target, decode from the start and skip.
 */

/** Containers whose demuxer seeks by an index, so `-ss` before `-i` lands exactly (checked by tests). */
const INDEXED_CONTAINERS = /^(mov,mp4|matroska)/;

export interface FrameTimeline {
  /** Presentation time of every frame in decode-output order, seconds from the file's start. */
  times: number[];
}

/**
 * Frame times from the packet index (reads the file, decodes nothing): packets sorted by
 * presentation time are the frames in the order the decoder outputs them. Packets the demuxer
 * marks as discarded (before an edit list's start) never become frames. Null when the
 * timestamps cannot be trusted (missing or repeated), so the caller decodes and skips instead.
 */
export async function readFrameTimeline(source: SourceInfo, signal?: AbortSignal): Promise<FrameTimeline | null> {
  if (!INDEXED_CONTAINERS.test(source.container)) return null;
  const probe = (await runFfprobeJson(
    ['-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags:format=start_time', source.path],
    'indexing the source',
    signal,
  )) as { packets?: { pts_time?: string; flags?: string }[]; format?: { start_time?: string } };
  const fileStart = Number(probe.format?.start_time ?? 0) || 0;
  const times: number[] = [];
  for (const packet of probe.packets ?? []) {
    if (packet.flags?.includes('D')) continue;
    const t = Number(packet.pts_time);
    if (packet.pts_time === undefined || !Number.isFinite(t)) return null;
    times.push(t - fileStart);
  }
  times.sort((a, b) => a - b);
  for (let i = 1; i < times.length; i++) if (times[i] === times[i - 1]) return null;
  return { times };
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
    const seek = (timeline.times[request.start - 1] + timeline.times[request.start]) / 2;
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
