import type { FaceRef } from './faces';
import type { FacePath, FacePose, Pole, ScenarioDefinition } from './scene';

/**
 * The assurance scenarios: what a dashcam meets that loses faces (tiny faces, fast crossings,
 * profiles, occlusion, motion blur, night, crowds). Sizes and speeds are in pixels so the small
 * CI version keeps small faces small; timings are fractions of the clip so any length works.
 */

export interface ClipSize {
  width: number;
  height: number;
  fps: number;
  frames: number;
}

export const SCENARIO_NAMES = ['approach', 'crossing', 'profile', 'occlusion', 'motion-blur', 'night', 'crowd'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface BenchScale extends ClipSize {
  name: 'full' | 'small';
  scenarios: readonly ScenarioName[];
}

export const FULL_SCALE: BenchScale = { name: 'full', width: 1920, height: 1080, fps: 30, frames: 300, scenarios: SCENARIO_NAMES };

/** The CI version: same resolution and face sizes, fewer frames, the three scenarios that cover the most. */
export const SMALL_SCALE: BenchScale = { name: 'small', width: 1920, height: 1080, fps: 30, frames: 60, scenarios: ['approach', 'crossing', 'crowd'] };

export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}

function pose(frame: number, x: number, y: number, width: number, squeeze = 1, rotation = 0): FacePose {
  return { frame: Math.round(frame), x, y, width, squeeze, rotation };
}

const face = (photo: number, index: number): FaceRef => ({ photo, face: index });

/** Daylight, sharp, good encode: what each scenario changes. */
const DAYLIGHT = { poles: [] as Pole[], shutter: 0, gain: 1, noise: 2, crf: 20 };

/**
 * Faces running across the frame from one side to the other, one after another (with a gap);
 * runs that no longer fit in the clip are left out. A face enters and leaves fully off screen.
 */
function passes(size: ClipSize, start: number, gap: number, runs: { ref: FaceRef; width: number; speed: number; y: number }[]): FacePath[] {
  const paths: FacePath[] = [];
  let frame = start;
  for (const [i, run] of runs.entries()) {
    const duration = Math.ceil((size.width + 2 * run.width) / Math.abs(run.speed));
    if (frame + duration > size.frames - 1) continue;
    const [from, to] = run.speed > 0 ? [-run.width, size.width + run.width] : [size.width + run.width, -run.width];
    paths.push({ id: `pass-${i}`, ref: run.ref, keys: [pose(frame, from, run.y, run.width), pose(frame + duration, to, run.y + 20, run.width)] });
    frame += duration + gap;
  }
  return paths;
}

/** A face growing from 16 px to 300 px wide as the car closes in (size ∝ 1/distance), drifting out and down; no face in the first and last 15%. */
function approach(size: ClipSize): Omit<ScenarioDefinition, keyof ClipSize | 'name'> {
  const { width: w, height: h, frames: n } = size;
  const [first, last] = [0.15 * n, 0.85 * n - 1];
  const keys = Array.from({ length: 9 }, (_, i) => {
    const t = i / 8;
    return pose(first + (last - first) * t, w * (0.53 + 0.22 * t * t), h * (0.44 + 0.08 * t), 16 * (300 / 16) ** t);
  });
  return { ...DAYLIGHT, seed: 1, faces: [{ id: 'approaching', ref: face(1, 1), keys }] };
}

/** Two ~100 px faces crossing the frame in opposite directions at 33–60 px/frame, pass after pass. */
function crossing(size: ClipSize): Omit<ScenarioDefinition, keyof ClipSize | 'name'> {
  const { height: h, frames: n } = size;
  const lanes = (ys: number, speeds: number[], refs: FaceRef[]) =>
    speeds.map((speed, i) => ({ ref: refs[i], width: 96 + 8 * i, speed, y: h * ys }));
  const rightward = passes(size, 0.1 * n, 6, lanes(0.38, [40, 48, 60, 33], [face(2, 0), face(3, 0), face(4, 2), face(6, 1)]));
  const leftward = passes(size, 0.1 * n + 4, 10, lanes(0.56, [-55, -45, -38, -60], [face(2, 1), face(3, 2), face(5, 1), face(1, 2)]));
  return {
    ...DAYLIGHT,
    seed: 2,
    faces: [...rightward.map((p) => ({ ...p, id: `right-${p.id}` })), ...leftward.map((p) => ({ ...p, id: `left-${p.id}` }))],
  };
}

/** A 180 px face turning to profile (squeezed to 35%) and tilting ±25°, drifting slowly; no face in the first and last 15%. */
function profile(size: ClipSize): Omit<ScenarioDefinition, keyof ClipSize | 'name'> {
  const { width: w, height: h, frames: n } = size;
  const squeeze = [1, 0.35, 1, 0.5, 0.35, 0.8, 1];
  const rotation = [0, -25, 10, 25, -15, 0, 20];
  const [first, last] = [0.15 * n, 0.85 * n - 1];
  const keys = squeeze.map((s, i) => {
    const t = i / (squeeze.length - 1);
    return pose(first + (last - first) * t, w * (0.35 + 0.25 * t), h * 0.45, 180, s, rotation[i]);
  });
  return { ...DAYLIGHT, seed: 3, faces: [{ id: 'turning', ref: face(3, 0), keys }] };
}

/** Two faces (150 and 170 px) behind poles half a face wide sweeping past, so up to half a face is hidden at a time. */
function occlusion(size: ClipSize): Omit<ScenarioDefinition, keyof ClipSize | 'name'> {
  const { width: w, height: h, frames: n } = size;
  const [first, last] = [0.1 * n, 0.9 * n - 1];
  const poleWidth = 75;
  const speed = 14;
  const crossingFrames = (w + poleWidth) / speed;
  const poles: Pole[] = [];
  for (let start = -crossingFrames; start < n; start += 50) {
    poles.push({ width: poleWidth, keys: [{ frame: Math.round(start), x: w }, { frame: Math.round(start + crossingFrames), x: -poleWidth }] });
  }
  return {
    ...DAYLIGHT,
    seed: 4,
    poles,
    faces: [
      { id: 'left', ref: face(4, 0), keys: [pose(first, w * 0.3, h * 0.5, 150), pose(last, w * 0.4, h * 0.52, 150)] },
      { id: 'right', ref: face(6, 2), keys: [pose(first, w * 0.7, h * 0.45, 170), pose(last, w * 0.62, h * 0.47, 170)] },
    ],
  };
}

/** Faces of 120–200 px running across at 24–36 px/frame, smeared over the whole frame interval. */
function motionBlur(size: ClipSize): Omit<ScenarioDefinition, keyof ClipSize | 'name'> {
  const { height: h, frames: n } = size;
  const runs = [
    { ref: face(5, 0), width: 160, speed: 24, y: h * 0.45 },
    { ref: face(4, 3), width: 130, speed: -30, y: h * 0.4 },
    { ref: face(2, 2), width: 200, speed: 36, y: h * 0.5 },
    { ref: face(6, 0), width: 120, speed: -28, y: h * 0.42 },
  ];
  return { ...DAYLIGHT, seed: 5, shutter: 1, faces: passes(size, 0.1 * n, 8, runs) };
}

/** At night: a face approaching from 40 to 220 px and one walking across, dark (gain 0.25), noisy and starved of bitrate. */
function night(size: ClipSize): Omit<ScenarioDefinition, keyof ClipSize | 'name'> {
  const { width: w, height: h, frames: n } = size;
  const [first, last] = [0.15 * n, 0.85 * n - 1];
  const keys = Array.from({ length: 5 }, (_, i) => {
    const t = i / 4;
    return pose(first + (last - first) * t, w * (0.45 - 0.2 * t * t), h * (0.45 + 0.05 * t), 40 * (220 / 40) ** t);
  });
  return {
    ...DAYLIGHT,
    seed: 6,
    gain: 0.25,
    noise: 5,
    crf: 35,
    faces: [
      { id: 'approaching', ref: face(5, 2), keys },
      { id: 'walking', ref: face(1, 0), keys: [pose(first, w * 0.6, h * 0.42, 110), pose(last, w * 0.85, h * 0.44, 110)] },
    ],
  };
}

/** Five faces of 30–200 px on screen at once, strolling the same way, arriving and leaving at different times. */
function crowd(size: ClipSize): Omit<ScenarioDefinition, keyof ClipSize | 'name'> {
  const { width: w, height: h, frames: n } = size;
  const people = [
    { ref: face(4, 1), width: 30, x: 0.12, y: 0.36, speed: 0.8, span: [0.1, 0.9], tilt: 5 },
    { ref: face(5, 3), width: 50, x: 0.3, y: 0.42, speed: 0.6, span: [0.15, 0.85], tilt: -8 },
    { ref: face(3, 1), width: 90, x: 0.5, y: 0.5, speed: 0.7, span: [0.1, 0.75], tilt: 0 },
    { ref: face(6, 3), width: 140, x: 0.68, y: 0.45, speed: 0.5, span: [0.2, 0.9], tilt: 6 },
    { ref: face(2, 0), width: 200, x: 0.85, y: 0.55, speed: 0.4, span: [0.12, 0.88], tilt: -4 },
  ];
  return {
    ...DAYLIGHT,
    seed: 7,
    faces: people.map((p, i) => {
      const [first, last] = [p.span[0] * n, p.span[1] * n - 1];
      return {
        id: `person-${i}`,
        ref: p.ref,
        keys: [pose(first, w * p.x, h * p.y, p.width, 1, p.tilt), pose(last, w * p.x + p.speed * (last - first), h * p.y, p.width, 1, -p.tilt)],
      };
    }),
  };
}

const BUILDERS: Record<ScenarioName, (size: ClipSize) => Omit<ScenarioDefinition, keyof ClipSize | 'name'>> = {
  approach,
  crossing,
  profile,
  occlusion,
  'motion-blur': motionBlur,
  night,
  crowd,
};

export function buildScenario(name: ScenarioName, size: ClipSize): ScenarioDefinition {
  const { width, height, fps, frames } = size;
  return { name, width, height, fps, frames, ...BUILDERS[name](size) };
}
