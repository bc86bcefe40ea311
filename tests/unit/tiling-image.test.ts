import { describe, expect, it } from 'vitest';
import { cropResizeRgb, downscaleRgb, normaliseContrast, subsampleLuma } from '../../core/image';
import { suppressDuplicates, tileLayout } from '../../core/tiling';
import type { RgbFrame } from '../../core/detection';

describe('tileLayout', () => {
  it('covers the frame with tiles that overlap by at least the requested amount', () => {
    const tiles = tileLayout(1920, 1080, { width: 512, height: 512 }, 128);
    expect(tiles).toHaveLength(5 * 3);
    for (const t of tiles) {
      expect([t.width, t.height]).toEqual([512, 512]);
      expect(t.x + t.width).toBeLessThanOrEqual(1920);
      expect(t.y + t.height).toBeLessThanOrEqual(1080);
    }
    const xs = [...new Set(tiles.map((t) => t.x))].sort((a, b) => a - b);
    expect(xs[0]).toBe(0);
    expect(xs.at(-1)! + 512).toBe(1920);
    for (let i = 1; i < xs.length; i++) expect(xs[i - 1] + 512 - xs[i]).toBeGreaterThanOrEqual(128);
  });

  it('uses one tile, clipped to the frame, when the frame is smaller than a tile', () => {
    expect(tileLayout(480, 270, { width: 512, height: 512 }, 0)).toEqual([{ x: 0, y: 0, width: 480, height: 270 }]);
  });

  it('lays out full-width strips when the tile is as wide as the frame', () => {
    expect(tileLayout(1920, 1080, { width: 1920, height: 640 }, 96)).toEqual([
      { x: 0, y: 0, width: 1920, height: 640 },
      { x: 0, y: 440, width: 1920, height: 640 },
    ]);
  });
});

describe('suppressDuplicates', () => {
  it('keeps the best of overlapping boxes and distinct faces', () => {
    const kept = suppressDuplicates([
      { box: { x: 0, y: 0, width: 100, height: 100 }, score: 0.8 },
      { box: { x: 5, y: 5, width: 100, height: 100 }, score: 0.9 },
      { box: { x: 300, y: 0, width: 100, height: 100 }, score: 0.6 },
    ]);
    expect(kept.map((k) => k.score)).toEqual([0.9, 0.6]);
  });

  it('drops a face cut by a tile edge in favour of the whole face', () => {
    const kept = suppressDuplicates([
      { box: { x: 0, y: 0, width: 100, height: 120 }, score: 0.7 },
      { box: { x: 0, y: 0, width: 45, height: 120 }, score: 0.9 },
    ]);
    expect(kept).toHaveLength(1);
  });

  it('keeps a smaller face inside a larger face box (a speaker in front of a face on a poster)', () => {
    const kept = suppressDuplicates([
      { box: { x: 0, y: 0, width: 230, height: 310 }, score: 0.87 },
      { box: { x: 130, y: 180, width: 100, height: 130 }, score: 0.99 },
    ]);
    expect(kept).toHaveLength(2);
  });
});

function gradient(width: number, height: number): RgbFrame {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x * 10, y * 10, 7], (y * width + x) * 3);
  return { data, width, height };
}

describe('cropResizeRgb / downscaleRgb', () => {
  it('copies an in-frame crop exactly when no resize is needed', () => {
    const frame = gradient(20, 10);
    const crop = cropResizeRgb(frame, { x: 3, y: 2, width: 4, height: 5 }, 4, 5);
    expect([...crop.data.subarray(0, 3)]).toEqual([30, 20, 7]);
    expect([...crop.data.subarray((4 * 5 - 1) * 3)]).toEqual([60, 60, 7]);
  });

  it('upscales with bilinear sampling and repeats edges outside the frame', () => {
    const frame = gradient(20, 10);
    const zoom = cropResizeRgb(frame, { x: 2, y: 2, width: 4, height: 4 }, 8, 8);
    // Output pixel centres map to source positions 1.75, 2.25, 2.75 (pixel-centre convention).
    expect(zoom.data[0]).toBe(18);
    expect(zoom.data[3]).toBe(23);
    expect(zoom.data[6]).toBe(28);
    const outside = cropResizeRgb(frame, { x: -10, y: -10, width: 5, height: 5 }, 5, 5);
    expect([...outside.data.subarray(0, 3)]).toEqual([0, 0, 7]);
  });

  it('downscales by averaging blocks', () => {
    const frame = gradient(4, 2);
    const half = downscaleRgb(frame, 2);
    expect([half.width, half.height]).toEqual([2, 1]);
    expect([...half.data]).toEqual([5, 5, 7, 25, 5, 7]);
  });

  it('downscales only a region, the same pixels as cropping the whole shrunk frame', () => {
    const frame = gradient(24, 12);
    const whole = downscaleRgb(frame, 3);
    const tile = { x: 2, y: 1, width: 5, height: 3 };
    expect(downscaleRgb(frame, 3, tile)).toEqual(cropResizeRgb(whole, tile, 5, 3));
    expect(downscaleRgb(frame, 1, tile)).toEqual(cropResizeRgb(frame, tile, 5, 3));
  });

  it('stretches a dark picture to the full range and leaves a well-exposed one as it is', () => {
    // Night: levels 10..70 in a ramp.
    const dark: RgbFrame = { width: 61, height: 1, data: new Uint8Array(61 * 3).map((_, i) => 10 + Math.floor(i / 3)) };
    const stretched = normaliseContrast(dark);
    expect(stretched.data[0]).toBe(0);
    expect(stretched.data[stretched.data.length - 1]).toBe(255);
    expect(stretched.data[30 * 3]).toBeGreaterThan(120);
    expect(stretched.data[30 * 3]).toBeLessThan(145);
    const day: RgbFrame = { width: 256, height: 1, data: new Uint8Array(256 * 3).map((_, i) => Math.floor(i / 3)) };
    expect(normaliseContrast(day)).toBe(day);
  });

  it('does not spread a flat, noisy picture beyond 8x', () => {
    const flat: RgbFrame = { width: 100, height: 1, data: new Uint8Array(300).map((_, i) => 40 + (i % 5)) };
    const out = normaliseContrast(flat);
    const spread = Math.max(...out.data) - Math.min(...out.data);
    expect(spread).toBeLessThanOrEqual(Math.ceil(4 * (255 / 32)));
  });
});

describe('subsampleLuma', () => {
  it('keeps the rounded BT.601 luma of every other pixel of every other row', () => {
    const width = 33;
    const height = 19;
    const data = new Uint8Array(width * height * 3).map((_, i) => (i * 7919) % 256);
    const half = subsampleLuma({ data, width, height }, 2);
    expect([half.width, half.height]).toEqual([16, 9]);
    for (let y = 0; y < half.height; y++) {
      for (let x = 0; x < half.width; x++) {
        const p = (2 * y * width + 2 * x) * 3;
        const grey = 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
        expect(Math.abs(half.data[y * half.width + x] - grey)).toBeLessThanOrEqual(0.5 + 1e-3);
      }
    }
  });
});
