import type { StateCreator } from 'zustand';
import type { FollowDirection } from '../../../core/regionFollow';
import type { ObjectLabel } from '../../../core/project';
import type { JobSnapshot } from '../../../electron/shared/contract';
import type { EditorState } from './index';

/** What a follow is for: the kind a followed box becomes (a face stays a face track). */
export type FollowKind = ObjectLabel | 'face';

/** The follow this window started: which track it follows into, from where, and the job's last snapshot. */
export interface FollowJob {
  trackId: string;
  frame: number;
  directions: FollowDirection[];
  kind: FollowKind;
  snapshot: JobSnapshot;
}

export interface FollowSlice {
  /** What a drawn box that is followed becomes (remembered between follows). */
  followKind: FollowKind;
  followJob: FollowJob | null;
  setFollowKind(kind: FollowKind): void;
  followStarted(job: FollowJob): void;
  /** A snapshot of the follow job; others are ignored. */
  followChanged(snapshot: JobSnapshot): void;
}

export const createFollowSlice: StateCreator<EditorState, [], [], FollowSlice> = (set, get) => ({
  followKind: 'plate',
  followJob: null,
  setFollowKind: (kind) => set({ followKind: kind }),
  followStarted: (job) => set({ followJob: job }),
  followChanged: (snapshot) => {
    const job = get().followJob;
    if (job?.snapshot.jobId === snapshot.jobId) set({ followJob: { ...job, snapshot } });
  },
});
