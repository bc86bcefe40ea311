import { coverageAt } from './anonymise';
import type { FaceDetection } from './detection';
import { boxArea, intersectionArea, padBox, type Box } from './geometry';
import type { RenderPlan, RenderRegion } from './renderPlan';

/**
 * The leak check's decisions, as pure functions: which faces found in a rendered master are not
 * under the blur the plan put there (leaks), and which leaks on nearby frames are one face (a
 * finding). The host runs the detector over the master and keeps the pictures.
 */

export interface LeakCriteria {
  /** A point counts as blurred when the plan's blur covers it at least this much (0..1, feather included). */
  blurredCoverage: number;
  /** A face found in the master is covered (no leak) when at least this share of its box is blurred. */
  coveredShare: number;
}

/**
 * Measured on the leak-check clip (two real faces, 64 and 96 px, 640×360; scratch runs of each
 * detector at 0.1 on the master blurred as planned and with the small face's blur moved aside):
 * a blurred face is still detected now and then at low confidence (Tiny up to 0.54), and those
 * boxes are 0.78–0.92 blurred at a confidence of 0.2 or more (down to 0.60 below 0.2, where
 * Tiny at native size draws a box half again as wide as the blurred blob); a face whose blur
 * slid three quarters of its width aside, eyes and mouth showing, is detected with 0.40–0.66 of
 * its box blurred (confidence 0.3–0.8). 0.75 lies between the two. 0.5 is the coverage the
 * assurance metrics call blurred: past it the feathered edge is more blur than picture.
 */
export const LEAK_CRITERIA: LeakCriteria = { blurredCoverage: 0.5, coveredShare: 0.75 };

/** Points sampled across each side of a box to measure its blurred share (a 1 % step; the share is scale-free). */
const SHARE_SAMPLES = 24;

/** Share (0..1) of a box that the regions blur at least `minCoverage`, sampled on an even grid of points inside it. */
export function blurredShare(regions: readonly RenderRegion[], box: Box, minCoverage = LEAK_CRITERIA.blurredCoverage): number {
  if (regions.length === 0 || boxArea(box) === 0) return 0;
  let blurred = 0;
  for (let j = 0; j < SHARE_SAMPLES; j++) {
    const py = box.y + ((j + 0.5) * box.height) / SHARE_SAMPLES;
    for (let i = 0; i < SHARE_SAMPLES; i++) {
      const px = box.x + ((i + 0.5) * box.width) / SHARE_SAMPLES;
      if (regions.some((region) => coverageAt(region, px, py) >= minCoverage)) blurred++;
    }
  }
  return blurred / (SHARE_SAMPLES * SHARE_SAMPLES);
}

/** The faces on one frame that are not under the blur: a leak each. */
export function leaksAmong(faces: readonly FaceDetection[], regions: readonly RenderRegion[], criteria: LeakCriteria = LEAK_CRITERIA): FaceDetection[] {
  return faces.filter((face) => blurredShare(regions, face.box, criteria.blurredCoverage) < criteria.coveredShare);
}

/** How a master's frames map onto the plan's: the master may be a range of the source, at another size. */
export interface MasterFrames {
  width: number;
  height: number;
  /** Source frame of the master's frame 0 (an export of a range starts later). */
  frameOffset: number;
}

/**
 * The plan's regions on each master frame, in master pixels. A master at the source's size (what
 * the render writes) gets the plan's own regions.
 */
export function masterRegions(plan: RenderPlan, master: MasterFrames): (masterFrame: number) => RenderRegion[] {
  const sx = master.width / plan.width;
  const sy = master.height / plan.height;
  const scale = (r: RenderRegion): RenderRegion =>
    sx === 1 && sy === 1 ? r : { ...r, box: { x: r.box.x * sx, y: r.box.y * sy, width: r.box.width * sx, height: r.box.height * sy }, feather: r.feather * Math.min(sx, sy) };
  const byFrame = new Map(plan.frames.map((f) => [f.frame, f.regions.map(scale)]));
  return (masterFrame) => byFrame.get(masterFrame + master.frameOffset) ?? [];
}

/** One face left showing in the master: every frame it was found on outside the blur. */
export interface LeakFindingCore {
  /** `leak-1`, `leak-2`, … in the order the findings start (the same master and settings give the same ids). */
  id: string;
  firstFrame: number;
  lastFrame: number;
  /** Every frame the face was found on, in order. */
  frames: number[];
  /** The face found on each of `frames` (same order): its box in master pixels and its confidence. */
  faces: FaceDetection[];
  /** The frame where it was found with the most confidence: the one to show. */
  peakFrame: number;
  /** Its box on the peak frame. */
  box: Box;
  /** Confidence on the peak frame. */
  confidence: number;
}

export interface LeakGrouping {
  /** A face missed on up to this many frames in a row is still one finding. */
  maxGapFrames: number;
  /** A leak continues a finding when its centre is within this many face sizes of where the finding was heading. */
  maxCentreShift: number;
  /** …and its size (the square root of its area) is within this factor of the finding's last size. */
  maxSizeRatio: number;
}

/**
 * A detector misses a face now and then (12 frames is the tracker's own allowance, half a second
 * at 25 fps); the centre shift is the tracker's near-miss radius. A face turning to profile is
 * found in boxes of any shape (the profile scenario: 87×239 px, then 53×85 two frames on), hence
 * 2.5 in size.
 */
export const LEAK_GROUPING: LeakGrouping = { maxGapFrames: 12, maxCentreShift: 1.5, maxSizeRatio: 2.5 };

interface OpenFinding {
  finding: LeakFindingCore;
  /** The last two boxes (for where it is heading) and their frames. */
  last: { frame: number; box: Box };
  before: { frame: number; box: Box } | null;
}

const centreOf = (box: Box): [number, number] => [box.x + box.width / 2, box.y + box.height / 2];
/** A weaker leak within this share of a stronger one's size from its box, on the same frame, is the same face. */
const SAME_FACE_MARGIN = 0.25;

/** How far (in face sizes) a leak is from where an open finding is heading on `frame`; Infinity when it cannot continue it. */
function distanceFrom(open: OpenFinding, frame: number, box: Box, grouping: LeakGrouping): number {
  const gap = frame - open.last.frame;
  if (gap <= 0 || gap > grouping.maxGapFrames + 1) return Infinity;
  const size = Math.max(open.last.box.width, open.last.box.height);
  // Sizes compared by area: a turning face is drawn as a tall thin box one frame and a small square one the next.
  const ratio = Math.sqrt(boxArea(box) / boxArea(open.last.box));
  if (ratio > grouping.maxSizeRatio || ratio < 1 / grouping.maxSizeRatio) return Infinity;
  const [lx, ly] = centreOf(open.last.box);
  let [px, py] = [lx, ly];
  if (open.before) {
    // Motion is trusted for a few frames only, as the tracker does.
    const [bx, by] = centreOf(open.before.box);
    const dt = Math.min(gap, 10) / (open.last.frame - open.before.frame);
    px += (lx - bx) * dt;
    py += (ly - by) * dt;
  }
  const [cx, cy] = centreOf(box);
  const distance = Math.hypot(cx - px, cy - py) / size;
  return distance <= grouping.maxCentreShift ? distance : Infinity;
}

/**
 * Groups leaks frame by frame into findings, one per face. Fed frames in increasing order; a
 * finding is closed (and handed out by `close`) once its face has been gone longer than the gap
 * allowed, so a host holding a picture per open finding holds only a few.
 */
export class LeakGrouper {
  private readonly open: OpenFinding[] = [];
  private count = 0;
  private lastFrame = -1;

  constructor(private readonly grouping: LeakGrouping = LEAK_GROUPING) {}

  /**
   * Adds the leaks found on `frame`; returns the findings each leak went to, in the same order,
   * with `peak` true where this frame became the finding's peak (the host then keeps its picture).
   */
  add(frame: number, leaks: readonly FaceDetection[]): { finding: LeakFindingCore; peak: boolean }[] {
    if (frame <= this.lastFrame) throw new RangeError(`frame ${frame} after frame ${this.lastFrame}: frames must increase`);
    this.lastFrame = frame;
    // Best first: where two leaks could continue one finding, the surer one does.
    const order = leaks.map((_, i) => i).sort((a, b) => leaks[b].score - leaks[a].score);
    const taken = new Set<OpenFinding>();
    const result: { finding: LeakFindingCore; peak: boolean }[] = new Array(leaks.length);
    for (const [rank, i] of order.entries()) {
      const { box, score } = leaks[i];
      // A weaker box on or beside a face already placed on this frame is that face (measured: the
      // backwards search and the frame's own search drew one face twice, 0.44 IoU apart; at night
      // Tiny drew a second box over the top of an unblurred head and the dark windows above it).
      const near = order.slice(0, rank).find((j) => intersectionArea(padBox(leaks[j].box, SAME_FACE_MARGIN), box) > 0);
      if (near !== undefined) {
        result[i] = { finding: result[near].finding, peak: false };
        continue;
      }
      let best: { open: OpenFinding; distance: number } | null = null;
      for (const open of this.open) {
        if (taken.has(open)) continue;
        const distance = distanceFrom(open, frame, box, this.grouping);
        if (distance < (best?.distance ?? Infinity)) best = { open, distance };
      }
      if (!best) {
        const finding: LeakFindingCore = {
          id: `leak-${++this.count}`,
          firstFrame: frame,
          lastFrame: frame,
          frames: [frame],
          faces: [{ box: { ...box }, score }],
          peakFrame: frame,
          box: { ...box },
          confidence: score,
        };
        const open: OpenFinding = { finding, last: { frame, box }, before: null };
        this.open.push(open);
        taken.add(open);
        result[i] = { finding, peak: true };
        continue;
      }
      const { open } = best;
      taken.add(open);
      open.before = open.last;
      open.last = { frame, box };
      const { finding } = open;
      finding.lastFrame = frame;
      finding.frames.push(frame);
      finding.faces.push({ box: { ...box }, score });
      const peak = score > finding.confidence;
      if (peak) {
        finding.peakFrame = frame;
        finding.box = { ...box };
        finding.confidence = score;
      }
      result[i] = { finding, peak };
    }
    return result;
  }

  /** Closes and returns the findings that no leak on `frame` or later can continue. */
  close(frame: number): LeakFindingCore[] {
    const done = this.open.filter((o) => frame - o.last.frame > this.grouping.maxGapFrames + 1);
    this.open.splice(0, this.open.length, ...this.open.filter((o) => !done.includes(o)));
    // Open findings are kept in the order they started.
    return done.map((o) => o.finding);
  }

  /** Closes every finding; returns those not handed out yet. */
  finish(): LeakFindingCore[] {
    return this.close(Infinity);
  }
}
