import { describe, expect, it } from 'vitest';
import { anonymisePlane } from '../../core/anonymise';
import { DEFAULT_BLUR_STYLE } from '../../core/project';
import { regionFor } from '../../core/renderPlan';
import { detailAt, HIDDEN_DETAIL_RATIO, PixelScorer, thumbnailSide, type LumaFrame } from '../../bench/assurance/pixelCheck';
import { turnBox, turnRgb, unturnBox, type QuarterTurn } from '../../core/image';
import { faceOfHead } from '../../bench/assurance/realTruth';
import { track, keyframe } from '../helpers/projects';

/** A grey frame with a face-like pattern (eyes, mouth, nose as dark marks on a lighter oval) at `box`. */
function frameWithPattern(width: number, height: number, box: { x: number; y: number; width: number; height: number }): LumaFrame {
  const data = new Uint8Array(width * height).fill(90);
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++) {
      const u = x / box.width;
      const v = y / box.height;
      const eye = (Math.hypot(u - 0.3, v - 0.38) < 0.08 || Math.hypot(u - 0.7, v - 0.38) < 0.08);
      const mouth = Math.abs(v - 0.75) < 0.05 && Math.abs(u - 0.5) < 0.2;
      const nose = Math.abs(u - 0.5) < 0.04 && v > 0.45 && v < 0.62;
      data[(box.y + y) * width + box.x + x] = eye || mouth || nose ? 40 : 200;
    }
  }
  return { width, height, data };
}

/** The frame blurred over `box` by Blurline's own renderer with the default style. */
function blurredCopy(frame: LumaFrame, box: { x: number; y: number; width: number; height: number }): LumaFrame {
  const data = frame.data.slice();
  const region = regionFor(track('t', [keyframe(0, box)]), box);
  anonymisePlane({ data, width: frame.width, height: frame.height, stride: frame.width, pixelStep: 1, offset: 0 }, { ...region, fill: 0 });
  return { ...frame, data };
}

describe('pixel check: detail at the face\'s own scale', () => {
  for (const size of [14, 24, 60, 200]) {
    it(`a ${size} px face blurred by the renderer reads hidden, and unblurred reads shown`, () => {
      const box = { x: 40, y: 30, width: size, height: size };
      const source = frameWithPattern(320, 280, box);
      const side = thumbnailSide(box);
      expect(side).toBeLessThanOrEqual(size);
      const before = detailAt(source, box, side);
      expect(before).toBeGreaterThan(5);
      expect(detailAt(source, box, side)).toBe(before);
      expect(detailAt(blurredCopy(source, box), box, side)).toBeLessThan(HIDDEN_DETAIL_RATIO * before);
    });
  }

  it('counts hidden face-frames per size bucket, the worst gap, and false blur away from faces', () => {
    const face = { x: 100, y: 60, width: 60, height: 60 };
    const source = frameWithPattern(320, 240, face);
    // Texture away from the face, so false blur has cells to judge.
    for (let y = 160; y < 240; y++) for (let x = 0; x < 320; x++) source.data[y * 320 + x] = (x >> 2) % 2 ? 60 : 190;
    const scorer = new PixelScorer();
    const truth = [{ id: 'f', extent: face, box: face, size: 60 }];
    const cover = { x: 0, y: 160, width: 320, height: 80 };
    scorer.add(truth, source, blurredCopy(source, face));
    scorer.add(truth, source, source);
    scorer.add(truth, source, source);
    scorer.add(truth, source, blurredCopy(blurredCopy(source, face), cover));
    const score = scorer.finish();
    expect(score.buckets.large).toEqual({ faceFrames: 4, hidden: 2 });
    expect(score.buckets.all).toEqual({ faceFrames: 4, hidden: 2 });
    expect(score.worstGap).toBe(2);
    // The last frame's blurred band is every textured cell of that frame: a quarter of all textured cells.
    expect(score.texturedCells).toBeGreaterThan(0);
    expect(score.blurredCells / score.texturedCells).toBeCloseTo(0.25, 1);
  });
});

describe('real-face suite: the truth follows every transform exactly', () => {
  for (const turn of [0, 90, 180, 270] as QuarterTurn[]) {
    it(`a box marked in a photo turned ${turn}° lands where its pixels do`, () => {
      const photo = { width: 7, height: 5, data: new Uint8Array(7 * 5 * 3) };
      const marked = { x: 2, y: 1, width: 3, height: 2 };
      for (let y = marked.y; y < marked.y + marked.height; y++) for (let x = marked.x; x < marked.x + marked.width; x++) photo.data[(y * 7 + x) * 3] = 255;
      const turned = turnRgb(photo, turn);
      const box = turnBox(marked, turn, photo.width, photo.height);
      let inside = 0;
      for (let y = 0; y < turned.height; y++) {
        for (let x = 0; x < turned.width; x++) {
          const red = turned.data[(y * turned.width + x) * 3] === 255;
          const inBox = x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
          expect(red).toBe(inBox);
          if (red) inside++;
        }
      }
      expect(inside).toBe(6);
      expect(unturnBox(box, turn, photo.width, photo.height)).toEqual(marked);
    });
  }

  it('a whole-head box is scored over the face in its lower middle', () => {
    expect(faceOfHead([100, 200, 50, 60])).toEqual([107.5, 212, 35, 42]);
  });
});
