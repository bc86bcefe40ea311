import type { Box } from './geometry';
import { DEFAULT_OBJECT_STYLE, type AudioRedaction, type BlurStyle, type ExportSettings, type Project, type Track, type TrackKeyframe, type TrackStatus } from './project';
import { trackBoxAt, trackSpan } from './tracks';

/**
 * Edits of a project's tracks as data. `applyEdit` returns the new project and the edit that
 * undoes it; undo/redo keep only these operations (the touched tracks, never the whole project).
 * Every edit carries what it needs (ids, boxes), so applying it again after an undo gives the same result.
 */
export type Edit =
  /** Removes tracks by id, then inserts tracks at their indices in the resulting list (ascending). */
  | { type: 'replace'; remove: string[]; insert: { index: number; track: Track }[] }
  | { type: 'setStatus'; statuses: Record<string, TrackStatus> }
  | { type: 'setStyle'; styles: Record<string, BlurStyle> }
  /** Sets the box on a frame: replaces a keyframe there or adds one (outside the span this extends it). */
  | { type: 'setKeyframe'; trackId: string; keyframe: TrackKeyframe }
  | { type: 'removeKeyframe'; trackId: string; frame: number }
  | { type: 'setExportSettings'; settings: ExportSettings }
  /** Marks the clip graphic or not (how the editor shows it; not part of the blur pass). */
  | { type: 'setGraphic'; graphic: boolean }
  /** Replaces the audio redactions (the lane is small: the whole list is the step). */
  | { type: 'setAudioRedactions'; redactions: AudioRedaction[] };

export interface AppliedEdit {
  project: Project;
  inverse: Edit;
}

/** An edit that cannot be applied (unknown track, a split outside the span, …); the message is for the user. */
export class EditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EditError';
  }
}

function indexOfTrack(project: Project, trackId: string): number {
  const index = project.tracks.findIndex((t) => t.id === trackId);
  if (index < 0) throw new EditError(`track ${trackId} does not exist`);
  return index;
}

function findTrack(project: Project, trackId: string): Track {
  return project.tracks[indexOfTrack(project, trackId)];
}

function withTrack(project: Project, index: number, track: Track): Project {
  const tracks = project.tracks.slice();
  tracks[index] = track;
  return { ...project, tracks };
}

function applyReplace(project: Project, edit: Extract<Edit, { type: 'replace' }>): AppliedEdit {
  const removeSet = new Set(edit.remove);
  const removed: { index: number; track: Track }[] = [];
  const kept: Track[] = [];
  project.tracks.forEach((track, index) => {
    if (removeSet.has(track.id)) removed.push({ index, track });
    else kept.push(track);
  });
  if (removed.length !== removeSet.size) {
    const missing = edit.remove.filter((id) => !removed.some((r) => r.track.id === id));
    throw new EditError(`track ${missing.join(', ')} does not exist`);
  }
  const ids = new Set(kept.map((t) => t.id));
  const inserts = [...edit.insert].sort((a, b) => a.index - b.index);
  for (const { index, track } of inserts) {
    if (ids.has(track.id)) throw new EditError(`a track with id ${track.id} already exists`);
    if (track.keyframes.length === 0) throw new EditError(`track ${track.id} has no keyframes`);
    ids.add(track.id);
    kept.splice(Math.min(index, kept.length), 0, track);
  }
  return {
    project: { ...project, tracks: kept },
    inverse: { type: 'replace', remove: inserts.map((i) => i.track.id), insert: removed },
  };
}

/** Sets one field on several tracks; returns the new project and each track's value before. */
function setField<K extends 'status' | 'style'>(project: Project, field: K, values: Record<string, Track[K]>) {
  const before: Record<string, Track[K]> = {};
  let next = project;
  for (const [id, value] of Object.entries(values)) {
    const index = indexOfTrack(next, id);
    before[id] = next.tracks[index][field];
    next = withTrack(next, index, { ...next.tracks[index], [field]: value });
  }
  return { project: next, before };
}

function applySetKeyframe(project: Project, trackId: string, keyframe: TrackKeyframe): AppliedEdit {
  const index = indexOfTrack(project, trackId);
  const track = project.tracks[index];
  if (!Number.isInteger(keyframe.frame) || keyframe.frame < 0 || keyframe.frame >= project.source.frameCount) {
    throw new EditError(`frame ${keyframe.frame} is outside the clip (0–${project.source.frameCount - 1})`);
  }
  if (!(keyframe.box.width > 0 && keyframe.box.height > 0)) throw new EditError('a blur box needs a positive width and height');
  const keyframes = track.keyframes.slice();
  const at = keyframes.findIndex((k) => k.frame >= keyframe.frame);
  let inverse: Edit;
  if (at >= 0 && keyframes[at].frame === keyframe.frame) {
    inverse = { type: 'setKeyframe', trackId, keyframe: keyframes[at] };
    keyframes[at] = keyframe;
  } else {
    inverse = { type: 'removeKeyframe', trackId, frame: keyframe.frame };
    keyframes.splice(at < 0 ? keyframes.length : at, 0, keyframe);
  }
  return { project: withTrack(project, index, { ...track, keyframes }), inverse };
}

function applyRemoveKeyframe(project: Project, trackId: string, frame: number): AppliedEdit {
  const index = indexOfTrack(project, trackId);
  const track = project.tracks[index];
  const at = track.keyframes.findIndex((k) => k.frame === frame);
  if (at < 0) throw new EditError(`track ${trackId} has no keyframe on frame ${frame}`);
  if (track.keyframes.length === 1) throw new EditError('a track keeps at least one keyframe: delete the track instead');
  const keyframes = track.keyframes.filter((_, i) => i !== at);
  return {
    project: withTrack(project, index, { ...track, keyframes }),
    inverse: { type: 'setKeyframe', trackId, keyframe: track.keyframes[at] },
  };
}

export function applyEdit(project: Project, edit: Edit): AppliedEdit {
  switch (edit.type) {
    case 'replace':
      return applyReplace(project, edit);
    case 'setStatus': {
      const { project: next, before } = setField(project, 'status', edit.statuses);
      return { project: next, inverse: { type: 'setStatus', statuses: before } };
    }
    case 'setStyle': {
      const { project: next, before } = setField(project, 'style', edit.styles);
      return { project: next, inverse: { type: 'setStyle', styles: before } };
    }
    case 'setKeyframe':
      return applySetKeyframe(project, edit.trackId, edit.keyframe);
    case 'removeKeyframe':
      return applyRemoveKeyframe(project, edit.trackId, edit.frame);
    case 'setExportSettings':
      return {
        project: { ...project, exportSettings: { ...edit.settings } },
        inverse: { type: 'setExportSettings', settings: project.exportSettings },
      };
    case 'setGraphic':
      return { project: { ...project, graphic: edit.graphic }, inverse: { type: 'setGraphic', graphic: project.graphic } };
    case 'setAudioRedactions':
      return {
        project: { ...project, audioRedactions: edit.redactions.map((r) => ({ ...r })) },
        inverse: { type: 'setAudioRedactions', redactions: project.audioRedactions },
      };
  }
}

// ---- Edits built from the project: each returns one Edit (apply it with applyEdit). ----

export function removeTracks(project: Project, trackIds: readonly string[]): Edit {
  for (const id of trackIds) indexOfTrack(project, id);
  return { type: 'replace', remove: [...trackIds], insert: [] };
}

/** Appends tracks after the existing ones. */
export function addTracks(project: Project, tracks: readonly Track[]): Edit {
  return { type: 'replace', remove: [], insert: tracks.map((track, i) => ({ index: project.tracks.length + i, track })) };
}

/** Replaces one track by others at its place in the list (split, merge and trim use it). */
function replaceTrack(project: Project, trackId: string, tracks: Track[], alsoRemove: string[] = []): Edit {
  const remove = [trackId, ...alsoRemove];
  const index = project.tracks.filter((t, i) => i < indexOfTrack(project, trackId) && !remove.includes(t.id)).length;
  return { type: 'replace', remove, insert: tracks.map((track, i) => ({ index: index + i, track })) };
}

/** A keyframe holding the track's interpolated box on `frame` (which must lie within its span). */
function keyframeAt(track: Track, frame: number): TrackKeyframe {
  const existing = track.keyframes.find((k) => k.frame === frame);
  if (existing) return existing;
  const box = trackBoxAt(track, frame);
  if (!box) throw new EditError(`frame ${frame} is outside track ${track.id}`);
  return { frame, box, confidence: null };
}

/** An id not used by any track, e.g. `manual-3`. */
export function freshTrackId(project: Project, prefix: string, taken: ReadonlySet<string> = new Set()): string {
  const used = new Set([...project.tracks.map((t) => t.id), ...taken]);
  let n = project.tracks.length + 1;
  while (used.has(`${prefix}${n}`)) n++;
  return `${prefix}${n}`;
}

/** A manual track starting with one box on one frame; later boxes extend it. */
export function addManualTrack(project: Project, id: string, frame: number, box: Box, style: BlurStyle): Edit {
  const track: Track = { id, origin: 'manual', status: 'confirmed', style: { ...style }, keyframes: [{ frame, box, confidence: null }] };
  return addTracks(project, [track]);
}

/** Splits a track so that `frame` starts a new track `newId`; both keep the box they had on every frame. */
export function splitTrack(project: Project, trackId: string, frame: number, newId: string): Edit {
  const track = findTrack(project, trackId);
  const span = trackSpan(track);
  if (frame <= span.first || frame > span.last) {
    throw new EditError(`split at frame ${frame}: it must be after the first frame (${span.first}) and within the track (up to ${span.last})`);
  }
  const before = [...track.keyframes.filter((k) => k.frame < frame - 1), keyframeAt(track, frame - 1)];
  const after = [keyframeAt(track, frame), ...track.keyframes.filter((k) => k.frame > frame)];
  return replaceTrack(project, trackId, [
    { ...track, keyframes: before },
    { ...track, id: newId, keyframes: after },
  ]);
}

/**
 * Keyframes of two tracks as one: on frames within `a`'s span, `a`'s keyframes; outside it, `b`'s.
 * Between disjoint spans the merged track interpolates across the gap.
 */
function mergeKeyframes(a: readonly TrackKeyframe[], b: readonly TrackKeyframe[]): TrackKeyframe[] {
  const first = a[0].frame;
  const last = a[a.length - 1].frame;
  return [...b.filter((k) => k.frame < first), ...a, ...b.filter((k) => k.frame > last)];
}

/**
 * A follow as one edit. Into track `trackId` where it exists: the followed keyframes replace its
 * boxes over the followed frames, the rest of it stays (correct a box, follow again from there);
 * given `object`, a track that was not an object track becomes one, in the object style (a box
 * just drawn to follow a plate). Otherwise a new object track: marked by the editor, so confirmed.
 */
export function followEdit(project: Project, trackId: string, followed: readonly TrackKeyframe[], object: Track['object'] | null): Edit {
  if (followed.length === 0) throw new EditError('the follow placed no boxes');
  const existing = project.tracks.find((t) => t.id === trackId);
  if (existing) {
    const becomesObject = object && !existing.object ? { object: { ...object }, style: { ...DEFAULT_OBJECT_STYLE } } : {};
    return replaceTrack(project, trackId, [{ ...existing, ...becomesObject, keyframes: mergeKeyframes(followed, existing.keyframes) }]);
  }
  if (!object) throw new EditError(`track ${trackId} does not exist`);
  return addTracks(project, [
    { id: trackId, origin: 'manual', status: 'confirmed', style: { ...DEFAULT_OBJECT_STYLE }, keyframes: [...followed], object: { ...object } },
  ]);
}

/** Merges track `otherId` into `trackId` (which keeps its id, style and status). */
export function mergeTracks(project: Project, trackId: string, otherId: string): Edit {
  if (trackId === otherId) throw new EditError('choose two different tracks to merge');
  const track = findTrack(project, trackId);
  const other = findTrack(project, otherId);
  return replaceTrack(project, trackId, [{ ...track, keyframes: mergeKeyframes(track.keyframes, other.keyframes) }], [otherId]);
}

/**
 * Sets a track's span to [first, last]: keyframes outside are dropped and the box on the new ends is
 * kept by a keyframe there; extending holds the box of the nearest end.
 */
export function setTrackSpan(project: Project, trackId: string, first: number, last: number): Edit {
  const track = findTrack(project, trackId);
  const maxFrame = project.source.frameCount - 1;
  const lo = Math.max(0, Math.min(first, maxFrame));
  const hi = Math.max(0, Math.min(last, maxFrame));
  if (hi < lo) throw new EditError(`a track cannot end (frame ${hi}) before it starts (frame ${lo})`);
  const span = trackSpan(track);
  const hold = (frame: number, from: TrackKeyframe): TrackKeyframe => ({ frame, box: { ...from.box }, confidence: null });
  const startKf = lo < span.first ? hold(lo, track.keyframes[0]) : keyframeAt(track, Math.min(lo, span.last));
  const endKf = hi > span.last ? hold(hi, track.keyframes[track.keyframes.length - 1]) : keyframeAt(track, Math.max(hi, span.first));
  const inner = track.keyframes.filter((k) => k.frame > lo && k.frame < hi);
  const keyframes = lo === hi ? [{ ...startKf, frame: lo }] : [{ ...startKf, frame: lo }, ...inner, { ...endKf, frame: hi }];
  return replaceTrack(project, trackId, [{ ...track, keyframes }]);
}

export function setStatus(project: Project, trackIds: readonly string[], status: TrackStatus): Edit {
  for (const id of trackIds) indexOfTrack(project, id);
  return { type: 'setStatus', statuses: Object.fromEntries(trackIds.map((id) => [id, status])) };
}

export function setStyle(project: Project, trackIds: readonly string[], style: BlurStyle): Edit {
  for (const id of trackIds) indexOfTrack(project, id);
  return { type: 'setStyle', styles: Object.fromEntries(trackIds.map((id) => [id, style])) };
}

/** Sets a track's box on a frame (move or resize on the picture). Manual boxes have no confidence. */
export function setBoxAt(project: Project, trackId: string, frame: number, box: Box): Edit {
  findTrack(project, trackId);
  return { type: 'setKeyframe', trackId, keyframe: { frame, box: { ...box }, confidence: null } };
}
