import { BlurlineError } from './errors';

/**
 * Cuts a stream of raw video bytes (ffmpeg's rawvideo output, or the host's frames URL) into
 * frames of `frameSize` bytes, each in its own buffer. A stream that ends inside a frame is a
 * truncated or corrupt source.
 */
export async function* splitFrames(chunks: AsyncIterable<Uint8Array>, frameSize: number): AsyncGenerator<Uint8Array> {
  let frame = new Uint8Array(frameSize);
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
        frame = new Uint8Array(frameSize);
        filled = 0;
      }
    }
  }
  if (filled !== 0) {
    throw new BlurlineError('SOURCE_TRUNCATED', `decoding ended inside frame ${count}: the source is truncated or corrupt`);
  }
}
