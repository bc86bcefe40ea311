import { iou, padBox, scaleBox, type Box } from './geometry';
import { detectorName, type DetectorOptions, type FaceDetection, type FaceDetector, type LumaFrame, type RgbFrame } from './detection';
import type { SearchUrgency } from './detectionDispatch';
import { faceTemplate, followFace, type FaceTemplate, type FollowFrame } from './follow';
import { cropResizeRgb, downscaleRgb, normaliseContrast, subsampleLuma, turnRgb, unturnBox, type QuarterTurn } from './image';
import { possibleFaceTracks, type FrameHeads, type PersonHeadOptions } from './personHeads';
import { headsOfPersons, type PersonDetectorOptions } from './personDetector';
import type { Track } from './project';
import { suppressDuplicates, tileLayout, type TileSize } from './tiling';
import { FaceTracker, type FrameSize, type TrackerOptions } from './tracker';

/** One way of searching whole frames for new faces: tiles of the frame shrunk by an integer factor. */
export interface DiscoveryLevel {
  detector: DetectorOptions;
  /** 1 = native pixels (finds the smallest faces), 2 = half size, … */
  shrink: number;
  /**
   * Tile size in shrunk pixels; a tile as large as the frame makes it a single full-frame pass.
   * The Tiny Face Detector runs on any size, so tiles only spread a level's work over frames.
   */
  tile: TileSize;
  /** Tile overlap in shrunk pixels: faces up to this size are never cut by every tile. */
  overlap: number;
  /** Every tile of this level is searched once per this many frames (tiles are spread evenly over them). */
  everyFrames: number;
  /**
   * Spread over `everyFrames` by row: a row's tiles are searched on one frame. Tiles then bound
   * the detector's memory (its WebAssembly heap grows to its largest input and never shrinks)
   * without changing when each part of the frame is searched: a row of tiles is a strip.
   */
  rowsTogether?: boolean;
  /**
   * Stretch dark or flat tiles' levels before detection. Measured on night footage (14 faces on
   * 7 frames): on the whole frame at 1/4, SSD then finds 13 instead of 2 and the Tiny Face
   * Detector 10 instead of 0, with no false detections; on 1/2-size tiles Tiny finds more faces
   * but also about ten false ones per frame in the stretched noise, so such tiles stay as decoded.
   */
  stretchLevels: boolean;
  /**
   * Searched turned clockwise by this much (default upright): the face models only find faces
   * within about 45° of upright, and a person lying on the road shows a face on its side or
   * upside down. A face found turned is followed and confirmed turned the same way.
   */
  turn?: QuarterTurn;
}

export interface AnalysisSchedule {
  discovery: DiscoveryLevel[];
  /** Re-detect known faces in a zoomed crop around their predicted box. */
  roi: {
    /** Expects `inputSize` square inputs. */
    detector: DetectorOptions;
    /** Slow faces are re-detected every this many frames; fast ones every frame. */
    everyFrames: number;
    /** Crop side as a multiple of the predicted box's larger side. */
    context: number;
    /** Crop is resized to this square size for the detector. */
    inputSize: number;
  };
  /**
   * A new face must be found again by this detector in a zoomed crop before it becomes a track:
   * a second model's opinion removes most false positives of the first (textured clothing, signs).
   */
  confirm: {
    /** Tried in order; one that finds the face is enough (models fail on different faces). */
    looks: { detector: DetectorOptions; inputSize: number }[];
    context: number;
    /** Smaller candidates (pixels, smaller side) are accepted without a second look. */
    minSize: number;
  } | null;
  /** When a face is first found, search up to this many earlier frames for it (they are kept in memory). */
  backtrackFrames: number;
  /**
   * Frames before those, kept as half-size luma (a twelfth of the memory), over which a newly found
   * face is followed further back by its look alone: a dark face may be found only seconds
   * after it came into view.
   */
  followBackFrames: number;
  tracker: Partial<TrackerOptions>;
  /**
   * The person safety net: whole frames searched for persons every `everyFrames` frames, and a
   * "possible face" track over each head no face track covers (see personHeads.ts). Null: none.
   */
  persons:
    | (PersonHeadOptions & {
        /** Finds persons on the whole frame, sent at most this wide (CenterNet sees 512×512 whatever it is sent). */
        detector: Extract<PersonDetectorOptions, { model: 'centernet-person' }>;
        maxInputWidth: number;
        /** Places each person's head from their pose; where it finds none, the top of the person box is taken. */
        pose: Extract<PersonDetectorOptions, { model: 'movenet-head' }>;
        /** Persons shorter than this (pixels) are left out: a face in them is a few pixels wide. */
        minPersonHeight: number;
      })
    | null;
}

/**
 * Gives the detector for a set of options (the host decides where it runs: in process, in
 * workers); urgent searches are the ones tracking waits for, a pool runs them first.
 */
export type DetectorSource = (options: DetectorOptions, urgency: SearchUrgency) => FaceDetector;

/** What a schedule runs, e.g. for the project's record: `ssd-mobilenet-v1@0.5, tiny-face-detector@0.5; roi tiny-face-detector@0.4`. */
export function describeSchedule(schedule: AnalysisSchedule): string {
  const { persons: p } = schedule;
  const persons = p ? `; persons ${detectorName(p.detector)} + ${detectorName(p.pose)} every ${p.everyFrames} frames` : '';
  return `${[...new Set(schedule.discovery.map((l) => detectorName(l.detector)))].join(', ')}; roi ${detectorName(schedule.roi.detector)}${persons}`;
}

export interface AnalysisStats {
  framesAnalysed: number;
  discoveryCalls: number;
  roiCalls: number;
  confirmCalls: number;
  detections: number;
  /** Frames on which a face no detector saw was followed by its look. */
  followed: number;
  /** Whole-frame searches for persons (the person safety net). */
  personCalls: number;
}

/**
 * Frames whose search for new faces may run ahead of tracking: while one worker spends a third
 * of a second on a native-resolution strip, the other searches the next frames instead of
 * waiting (fast preset on the crossing scenario: 17.3 fps with 3, 19.2 with 12).
 */
const LOOKAHEAD_FRAMES = 12;
/**
 * A rejected detection is not checked again at the same place for this many frames (a sign that
 * looks like a face would cost a second look on every frame); after that it is, because a face
 * too small or dark to confirm when first seen may be clear a second later.
 */
const REJECTION_MEMORY_FRAMES = 30;

/**
 * Following a face by its look (see `follow.ts`) when no detector sees it. Its look is taken
 * from the middle of the box (the face itself, not the background beside it), and a followed
 * position is accepted only when it matches both the look of the frame before (the face as it
 * turns) and the look when a detector last saw it (so it never slides onto something passing
 * in front: measured on the occlusion scenario, the frame-to-frame match stays at 0.94–0.98 on
 * the occluder while the match with the detected look falls to 0.13–0.35; on a head turning to
 * profile it stays 0.78–0.97 and 0.41–0.71 over the first 30 frames).
 */
const FOLLOW = {
  /** Share of the box's width and height that makes its look. */
  core: 0.6,
  minSimilarity: 0.7,
  minSimilarityToDetected: 0.4,
  /** Frames a face is followed without any detection before it is left to the tracker's prediction. */
  maxFrames: 45,
  /**
   * Smaller faces (pixels, smaller side) are not followed: the middle of a 20 px face is a soft
   * blob that matches the road as well (on the approach scenario, a face was followed back four
   * frames before it came into view).
   */
  minSize: 32,
};

interface FaceLook {
  detected: FaceTemplate;
  latest: FaceTemplate;
  detectedFrame: number;
  /** The box size when last detected: a followed face keeps it (following measures no size). */
  width: number;
  height: number;
}

/** The middle of a face box that makes its look, and back. */
const lookCore = (box: Box): Box => padBox(box, (FOLLOW.core - 1) / 2);
const fromCore = (core: Box): Box => padBox(core, (1 / FOLLOW.core - 1) / 2);

/** Where the face of `look` is on this frame near the centre of `expected`, or null when its look is not there. */
function followLook(frame: FollowFrame, look: FaceLook, expected: Box): { face: FaceDetection; latest: FaceTemplate; similarity: number } | null {
  const box = { x: expected.x + (expected.width - look.width) / 2, y: expected.y + (expected.height - look.height) / 2, width: look.width, height: look.height };
  const core = lookCore(box);
  const latest = followFace(frame, look.latest, core);
  if (latest.similarity < FOLLOW.minSimilarity) return null;
  const detected = followFace(frame, look.detected, latest.box, 0.1);
  if (detected.similarity < FOLLOW.minSimilarityToDetected) return null;
  const template = faceTemplate(frame, latest.box);
  if (!template) return null;
  // Scored below any detection: the project shows how sure each box is.
  return { face: { box: fromCore(latest.box), score: 0.5 * detected.similarity }, latest: template, similarity: latest.similarity };
}

/**
 * Follows a face one frame back, letting its size change by a few percent (going back in time an
 * approaching face shrinks: a box kept at the size it was found at slides off a face half as
 * large). Updates the look's size and latest template.
 */
function followBack(frame: FollowFrame, look: FaceLook, later: Box): FaceDetection | null {
  let best: { followed: NonNullable<ReturnType<typeof followLook>>; scale: number } | null = null;
  for (const scale of [1, 1 / 1.04, 1.04]) {
    const followed = followLook(frame, { ...look, width: look.width * scale, height: look.height * scale }, later);
    // Another size only when it clearly matches better (a smaller core of a face always matches a little better).
    if (followed && (!best || followed.similarity > best.followed.similarity + 0.03)) best = { followed, scale };
  }
  if (!best) return null;
  look.width *= best.scale;
  look.height *= best.scale;
  look.latest = best.followed.latest;
  return best.followed.face;
}

/**
 * The look of a face detected in `box`. Its followed size never drops much below the earlier
 * look's (2 % a frame): a face turning to profile is detected ever smaller (a 255 px tall head
 * as 127 px) while its head is as large as before.
 */
function lookOf(frame: RgbFrame, box: Box, detectedFrame: number, earlier?: FaceLook): FaceLook | null {
  if (Math.min(box.width, box.height) < FOLLOW.minSize) return null;
  const template = faceTemplate(frame, lookCore(box));
  const held = earlier ? 0.98 ** Math.abs(detectedFrame - earlier.detectedFrame) : 0;
  return (
    template && {
      detected: template,
      latest: template,
      detectedFrame,
      width: Math.max(box.width, held * (earlier?.width ?? 0)),
      height: Math.max(box.height, held * (earlier?.height ?? 0)),
    }
  );
}

export interface Crop {
  rect: Box;
  /** What the detector is shown: the crop resized, then turned by `turn`. */
  image: RgbFrame;
  turn: QuarterTurn;
  detector: FaceDetector;
}

/** A crop's picture as the detector sees it: turned by `turn`. */
export function turnedCrop(rect: Box, image: RgbFrame, turn: QuarterTurn, detector: FaceDetector): Crop {
  return { rect, image: turnRgb(image, turn), turn, detector };
}

/** Maps a box found in a crop back to frame pixels. */
export function fromCrop(box: Box, crop: Crop): Box {
  const sideways = crop.turn === 90 || crop.turn === 270;
  const width = sideways ? crop.image.height : crop.image.width;
  const height = sideways ? crop.image.width : crop.image.height;
  const upright = unturnBox(box, crop.turn, width, height);
  const sx = crop.rect.width / width;
  const sy = crop.rect.height / height;
  return { x: crop.rect.x + upright.x * sx, y: crop.rect.y + upright.y * sy, width: upright.width * sx, height: upright.height * sy };
}

/**
 * A face cut by the frame edge is detected as its visible part, so its box stops at the edge and
 * the blur ellipse inscribed in it would leave the visible corners showing. Such boxes are
 * extended past the edge (where blurring costs nothing) by half their size.
 */
export function extendAtFrameEdge(box: Box, width: number, height: number): Box {
  const margin = 0.02 * Math.max(width, height);
  let { x, y, width: w, height: h } = box;
  if (x < margin) {
    x -= w / 2;
    w *= 1.5;
  }
  if (x + w > width - margin) w += box.width / 2;
  if (y < margin) {
    y -= h / 2;
    h *= 1.5;
  }
  if (y + h > height - margin) h += box.height / 2;
  return { x, y, width: w, height: h };
}

/**
 * What a detector is shown around a known or candidate face: a crop of the frame, resized, with
 * dark or flat levels stretched (the face fills much of the crop, so its levels set the stretch).
 */
export function zoomedInput(frame: RgbFrame, rect: Box, size: number): RgbFrame {
  return normaliseContrast(cropResizeRgb(frame, rect, size, size));
}

/** A square crop around a box, `context` times its larger side. */
export function contextRect(box: Box, context: number): Box {
  const side = Math.max(box.width, box.height) * context;
  return { x: box.x + box.width / 2 - side / 2, y: box.y + box.height / 2 - side / 2, width: side, height: side };
}

export type ConfirmLooks = NonNullable<AnalysisSchedule['confirm']>;

/**
 * A second opinion on a face found at `box`: each confirming look in turn searches a zoomed crop
 * around it, and one that finds a face overlapping the box confirms it. Whole-frame searches
 * see faces in textured clothing, signs and colour edges; a zoomed look at another scale (and
 * SSD after Tiny) does not. A face found turned is looked at turned the same way. Returns
 * whether it was confirmed and how many looks that took.
 */
export async function confirmByLook(
  frame: RgbFrame,
  box: Box,
  confirm: ConfirmLooks,
  detectorFor: (options: DetectorOptions) => FaceDetector,
  turn: QuarterTurn = 0,
): Promise<{ confirmed: boolean; looks: number }> {
  const rect = contextRect(box, confirm.context);
  let looks = 0;
  for (const look of confirm.looks) {
    const crop = turnedCrop(rect, zoomedInput(frame, rect, look.inputSize), turn, detectorFor(look.detector));
    looks++;
    const found = await crop.detector.detect(crop.image);
    if (found.some((f) => iou(fromCrop(f.box, crop), box) > 0.2)) return { confirmed: true, looks };
  }
  return { confirmed: false, looks };
}

/**
 * The analysis engine shared by every host: fed decoded frames in order, it decides what to
 * search on each frame (shrunk frames and tiles for new faces, zoomed crops around known ones),
 * tracks faces between searches, follows faces no detector sees by their look and, when a face
 * first appears, searches the frames before it so the blur starts when the face does. Memory is
 * bounded by `backtrackFrames` + 12 lookahead frames.
 */
export class FaceAnalysis {
  private readonly tracker: FaceTracker;
  private readonly recent: { index: number; frame: RgbFrame }[] = [];
  /** Half-size luma of the `followBackFrames` frames before `recent`: following reads only brightness. */
  private readonly older: { index: number; frame: LumaFrame }[] = [];
  private readonly waiting: { index: number; frame: RgbFrame; discovered: Promise<FaceDetection[]>; heads: Promise<FaceDetection[]> | null }[] = [];
  /** Heads of the persons found so far, for the possible-face tracks made at the end. */
  private readonly personHeads: FrameHeads[] = [];
  private readonly lastRoiFrame = new Map<number, number>();
  private readonly looks = new Map<number, FaceLook>();
  /** How each face was found turned (absent: upright); its zoomed looks are turned the same way. */
  private readonly turns = new Map<number, QuarterTurn>();
  private rejected: { frame: number; box: Box }[] = [];
  private lastIndex = -1;
  private lastTracked = -1;
  private frameSize: FrameSize | null = null;
  readonly stats: AnalysisStats = { framesAnalysed: 0, discoveryCalls: 0, roiCalls: 0, confirmCalls: 0, detections: 0, followed: 0, personCalls: 0 };

  constructor(
    private readonly detectorFor: DetectorSource,
    private readonly schedule: AnalysisSchedule,
    /**
     * Told every face a detector found on a frame, boxes as found (before the frame-edge
     * extension), never a followed or predicted one; frames come out of order (the backwards
     * search reports earlier frames). The leak check counts these.
     */
    private readonly onDetected?: (frame: number, faces: readonly FaceDetection[]) => void,
  ) {
    this.tracker = new FaceTracker(schedule.tracker);
  }

  /**
   * Takes the next frame (indices must increase). Its search for new faces starts at once, in
   * parallel with earlier frames; tracking then runs frame by frame in order. Resolves when the
   * engine is ready for another frame (at most `lookahead` frames wait).
   */
  async push(index: number, frame: RgbFrame): Promise<void> {
    this.lastIndex = index;
    this.frameSize = { width: frame.width, height: frame.height };
    const crops = this.discoveryCrops(index, frame);
    this.stats.discoveryCalls += crops.length;
    const discovered = this.detectIn(crops);
    // Awaited later in order; until then a failure must not count as unhandled.
    discovered.catch(() => {});
    const heads = this.searchHeads(index, frame);
    heads?.catch(() => {});
    this.waiting.push({ index, frame, discovered, heads });
    while (this.waiting.length > LOOKAHEAD_FRAMES) await this.trackNext();
  }

  /** The tracks found on the frames tracked so far (frames waiting in the lookahead are not yet); ends nothing. */
  tracksSoFar(): Track[] {
    return this.tracker.tracksSoFar(this.lastTracked, this.frameSize ?? undefined);
  }

  /**
   * Ends the analysis and returns the tracks, frames clamped to `lastFrame`: the face tracks,
   * then the possible faces over the heads of persons no face track covers.
   */
  async finish(lastFrame = this.lastIndex): Promise<Track[]> {
    while (this.waiting.length > 0) await this.trackNext();
    this.recent.length = 0;
    this.older.length = 0;
    const size = this.frameSize ?? undefined;
    const faces = this.tracker.finish(lastFrame, size);
    const { persons } = this.schedule;
    return persons ? [...faces, ...possibleFaceTracks(this.personHeads, faces, persons, lastFrame, size)] : faces;
  }

  /**
   * On every `everyFrames`-th frame: the persons on the whole frame, then each one's head from
   * their pose on a crop around them (the top of the person box where the pose shows no head).
   */
  private searchHeads(index: number, frame: RgbFrame): Promise<FaceDetection[]> | null {
    const { persons } = this.schedule;
    if (!persons || index % persons.everyFrames !== 0) return null;
    this.stats.personCalls++;
    return this.headsOn(frame, persons);
  }

  private async headsOn(frame: RgbFrame, persons: NonNullable<AnalysisSchedule['persons']>): Promise<FaceDetection[]> {
    const shrink = Math.max(1, Math.ceil(frame.width / persons.maxInputWidth));
    // Always a copy (a region makes one): the search's pixels are transferred to a worker, the frame is kept.
    const image = downscaleRgb(frame, shrink, { x: 0, y: 0, width: Math.floor(frame.width / shrink), height: Math.floor(frame.height / shrink) });
    const whole = turnedCrop({ x: 0, y: 0, width: image.width * shrink, height: image.height * shrink }, image, 0, this.detectorFor(persons.detector, 'background'));
    const found = (await this.detectIn([whole])).filter((p) => p.box.height >= persons.minPersonHeight);
    return headsOfPersons(frame, found, this.detectorFor(persons.pose, 'background'));
  }

  private async trackNext(): Promise<void> {
    const { index, frame, discovered, heads } = this.waiting.shift()!;
    if (heads) this.personHeads.push({ frame: index, heads: await heads });
    this.stats.framesAnalysed++;
    this.lastTracked = index;
    const roi = this.roiCrops(index, frame);
    this.stats.roiCalls += roi.length;
    const [found, tracked] = await Promise.all([discovered, this.detectIn(roi)]);
    const detected = suppressDuplicates([...found, ...tracked]);
    this.onDetected?.(index, detected);
    const faces = detected.map((f) => ({ ...f, box: extendAtFrameEdge(f.box, frame.width, frame.height) }));
    this.stats.detections += faces.length;
    const started = new Set(this.tracker.update(index, faces));
    this.noteTurns(index, faces);
    this.followMissing(index, frame, started);
    for (const key of started) {
      if (await this.confirmed(key, index, frame)) await this.backtrack(key, frame);
    }
    this.recent.push({ index, frame });
    if (this.recent.length > this.schedule.backtrackFrames) {
      const left = this.recent.shift()!;
      if (this.schedule.followBackFrames > 0) {
        this.older.push({ index: left.index, frame: subsampleLuma(left.frame, 2) });
        if (this.older.length > this.schedule.followBackFrames) this.older.shift();
      }
    }
  }

  /**
   * An upright detection of the face makes it upright again: a turned search now and then sees
   * an upright face too (SSD turned 270° found an upright crowd face), and a face looked at
   * turned the wrong way is missed.
   */
  private noteTurns(index: number, faces: readonly FaceDetection[]): void {
    for (const { key } of this.tracker.predictions(index)) {
      const box = this.tracker.lastSeenFrame(key) === index ? this.tracker.lastBox(key) : null;
      if (!box) continue;
      const matching = faces.filter((face) => iou(face.box, box) > 0.3);
      if (matching.length === 0) continue;
      const turned = matching.every((face) => face.turn) ? matching.sort((a, b) => iou(b.box, box) - iou(a.box, box))[0].turn : undefined;
      if (turned) this.turns.set(key, turned);
      else this.turns.delete(key);
    }
  }

  /**
   * Renews the look of every face a detector saw on this frame and follows the others by their
   * look; a face no detector has seen for `FOLLOW.maxFrames` is left to the tracker's prediction.
   */
  private followMissing(index: number, frame: RgbFrame, started: ReadonlySet<number>): void {
    for (const { key, box } of this.tracker.predictions(index)) {
      if (started.has(key)) continue;
      const look = this.looks.get(key);
      if (this.tracker.lastSeenFrame(key) === index) {
        const seen = this.tracker.lastBox(key);
        const renewed = seen && lookOf(frame, seen, index, look);
        if (renewed) this.looks.set(key, renewed);
        continue;
      }
      if (!look || index - look.detectedFrame > FOLLOW.maxFrames) continue;
      const followed = followLook(frame, look, box);
      if (!followed) continue;
      this.stats.followed++;
      look.latest = followed.latest;
      this.tracker.addFollowed(key, index, followed.face);
    }
    for (const key of this.looks.keys()) if (this.tracker.lastSeenFrame(key) === null) this.looks.delete(key);
    for (const key of this.turns.keys()) if (this.tracker.lastSeenFrame(key) === null) this.turns.delete(key);
  }

  private discoveryCrops(index: number, frame: RgbFrame): Crop[] {
    const crops: Crop[] = [];
    for (const level of this.schedule.discovery) {
      const tilesW = Math.floor(frame.width / level.shrink);
      const tilesH = Math.floor(frame.height / level.shrink);
      const tiles = tileLayout(tilesW, tilesH, level.tile, level.overlap);
      // Spread evenly: a level's few large tiles (or rows of tiles) do not all fall on consecutive frames.
      // tileLayout lists tiles row by row, so a row is a run of `perTurn` tiles.
      const perTurn = level.rowsTogether ? tiles.filter((t) => t.y === tiles[0].y).length : 1;
      const turns = tiles.length / perTurn;
      const due = tiles.filter((_, i) => Math.floor((Math.floor(i / perTurn) * level.everyFrames) / turns) === index % level.everyFrames);
      if (due.length === 0) continue;
      const detector = this.detectorFor(level.detector, 'background');
      for (const tile of due) {
        const image = downscaleRgb(frame, level.shrink, tile);
        const rect = { x: tile.x * level.shrink, y: tile.y * level.shrink, width: tile.width * level.shrink, height: tile.height * level.shrink };
        crops.push(turnedCrop(rect, level.stretchLevels ? normaliseContrast(image) : image, level.turn ?? 0, detector));
      }
    }
    return crops;
  }

  private roiCrops(index: number, frame: RgbFrame): Crop[] {
    const { roi } = this.schedule;
    const crops: Crop[] = [];
    for (const { key, box } of this.tracker.predictions(index)) {
      const last = this.lastRoiFrame.get(key) ?? -Infinity;
      const speed = this.tracker.speedOf(key);
      // A face that moves more than a tenth of its size per frame is searched on every frame.
      const interval = speed > 0.1 ? 1 : roi.everyFrames;
      if (index - last < interval) continue;
      this.lastRoiFrame.set(key, index);
      crops.push(this.zoomOn(frame, box, key));
      // A face found turned is also looked at upright: it may have been an upright face a turned search saw.
      if (this.turns.has(key)) crops.push(this.zoomOn(frame, box, key, 0));
    }
    return crops;
  }

  /** A zoomed look at track `key`'s face around `box`, turned as the face was found (or by `turn`). */
  private zoomOn(frame: RgbFrame, box: Box, key: number, turn = this.turns.get(key) ?? 0): Crop {
    const rect = contextRect(box, this.schedule.roi.context);
    const size = this.schedule.roi.inputSize;
    return turnedCrop(rect, zoomedInput(frame, rect, size), turn, this.detectorFor(this.schedule.roi.detector, 'urgent'));
  }

  private async detectIn(crops: Crop[]): Promise<FaceDetection[]> {
    const results = await Promise.all(crops.map((c) => c.detector.detect(c.image)));
    return results.flatMap((faces, i) => faces.map((f) => ({ box: fromCrop(f.box, crops[i]), score: f.score, ...(crops[i].turn ? { turn: crops[i].turn } : {}) })));
  }

  /** Checks a new track with the confirming detector; unconfirmed tracks are dropped and remembered for a while. */
  private async confirmed(key: number, index: number, frame: RgbFrame): Promise<boolean> {
    const { confirm } = this.schedule;
    const box = this.tracker.lastBox(key);
    // Below this size a zoomed crop is too soft for a second opinion; a small false positive costs little blur.
    if (!confirm || !box || Math.min(box.width, box.height) < confirm.minSize) return true;
    this.rejected = this.rejected.filter((r) => index - r.frame <= REJECTION_MEMORY_FRAMES);
    if (this.rejected.some((r) => iou(r.box, box) > 0.3)) {
      this.tracker.discard(key);
      return false;
    }
    const { confirmed, looks } = await confirmByLook(frame, box, confirm, (options) => this.detectorFor(options, 'urgent'), this.turns.get(key) ?? 0);
    this.stats.confirmCalls += looks;
    if (confirmed) return true;
    this.tracker.discard(key);
    this.rejected.push({ frame: index, box });
    return false;
  }

  /**
   * Walks back through the kept frames looking for a newly found face: a zoomed detection on
   * each, and where that misses, following the face back by its look. Stops after two frames
   * where neither finds it. Then the face's look is kept for following it forwards.
   */
  private async backtrack(key: number, current: RgbFrame): Promise<void> {
    const found = this.tracker.lastBox(key);
    let look = found && lookOf(current, found, this.lastTracked);
    // Its own copy: the walk back renews `latest` with earlier looks.
    if (look) this.looks.set(key, { ...look });
    let earliest = found;
    let misses = 0;
    for (let i = this.recent.length - 1; i >= 0 && misses < 2; i--) {
      const { index, frame } = this.recent[i];
      const expected = this.tracker.predictBefore(key, index);
      if (!expected) return;
      const crop = this.zoomOn(frame, expected, key);
      this.stats.roiCalls++;
      const faces = await this.detectIn([crop]);
      const best = faces
        .map((f) => ({ f, overlap: iou(f.box, expected) }))
        .filter((c) => c.overlap > 0.15)
        .sort((a, b) => b.overlap - a.overlap)[0];
      if (best) {
        this.tracker.addEarlierObservation(key, index, best.f);
        this.onDetected?.(index, [best.f]);
        look = lookOf(frame, best.f.box, index) ?? look;
        earliest = best.f.box;
        misses = 0;
        continue;
      }
      // Around where it was a frame later: the motion of a track this young is not known yet.
      const followed = look && earliest && look.detectedFrame - index <= FOLLOW.maxFrames ? followBack(frame, look, earliest) : null;
      if (followed) {
        this.stats.followed++;
        this.tracker.addEarlierObservation(key, index, followed);
        earliest = followed.box;
        misses = 0;
      } else {
        misses++;
      }
    }
    if (misses >= 2 || !look || !earliest) return;
    // Past the full-size frames: on half-size ones, by its look alone (sizes halved, then doubled back).
    const firstKept = this.recent[0]?.index ?? Infinity;
    const halfLook: FaceLook = { ...look, width: look.width / 2, height: look.height / 2 };
    for (let i = this.older.length - 1; i >= 0; i--) {
      const { index, frame } = this.older[i];
      if (index >= firstKept) continue;
      const followed = followBack(frame, halfLook, scaleBox(earliest, 0.5));
      if (!followed) return;
      const box = scaleBox(followed.box, 2);
      this.stats.followed++;
      this.tracker.addEarlierObservation(key, index, { box, score: followed.score });
      earliest = box;
    }
  }
}
