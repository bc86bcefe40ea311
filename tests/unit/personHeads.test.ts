import { describe, expect, it } from 'vitest';
import type { FaceDetection } from '../../core/detection';
import { boxArea, intersectionArea, type Box } from '../../core/geometry';
import { headFromPose, headHasFace, headOfPerson, poseCrop, possibleFaceTracks, type FrameHeads, type Keypoint } from '../../core/personHeads';
import { DEFAULT_BLUR_STYLE, type Track } from '../../core/project';
import { trackBoxAt, trackSpan } from '../../core/tracks';

const OPTIONS = { everyFrames: 10, minSightings: 2 };
const person = (x: number, y: number, width = 100, height = 300, score = 0.8): FaceDetection => ({ box: { x, y, width, height }, score });
const share = (inner: Box, outer: Box) => intersectionArea(inner, outer) / boxArea(inner);
const expectBox = (box: Box, expected: Box) => (Object.keys(expected) as (keyof Box)[]).forEach((k) => expect(box[k], k).toBeCloseTo(expected[k]));

/** Persons searched on frames 0, 10, 20, …, `last`, their heads taken from the person box. */
function searches(last: number, personsOn: (frame: number) => FaceDetection[]): FrameHeads[] {
  const out: FrameHeads[] = [];
  for (let f = 0; f <= last; f += OPTIONS.everyFrames) out.push({ frame: f, heads: personsOn(f).map((p) => ({ box: headOfPerson(p.box), score: p.score })) });
  return out;
}

/** MoveNet's 17 keypoints, all unsure except those given (index → x, y, score). */
function pose(sure: Record<number, [number, number, number?]>): Keypoint[] {
  return Array.from({ length: 17 }, (_, i) => (sure[i] ? { x: sure[i][0], y: sure[i][1], score: sure[i][2] ?? 0.8 } : { x: 0, y: 0, score: 0.05 }));
}

function faceTrack(id: string, first: number, last: number, box: Box): Track {
  return {
    id,
    origin: 'auto',
    status: 'pending',
    style: DEFAULT_BLUR_STYLE,
    keyframes: [
      { frame: first, box, confidence: 0.9 },
      { frame: last, box, confidence: 0.9 },
    ],
  };
}

describe('head of a person', () => {
  it('is a band across the top of an upright person, from 0.15 of its width above', () => {
    const head = headOfPerson({ x: 200, y: 100, width: 100, height: 300 });
    expect(head).toEqual({ x: 200, y: 85, width: 100, height: 85 });
    // A head of a fifth of the body's width anywhere across its top lies in it.
    for (const x of [200, 240, 280]) expect(share({ x, y: 100, width: 20, height: 25 }, head)).toBe(1);
  });

  it('is the whole box of a person lying down (the head may be at either end)', () => {
    const lying = { x: 50, y: 400, width: 300, height: 90 };
    expect(headOfPerson(lying)).toEqual(lying);
  });

  it('is shown to the pose model in a square 1.1 times the person’s larger side, centred on them', () => {
    expectBox(poseCrop({ x: 100, y: 50, width: 100, height: 200 }), { x: 40, y: 40, width: 220, height: 220 });
  });

  it('from the pose: a square centred on the sure head keypoints, 2.5 times their spread', () => {
    // Nose, eyes and ears of a face 40 px across; shoulders unsure.
    const head = headFromPose(pose({ 0: [120, 60], 1: [128, 54], 2: [112, 54], 3: [140, 58], 4: [100, 58] }), 200, 0.3)!;
    expectBox(head.box, { x: 70, y: 56.8 - 50, width: 100, height: 100 });
    expect(head.score).toBeCloseTo(0.8);
  });

  it('from the pose: at least 0.8 of the shoulders’ width, and 0.12 of the person’s size', () => {
    const withShoulders = headFromPose(pose({ 0: [120, 60], 5: [70, 110], 6: [170, 110] }), 200, 0.3)!;
    expectBox(withShoulders.box, { x: 80, y: 20, width: 80, height: 80 });
    expect(headFromPose(pose({ 0: [120, 60] }), 200, 0.3)!.box.width).toBeCloseTo(24);
  });

  it('from the pose: a head seen from behind counts by its ears; no sure head keypoint, no head', () => {
    const fromBehind = headFromPose(pose({ 3: [90, 58], 4: [130, 60], 1: [110, 50, 0.1] }), 200, 0.3)!;
    expect(fromBehind.box.x + fromBehind.box.width / 2).toBeCloseTo(110);
    expect(fromBehind.box.width).toBeCloseTo(100);
    expect(headFromPose(pose({ 5: [70, 110], 6: [170, 110] }), 200, 0.3)).toBeNull();
  });

  it('counts a face as covering the head when the centre of either lies in the other', () => {
    const head = { x: 0, y: 0, width: 100, height: 70 };
    expect(headHasFace(head, [{ x: 40, y: 10, width: 30, height: 30 }])).toBe(true);
    expect(headHasFace(head, [{ x: 90, y: 10, width: 30, height: 30 }])).toBe(false);
    // A face box larger than the head found from the pose, and one reaching lower than it.
    expect(headHasFace({ x: 30, y: 10, width: 40, height: 40 }, [{ x: 10, y: -10, width: 90, height: 110 }])).toBe(true);
    expect(headHasFace({ x: 895, y: 405, width: 139, height: 117 }, [{ x: 898, y: 454, width: 115, height: 173 }])).toBe(true);
    expect(headHasFace(head, [])).toBe(false);
  });
});

describe('possible-face tracks', () => {
  it('links a person seen on every search into one pending track over the head, blurred between searches', () => {
    // Walking right at 2 px a frame, searched every 10 frames.
    const tracks = possibleFaceTracks(
      searches(60, (f) => [person(100 + 2 * f, 50)]),
      [],
      OPTIONS,
      99,
    );
    expect(tracks).toHaveLength(1);
    const [track] = tracks;
    expect(track).toMatchObject({ id: 'person-1', origin: 'person', status: 'pending', style: DEFAULT_BLUR_STYLE });
    // Held an interval before the first search and after the last.
    expect(trackSpan(track)).toEqual({ first: 0, last: 70 });
    for (let f = 0; f <= 60; f++) {
      const trueHead = { x: 100 + 2 * f + 40, y: 55, width: 20, height: 25 };
      expect(share(trueHead, trackBoxAt(track, f)!), `frame ${f}`).toBeGreaterThan(0.95);
    }
  });

  it('makes no track over a head a face track covers, and one where the face track has ended', () => {
    const searched = searches(100, () => [person(100, 50)]);
    const face = { x: 130, y: 60, width: 40, height: 45 };
    expect(possibleFaceTracks(searched, [faceTrack('auto-1', 0, 100, face)], OPTIONS, 100)).toEqual([]);
    // The face is seen until frame 45 (then the person turns away): the head is a possible face after it.
    const turned = possibleFaceTracks(searched, [faceTrack('auto-1', 0, 45, face)], OPTIONS, 100);
    expect(turned).toHaveLength(1);
    expect(trackSpan(turned[0]).first).toBe(40);
    expect(turned[0].keyframes.filter((k) => k.confidence !== null).map((k) => k.frame)).toEqual([50, 60, 70, 80, 90, 100]);
  });

  it('a face track of another person elsewhere covers nothing', () => {
    const tracks = possibleFaceTracks(searches(40, () => [person(100, 50)]), [faceTrack('auto-1', 0, 40, { x: 600, y: 60, width: 40, height: 45 })], OPTIONS, 40);
    expect(tracks).toHaveLength(1);
  });

  it('needs the person on two searches: a single sighting makes no track', () => {
    expect(possibleFaceTracks(searches(60, (f) => (f === 30 ? [person(100, 50)] : [])), [], OPTIONS, 60)).toEqual([]);
    // One missed search in between does not split the track.
    const gap = possibleFaceTracks(searches(60, (f) => (f === 30 ? [] : [person(100, 50)])), [], OPTIONS, 60);
    expect(gap).toHaveLength(1);
    expect(trackBoxAt(gap[0], 30)).not.toBeNull();
  });

  it('keeps two persons apart, numbered in order of appearance', () => {
    const tracks = possibleFaceTracks(
      searches(50, (f) => [person(100, 50), ...(f >= 20 ? [person(500, 80, 80, 240)] : [])]),
      [],
      OPTIONS,
      50,
    );
    expect(tracks.map((t) => [t.id, trackSpan(t).first])).toEqual([
      ['person-1', 0],
      ['person-2', 10],
    ]);
  });
});
