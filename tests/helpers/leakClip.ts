import { generateClip, type GeneratedClip } from '../../bench/assurance/generate';
import type { FacePose, ScenarioDefinition } from '../../bench/assurance/scene';
import { createProject, type Project, type SourceInfo } from '../../core/project';
import { keyframe, track } from './projects';

/**
 * A short clip for the leak check: two real faces (from the face-api demo photos) drifting
 * across the assurance generator's road scene, with exact boxes, and projects that blur both
 * of them or only one.
 */

const pose = (frame: number, x: number, y: number, width: number): FacePose => ({ frame, x, y, width, squeeze: 1, rotation: 0 });

export const LEAK_SCENARIO: ScenarioDefinition = {
  name: 'leak-check',
  width: 640,
  height: 360,
  fps: 25,
  frames: 40,
  seed: 11,
  poles: [],
  shutter: 0,
  gain: 1,
  noise: 2,
  crf: 20,
  faces: [
    // On screen from the first frame to the last, drifting right.
    { id: 'left', ref: { photo: 1, face: 1 }, keys: [pose(0, 170, 170, 96), pose(39, 230, 180, 96)] },
    // Steps into view on frame 4, smaller, drifting left.
    { id: 'right', ref: { photo: 4, face: 0 }, keys: [pose(4, 480, 150, 64), pose(39, 430, 160, 64)] },
  ],
};

export function leakClip(): Promise<GeneratedClip> {
  return generateClip(LEAK_SCENARIO);
}

/**
 * A project on `source` that blurs the faces named in `blurred`, each with a confirmed manual
 * track keyed on every frame it shows (its exact ground-truth box).
 */
export function projectBlurring(source: SourceInfo, clip: GeneratedClip, blurred: readonly string[]): Project {
  const project = createProject(source);
  project.tracks = blurred.map((id) => {
    const keyframes = clip.truth.flatMap((faces, frame) => faces.filter((f) => f.id === id && f.box).map((f) => keyframe(frame, { ...f.box! }, null)));
    return track(id, keyframes, { origin: 'manual', status: 'confirmed' });
  });
  return project;
}
