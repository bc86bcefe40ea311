import { BlurlineError } from './errors';

/**
 * Frame buffers used again once nothing holds them: a render at 4K would otherwise allocate (and
 * leave to the garbage collector) 12 MB a frame. Whoever takes a buffer holds it; each `hold`
 * (a pending write) needs its own `release`.
 */
export class FramePool {
  private readonly free: Uint8Array[] = [];
  private readonly holds = new Map<Uint8Array, number>();

  constructor(private readonly frameSize: number) {}

  take(): Uint8Array {
    const frame = this.free.pop() ?? new Uint8Array(this.frameSize);
    this.holds.set(frame, 1);
    return frame;
  }

  hold(frame: Uint8Array): void {
    this.holds.set(frame, (this.holds.get(frame) ?? 0) + 1);
  }

  release(frame: Uint8Array): void {
    const left = (this.holds.get(frame) ?? 1) - 1;
    if (left > 0) {
      this.holds.set(frame, left);
      return;
    }
    this.holds.delete(frame);
    this.free.push(frame);
  }
}

/**
 * Cuts a stream of raw video bytes (ffmpeg's rawvideo output, or the host's frames URL) into
 * frames of `frameSize` bytes, each in its own buffer (a new one, or one from `pool`, which the
 * consumer then releases). A stream that ends inside a frame is a truncated or corrupt source.
 */
export async function* splitFrames(chunks: AsyncIterable<Uint8Array>, frameSize: number, pool?: FramePool): AsyncGenerator<Uint8Array> {
  const newFrame = () => pool?.take() ?? new Uint8Array(frameSize);
  let frame = newFrame();
  let filled = 0;
  let count = 0;
  for await (const chunk of chunks) {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(frameSize - filled, chunk.length - offset);
      frame.set(chunk.subarray(offset, offset + n), filled);
      filled += n;
      offset += n;
      if (filled === frameSize) {
        yield frame;
        count++;
        frame = newFrame();
        filled = 0;
      }
    }
  }
  if (filled !== 0) {
    throw new BlurlineError('SOURCE_TRUNCATED', `decoding ended inside frame ${count}: the source is truncated or corrupt`);
  }
}
