import { iou, type Box } from './geometry';
import type { FaceDetection, FrameDetections } from './detection';
import { DEFAULT_BLUR_STYLE, type BlurStyle, type Track, type TrackKeyframe } from './project';

export interface LinkOptions {
  /** Least overlap for a detection to continue a track. */
  minIou: number;
  /**
   * A fast-moving face may not overlap its previous box; it still matches when its centre is
   * within this many face widths of the track's last centre.
   */
  maxCentreShift: number;
  /** A track ends after this many frames without a detection; shorter gaps are interpolated. */
  maxGapFrames: number;
  style: BlurStyle;
  /** Track ids are `${idPrefix}${n}`. */
  idPrefix: string;
}

export const DEFAULT_LINK_OPTIONS: LinkOptions = {
  minIou: 0.2,
  maxCentreShift: 1.5,
  maxGapFrames: 12,
  style: DEFAULT_BLUR_STYLE,
  idPrefix: 'auto-',
};

interface OpenTrack {
  keyframes: TrackKeyframe[];
  lastBox: Box;
  lastFrame: number;
}

function centreDistance(a: Box, b: Box): number {
  return Math.hypot(a.x + a.width / 2 - (b.x + b.width / 2), a.y + a.height / 2 - (b.y + b.height / 2));
}

/** How well a detection continues a track: IoU, or a small positive score for a near miss; 0 for no match. */
function matchScore(track: OpenTrack, face: FaceDetection, options: LinkOptions): number {
  const overlap = iou(track.lastBox, face.box);
  if (overlap >= options.minIou) return overlap;
  const size = Math.max(track.lastBox.width, face.box.width);
  const sizeRatio = Math.min(track.lastBox.width, face.box.width) / size;
  if (sizeRatio > 0.6 && centreDistance(track.lastBox, face.box) <= options.maxCentreShift * size) return options.minIou / 2;
  return 0;
}

/**
 * Links per-frame detections into tracks by greedy best-overlap matching. Frames must be in
 * increasing order; frames missing from the input count as frames without detections.
 */
export function linkDetections(frames: readonly FrameDetections[], options: Partial<LinkOptions> = {}): Track[] {
  const opts = { ...DEFAULT_LINK_OPTIONS, ...options };
  const open: OpenTrack[] = [];
  const closed: OpenTrack[] = [];
  for (const { frame, faces } of frames) {
    for (let i = open.length - 1; i >= 0; i--) {
      if (frame - open[i].lastFrame > opts.maxGapFrames) closed.push(...open.splice(i, 1));
    }
    const pairs: { t: number; f: number; score: number }[] = [];
    open.forEach((track, t) =>
      faces.forEach((face, f) => {
        const score = matchScore(track, face, opts);
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
      const track = open[t];
      track.keyframes.push({ frame, box: { ...faces[f].box }, confidence: faces[f].score });
      track.lastBox = faces[f].box;
      track.lastFrame = frame;
    }
    faces.forEach((face, f) => {
      if (usedFaces.has(f)) return;
      open.push({ keyframes: [{ frame, box: { ...face.box }, confidence: face.score }], lastBox: face.box, lastFrame: frame });
    });
  }
  return [...closed, ...open]
    .sort((a, b) => a.keyframes[0].frame - b.keyframes[0].frame)
    .map((track, i) => ({
      id: `${opts.idPrefix}${i + 1}`,
      origin: 'auto' as const,
      status: 'pending' as const,
      style: { ...opts.style },
      keyframes: track.keyframes,
    }));
}
