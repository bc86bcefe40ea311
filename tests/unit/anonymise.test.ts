import { describe, expect, it } from 'vitest';
import { anonymisePlane, anonymiseYuv420Frame, yuv420FrameSize, type PlaneView } from '../../core/anonymise';
import type { RenderRegion } from '../../core/renderPlan';

const W = 120;
const H = 80;

/** A checkerboard of 2-pixel squares: maximal detail for a blur to remove. */
function checkerPlane(): PlaneView {
  const data = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[y * W + x] = ((x >> 1) + (y >> 1)) % 2 ? 220 : 30;
  return { data, width: W, height: H, stride: W, pixelStep: 1, offset: 0 };
}

function region(overrides: Partial<RenderRegion> = {}): RenderRegion {
  return { trackId: 't', type: 'gaussian', shape: 'rect', box: { x: 40, y: 20, width: 40, height: 30 }, radius: 6, feather: 0, ...overrides };
}

function detail(p: PlaneView, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1 - 1; x++) sum += Math.abs(p.data[y * W + x] - p.data[y * W + x + 1]);
  return sum / ((y1 - y0) * (x1 - x0 - 1));
}

function changedOutside(before: ArrayLike<number>, after: ArrayLike<number>, inside: (x: number, y: number) => boolean): number {
  let changed = 0;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (!inside(x, y) && before[y * W + x] !== after[y * W + x]) changed++;
  return changed;
}

describe('anonymisePlane', () => {
  it('gaussian: removes detail inside a rect and touches nothing outside it', () => {
    const plane = checkerPlane();
    const before = plane.data.slice();
    anonymisePlane(plane, { ...region(), fill: 0 });
    expect(detail(plane, 42, 22, 78, 48)).toBeLessThan(detail({ ...plane, data: before }, 42, 22, 78, 48) * 0.05);
    expect(changedOutside(before, plane.data, (x, y) => x >= 40 && x < 80 && y >= 20 && y < 50)).toBe(0);
  });

  it('ellipse: leaves the corners of its box alone', () => {
    const plane = checkerPlane();
    const before = plane.data.slice();
    anonymisePlane(plane, { ...region({ shape: 'ellipse' }), fill: 0 });
    expect(plane.data[20 * W + 40]).toBe(before[20 * W + 40]);
    expect(plane.data[49 * W + 79]).toBe(before[49 * W + 79]);
    expect(plane.data[35 * W + 60]).not.toBe(before[35 * W + 60]);
    const inEllipse = (x: number, y: number) => ((x + 0.5 - 60) / 20) ** 2 + ((y + 0.5 - 35) / 15) ** 2 <= 1;
    expect(changedOutside(before, plane.data, inEllipse)).toBe(0);
  });

  it('feather: blends outside the box, fully effective inside', () => {
    const plane = checkerPlane();
    const solid = { ...region({ type: 'solid', feather: 8 }), fill: 0 };
    anonymisePlane(plane, solid);
    for (let y = 20; y < 50; y++) for (let x = 40; x < 80; x++) expect(plane.data[y * W + x]).toBe(0);
    // Halfway through the feather the value is blended, beyond it untouched.
    const mid = plane.data[35 * W + 84];
    expect(mid).toBeGreaterThan(0);
    expect(mid).toBeLessThan(((84 >> 1) + (35 >> 1)) % 2 ? 220 : 30);
    expect(plane.data[35 * W + 89]).toBe(((89 >> 1) + (35 >> 1)) % 2 ? 220 : 30);
  });

  it('pixelate: flat blocks anchored at the box', () => {
    const plane = checkerPlane();
    anonymisePlane(plane, { ...region({ type: 'pixelate', radius: 10 }), fill: 0 });
    for (let by = 0; by < 3; by++) {
      for (let bx = 0; bx < 4; bx++) {
        const v = plane.data[(20 + by * 10) * W + 40 + bx * 10];
        for (let y = 0; y < 10; y++) for (let x = 0; x < 10; x++) expect(plane.data[(20 + by * 10 + y) * W + 40 + bx * 10 + x]).toBe(v);
      }
    }
  });

  it('clips regions hanging off the frame and ignores ones fully outside', () => {
    const plane = checkerPlane();
    const before = plane.data.slice();
    anonymisePlane(plane, { ...region({ box: { x: 500, y: 0, width: 10, height: 10 } }), fill: 0 });
    expect(plane.data).toEqual(before);
    anonymisePlane(plane, { ...region({ type: 'solid', box: { x: -10, y: -10, width: 20, height: 20 } }), fill: 0 });
    expect(plane.data[0]).toBe(0);
    expect(plane.data[9 * W + 9]).toBe(0);
    expect(plane.data[10 * W + 10]).toBe(before[10 * W + 10]);
  });

  it('works on one channel of packed RGBA without touching the others', () => {
    const data = new Uint8ClampedArray(W * H * 4).fill(200);
    anonymisePlane({ data, width: W, height: H, stride: W * 4, pixelStep: 4, offset: 1 }, { ...region({ type: 'solid' }), fill: 7 });
    const p = (30 * W + 50) * 4;
    expect([...data.subarray(p, p + 4)]).toEqual([200, 7, 200, 200]);
  });
});

describe('anonymiseYuv420Frame', () => {
  it('applies the region to luma and to both chroma planes at half scale', () => {
    const frame = new Uint8Array(yuv420FrameSize(W, H)).fill(100);
    anonymiseYuv420Frame(frame, W, H, [region({ type: 'solid' })]);
    expect(frame[30 * W + 50]).toBe(16);
    const cw = W / 2;
    const u = W * H;
    const v = u + cw * (H / 2);
    expect(frame[u + 15 * cw + 25]).toBe(128);
    expect(frame[v + 15 * cw + 25]).toBe(128);
    expect(frame[u + 5 * cw + 5]).toBe(100);
  });

  it('keeps a flat picture flat for any radius, including odd ones halved for chroma', () => {
    const frame = new Uint8Array(yuv420FrameSize(W, H)).fill(100);
    for (const radius of [1, 5, 7.5, 37]) {
      anonymiseYuv420Frame(frame, W, H, [region({ radius, shape: 'ellipse', feather: 5, box: { x: 33, y: 17, width: 41, height: 29 } })]);
      expect(frame.every((b) => b === 100), `radius ${radius}`).toBe(true);
    }
  });

  it('handles odd frame sizes (chroma rounded up)', () => {
    expect(yuv420FrameSize(5, 3)).toBe(15 + 2 * 3 * 2);
    const frame = new Uint8Array(yuv420FrameSize(5, 3)).fill(100);
    anonymiseYuv420Frame(frame, 5, 3, [region({ type: 'solid', box: { x: 0, y: 0, width: 5, height: 3 } })]);
    expect([...frame.subarray(0, 15)].every((b) => b === 16)).toBe(true);
    expect([...frame.subarray(15)].every((b) => b === 128)).toBe(true);
  });
});
