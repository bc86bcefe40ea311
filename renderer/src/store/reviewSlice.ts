import type { StateCreator } from 'zustand';
import type { FrameRange, Project, Review, TrackDecision } from '../../../core/project';
import * as review from '../../../core/review';
import type { EditorState } from './index';

/** Who works in this window: the editor changes the pass, the reviewer decides on it. */
export type WorkRole = 'editor' | 'reviewer';

export const ROLE_LABELS: Record<review.ReviewRole, string> = { editor: 'Editor', reviewer: 'Reviewer', system: 'Blurline' };

/** The name an edit is logged under before anyone entered one. */
export const UNNAMED = '(unnamed)';

/**
 * While playing, presented frames this close count as watched together: the compositor may skip a
 * frame or two, and normal playback must count every frame.
 */
export const WATCH_GAP = 3;

export interface ReviewSlice {
  userName: string;
  role: WorkRole;
  /** The name dialog, open when a step needs a name first (`role`: the role it asks for). */
  identityPrompt: { reason: string; role: WorkRole } | null;
  /** The frame last added to the watched ranges (playback joins small gaps from it). */
  lastWatched: number | null;
  setIdentity(name: string, role: WorkRole): void;
  /** Switches the role; reviewer mode needs a name, so without one it asks for it first. */
  setRole(role: WorkRole): void;
  askIdentity(reason: string, role?: WorkRole): void;
  closeIdentityPrompt(): void;
  /** Review steps: each is logged in the project's review; a step not allowed now becomes a notice. */
  startReview(): boolean;
  decideTrack(trackId: string, decision: TrackDecision['decision'], comment?: string | null): boolean;
  approvePass(comment?: string | null): boolean;
  requestChanges(comment: string): boolean;
  /**
   * Logs a signed waiver of a leak-check finding (main has signed the report already): a log
   * entry, not an undo step, by an editor or a reviewer with a name. `frames`: the finding's
   * frames as runs (3–7, 9); `at`: when the report was signed.
   */
  recordWaiver(findingId: string, frames: string, reason: string, at: string): boolean;
  /** A frame was shown on screen: in reviewer mode it joins the watched frames (not an edit, no undo, no event). */
  noteWatched(frame: number): void;
}

/** The actor edits and review steps are logged under. */
export function actorOf(s: Pick<ReviewSlice, 'userName' | 'role'>): review.Actor {
  return { name: s.userName.trim() || UNNAMED, role: s.role };
}

/** Whether sorted, merged ranges already hold every frame of lo..hi. */
function covers(ranges: readonly FrameRange[], lo: number, hi: number): boolean {
  return ranges.some((r) => r.first <= lo && r.last >= hi);
}

export const createReviewSlice: StateCreator<EditorState, [], [], ReviewSlice> = (set, get) => {
  /**
   * Carries out a logged step as the current user: a review step is the reviewer's; `anyRole`
   * lets an editor take it too (a waiver, whose `signed` says so). Either way it needs a name.
   */
  function step(
    what: string,
    change: (project: Project, actor: review.Actor, at: string) => Review,
    { anyRole = false, signed = 'every review decision is signed with it' } = {},
  ): boolean {
    const s = get();
    if (!s.project) return false;
    if (!anyRole && s.role !== 'reviewer') {
      s.notify('warning', `${what}: this is a reviewer's step — switch the role to Reviewer in the toolbar.`);
      return false;
    }
    if (!s.userName.trim()) {
      s.askIdentity(`${what}: enter your name first — ${signed}.`, anyRole ? s.role : 'reviewer');
      return false;
    }
    try {
      const next = change(s.project, actorOf(s), new Date().toISOString());
      if (next !== s.project.review) set((st) => ({ project: st.project && { ...st.project, review: next }, revision: st.revision + 1 }));
      return true;
    } catch (err) {
      if (!(err instanceof review.ReviewError)) throw err;
      s.notify('error', `${what}: ${err.message}`);
      return false;
    }
  }

  return {
    userName: '',
    role: 'editor',
    identityPrompt: null,
    lastWatched: null,
    setIdentity: (name, role) => {
      const entering = role === 'reviewer' && get().role !== 'reviewer';
      set((s) => ({
        userName: name.trim(),
        role,
        identityPrompt: null,
        // A reviewer does not draw boxes or mark audio ranges.
        ...(role === 'reviewer' ? { tool: 'select' as const, audioMark: null } : {}),
        lastWatched: role === s.role ? s.lastWatched : null,
      }));
      // The frame on screen when the review mode starts is watched too.
      if (entering) get().noteWatched(get().frame);
    },
    setRole: (role) => {
      const s = get();
      if (role === 'reviewer' && !s.userName.trim()) s.askIdentity('Reviewer mode signs every decision with your name.', 'reviewer');
      else s.setIdentity(s.userName, role);
    },
    askIdentity: (reason, role) => set((s) => ({ identityPrompt: { reason, role: role ?? s.role } })),
    closeIdentityPrompt: () => set({ identityPrompt: null }),
    startReview: () => step('Start review', (p, actor, at) => review.startReview(p.review, actor, at)),
    decideTrack: (trackId, decision, comment = null) =>
      step(decision === 'approved' ? `Approve ${trackId}` : `Send back ${trackId}`, (p, actor, at) => review.decideTrack(p, trackId, decision, actor, at, comment)),
    approvePass: (comment = null) => step('Approve pass', (p, actor, at) => review.approvePass(p, actor, at, comment)),
    requestChanges: (comment) => step('Request changes', (p, actor, at) => review.requestChanges(p.review, actor, at, comment)),
    recordWaiver: (findingId, frames, reason, at) =>
      step(`Waive ${findingId}`, (p, actor) => review.recordWaiver(p.review, actor, at, findingId, frames, reason), {
        anyRole: true,
        signed: 'a waiver is signed with it',
      }),
    noteWatched: (frame) => {
      const { project, role, rate, lastWatched } = get();
      if (!project || role !== 'reviewer') return;
      const from = rate !== 0 && lastWatched !== null && Math.abs(frame - lastWatched) <= WATCH_GAP ? lastWatched : frame;
      const { watched } = project.review;
      const lo = Math.min(from, frame);
      const hi = Math.max(from, frame);
      if (covers(watched, lo, hi)) {
        if (lastWatched !== frame) set({ lastWatched: frame });
        return;
      }
      set((s) => ({
        project: s.project && { ...s.project, review: { ...s.project.review, watched: review.markWatched(watched, lo, hi) } },
        revision: s.revision + 1,
        lastWatched: frame,
      }));
    },
  };
};
