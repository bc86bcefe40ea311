import { BlurlineError } from '../../../core/errors';
import { splitFrames, type FramePool } from '../../../core/rawFrames';
import { yuvFrameSize } from '../../../core/anonymise';
import { RAW_YUV_FORMATS, timelineIndexOf, type FrameTimeline, type RangeSeek, type RawYuvFormat } from '../../../core/masterFormat';
import { spawnMedia } from './ffmpeg';

/** rgb24 for the detectors, gray (luma only) for following a region, planar YUV for the render. */
export type RawPixelFormat = 'rgb24' | 'gray' | RawYuvFormat;

export interface DecodedFrame {
  /** 0-based index in presentation order; the same index the render plan uses. */
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
   * before it, where a seek lands there: `rangeSeek`) ffmpeg seeks there and drops what comes before;
   * without, every earlier frame is decoded and skipped. Indices stay those of the whole source.
   */
  startFrame?: number;
  seekSeconds?: number;
  /** Stop after this many frames. */
  maxFrames?: number;
  /**
   * The source's frame timestamps (`readFrameTimeline`). Each decoded frame then takes the index
   * its own timestamp has there, so a frame the decoder cannot decode (a damaged packet) leaves
   * its index out instead of moving every later frame one index early. Without it, frames are counted.
   */
  timeline?: FrameTimeline | null;
  /** Frame buffers from this pool (of this decode's frame size); the consumer releases each. */
  pool?: FramePool;
  signal?: AbortSignal;
}

export function frameByteSize(format: RawPixelFormat, width: number, height: number): number {
  if (format === 'rgb24') return width * height * 3;
  return format === 'gray' ? width * height : yuvFrameSize(RAW_YUV_FORMATS[format], width, height);
}

/** Output size for a decode: the source size, or scaled down to `width` with even dimensions. */
export function decodeSize(options: Pick<DecodeOptions, 'sourceWidth' | 'sourceHeight' | 'width'>): { width: number; height: number } {
  const { sourceWidth, sourceHeight, width } = options;
  if (!width || width >= sourceWidth) return { width: sourceWidth, height: sourceHeight };
  const w = Math.max(2, Math.round(width / 2) * 2);
  return { width: w, height: Math.max(2, Math.round((sourceHeight * w) / sourceWidth / 2) * 2) };
}

/** The timestamps the showinfo filter logs, one per frame, in order; `next` waits for the next one. */
class FrameStamps {
  private readonly stamps: number[] = [];
  private ended = false;
  private waiting: ((pts: number | null) => void) | null = null;

  push(pts: number) {
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting) waiting(pts);
    else this.stamps.push(pts);
  }

  end() {
    this.ended = true;
    this.waiting?.(null);
    this.waiting = null;
  }

  next(): Promise<number | null> {
    if (this.stamps.length > 0) return Promise.resolve(this.stamps.shift()!);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => (this.waiting = resolve));
  }
}

const SHOWINFO_LINE = /^\[Parsed_showinfo_\d+ @ [^\]]+\] \[info\] n:\s*\d+\s+pts:\s*(-?\d+)/;

/** With `-loglevel level+info`: the filter's frame lines are read, other info dropped, and the level tag taken off what is kept. */
function stampFilter(stamps: FrameStamps) {
  return (line: string): string | null => {
    const shown = SHOWINFO_LINE.exec(line);
    if (shown) {
      stamps.push(Number(shown[1]));
      return null;
    }
    if (/^(\[[^\]]+\] )?\[(info|verbose|debug)\] /.test(line)) return null;
    return line.replace(/^(\[[^\]]+\] )?\[(warning|error|fatal|panic)\] /, '$1');
  };
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
  const timeline = options.timeline ?? null;
  const stamps = new FrameStamps();
  // showinfo logs each frame's timestamp as it passes, before the frame is written: with -copyts
  // these are the packets' own timestamps, which the timeline holds. Without its checksums of every
  // plane, which nothing reads (3 ms a 1080p frame).
  const filters = [...(timeline ? ['showinfo=checksum=0'] : []), ...(scaled ? [`scale=${width}:${height}:flags=bilinear`] : [])];
  const args = [
    '-hide_banner', '-nostdin',
    ...(timeline ? ['-nostats', '-loglevel', 'level+info', '-copyts'] : ['-v', 'error']),
    ...(options.autorotate === false ? ['-noautorotate'] : []),
    ...(seeking ? ['-ss', options.seekSeconds!.toFixed(6)] : []),
    '-i', file,
    '-map', '0:v:0',
    '-vsync', 'passthrough',
    ...(filters.length ? ['-vf', filters.join(',')] : []),
    ...(options.maxFrames !== undefined ? ['-frames:v', String(skip + options.maxFrames)] : []),
    '-f', 'rawvideo', '-pix_fmt', options.pixelFormat,
    'pipe:1',
  ];
  const proc = spawnMedia(args, { task: 'decoding the source', signal: options.signal, ...(timeline && { filterStderrLine: stampFilter(stamps) }) });
  proc.child.stderr!.once('end', () => stamps.end());
  const frameSize = frameByteSize(options.pixelFormat, width, height);
  let index = seeking ? startFrame : 0;
  try {
    try {
      for await (const data of splitFrames(proc.child.stdout! as AsyncIterable<Uint8Array>, frameSize, options.pool)) {
        let frameIndex = index;
        if (timeline) {
          const pts = await stamps.next();
          const found = pts === null ? null : timelineIndexOf(timeline, pts);
          if (found !== null && found >= index) frameIndex = found;
        }
        index = frameIndex + 1;
        if (frameIndex >= startFrame) yield { index: frameIndex, width, height, data };
        else options.pool?.release(data);
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

/**
 * `decodeFrames` from `startFrame`, reached by `seek` (`rangeSeek`) where there is one: ffmpeg
 * seeks, and the frames from the one it lands on to `startFrame` are decoded and dropped. A seek
 * that lands anywhere but on its frame (a transport stream's timestamp search can land past it)
 * shows in the first frame's index, and the decode starts again from the first frame.
 */
export async function* decodeFramesFrom(file: string, options: DecodeOptions, seek: RangeSeek | null): AsyncGenerator<DecodedFrame> {
  const start = options.startFrame ?? 0;
  if (seek && seek.frame <= start) {
    const frames = decodeFrames(file, {
      ...options,
      startFrame: seek.frame,
      seekSeconds: seek.seconds,
      maxFrames: options.maxFrames === undefined ? undefined : options.maxFrames + start - seek.frame,
    });
    try {
      const first = await frames.next();
      if (!first.done && first.value.index === seek.frame) {
        for (let next: IteratorResult<DecodedFrame> = first; !next.done; next = await frames.next()) {
          if (next.value.index >= start) yield next.value;
          else options.pool?.release(next.value.data);
        }
        return;
      }
      if (!first.done) options.pool?.release(first.value.data);
    } finally {
      // Stops ffmpeg when the seek missed, or the consumer stopped early.
      await frames.return(undefined);
    }
  }
  yield* decodeFrames(file, { ...options, seekSeconds: undefined });
}
