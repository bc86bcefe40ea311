import type { Track, TrackStatus } from '../../../core/project';

export interface ShownTrack {
  track: Track;
  /** Found by a running analysis, not yet in the project (not editable). */
  isFound: boolean;
}

/** Tracks that pass the status filter, project tracks first, then those a running analysis found. */
export function visibleTracks(tracks: readonly Track[], found: readonly Track[], filter: Record<TrackStatus, boolean>): ShownTrack[] {
  return [
    ...tracks.filter((t) => filter[t.status]).map((track) => ({ track, isFound: false })),
    ...(filter.pending ? found.map((track) => ({ track, isFound: true })) : []),
  ];
}
