import { iou, type Box } from './geometry';
import type { FaceDetection, FaceDetector, RgbFrame } from './detection';
import type { FaceApiDetectorOptions } from './faceApiDetector';
import { cropResizeRgb, downscaleRgb, normaliseContrast } from './image';
import type { Track } from './project';
import { suppressDuplicates, tileLayout } from './tiling';
import { FaceTracker, type FrameSize, type TrackerOptions } from './tracker';

/** One way of searching whole frames for new faces: tiles of the frame shrunk by an integer factor. */
export interface DiscoveryLevel {
  detector: FaceApiDetectorOptions;
  /** 1 = native pixels (finds the smallest faces), 2 = half size, … */
  shrink: number;
  /** Tile side in shrunk pixels; a tile as large as the frame makes it a single full-frame pass. */
  tileSize: number;
  /** Tile overlap in shrunk pixels: faces up to this size are never cut by every tile. */
  overlap: number;
  /** Every tile of this level is searched once per this many frames (tiles are spread over them). */
  everyFrames: number;
  /**
   * Stretch dark or flat tiles' levels before detection. Measured on night footage (14 faces on
   * 7 frames): on the whole frame at 1/4, SSD then finds 13 instead of 2 and the Tiny Face
   * Detector 10 instead of 0, with no false detections; on 1/2-size tiles Tiny finds more faces
   * but also about ten false ones per frame in the stretched noise, so such tiles stay as decoded.
   */
  stretchLevels: boolean;
}

export interface AnalysisSchedule {
  discovery: DiscoveryLevel[];
  /** Re-detect known faces in a zoomed crop around their predicted box. */
  roi: {
    /** Expects `inputSize` square inputs. */
    detector: FaceApiDetectorOptions;
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
    looks: { detector: FaceApiDetectorOptions; inputSize: number }[];
    context: number;
    /** Smaller candidates (pixels, smaller side) are accepted without a second look. */
    minSize: number;
  } | null;
  /** When a face is first found, search up to this many earlier frames for it (they are kept in memory). */
  backtrackFrames: number;
  tracker: Partial<TrackerOptions>;
}

/** Gives the detector for a set of options (the host decides where it runs: in process, in workers). */
export type DetectorSource = (options: FaceApiDetectorOptions) => FaceDetector;

/** What a schedule runs, e.g. for the project's record: `ssd-mobilenet-v1@0.5, tiny-face-detector@0.5; roi tiny-face-detector@0.4`. */
export function describeSchedule(schedule: AnalysisSchedule): string {
  const name = (o: FaceApiDetectorOptions) => `${o.model}@${o.minConfidence}`;
  return `${[...new Set(schedule.discovery.map((l) => name(l.detector)))].join(', ')}; roi ${name(schedule.roi.detector)}`;
}

export interface AnalysisStats {
  framesAnalysed: number;
  discoveryCalls: number;
  roiCalls: number;
  confirmCalls: number;
  detections: number;
}

/** Frames whose search for new faces may run ahead of tracking (keeps every worker busy). */
const LOOKAHEAD_FRAMES = 3;
/** A rejected detection is not re-checked while the same box keeps coming back for this many frames. */
const REJECTION_MEMORY_FRAMES = 30;

interface Crop {
  rect: Box;
  image: RgbFrame;
  detector: FaceDetector;
}

/** Maps a box found in a crop back to frame pixels. */
function fromCrop(box: Box, crop: Crop): Box {
  const sx = crop.rect.width / crop.image.width;
  const sy = crop.rect.height / crop.image.height;
  return { x: crop.rect.x + box.x * sx, y: crop.rect.y + box.y * sy, width: box.width * sx, height: box.height * sy };
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
function zoomedInput(frame: RgbFrame, rect: Box, size: number): RgbFrame {
  return normaliseContrast(cropResizeRgb(frame, rect, size, size));
}

/** A square crop around a box, `context` times its larger side. */
function contextRect(box: Box, context: number): Box {
  const side = Math.max(box.width, box.height) * context;
  return { x: box.x + box.width / 2 - side / 2, y: box.y + box.height / 2 - side / 2, width: side, height: side };
}

/**
 * The analysis engine shared by every host: fed decoded frames in order, it decides what to
 * search on each frame (tiles for new faces, zoomed crops around known ones), tracks faces
 * between searches and, when a face first appears, searches the frames before it so the blur
 * starts when the face does. Memory is bounded by `backtrackFrames` frames.
 */
export class FaceAnalysis {
  private readonly tracker: FaceTracker;
  private readonly recent: { index: number; frame: RgbFrame }[] = [];
  private readonly waiting: { index: number; frame: RgbFrame; discovered: Promise<FaceDetection[]> }[] = [];
  private readonly lastRoiFrame = new Map<number, number>();
  private rejected: { frame: number; box: Box }[] = [];
  private lastIndex = -1;
  private lastTracked = -1;
  private frameSize: FrameSize | null = null;
  readonly stats: AnalysisStats = { framesAnalysed: 0, discoveryCalls: 0, roiCalls: 0, confirmCalls: 0, detections: 0 };

  constructor(
    private readonly detectorFor: DetectorSource,
    private readonly schedule: AnalysisSchedule,
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
    this.waiting.push({ index, frame, discovered });
    while (this.waiting.length > LOOKAHEAD_FRAMES) await this.trackNext();
  }

  /** The tracks found on the frames tracked so far (frames waiting in the lookahead are not yet); ends nothing. */
  tracksSoFar(): Track[] {
    return this.tracker.tracksSoFar(this.lastTracked, this.frameSize ?? undefined);
  }

  /** Ends the analysis and returns the tracks, frames clamped to `lastFrame`. */
  async finish(lastFrame = this.lastIndex): Promise<Track[]> {
    while (this.waiting.length > 0) await this.trackNext();
    this.recent.length = 0;
    return this.tracker.finish(lastFrame, this.frameSize ?? undefined);
  }

  private async trackNext(): Promise<void> {
    const { index, frame, discovered } = this.waiting.shift()!;
    this.stats.framesAnalysed++;
    this.lastTracked = index;
    const roi = this.roiCrops(index, frame);
    this.stats.roiCalls += roi.length;
    const [found, tracked] = await Promise.all([discovered, this.detectIn(roi)]);
    const faces = suppressDuplicates([...found, ...tracked]).map((f) => ({ ...f, box: extendAtFrameEdge(f.box, frame.width, frame.height) }));
    this.stats.detections += faces.length;
    const started = this.tracker.update(index, faces);
    for (const key of started) {
      if (await this.confirmed(key, index, frame)) await this.backtrack(key);
    }
    this.recent.push({ index, frame });
    if (this.recent.length > this.schedule.backtrackFrames) this.recent.shift();
  }

  private discoveryCrops(index: number, frame: RgbFrame): Crop[] {
    const crops: Crop[] = [];
    for (const level of this.schedule.discovery) {
      const tilesW = Math.floor(frame.width / level.shrink);
      const tilesH = Math.floor(frame.height / level.shrink);
      const tiles = tileLayout(tilesW, tilesH, level.tileSize, level.overlap);
      const due = tiles.filter((_, i) => i % level.everyFrames === index % level.everyFrames);
      if (due.length === 0) continue;
      const detector = this.detectorFor(level.detector);
      for (const tile of due) {
        const image = downscaleRgb(frame, level.shrink, tile);
        crops.push({
          detector,
          rect: { x: tile.x * level.shrink, y: tile.y * level.shrink, width: tile.width * level.shrink, height: tile.height * level.shrink },
          image: level.stretchLevels ? normaliseContrast(image) : image,
        });
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
      crops.push(this.zoomOn(frame, box));
    }
    return crops;
  }

  private zoomOn(frame: RgbFrame, box: Box): Crop {
    const rect = contextRect(box, this.schedule.roi.context);
    const size = this.schedule.roi.inputSize;
    return { rect, image: zoomedInput(frame, rect, size), detector: this.detectorFor(this.schedule.roi.detector) };
  }

  private async detectIn(crops: Crop[]): Promise<FaceDetection[]> {
    const results = await Promise.all(crops.map((c) => c.detector.detect(c.image)));
    return results.flatMap((faces, i) => faces.map((f) => ({ box: fromCrop(f.box, crops[i]), score: f.score })));
  }

  /** Checks a new track with the confirming detector; unconfirmed tracks are dropped and remembered for a while. */
  private async confirmed(key: number, index: number, frame: RgbFrame): Promise<boolean> {
    const { confirm } = this.schedule;
    const box = this.tracker.lastBox(key);
    // Below this size a zoomed crop is too soft for a second opinion; a small false positive costs little blur.
    if (!confirm || !box || Math.min(box.width, box.height) < confirm.minSize) return true;
    this.rejected = this.rejected.filter((r) => index - r.frame <= REJECTION_MEMORY_FRAMES);
    let ok = false;
    if (!this.rejected.some((r) => iou(r.box, box) > 0.3)) {
      const rect = contextRect(box, confirm.context);
      for (const look of confirm.looks) {
        const crop: Crop = { rect, image: zoomedInput(frame, rect, look.inputSize), detector: this.detectorFor(look.detector) };
        this.stats.confirmCalls++;
        ok = (await this.detectIn([crop])).some((f) => iou(f.box, box) > 0.2);
        if (ok) break;
      }
    }
    if (!ok) {
      this.tracker.discard(key);
      this.rejected.push({ frame: index, box });
    }
    return ok;
  }

  /** Walks back through the kept frames looking for a newly found face; stops after two misses. */
  private async backtrack(key: number): Promise<void> {
    let misses = 0;
    for (let i = this.recent.length - 1; i >= 0 && misses < 2; i--) {
      const { index, frame } = this.recent[i];
      const expected = this.tracker.predictBefore(key, index);
      if (!expected) return;
      const crop = this.zoomOn(frame, expected);
      this.stats.roiCalls++;
      const faces = await this.detectIn([crop]);
      const best = faces
        .map((f) => ({ f, overlap: iou(f.box, expected) }))
        .filter((c) => c.overlap > 0.15)
        .sort((a, b) => b.overlap - a.overlap)[0];
      if (best) {
        this.tracker.addEarlierObservation(key, index, best.f);
        misses = 0;
      } else {
        misses++;
      }
    }
  }
}
