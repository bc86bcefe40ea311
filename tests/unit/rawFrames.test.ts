import { describe, expect, it } from 'vitest';
import { splitFrames } from '../../core/rawFrames';

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
});
