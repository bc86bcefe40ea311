import { createProject, DEFAULT_BLUR_STYLE, type SourceInfo, type Track, type TrackKeyframe } from '../../core/project';
import type { Box } from '../../core/geometry';

export function sourceInfo(overrides: Partial<SourceInfo> = {}): SourceInfo {
  return {
    path: '/videos/clip.mp4',
    sizeBytes: 1000,
    sha256: 'a'.repeat(64),
    container: 'mov,mp4,m4a,3gp,3g2,mj2',
    videoCodec: 'h264',
    pixelFormat: 'yuv420p',
    width: 640,
    height: 360,
    frameRate: { num: 25, den: 1 },
    frameCount: 100,
    durationSeconds: 4,
    rotation: 0,
    videoStartSeconds: 0,
    audioStreams: [],
    ...overrides,
  };
}

export function keyframe(frame: number, box: Box, confidence: number | null = 0.9): TrackKeyframe {
  return { frame, box, confidence };
}

export function track(id: string, keyframes: TrackKeyframe[], overrides: Partial<Track> = {}): Track {
  return { id, origin: 'auto', status: 'pending', style: { ...DEFAULT_BLUR_STYLE }, keyframes, ...overrides };
}

export function projectWith(tracks: Track[], source: Partial<SourceInfo> = {}) {
  const project = createProject(sourceInfo(source), new Date('2026-01-01T00:00:00Z'));
  project.tracks = tracks;
  return project;
}
