import { describe, expect, it } from 'vitest';
import type { LumaFrame } from '../../core/detection';
import { followedKeyframes, followStep, startFollow, type FollowResult } from '../../core/regionFollow';

/** A 240×120 frame of smooth stripes with a checkered 40×20 patch whose left edge is at `x`. */
function frameWithPatch(x: number): LumaFrame {
  const width = 240;
  const height = 120;
  const data = new Uint8Array(width * height);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const inside = i >= x && i < x + 40 && j >= 50 && j < 70;
      data[j * width + i] = inside ? ((Math.floor((i - x) / 5) + Math.floor((j - 50) / 5)) % 2 ? 230 : 30) : 100 + Math.round(20 * Math.sin(i / 9 + j / 13));
    }
  }
  return { width, height, data };
}

describe('following a marked region', () => {
  it('follows a patch moving 6 px a frame and stops when it leaves the picture, saying so', () => {
    const state = startFollow(frameWithPatch(20), { x: 20, y: 50, width: 40, height: 20 })!;
    const steps = [];
    for (let n = 1; n < 60; n++) {
      const step = followStep(state, frameWithPatch(20 + 6 * n));
      steps.push(step);
      if (step.kind === 'lost') break;
    }
    const lost = steps.at(-1)!;
    expect(lost).toEqual({ kind: 'lost', reason: 'left-frame' });
    // Lost once less than about a third of it would show: left edge past 240 − 14.
    const followed = steps.filter((s) => s.kind === 'found');
    expect(followed.length).toBeGreaterThanOrEqual(30);
    followed.forEach((s, i) => {
      if (s.kind !== 'found') return;
      expect(s.box.x).toBeLessThanOrEqual(20 + 6 * (i + 1) + 0.5);
      expect(s.box.x + s.box.width).toBeGreaterThanOrEqual(60 + 6 * (i + 1) - 0.5);
    });
  });

  it('has nothing to follow in a flat box or outside the picture', () => {
    const flat: LumaFrame = { width: 100, height: 100, data: new Uint8Array(100 * 100).fill(128) };
    expect(startFollow(flat, { x: 10, y: 10, width: 30, height: 20 })).toBeNull();
    expect(startFollow(frameWithPatch(20), { x: 300, y: 10, width: 30, height: 20 })).toBeNull();
  });

  it('keeps keyframes only where the motion turns', () => {
    const at = (frame: number, x: number) => ({ frame, box: { x, y: 10, width: 40, height: 20 }, sure: true });
    const result: FollowResult = {
      frame: 0,
      box: { x: 0, y: 10, width: 40, height: 20 },
      sides: [{ direction: 'forward', boxes: [...Array.from({ length: 10 }, (_, i) => at(i + 1, 3 * (i + 1))), ...Array.from({ length: 10 }, (_, i) => at(i + 11, 30 - 3 * (i + 1)))], stoppedAt: null, reason: 'clip-end' }],
    };
    expect(followedKeyframes(result).map((k) => [k.frame, k.box.x])).toEqual([[0, 0], [10, 30], [20, 0]]);
  });
});
