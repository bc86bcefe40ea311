import { describe, expect, it } from 'vitest';
import { FramePool, splitFrames } from '../../core/rawFrames';

async function* chunks(...parts: number[][]) {
  for (const part of parts) yield Uint8Array.from(part);
}

async function collect(source: AsyncIterable<Uint8Array>, size: number): Promise<number[][]> {
  const frames: number[][] = [];
  for await (const frame of splitFrames(source, size)) frames.push([...frame]);
  return frames;
}

describe('splitFrames', () => {
  it('cuts frames across and within chunks, each in its own buffer', async () => {
    expect(await collect(chunks([1, 2], [3, 4, 5, 6, 7], [8, 9]), 3)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
  });

  it('names the frame a truncated stream ends in', async () => {
    await expect(collect(chunks([1, 2, 3, 4]), 3)).rejects.toMatchObject({ code: 'SOURCE_TRUNCATED', message: expect.stringContaining('inside frame 1') });
  });

  it('takes frame buffers from a pool and uses a buffer again only once every hold on it is released', async () => {
    const pool = new FramePool(2);
    const seen: Uint8Array[] = [];
    for await (const frame of splitFrames(chunks([1, 2, 3, 4, 5, 6, 7, 8]), 2, pool)) {
      seen.push(frame);
      if (seen.length === 1) pool.hold(frame); // a write still pending on the first frame
      pool.release(frame);
    }
    // Frame 1 is still held when frame 2 is cut, so frame 2 gets a new buffer; frame 3 reuses frame 2's.
    expect(seen[1]).not.toBe(seen[0]);
    expect(seen[2]).toBe(seen[1]);
    pool.release(seen[0]);
    expect(pool.take()).toBe(seen[0]);
  });
});
