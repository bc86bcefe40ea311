import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FACES_DEV_DIR } from '../../tests/helpers/media';

/**
 * The real-face suite: camera-like clips composed from real annotated photos
 * (`../shared/faces-dev`, never shipped), with the ground truth carried through every transform
 * exactly. A clip is plain data (hashed to cache its file); the photo is moved, zoomed, shaken,
 * turned on its side, darkened or hung on a wall as a poster, the way faces reach a dashcam.
 */


/** One photo of the development set (faces.json). */
export interface DevPhoto {
  file: string;
  width: number;
  height: number;
  /** `face`: tight face boxes (WIDER FACE); `head`: whole-head boxes that may face away (PASCAL VOC). */
  kind: 'face' | 'head';
  boxes: [number, number, number, number][];
}

export function loadDevPhotos(dir = FACES_DEV_DIR): DevPhoto[] {
  return JSON.parse(readFileSync(path.join(dir, 'faces.json'), 'utf8')) as DevPhoto[];
}

export type CameraMotion = 'pan' | 'zoom' | 'shake' | 'slide-in';
export type Condition = 'day' | 'night' | 'motion-blur' | 'low-bitrate' | 'poster';
/** The photo turned clockwise before it is filmed: a person lying on the road. */
export type Turn = 0 | 90 | 180;

export interface RealClip {
  name: string;
  photo: string;
  width: number;
  height: number;
  fps: number;
  frames: number;
  camera: CameraMotion;
  condition: Condition;
  turn: Turn;
  seed: number;
}

/** Where the (turned) photo lies on one frame: frame = scale · photo + offset. */
export interface Placement {
  scale: number;
  x: number;
  y: number;
}

/** Turned photo size. */
export function turnedSize(photo: Pick<DevPhoto, 'width' | 'height'>, turn: Turn): { width: number; height: number } {
  return turn === 90 ? { width: photo.height, height: photo.width } : { width: photo.width, height: photo.height };
}

/** Deterministic smooth jitter in [-1, 1] for the handheld camera (a sum of slow sines, seeded). */
function jitter(seed: number, t: number): number {
  const a = (seed % 97) / 97;
  return 0.6 * Math.sin(2 * Math.PI * (0.9 * t + a)) + 0.3 * Math.sin(2 * Math.PI * (2.3 * t + 3 * a)) + 0.1 * Math.sin(2 * Math.PI * (5.1 * t + 7 * a));
}

/** Share of the frame height a poster's photo takes. */
const POSTER_HEIGHT = 0.62;

/**
 * How large the photo is filmed: at its own pixels where it fills the frame (a WIDER photo is
 * about a 1280×720 frame's width), scaled up until it fills the frame's height where it is smaller
 * (VOC photos are 500 px), and never so large that most of it is out of view. A poster is smaller.
 */
export function baseScale(clip: Pick<RealClip, 'width' | 'height' | 'condition'>, turned: { width: number; height: number }): number {
  if (clip.condition === 'poster') return (clip.height * POSTER_HEIGHT) / turned.height;
  const contain = Math.min(clip.width / turned.width, clip.height / turned.height);
  return Math.max(contain, Math.min(1, Math.max(clip.width / turned.width, clip.height / turned.height)));
}

/**
 * The camera at time t (0..1 over the clip; a fraction between frames for motion blur). A pan
 * travels over whatever of the photo does not fit (slowly, when it all fits); a zoom closes in
 * by 35 %; a handheld camera shakes by a few percent of the frame; a slide-in brings the photo in
 * from the right edge over the first 40 % of the clip. Motion blur pans four times as fast.
 */
export function placementAt(clip: RealClip, turned: { width: number; height: number }, t: number): Placement {
  const s0 = baseScale(clip, turned);
  const scale = clip.camera === 'zoom' ? s0 * (1 + 0.35 * t) : s0;
  const w = turned.width * scale;
  const h = turned.height * scale;
  // Centred, then moved: where the photo overflows the frame, the pan sweeps the overflow.
  const overflowX = Math.max(0, w - clip.width);
  const overflowY = Math.max(0, h - clip.height);
  let x = (clip.width - w) / 2;
  let y = (clip.height - h) / 2;
  const sweep = clip.condition === 'motion-blur' ? 4 : 1;
  const u = Math.max(-1, Math.min(1, (t - 0.5) * 2 * sweep)) / 2;
  if (clip.camera === 'pan' || clip.condition === 'motion-blur') {
    x -= u * (overflowX > 0 ? overflowX : clip.width * 0.08);
    y -= u * overflowY;
  }
  if (clip.camera === 'shake') {
    x += clip.width * 0.025 * jitter(clip.seed, t * 3);
    y += clip.height * 0.025 * jitter(clip.seed + 11, t * 3);
  }
  if (clip.camera === 'slide-in') x += Math.max(0, 1 - t / 0.4) * (clip.width - Math.min(x, 0));
  return { scale, x, y };
}

/**
 * Every clip's camera makes its whole move over this many frames (two seconds at 30 fps); a
 * shorter clip is the start of the same move, so its faces move as fast as the full suite's.
 */
export const CAMERA_MOVE_FRAMES = 60;

/** Where frame `frame` is in the camera's move, 0..1. */
export function frameTime(frame: number): number {
  return frame / (CAMERA_MOVE_FRAMES - 1);
}

export interface SuiteScale {
  name: 'full' | 'small' | 'short';
  width: number;
  height: number;
  fps: number;
  frames: number;
}

export const REAL_FULL: SuiteScale = { name: 'full', width: 1280, height: 720, fps: 30, frames: 60 };
/** The version in `npm test`: fewer, shorter clips. */
export const REAL_SMALL: SuiteScale = { name: 'small', width: 1280, height: 720, fps: 30, frames: 16 };
/** Every clip of the full suite, its first 16 frames (the camera moves as fast): for measuring many variants. */
export const REAL_SHORT: SuiteScale = { name: 'short', width: 1280, height: 720, fps: 30, frames: 16 };

type Variant = Pick<RealClip, 'camera' | 'condition' | 'turn'>;

/** Conditions besides the plain pan, each filmed from two photos picked round-robin (never by what they show). */
const VARIANTS: Variant[] = [
  { camera: 'zoom', condition: 'day', turn: 0 },
  { camera: 'shake', condition: 'day', turn: 0 },
  { camera: 'slide-in', condition: 'day', turn: 0 },
  { camera: 'pan', condition: 'night', turn: 0 },
  { camera: 'pan', condition: 'motion-blur', turn: 0 },
  { camera: 'shake', condition: 'low-bitrate', turn: 0 },
  { camera: 'pan', condition: 'poster', turn: 0 },
  { camera: 'pan', condition: 'day', turn: 90 },
  { camera: 'pan', condition: 'day', turn: 180 },
];

const variantName = (v: Variant) => [v.camera, v.condition === 'day' ? null : v.condition, v.turn ? `turn${v.turn}` : null].filter(Boolean).join('-');
const photoName = (file: string) => path.basename(file, path.extname(file));

function clipOf(photo: DevPhoto, variant: Variant, scale: SuiteScale, seed: number): RealClip {
  return { name: `${photoName(photo.file)}/${variantName(variant)}`, photo: photo.file, width: scale.width, height: scale.height, fps: scale.fps, frames: scale.frames, ...variant, seed };
}

/**
 * Full: every photo panned in daylight, then each variant on two photos (stepping through the
 * photos by 5, so consecutive variants fall on different kinds of picture). Small: four clips
 * that between them hold crowds, a poster, a dark frame and a turned photo.
 */
export function buildRealSuite(photos: readonly DevPhoto[], scale: SuiteScale): RealClip[] {
  const plain: Variant = { camera: 'pan', condition: 'day', turn: 0 };
  if (scale.name === 'small') {
    const pick = (i: number) => photos[i % photos.length];
    return [
      clipOf(pick(4), plain, scale, 1),
      clipOf(pick(5), { camera: 'pan', condition: 'poster', turn: 0 }, scale, 2),
      clipOf(pick(3), { camera: 'pan', condition: 'night', turn: 0 }, scale, 3),
      clipOf(pick(11), { camera: 'pan', condition: 'day', turn: 180 }, scale, 4),
    ];
  }
  const clips = photos.map((p, i) => clipOf(p, plain, scale, i + 1));
  VARIANTS.forEach((variant, v) => {
    for (let k = 0; k < 2; k++) clips.push(clipOf(photos[(v * 2 + k) * 5 % photos.length], variant, scale, 100 + v * 2 + k));
  });
  return clips;
}
