import { addTracks, EditError, freshTrackId, type Edit } from './edits';
import { iou } from './geometry';
import type { LeakFindingCore } from './leakCheck';
import type { Project, Track } from './project';
import { DEFAULT_TRACKER_OPTIONS, FaceTracker } from './tracker';
import { thinKeyframes, trackBoxAt } from './tracks';

/**
 * Leak-check findings become tracks: the faces a master left showing, found frame by frame by the
 * leak check, are tracked the way detection tracks faces and added as pending tracks (origin
 * `leak-check`) for the next render to blur. Used by auto and batch (the export renders again
 * until the check is clean) and by the editor's "Add tracks for these findings".
 */

/** What a finding needs to become a track: the face found on each of its (source) frames. */
export type FindingFaces = Pick<LeakFindingCore, 'id' | 'frames' | 'faces'>;

export const LEAK_TRACK_ID_PREFIX = 'leak-check-';

/**
 * A keyframe is kept where dropping it would move an edge of the blur by more than this share of
 * the face: the style's padding (0.25 a side) is 0.04 more than the ellipse needs to contain the
 * box, so 0.03 keeps every box inside its blur.
 */
export const LEAK_TRACK_KEYFRAME_TOLERANCE = 0.03;

/**
 * Whether a track already holds the face found on `frame`: its box there overlaps the face's as
 * much as two tracks of one face do (the tracker's merge rule). A rejected track holds it too: the
 * person who rejected it decided about that face, and a finding there is theirs to waive.
 */
function heldBy(tracks: readonly Track[], frame: number, face: FindingFaces['faces'][number]): Track | undefined {
  return tracks.find((track) => {
    const box = trackBoxAt(track, frame);
    return box !== null && iou(box, face.box) >= DEFAULT_TRACKER_OPTIONS.mergeIou;
  });
}

export interface FindingTracks {
  findingId: string;
  /** Tracks made for the frames no existing track holds (empty: every frame is held already). */
  added: Track[];
  /** Existing tracks that hold the face on some of its frames. */
  heldBy: string[];
}

/**
 * Tracks for the findings: each finding's faces on the frames no existing track holds go through
 * the detection tracker (smoothed boxes, a size that does not shrink on a turn, safety margins
 * before and after, blurred back to the frame edge a face came in by), as pending tracks in the
 * default style; keyframes are kept only where the motion needs them. A finding whose every
 * frame is held by a track already gets none: rendering it again would change nothing.
 */
export function tracksForFindings(project: Project, findings: readonly FindingFaces[]): FindingTracks[] {
  const taken = new Set<string>();
  const lastFrame = project.source.frameCount - 1;
  const frameSize = { width: project.source.width, height: project.source.height };
  return findings.map((finding) => {
    const held = new Set<string>();
    const tracker = new FaceTracker();
    finding.frames.forEach((frame, i) => {
      const holder = heldBy(project.tracks, frame, finding.faces[i]);
      if (holder) held.add(holder.id);
      else tracker.update(frame, [finding.faces[i]]);
    });
    const added = tracker.finish(lastFrame, frameSize).map((tracked): Track => {
      const id = freshTrackId(project, LEAK_TRACK_ID_PREFIX, taken);
      taken.add(id);
      return { ...tracked, id, origin: 'leak-check', keyframes: thinKeyframes(tracked.keyframes, LEAK_TRACK_KEYFRAME_TOLERANCE) };
    });
    return { findingId: finding.id, added, heldBy: [...held] };
  });
}

/** "Add 2 tracks for leak-check findings leak-1, leak-3": the edit's label in the history and the log. */
export function leakTracksLabel(made: readonly FindingTracks[]): string {
  const tracks = made.flatMap((m) => m.added).length;
  const ids = made.filter((m) => m.added.length > 0).map((m) => m.findingId);
  return `Add ${tracks} track${tracks === 1 ? '' : 's'} for leak-check finding${ids.length === 1 ? '' : 's'} ${ids.join(', ')}`;
}

/**
 * The findings' tracks as one edit (one undoable step), with its label. Throws EditError when
 * every finding is held by a track already.
 */
export function addLeakCheckTracks(project: Project, findings: readonly FindingFaces[]): { edit: Edit; label: string; made: FindingTracks[] } {
  const made = tracksForFindings(project, findings);
  const tracks = made.flatMap((m) => m.added);
  if (tracks.length === 0) throw new EditError('every finding is on a track already: export again, or waive what may stay visible');
  return { edit: addTracks(project, tracks), label: leakTracksLabel(made), made };
}
