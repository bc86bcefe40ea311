import type { Box } from '../../core/geometry';
import { fixtureFaceBox, type FaceRef } from './faces';

/**
 * A scenario as plain data (so it can be hashed and cached) and the exact ground truth it
 * implies. The generator draws from the same poses, so the truth is exact by construction.
 */

/** Where one face is on one frame. */
export interface FacePose {
  frame: number;
  /** Centre of the face box, frame pixels. */
  x: number;
  y: number;
  /** Width of the upright face box before any squeeze, pixels (the whole crop scales with it). */
  width: number;
  /** Horizontal squeeze of a head turning towards profile: 1 frontal, down to ~0.35. */
  squeeze: number;
  /** In-plane rotation, degrees clockwise. */
  rotation: number;
}

/** A face on screen from its first key's frame to its last, moving linearly between keys. */
export interface FacePath {
  id: string;
  ref: FaceRef;
  keys: FacePose[];
}

/** An opaque pole in front of everything, the frame's full height, moving linearly between keys. */
export interface Pole {
  width: number;
  /** Left edge per key frame. */
  keys: { frame: number; x: number }[];
}

export interface ScenarioDefinition {
  name: string;
  width: number;
  height: number;
  fps: number;
  frames: number;
  /** Seeds the background's texture and noise. */
  seed: number;
  faces: FacePath[];
  poles: Pole[];
  /** Motion blur: faces are smeared over `shutter` × their horizontal speed (px/frame); 0 = sharp. */
  shutter: number;
  /** Picture gain (1 = daylight, ~0.25 = night) and sensor noise (standard deviation, 8-bit levels). */
  gain: number;
  noise: number;
  /** x264 constant rate factor of the clip: 35 and up is a starved, blocky encode. */
  crf: number;
}

/** One face on one frame of the ground truth. */
export interface TruthFace {
  id: string;
  /** What must be blurred: the visible part of the face box, clipped to the frame; null when under 30% of it shows. */
  box: Box | null;
  /** The whole face box (unclipped, unoccluded): blur inside it, with the style's padding, is never false. */
  extent: Box;
}

/** Ground truth of one frame: every face drawn on it. */
export type TruthFrame = TruthFace[];

/** A face showing less than this share of its box is not required to be blurred (but may be). */
export const MIN_VISIBLE_SHARE = 0.3;

function keySegment<K extends { frame: number }>(keys: readonly K[], frame: number): [K, K, number] | null {
  if (frame < keys[0].frame || frame > keys[keys.length - 1].frame) return null;
  let i = 0;
  while (i < keys.length - 2 && keys[i + 1].frame <= frame) i++;
  const [a, b] = [keys[i], keys[i + 1] ?? keys[i]];
  return [a, b, b.frame === a.frame ? 0 : (frame - a.frame) / (b.frame - a.frame)];
}

const lerp = (a: number, b: number, t: number) => a + (b - a) * t;

/** The face's pose on a frame, or null when it is not on screen. */
export function poseAt(path: FacePath, frame: number): FacePose | null {
  const segment = keySegment(path.keys, frame);
  if (!segment) return null;
  const [a, b, t] = segment;
  return {
    frame,
    x: lerp(a.x, b.x, t),
    y: lerp(a.y, b.y, t),
    width: lerp(a.width, b.width, t),
    squeeze: lerp(a.squeeze, b.squeeze, t),
    rotation: lerp(a.rotation, b.rotation, t),
  };
}

/** Horizontal speed of a face on a frame, px/frame (the slope of its key segment). */
export function horizontalSpeedAt(path: FacePath, frame: number): number {
  const segment = keySegment(path.keys, frame);
  if (!segment) return 0;
  const [a, b] = segment;
  return b.frame === a.frame ? 0 : (b.x - a.x) / (b.frame - a.frame);
}

/** A pole's left edge on a frame, or null when it is not on screen. */
export function poleXAt(pole: Pole, frame: number): number | null {
  const segment = keySegment(pole.keys, frame);
  return segment ? lerp(segment[0].x, segment[1].x, segment[2]) : null;
}

/**
 * The face box as drawn: the fixture box scaled to the pose's width, squeezed, rotated about
 * its centre; for a rotation, the axis-aligned box around the rotated one.
 */
export function faceBoxAt(pose: FacePose, fixture: Pick<Box, 'width' | 'height'>): Box {
  const scale = pose.width / fixture.width;
  const halfW = (fixture.width * scale * pose.squeeze) / 2;
  const halfH = (fixture.height * scale) / 2;
  const angle = (pose.rotation * Math.PI) / 180;
  const cos = Math.abs(Math.cos(angle));
  const sin = Math.abs(Math.sin(angle));
  const rx = halfW * cos + halfH * sin;
  const ry = halfW * sin + halfH * cos;
  return { x: pose.x - rx, y: pose.y - ry, width: 2 * rx, height: 2 * ry };
}

/** Parts of [from, to) not covered by any of the intervals. */
export function uncoveredSpans(from: number, to: number, covers: readonly [number, number][]): [number, number][] {
  let spans: [number, number][] = from < to ? [[from, to]] : [];
  for (const [c0, c1] of covers) {
    spans = spans.flatMap(([s0, s1]): [number, number][] =>
      c1 <= s0 || c0 >= s1 ? [[s0, s1]] : ([[s0, Math.min(s1, c0)], [Math.max(s0, c1), s1]] as [number, number][]).filter(([a, b]) => b > a),
    );
  }
  return spans;
}

/**
 * What of a face box must be blurred: the part inside the frame and not behind a pole (poles
 * span the frame's height, so they hide vertical strips), as the box around what shows.
 * Null when less than MIN_VISIBLE_SHARE of the box shows.
 */
export function visibleFaceBox(extent: Box, frameWidth: number, frameHeight: number, poles: readonly [number, number][]): Box | null {
  const y0 = Math.max(0, extent.y);
  const y1 = Math.min(frameHeight, extent.y + extent.height);
  const spans = uncoveredSpans(Math.max(0, extent.x), Math.min(frameWidth, extent.x + extent.width), poles);
  if (y1 <= y0 || spans.length === 0) return null;
  const shown = spans.reduce((sum, [a, b]) => sum + b - a, 0) * (y1 - y0);
  if (shown < MIN_VISIBLE_SHARE * extent.width * extent.height) return null;
  const x0 = spans[0][0];
  const x1 = spans[spans.length - 1][1];
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

export function polesAt(scenario: Pick<ScenarioDefinition, 'poles'>, frame: number): [number, number][] {
  return scenario.poles.flatMap((pole): [number, number][] => {
    const x = poleXAt(pole, frame);
    return x === null ? [] : [[x, x + pole.width]];
  });
}

export function truthAt(scenario: ScenarioDefinition, frame: number): TruthFrame {
  const poles = polesAt(scenario, frame);
  return scenario.faces.flatMap((path) => {
    const pose = poseAt(path, frame);
    if (!pose) return [];
    const extent = faceBoxAt(pose, fixtureFaceBox(path.ref));
    return [{ id: path.id, box: visibleFaceBox(extent, scenario.width, scenario.height, poles), extent }];
  });
}

/** Ground truth of every frame of a scenario, indexed by frame. */
export function groundTruth(scenario: ScenarioDefinition): TruthFrame[] {
  return Array.from({ length: scenario.frames }, (_, frame) => truthAt(scenario, frame));
}
