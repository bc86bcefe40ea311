import type { FaceDetection } from './detection';
import type { Box } from './geometry';
import type { Track } from './project';
import { FaceTracker, type FrameSize } from './tracker';
import { trackBoxAt } from './tracks';

/**
 * The person safety net: a person whose head no face track covers (turned away, occluded, too
 * dark or too small for a face detector) gets a "possible face" track over the head, pending
 * and blurred until the editor rejects it.
 */

/**
 * Where a person's head is, from the person box alone (when the pose model finds no head). Upright (taller than wide): a band across
 * the top of the box, as wide as the box, from 0.15 of its width above it to 0.7 below.
 * Measured on faces-dev (CenterNet at 0.3): this band holds ≥ 75 % of 18 of the 19 faces/heads
 * of 40 px or more (27 of all 124, most of the rest being faces under 40 px in a crowd whose
 * persons CenterNet does not find); from 0.1 above to 0.6 below it held 16, a centred band 0.8
 * of the width 14. Heads sit anywhere across the top (leaning, arms out), so the band is ~8× the
 * head's area: a safety net, for the reviewer to reject where wrong. A box wider than tall is a
 * person lying down or bent over, whose head may be at either end: all of it.
 */
export function headOfPerson(person: Box): Box {
  if (person.height < person.width) return { ...person };
  const above = 0.15 * person.width;
  return { x: person.x, y: person.y - above, width: person.width, height: Math.min(0.85 * person.width, person.height + above) };
}

/** A keypoint of MoveNet's 17 (nose, left/right eye, left/right ear, left/right shoulder, …), in pixels. */
export interface Keypoint {
  x: number;
  y: number;
  score: number;
}

const HEAD_KEYPOINTS = [0, 1, 2, 3, 4];
const SHOULDERS = [5, 6];

/**
 * The square around a person that MoveNet is shown (the pose model wants the person centred, with
 * a little room): 1.1 times the person box's larger side.
 */
export const POSE_CROP_CONTEXT = 1.1;

export function poseCrop(person: Box): Box {
  const side = Math.max(person.width, person.height) * POSE_CROP_CONTEXT;
  return { x: person.x + person.width / 2 - side / 2, y: person.y + person.height / 2 - side / 2, width: side, height: side };
}

/**
 * The head from a person's keypoints: a square centred on the sure head keypoints (nose, eyes,
 * ears: any of them, so a head seen from behind, by its ears, or lying down counts), 2.5 times
 * their spread, at least 0.8 of the shoulders' width and 0.12 of the person's larger side
 * (`personSide`). Null when no head keypoint scores `minScore`. Measured on faces-dev (persons
 * from CenterNet at 0.3, keypoints at 0.3): it holds ≥ 75 % of all 19 faces/heads of 40 px or
 * more, each in a box ~3.4× its area (median), against 18 in ~8× for the band over the person
 * box (`headOfPerson`); 2× the spread held 18 in 2.4×, keypoints at 0.4 held 18.
 */
export function headFromPose(keypoints: readonly Keypoint[], personSide: number, minScore: number): FaceDetection | null {
  const head = HEAD_KEYPOINTS.map((i) => keypoints[i]).filter((k) => k && k.score >= minScore);
  if (head.length === 0) return null;
  const xs = head.map((k) => k.x);
  const ys = head.map((k) => k.y);
  const spread = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  const [left, right] = SHOULDERS.map((i) => keypoints[i]);
  const shoulders = left && right && left.score >= minScore && right.score >= minScore ? Math.hypot(left.x - right.x, left.y - right.y) : 0;
  const side = Math.max(2.5 * spread, 0.8 * shoulders, 0.12 * personSide);
  const cx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const cy = ys.reduce((a, b) => a + b, 0) / ys.length;
  return { box: { x: cx - side / 2, y: cy - side / 2, width: side, height: side }, score: head.reduce((a, k) => a + k.score, 0) / head.length };
}

const centre = (box: Box) => ({ x: box.x + box.width / 2, y: box.y + box.height / 2 });
const holds = (box: Box, p: { x: number; y: number }) => p.x >= box.x && p.x <= box.x + box.width && p.y >= box.y && p.y <= box.y + box.height;

/**
 * A face track covers a head when the centre of either lies in the other: a face inside a wide
 * head region (the band over a person box), or a head from the pose (centred on the eyes and
 * ears, so higher than a face box that reaches the chin) inside the face box. (Half the smaller
 * box's area inside the other missed that second case on the crowd scenario: 0.48.)
 */
export function headHasFace(head: Box, faces: readonly Box[]): boolean {
  return faces.some((face) => holds(head, centre(face)) || holds(face, centre(head)));
}

export interface PersonHeadOptions {
  /** The person search ran every this many frames: heads are linked across that gap. */
  everyFrames: number;
  /** A possible face needs the person seen on at least this many searches (one sighting is too often a coat or a statue). */
  minSightings: number;
}

/** Heads of the persons found on one searched frame. */
export interface FrameHeads {
  frame: number;
  heads: FaceDetection[];
}

/**
 * The "possible face" tracks: heads no face track covers on their frame, linked over the searched
 * frames (the face tracker, its gaps as wide as the search interval), kept when seen on
 * `minSightings` searches. Each is pending, with the default blur, origin `person`.
 */
export function possibleFaceTracks(
  searched: readonly FrameHeads[],
  faceTracks: readonly Track[],
  options: PersonHeadOptions,
  lastFrame: number,
  frameSize?: FrameSize,
): Track[] {
  const tracker = new FaceTracker({
    origin: 'person',
    idPrefix: 'person-',
    maxMissedFrames: 2 * options.everyFrames,
    // Between searches the head moves unseen: the blur holds on for one interval either side.
    preRollFrames: options.everyFrames,
    postRollFrames: options.everyFrames,
    smoothingFrames: 0,
    sizeHoldFrames: 0,
    linkFrames: 0,
  });
  for (const { frame, heads } of [...searched].sort((a, b) => a.frame - b.frame)) {
    const faces = faceTracks.flatMap((track) => trackBoxAt(track, frame) ?? []);
    tracker.update(
      frame,
      heads.filter((head) => !headHasFace(head.box, faces)),
    );
  }
  const sighted = tracker.finish(lastFrame, frameSize).filter((t) => t.keyframes.filter((k) => k.confidence !== null).length >= options.minSightings);
  return sighted.map((t, i) => ({ ...t, id: `person-${i + 1}` }));
}
