import type { FrameRange, PassState, Project, Review, ReviewEvent, Track, TrackDecision } from './project';

/**
 * The review of a blur pass as pure functions over the project's `review`: a reviewer decides on
 * every track, the pass moves Draft → In review → Approved (or Changes requested), and every
 * change lands in an append-only event log. An edit after a decision removes the decision on what
 * it touched, and an approved pass it touches goes back to review: an approval always covers
 * exactly what the reviewer saw.
 */

export type ReviewRole = ReviewEvent['role'];

export interface Actor {
  name: string;
  role: ReviewRole;
}

/** A review step that is not allowed now (the message is for the user). */
export class ReviewError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReviewError';
  }
}

export const PASS_STATE_LABELS: Record<PassState, string> = {
  draft: 'Draft',
  'in-review': 'In review',
  approved: 'Approved',
  'changes-requested': 'Changes requested',
};

/** Detector confidence under which a detected box is flagged for the reviewer's attention. */
export const LOW_CONFIDENCE = 0.6;

type NewEvent = Omit<ReviewEvent, 'seq' | 'at' | 'actor' | 'role' | 'comment'> & { comment?: string | null };

function withEvent(review: Review, actor: Actor, at: string, event: NewEvent): Review {
  const last = review.events[review.events.length - 1];
  const entry: ReviewEvent = { seq: last ? last.seq + 1 : 0, at, actor: actor.name, role: actor.role, comment: null, ...event };
  return { ...review, events: [...review.events, entry] };
}

function requireName(actor: Actor): void {
  if (!actor.name.trim()) throw new ReviewError('enter your name before reviewing: every decision is signed');
}

/** Starts (or resumes after changes) the review: Draft or Changes requested → In review. */
export function startReview(review: Review, reviewer: Actor, at: string): Review {
  requireName(reviewer);
  if (review.state === 'in-review') return review;
  if (review.state === 'approved') throw new ReviewError('the pass is already approved');
  return { ...withEvent(review, reviewer, at, { type: 'review-started', trackIds: [], detail: 'review started' }), state: 'in-review' };
}

/**
 * Records the reviewer's decision on one track. Sending a track back needs a comment: the
 * editor has to know what to fix.
 */
export function decideTrack(
  project: Pick<Project, 'tracks' | 'review'>,
  trackId: string,
  decision: TrackDecision['decision'],
  reviewer: Actor,
  at: string,
  comment: string | null = null,
): Review {
  requireName(reviewer);
  const { review } = project;
  if (review.state !== 'in-review') throw new ReviewError('start the review before deciding on tracks');
  if (!project.tracks.some((t) => t.id === trackId)) throw new ReviewError(`track ${trackId} does not exist`);
  const text = comment?.trim() || null;
  if (decision === 'sent-back' && !text) throw new ReviewError('say what needs changing when sending a track back');
  const decided = withEvent(review, reviewer, at, {
    type: decision === 'approved' ? 'track-approved' : 'track-sent-back',
    trackIds: [trackId],
    detail: decision === 'approved' ? `approved track ${trackId}` : `sent back track ${trackId}`,
    comment: text,
  });
  return { ...decided, decisions: { ...review.decisions, [trackId]: { decision, by: reviewer.name, at, comment: text } } };
}

/** Tracks without an approval, in timeline order (sent back ones included). */
export function tracksAwaitingApproval(project: Pick<Project, 'tracks' | 'review'>): Track[] {
  return project.tracks.filter((t) => project.review.decisions[t.id]?.decision !== 'approved');
}

/** Tracks with no decision at all, in timeline order. */
export function undecidedTracks(project: Pick<Project, 'tracks' | 'review'>): Track[] {
  return project.tracks.filter((t) => !project.review.decisions[t.id]);
}

/** The next undecided track after `afterId` in timeline order, wrapping around; null when all are decided. */
export function nextUndecided(project: Pick<Project, 'tracks' | 'review'>, afterId: string | null): Track | null {
  const { tracks } = project;
  const start = afterId === null ? -1 : tracks.findIndex((t) => t.id === afterId);
  for (let step = 1; step <= tracks.length; step++) {
    const track = tracks[(start + step + tracks.length) % tracks.length];
    if (!project.review.decisions[track.id]) return track;
  }
  return null;
}

/**
 * The next possible face (origin `person`: a person's head no face track covered) after
 * `afterId` in timeline order, wrapping around. Pending ones come first: nobody has looked at
 * them yet; once every one is confirmed or rejected, it steps through them all.
 */
export function nextPossibleFace(tracks: readonly Track[], afterId: string | null): Track | null {
  const start = afterId === null ? -1 : tracks.findIndex((t) => t.id === afterId);
  const after = (wanted: (t: Track) => boolean) => {
    for (let step = 1; step <= tracks.length; step++) {
      const track = tracks[(start + step + tracks.length) % tracks.length];
      if (wanted(track)) return track;
    }
    return null;
  };
  return after((t) => t.origin === 'person' && t.status === 'pending') ?? after((t) => t.origin === 'person');
}

/** Approves the pass as a whole: every track (rejected ones too: not blurring is a decision) must be approved. */
export function approvePass(project: Pick<Project, 'tracks' | 'review'>, reviewer: Actor, at: string, comment: string | null = null): Review {
  requireName(reviewer);
  const { review } = project;
  if (review.state !== 'in-review') throw new ReviewError('only a pass in review can be approved');
  const waiting = tracksAwaitingApproval(project);
  if (waiting.length > 0) {
    const ids = waiting.slice(0, 5).map((t) => t.id).join(', ');
    throw new ReviewError(`${waiting.length} track${waiting.length === 1 ? '' : 's'} not approved yet (${ids}${waiting.length > 5 ? ', …' : ''})`);
  }
  const approved = withEvent(review, reviewer, at, { type: 'pass-approved', trackIds: [], detail: 'pass approved', comment: comment?.trim() || null });
  return { ...approved, state: 'approved' };
}

/** Sends the pass back to the editor with a comment. */
export function requestChanges(review: Review, reviewer: Actor, at: string, comment: string): Review {
  requireName(reviewer);
  if (review.state !== 'in-review') throw new ReviewError('only a pass in review can be sent back');
  if (!comment.trim()) throw new ReviewError('say what needs changing');
  const sent = withEvent(review, reviewer, at, { type: 'changes-requested', trackIds: [], detail: 'changes requested', comment: comment.trim() });
  return { ...sent, state: 'changes-requested' };
}

/** Ids of tracks added, removed or changed between two versions of a project. */
export function touchedTracks(before: readonly Track[], after: readonly Track[]): string[] {
  const old = new Map(before.map((t) => [t.id, t]));
  const touched: string[] = [];
  for (const track of after) {
    const was = old.get(track.id);
    old.delete(track.id);
    // Edits replace the objects they change, so an unchanged track is the same object.
    if (was !== track && JSON.stringify(was) !== JSON.stringify(track)) touched.push(track.id);
  }
  return [...touched, ...old.keys()];
}

function sameRedactions(a: Project['audioRedactions'], b: Project['audioRedactions']): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Logs an edit (or an undo/redo) that turned `before` into `after`, and withdraws every decision
 * on what it touched. A change of the audio redactions touches the pass as a whole. An approved
 * pass that loses any approval goes back to In review. Export settings are not part of what is
 * reviewed and are not logged. `coalesce`: a continued drag is logged once.
 */
export function recordEdit(before: Project, after: Project, label: string, actor: Actor, at: string, coalesce = false): Review {
  let review = after.review;
  const trackIds = touchedTracks(before.tracks, after.tracks);
  const audioChanged = !sameRedactions(before.audioRedactions, after.audioRedactions);
  if (trackIds.length === 0 && !audioChanged) return review;
  const last = review.events[review.events.length - 1];
  const repeat =
    coalesce && last?.type === 'edit' && last.actor === actor.name && last.detail === label && last.trackIds.join() === trackIds.join();
  if (!repeat) review = withEvent(review, actor, at, { type: 'edit', trackIds, detail: label });
  const withdrawn = trackIds.filter((id) => review.decisions[id]);
  const passTouched = review.state === 'approved';
  if (withdrawn.length === 0 && !passTouched) return review;
  const decisions = { ...review.decisions };
  for (const id of withdrawn) delete decisions[id];
  const detail = [
    withdrawn.length > 0 ? `decision withdrawn on ${withdrawn.join(', ')}` : '',
    passTouched ? 'pass approval withdrawn' : '',
  ].filter(Boolean).join('; ');
  review = withEvent({ ...review, decisions }, { name: 'Blurline', role: 'system' }, at, {
    type: 'approval-invalidated',
    trackIds: withdrawn,
    detail: `${detail} (edited: ${label})`,
  });
  return passTouched ? { ...review, state: 'in-review' } : review;
}

/** Adds frames first..last to the watched ranges (merged, sorted). */
export function markWatched(watched: readonly FrameRange[], first: number, last: number): FrameRange[] {
  const lo = Math.min(first, last);
  const hi = Math.max(first, last);
  const merged: FrameRange[] = [];
  let pending: FrameRange = { first: lo, last: hi };
  let placed = false;
  for (const range of watched) {
    if (range.last + 1 < pending.first) merged.push(range);
    else if (pending.last + 1 < range.first) {
      if (!placed) merged.push(pending);
      placed = true;
      merged.push(range);
    } else pending = { first: Math.min(range.first, pending.first), last: Math.max(range.last, pending.last) };
  }
  if (!placed) merged.push(pending);
  return merged;
}

/** How many frames the ranges cover. */
export function framesIn(ranges: readonly FrameRange[]): number {
  return ranges.reduce((n, r) => n + r.last - r.first + 1, 0);
}

/**
 * Frames where a detected keyframe's confidence is below `threshold`, as merged ranges: the
 * places a reviewer should look at twice.
 */
export function lowConfidenceRanges(tracks: readonly Track[], threshold = LOW_CONFIDENCE): FrameRange[] {
  let ranges: FrameRange[] = [];
  for (const track of tracks) {
    if (track.status === 'rejected') continue;
    for (const k of track.keyframes) {
      if (k.confidence !== null && k.confidence < threshold) ranges = markWatched(ranges, k.frame, k.frame);
    }
  }
  return ranges;
}

/** Logs a signed waiver of one leak-check finding. */
export function recordWaiver(review: Review, actor: Actor, at: string, findingId: string, frames: string, reason: string): Review {
  requireName(actor);
  return withEvent(review, actor, at, { type: 'waiver', trackIds: [], detail: `waived leak-check finding ${findingId} (frames ${frames})`, comment: reason.trim() });
}
