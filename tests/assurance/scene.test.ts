import { describe, expect, it } from 'vitest';
import { cropRectAround, fixtureFaceBox } from '../../bench/assurance/faces';
import { buildScenario, FULL_SCALE, SMALL_SCALE } from '../../bench/assurance/scenarios';
import { faceBoxAt, groundTruth, poseAt, visibleFaceBox, type FacePath, type FacePose } from '../../bench/assurance/scene';

const pose = (frame: number, x: number, width: number, extra: Partial<FacePose> = {}): FacePose => ({ frame, x, y: 500, width, squeeze: 1, rotation: 0, ...extra });
const FIXTURE = { width: 100, height: 120 };

describe('face paths', () => {
  const path: FacePath = { id: 'f', ref: { photo: 1, face: 0 }, keys: [pose(10, 0, 20), pose(20, 100, 40), pose(30, 100, 40)] };

  it('move linearly between keys and are off screen outside them', () => {
    expect(poseAt(path, 15)).toMatchObject({ x: 50, width: 30 });
    expect(poseAt(path, 25)).toMatchObject({ x: 100, width: 40 });
    expect(poseAt(path, 9)).toBeNull();
    expect(poseAt(path, 31)).toBeNull();
  });
});

describe('ground-truth face box', () => {
  it('is the fixture box scaled to the pose width, centred on the pose', () => {
    expect(faceBoxAt(pose(0, 200, 50), FIXTURE)).toEqual({ x: 175, y: 470, width: 50, height: 60 });
  });

  it('narrows with the squeeze of a profile turn', () => {
    expect(faceBoxAt(pose(0, 200, 50, { squeeze: 0.4 }), FIXTURE)).toMatchObject({ width: 20, height: 60 });
  });

  it('is the box around the rotated face box', () => {
    const turned = faceBoxAt(pose(0, 200, 50, { rotation: 90 }), FIXTURE);
    expect(turned.width).toBeCloseTo(60, 9);
    expect(turned.height).toBeCloseTo(50, 9);
    const tilted = faceBoxAt(pose(0, 200, 50, { rotation: -25 }), FIXTURE);
    const [cos, sin] = [Math.cos((25 * Math.PI) / 180), Math.sin((25 * Math.PI) / 180)];
    expect(tilted.width).toBeCloseTo(50 * cos + 60 * sin, 9);
    expect(tilted.height).toBeCloseTo(50 * sin + 60 * cos, 9);
  });
});

describe('visible part of a face box', () => {
  const box = { x: 100, y: 100, width: 100, height: 100 };

  it('is clipped to the frame, and dropped when under 30% shows', () => {
    expect(visibleFaceBox({ ...box, x: -40 }, 640, 360, [])).toEqual({ x: 0, y: 100, width: 60, height: 100 });
    expect(visibleFaceBox({ ...box, x: -71 }, 640, 360, [])).toBeNull();
    expect(visibleFaceBox({ ...box, x: 900 }, 640, 360, [])).toBeNull();
  });

  it('leaves out what a pole hides at the side, but not a gap in the middle', () => {
    expect(visibleFaceBox(box, 640, 360, [[150, 210]])).toEqual({ x: 100, y: 100, width: 50, height: 100 });
    expect(visibleFaceBox(box, 640, 360, [[130, 170]])).toEqual(box);
    expect(visibleFaceBox(box, 640, 360, [[90, 180]])).toBeNull();
  });
});

describe('scenarios', () => {
  it('approach: no face in the first and last 15%, and the face grows from 16 to 300 px wide', () => {
    const truth = groundTruth(buildScenario('approach', FULL_SCALE));
    const withFace = truth.flatMap((faces, frame) => (faces.length ? [frame] : []));
    expect(withFace[0]).toBe(45);
    expect(withFace[withFace.length - 1]).toBe(254);
    expect(truth[45][0].box!.width).toBeCloseTo(16, 6);
    expect(truth[254][0].box!.width).toBeCloseTo(300, 6);
  });

  it('crowd: five faces of 30 to 200 px on screen at once', () => {
    const scenario = buildScenario('crowd', SMALL_SCALE);
    const truth = groundTruth(scenario);
    const busiest = truth.findIndex((faces) => faces.length === 5 && faces.every((f) => f.box));
    expect(busiest).toBeGreaterThan(0);
    expect(scenario.faces.map((path) => poseAt(path, busiest)!.width)).toEqual([30, 50, 90, 140, 200]);
  });

  it('crossing: faces about 100 px wide move 33 to 60 px per frame', () => {
    const scenario = buildScenario('crossing', FULL_SCALE);
    for (const path of scenario.faces) {
      const [a, b] = path.keys;
      expect(Math.abs(b.x - a.x) / (b.frame - a.frame)).toBeGreaterThan(30);
      expect(Math.abs(b.x - a.x) / (b.frame - a.frame)).toBeLessThanOrEqual(60);
      expect(a.width).toBeGreaterThanOrEqual(90);
      expect(a.width).toBeLessThanOrEqual(130);
    }
  });

  it('every face in every scenario is a fixture face, and its crop keeps the face centred', () => {
    for (const scale of [FULL_SCALE, SMALL_SCALE]) {
      for (const name of scale.scenarios) {
        const scenario = buildScenario(name, scale);
        expect(scenario.faces.length, name).toBeGreaterThan(0);
        for (const { ref } of scenario.faces) {
          const face = fixtureFaceBox(ref);
          const crop = cropRectAround(face, 1920, 1280);
          expect(face.x - crop.x).toBe(crop.x + crop.width - face.x - face.width);
        }
      }
    }
  });
});
