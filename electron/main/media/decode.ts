import { BlurlineError } from '../../../core/errors';
import { splitFrames } from '../../../core/rawFrames';
import { yuvFrameSize } from '../../../core/anonymise';
import { RAW_YUV_FORMATS, type RawYuvFormat } from '../../../core/masterFormat';
import { spawnMedia } from './ffmpeg';

export type RawPixelFormat = 'rgb24' | RawYuvFormat;

export interface DecodedFrame {
  /** 0-based index in decode order; the same index the render plan uses. */
  index: number;
  width: number;
  height: number;
  data: Uint8Array;
}

export interface DecodeOptions {
  pixelFormat: RawPixelFormat;
  /** Source display size (after rotation), from probeVideo. */
  sourceWidth: number;
  sourceHeight: number;
  /** Scale to this width (aspect kept, even sizes); omit for the source size. */
  width?: number;
  /**
   * False: frames in their coded orientation, ignoring the display matrix (sourceWidth and
   * sourceHeight are then the coded size). Default true: upright, as displayed.
   */
  autorotate?: boolean;
  /**
   * Start at frame `startFrame`: with `seekSeconds` (a time between that frame and the one
   * before it, for containers that seek exactly) ffmpeg seeks there and drops what comes before;
   * without, every earlier frame is decoded and skipped. Indices stay those of the whole source.
   */
  startFrame?: number;
  seekSeconds?: number;
  /** Stop after this many frames. */
  maxFrames?: number;
  signal?: AbortSignal;
}

export function frameByteSize(format: RawPixelFormat, width: number, height: number): number {
  return format === 'rgb24' ? width * height * 3 : yuvFrameSize(RAW_YUV_FORMATS[format], width, height);
}

/** Output size for a decode: the source size, or scaled down to `width` with even dimensions. */
export function decodeSize(options: Pick<DecodeOptions, 'sourceWidth' | 'sourceHeight' | 'width'>): { width: number; height: number } {
  const { sourceWidth, sourceHeight, width } = options;
  if (!width || width >= sourceWidth) return { width: sourceWidth, height: sourceHeight };
  const w = Math.max(2, Math.round(width / 2) * 2);
  return { width: w, height: Math.max(2, Math.round((sourceHeight * w) / sourceWidth / 2) * 2) };
}

/**
 * Streams every frame of the first video stream as raw pixels, with its exact index.
 * Memory stays constant for any length: ffmpeg is paused by the pipe while the consumer works.
 * Frames are never dropped or duplicated (`-vsync passthrough`), so index N here is frame N everywhere.
 */
export async function* decodeFrames(file: string, options: DecodeOptions): AsyncGenerator<DecodedFrame> {
  const { width, height } = decodeSize(options);
  const scaled = width !== options.sourceWidth || height !== options.sourceHeight;
  const startFrame = options.startFrame ?? 0;
  const seeking = startFrame > 0 && options.seekSeconds !== undefined;
  const skip = seeking ? 0 : startFrame;
  const args = [
    '-hide_banner', '-nostdin', '-v', 'error',
    ...(options.autorotate === false ? ['-noautorotate'] : []),
    ...(seeking ? ['-ss', options.seekSeconds!.toFixed(6)] : []),
    '-i', file,
    '-map', '0:v:0',
    '-vsync', 'passthrough',
    ...(scaled ? ['-vf', `scale=${width}:${height}:flags=bilinear`] : []),
    ...(options.maxFrames !== undefined ? ['-frames:v', String(skip + options.maxFrames)] : []),
    '-f', 'rawvideo', '-pix_fmt', options.pixelFormat,
    'pipe:1',
  ];
  const proc = spawnMedia(args, { task: 'decoding the source', signal: options.signal });
  const frameSize = frameByteSize(options.pixelFormat, width, height);
  let index = seeking ? startFrame : 0;
  try {
    try {
      for await (const data of splitFrames(proc.child.stdout! as AsyncIterable<Uint8Array>, frameSize)) {
        const frameIndex = index++;
        if (frameIndex >= startFrame) yield { index: frameIndex, width, height, data };
      }
    } catch (err) {
      // A stream cut inside a frame: ffmpeg's own failure (if it failed) says why, so it goes first.
      if (err instanceof BlurlineError && err.code === 'SOURCE_TRUNCATED') await proc.done;
      throw err;
    }
    await proc.done;
  } finally {
    // The consumer stopped early (break, error or cancel): do not leave ffmpeg running.
    proc.stop();
  }
}
