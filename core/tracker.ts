import { iou, type Box } from './geometry';
import type { FaceDetection } from './detection';
import { DEFAULT_BLUR_STYLE, type BlurStyle, type Track, type TrackKeyframe } from './project';

export interface TrackerOptions {
  /** Least IoU between a track's predicted box and a detection for them to match. */
  matchIou: number;
  /** A detection still matches when its centre is within this many face sizes of the prediction. */
  maxCentreShift: number;
  /** A track that has not been seen for this many frames ends; until then its predicted box is blurred. */
  maxMissedFrames: number;
  /** Safety margins: frames of blur extrapolated before the first and after the last detection. */
  preRollFrames: number;
  postRollFrames: number;
  /** Boxes are averaged over observations within ± this many frames (removes jitter). */
  smoothingFrames: number;
  /** Extrapolated boxes grow by this fraction per frame (the further from evidence, the less sure). */
  uncertaintyGrowth: number;
  /** Two tracks that overlap this much on most of their shared frames are one face. */
  mergeIou: number;
  /**
   * A track that starts within this many frames after another ended, where that one was heading
   * and at a similar size, continues it (the face turned to profile or passed behind something
   * and neither model saw it for a while); the gap is interpolated. 0 turns linking off.
   */
  linkFrames: number;
  /**
   * A box never shrinks below the largest size seen in this many frames before it, and after
   * that shrinks slowly: a face turning to profile or tilting is detected smaller than it is,
   * and real faces rarely shrink fast. (Growth is followed at once: an approaching face must not
   * be blurred too small.)
   */
  sizeHoldFrames: number;
  style: BlurStyle;
  idPrefix: string;
  /** What found the tracks: faces (`auto`), or persons whose head no face track covers (`person`). */
  origin: Extract<Track['origin'], 'auto' | 'person'>;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  matchIou: 0.2,
  maxCentreShift: 1.5,
  maxMissedFrames: 15,
  preRollFrames: 4,
  postRollFrames: 4,
  smoothingFrames: 2,
  uncertaintyGrowth: 0.02,
  mergeIou: 0.5,
  linkFrames: 45,
  sizeHoldFrames: 12,
  style: DEFAULT_BLUR_STYLE,
  idPrefix: 'auto-',
  origin: 'auto',
};

/** How fast a held size is let go once the window has passed: 1.5 % a frame, a face halving in 1.5 s. */
const SIZE_RELEASE_PER_FRAME = 0.015;

interface Observation {
  frame: number;
  box: Box;
  score: number;
}

/** Centre/size state with per-frame velocity (an alpha-beta filter: a steady-state Kalman filter). */
interface MotionState {
  cx: number;
  cy: number;
  w: number;
  h: number;
  vx: number;
  vy: number;
  vw: number;
  vh: number;
  frame: number;
}

interface LiveTrack {
  key: number;
  observations: Observation[];
  motion: MotionState;
  lastSeen: number;
}

const ALPHA = 0.7;
const BETA = 0.25;

function toState(box: Box, frame: number): MotionState {
  return { cx: box.x + box.width / 2, cy: box.y + box.height / 2, w: box.width, h: box.height, vx: 0, vy: 0, vw: 0, vh: 0, frame };
}

function stateBox(s: MotionState, frame: number): Box {
  const dt = frame - s.frame;
  const w = Math.max(4, s.w + s.vw * dt);
  const h = Math.max(4, s.h + s.vh * dt);
  return { x: s.cx + s.vx * dt - w / 2, y: s.cy + s.vy * dt - h / 2, width: w, height: h };
}

function centre(box: Box): [number, number] {
  return [box.x + box.width / 2, box.y + box.height / 2];
}

function observe(s: MotionState, box: Box, frame: number): MotionState {
  const dt = Math.max(1, frame - s.frame);
  const predicted = stateBox(s, frame);
  const [pcx, pcy] = centre(predicted);
  const [mcx, mcy] = centre(box);
  const r = [mcx - pcx, mcy - pcy, box.width - predicted.width, box.height - predicted.height];
  return {
    cx: pcx + ALPHA * r[0],
    cy: pcy + ALPHA * r[1],
    w: predicted.width + ALPHA * r[2],
    h: predicted.height + ALPHA * r[3],
    vx: s.vx + (BETA * r[0]) / dt,
    vy: s.vy + (BETA * r[1]) / dt,
    vw: s.vw + (BETA * r[2]) / dt,
    vh: s.vh + (BETA * r[3]) / dt,
    frame,
  };
}

/** Records the face where a live track was seen on `frame` (detected or followed). */
function seeOn(track: LiveTrack, frame: number, face: FaceDetection): void {
  track.observations.push({ frame, box: { ...face.box }, score: face.score });
  track.motion = observe(track.motion, face.box, frame);
  track.lastSeen = frame;
}

/**
 * How well a detection continues a track: IoU with the prediction, or a small score for a near
 * miss. The near-miss radius widens with the frames since the track was last seen, because the
 * prediction gets less certain (a new track does not know its speed yet).
 */
function matchScore(predicted: Box, face: Box, framesSinceSeen: number, options: TrackerOptions): number {
  const overlap = iou(predicted, face);
  if (overlap >= options.matchIou) return overlap;
  const size = Math.max(predicted.width, face.width);
  const sizeRatio = Math.min(predicted.width, face.width) / size;
  const [ax, ay] = centre(predicted);
  const [bx, by] = centre(face);
  const radius = size * (options.maxCentreShift + 0.5 * Math.max(0, framesSinceSeen - 1));
  if (sizeRatio > 0.5 && Math.hypot(ax - bx, ay - by) <= radius) return options.matchIou / 2;
  return 0;
}

/**
 * Online multi-face tracker: predicts each face's box with constant velocity, matches new
 * detections to predictions greedily, keeps a track alive through missed detections, and
 * finally turns tracks into smoothed keyframes with safety margins.
 */
export class FaceTracker {
  private readonly options: TrackerOptions;
  private readonly live: LiveTrack[] = [];
  private readonly ended: LiveTrack[] = [];
  private nextKey = 1;

  constructor(options: Partial<TrackerOptions> = {}) {
    this.options = { ...DEFAULT_TRACKER_OPTIONS, ...options };
  }

  /** Predicted boxes of the live tracks at `frame` (where to look for them). */
  predictions(frame: number): { key: number; box: Box }[] {
    return this.live.map((t) => ({ key: t.key, box: stateBox(t.motion, frame) }));
  }

  /**
   * Feeds the detections found on `frame` (frames must come in increasing order). Returns the
   * keys of tracks started by this frame, so the caller can search earlier frames for them.
   */
  update(frame: number, faces: readonly FaceDetection[]): number[] {
    for (let i = this.live.length - 1; i >= 0; i--) {
      if (frame - this.live[i].lastSeen > this.options.maxMissedFrames) this.ended.push(...this.live.splice(i, 1));
    }
    const predicted = this.live.map((t) => stateBox(t.motion, frame));
    const pairs: { t: number; f: number; score: number }[] = [];
    predicted.forEach((box, t) =>
      faces.forEach((face, f) => {
        const score = matchScore(box, face.box, frame - this.live[t].lastSeen, this.options);
        if (score > 0) pairs.push({ t, f, score });
      }),
    );
    pairs.sort((a, b) => b.score - a.score);
    const usedTracks = new Set<number>();
    const usedFaces = new Set<number>();
    for (const { t, f } of pairs) {
      if (usedTracks.has(t) || usedFaces.has(f)) continue;
      usedTracks.add(t);
      usedFaces.add(f);
      seeOn(this.live[t], frame, faces[f]);
    }
    const started: number[] = [];
    faces.forEach((face, f) => {
      if (usedFaces.has(f)) return;
      const key = this.nextKey++;
      this.live.push({ key, observations: [{ frame, box: { ...face.box }, score: face.score }], motion: toState(face.box, frame), lastSeen: frame });
      started.push(key);
    });
    return started;
  }

  /**
   * How fast a live track moves, in face sizes per frame. Unknown for a track seen fewer than
   * three times, reported as Infinity so callers treat it as fast.
   */
  speedOf(key: number): number {
    const track = this.live.find((t) => t.key === key);
    if (!track) return 0;
    if (track.observations.length < 3) return Infinity;
    const m = track.motion;
    return Math.hypot(m.vx, m.vy) / Math.max(m.w, m.h) + Math.abs(m.vw) / m.w;
  }

  /** The latest observed box of a live track. */
  lastBox(key: number): Box | null {
    const track = this.live.find((t) => t.key === key);
    return track ? { ...track.observations[track.observations.length - 1].box } : null;
  }

  /** The last frame on which a live track was seen (detected or followed); null for a track that ended. */
  lastSeenFrame(key: number): number | null {
    return this.live.find((t) => t.key === key)?.lastSeen ?? null;
  }

  /**
   * Adds where a live track's face was followed by its look on `frame` (no detector saw it).
   * It counts as seeing the face: the track stays alive and its motion follows the face.
   */
  addFollowed(key: number, frame: number, face: FaceDetection): void {
    const track = this.live.find((t) => t.key === key);
    if (track && frame > track.lastSeen) seeOn(track, frame, face);
  }

  /** Forgets a live track (a detection that a second look did not confirm). */
  discard(key: number): void {
    const i = this.live.findIndex((t) => t.key === key);
    if (i >= 0) this.live.splice(i, 1);
  }

  /** Where a track was expected on an earlier frame (from its first observations' motion, run backwards). */
  predictBefore(key: number, frame: number): Box | null {
    const track = this.live.find((t) => t.key === key) ?? this.ended.find((t) => t.key === key);
    if (!track) return null;
    const first = track.observations[0];
    const velocity = this.earlyVelocity(track.observations);
    const dt = frame - first.frame;
    const [cx, cy] = centre(first.box);
    const w = Math.max(4, first.box.width + velocity.vw * dt);
    const h = Math.max(4, first.box.height + velocity.vh * dt);
    return { x: cx + velocity.vx * dt - w / 2, y: cy + velocity.vy * dt - h / 2, width: w, height: h };
  }

  /** Adds a detection found on an earlier frame (backwards search) to a track. */
  addEarlierObservation(key: number, frame: number, face: FaceDetection): void {
    const track = this.live.find((t) => t.key === key) ?? this.ended.find((t) => t.key === key);
    if (!track || frame >= track.observations[0].frame) return;
    track.observations.unshift({ frame, box: { ...face.box }, score: face.score });
  }

  /**
   * Ends every track and returns them as project tracks, frames clamped to [0, lastFrame]. With
   * the frame size, a face first or last seen near a frame edge, moving across it, is blurred
   * along its path until it has wholly left the frame: partly visible and often motion-blurred
   * there, it is what detectors miss.
   */
  finish(lastFrame: number, frameSize?: FrameSize): Track[] {
    this.ended.push(...this.live.splice(0));
    return this.tracksSoFar(lastFrame, frameSize);
  }

  /**
   * The tracks as they stand, ending none (an editor shows them while the analysis goes on):
   * what `finish` would return now. Tracks still live get their margins as if they ended here.
   */
  tracksSoFar(lastFrame: number, frameSize?: FrameSize): Track[] {
    const merged = linkTracklets(
      mergeDuplicates(
        [...this.ended, ...this.live].map((t) => t.observations),
        this.options.mergeIou,
      ),
      this.options,
    );
    return merged
      .map((observations) => this.toKeyframes(observations, lastFrame, frameSize))
      .sort((a, b) => a[0].frame - b[0].frame)
      .map((keyframes, i) => ({
        id: `${this.options.idPrefix}${i + 1}`,
        origin: this.options.origin,
        status: 'pending' as const,
        style: { ...this.options.style },
        keyframes,
      }));
  }

  private earlyVelocity(observations: readonly Observation[]): { vx: number; vy: number; vw: number; vh: number } {
    return velocityBetween(observations.slice(0, 4));
  }

  private toKeyframes(observations: Observation[], lastFrame: number, frameSize: FrameSize | undefined): TrackKeyframe[] {
    const smoothed = holdSize(smoothObservations(observations, this.options.smoothingFrames), this.options.sizeHoldFrames);
    const first = smoothed[0];
    const last = smoothed[smoothed.length - 1];
    const keyframes: TrackKeyframe[] = [];
    const margin = (from: Observation, velocity: ReturnType<typeof velocityBetween>, dt: number): TrackKeyframe => {
      const [cx, cy] = centre(from.box);
      const grow = 1 + this.options.uncertaintyGrowth * Math.abs(dt);
      const w = Math.max(4, (from.box.width + velocity.vw * dt) * grow);
      const h = Math.max(4, (from.box.height + velocity.vh * dt) * grow);
      return { frame: from.frame + dt, box: { x: cx + velocity.vx * dt - w / 2, y: cy + velocity.vy * dt - h / 2, width: w, height: h }, confidence: null };
    };
    const startVelocity = velocityBetween(smoothed.slice(0, 4));
    const backwards = { vx: -startVelocity.vx, vy: -startVelocity.vy };
    const preRoll = Math.min(Math.max(this.options.preRollFrames, framesToLeave(first.box, backwards, frameSize)), first.frame);
    if (preRoll > 0) keyframes.push(margin(first, startVelocity, -preRoll));
    // Between observations the blur is interpolated; a fast face is widened along its motion so
    // an interpolation that lags the face still covers it.
    smoothed.forEach((o, i) => {
      const v = velocityBetween(smoothed.slice(Math.max(0, i - 1), i + 2));
      const gap = Math.max(1, (smoothed[i + 1]?.frame ?? o.frame + 1) - (smoothed[i - 1]?.frame ?? o.frame - 1)) / 2;
      const dx = Math.abs(v.vx) * gap;
      const dy = Math.abs(v.vy) * gap;
      const box = { x: o.box.x - dx / 2, y: o.box.y - dy / 2, width: o.box.width + dx, height: o.box.height + dy };
      keyframes.push({ frame: o.frame, box, confidence: o.score });
    });
    const endVelocity = velocityBetween(smoothed.slice(-4));
    const postRoll = Math.min(Math.max(this.options.postRollFrames, framesToLeave(last.box, endVelocity, frameSize)), lastFrame - last.frame);
    if (postRoll > 0) keyframes.push(margin(last, endVelocity, postRoll));
    return keyframes;
  }
}

export interface FrameSize {
  width: number;
  height: number;
}

/** Longest safety margin a frame edge can add to a track (one second at 30 fps). */
const MAX_EDGE_ROLL_FRAMES = 30;

/**
 * Frames until a box moving at `velocity` (px/frame) is wholly outside the frame, when that takes
 * at most MAX_EDGE_ROLL_FRAMES; otherwise 0. Run backwards from a track's first box, it says how
 * long a face first found near an edge had been coming in, partly visible, missed by the detectors.
 */
export function framesToLeave(box: Box, velocity: { vx: number; vy: number }, frame: FrameSize | undefined): number {
  if (!frame) return 0;
  const exits: number[] = [];
  if (velocity.vx < 0) exits.push((box.x + box.width) / -velocity.vx);
  if (velocity.vx > 0) exits.push((frame.width - box.x) / velocity.vx);
  if (velocity.vy < 0) exits.push((box.y + box.height) / -velocity.vy);
  if (velocity.vy > 0) exits.push((frame.height - box.y) / velocity.vy);
  const frames = Math.ceil(Math.min(Infinity, ...exits));
  return frames <= MAX_EDGE_ROLL_FRAMES ? frames : 0;
}

/** Mean per-frame change of centre and size across a few observations (zero for one). */
function velocityBetween(observations: readonly Observation[]): { vx: number; vy: number; vw: number; vh: number } {
  if (observations.length < 2) return { vx: 0, vy: 0, vw: 0, vh: 0 };
  const a = observations[0];
  const b = observations[observations.length - 1];
  const dt = b.frame - a.frame;
  const [ax, ay] = centre(a.box);
  const [bx, by] = centre(b.box);
  return { vx: (bx - ax) / dt, vy: (by - ay) / dt, vw: (b.box.width - a.box.width) / dt, vh: (b.box.height - a.box.height) / dt };
}

/** Averages each observation's centre and size with its neighbours within ± `frames` frames. */
export function smoothObservations(observations: readonly Observation[], frames: number): Observation[] {
  if (frames <= 0) return observations.map((o) => ({ ...o }));
  let lo = 0;
  let hi = 0;
  return observations.map((o) => {
    // Observations are in frame order, so the window only ever slides forward.
    while (o.frame - observations[lo].frame > frames) lo++;
    while (hi + 1 < observations.length && observations[hi + 1].frame - o.frame <= frames) hi++;
    const window = observations.slice(lo, hi + 1);
    const mean = (value: (box: Box) => number) => window.reduce((sum, other) => sum + value(other.box), 0) / window.length;
    const w = mean((b) => b.width);
    const h = mean((b) => b.height);
    const cx = mean((b) => b.x + b.width / 2);
    const cy = mean((b) => b.y + b.height / 2);
    return { frame: o.frame, score: o.score, box: { x: cx - w / 2, y: cy - h / 2, width: w, height: h } };
  });
}

/**
 * Grows each box, about its centre, to the largest width and height observed in the `frames`
 * frames before it; beyond that the held size falls by at most `SIZE_RELEASE_PER_FRAME` a frame.
 * A head turning and tilting over a second is detected ever smaller (on the profile scenario
 * from 179×269 to 107×169 in 26 frames while the head stays 158×260): a window alone lets go.
 */
export function holdSize(observations: readonly Observation[], frames: number): Observation[] {
  if (frames <= 0) return observations.map((o) => ({ ...o }));
  let held: Observation | null = null;
  return observations.map((o, i) => {
    let w = o.box.width;
    let h = o.box.height;
    for (let j = i - 1; j >= 0 && o.frame - observations[j].frame <= frames; j--) {
      w = Math.max(w, observations[j].box.width);
      h = Math.max(h, observations[j].box.height);
    }
    if (held) {
      const release = (1 - SIZE_RELEASE_PER_FRAME) ** (o.frame - held.frame);
      w = Math.max(w, held.box.width * release);
      h = Math.max(h, held.box.height * release);
    }
    const [cx, cy] = centre(o.box);
    held = { ...o, box: { x: cx - w / 2, y: cy - h / 2, width: w, height: h } };
    return held;
  });
}

/**
 * Joins tracklets of one face across a gap of up to `linkFrames` frames: a tracklet that starts
 * after another ended, at a similar size, near where the earlier one was heading. Each tracklet
 * continues at most one earlier one (the nearest); the joined observations are interpolated later.
 */
export function linkTracklets(tracks: Observation[][], options: Pick<TrackerOptions, 'linkFrames' | 'maxCentreShift'>): Observation[][] {
  if (options.linkFrames <= 0) return tracks.map((t) => [...t]);
  const byEnd = tracks.map((t) => [...t]).sort((a, b) => a[a.length - 1].frame - b[b.length - 1].frame);
  const absorbed = new Set<Observation[]>();
  for (const earlier of byEnd) {
    if (absorbed.has(earlier)) continue;
    for (;;) {
      const end = earlier[earlier.length - 1];
      const velocity = velocityBetween(earlier.slice(-4));
      let best: { track: Observation[]; distance: number } | null = null;
      for (const later of byEnd) {
        if (later === earlier || absorbed.has(later)) continue;
        const start = later[0];
        const gap = start.frame - end.frame;
        if (gap <= 0 || gap > options.linkFrames) continue;
        const size = Math.max(end.box.width, start.box.width);
        if (Math.min(end.box.width, start.box.width) / size < 0.5) continue;
        // Motion is trusted for a few frames only: beyond that the face may have stopped or turned back.
        const dt = Math.min(gap, 10);
        const [ex, ey] = centre(end.box);
        const [sx, sy] = centre(start.box);
        const distance = Math.hypot(ex + velocity.vx * dt - sx, ey + velocity.vy * dt - sy) / size;
        if (distance <= options.maxCentreShift && (!best || distance < best.distance)) best = { track: later, distance };
      }
      if (!best) break;
      absorbed.add(best.track);
      earlier.push(...best.track);
    }
  }
  return byEnd.filter((t) => !absorbed.has(t)).sort((a, b) => a[0].frame - b[0].frame);
}

/**
 * Merges tracks that are the same face: on most frames both observe, their boxes overlap by at
 * least `minIou`. The merged track keeps the better-scoring observation on shared frames.
 */
export function mergeDuplicates(tracks: Observation[][], minIou: number): Observation[][] {
  const result = tracks.map((t) => [...t]);
  let merged = true;
  while (merged) {
    merged = false;
    outer: for (let i = 0; i < result.length; i++) {
      for (let j = i + 1; j < result.length; j++) {
        if (sameFace(result[i], result[j], minIou)) {
          const byFrame = new Map<number, Observation>();
          for (const o of [...result[i], ...result[j]]) {
            const existing = byFrame.get(o.frame);
            if (!existing || o.score > existing.score) byFrame.set(o.frame, o);
          }
          result[i] = [...byFrame.values()].sort((a, b) => a.frame - b.frame);
          result.splice(j, 1);
          merged = true;
          break outer;
        }
      }
    }
  }
  return result;
}

function sameFace(a: Observation[], b: Observation[], minIou: number): boolean {
  // Tracks that never share a frame are not compared frame by frame (most pairs in a long clip).
  if (a[0].frame > b[b.length - 1].frame || b[0].frame > a[a.length - 1].frame) return false;
  const byFrame = new Map(a.map((o) => [o.frame, o.box]));
  let shared = 0;
  let overlapping = 0;
  for (const o of b) {
    const other = byFrame.get(o.frame);
    if (!other) continue;
    shared++;
    if (iou(other, o.box) >= minIou) overlapping++;
  }
  return shared > 0 && overlapping / shared > 0.5;
}
