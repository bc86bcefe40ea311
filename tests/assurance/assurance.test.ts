import { beforeAll, describe, expect, it } from 'vitest';
import type { PresetName } from '../../core/presets';
import type { Track } from '../../core/project';
import { assessClip, type Assessment } from '../../bench/assurance/assess';
import { generateClip, type GeneratedClip } from '../../bench/assurance/generate';
import { ASSURANCE_FLOORS, pooledScore, scoreProject, type BlurScore } from '../../bench/assurance/metrics';
import { buildScenario, SMALL_SCALE, type ScenarioName } from '../../bench/assurance/scenarios';
import type { TruthFrame } from '../../bench/assurance/scene';
import { keyframe, projectWith, track } from '../helpers/projects';

/**
 * The small version of the assurance benchmark (`npm run bench:assurance -- --small`): generated
 * dashcam clips with exact face boxes, Blurline's real detection, and the blur plan held to the
 * floors of each preset. The full version, with every scenario, is the benchmark itself.
 */

const clips = new Map<ScenarioName, Promise<GeneratedClip>>();

/** The scenario's clip, generated once per machine (cached in the temp folder) and once per run here. */
function clipOf(name: ScenarioName): Promise<GeneratedClip> {
  let clip = clips.get(name);
  if (!clip) clips.set(name, (clip = generateClip(buildScenario(name, SMALL_SCALE))));
  return clip;
}

/** A track per ground-truth face, keyed on every frame it must be blurred: what a perfect detector would give. */
function tracksFollowingTruth(truth: readonly TruthFrame[]): Track[] {
  const byFace = new Map<string, Track>();
  truth.forEach((faces, frame) => {
    for (const face of faces) {
      if (!face.box) continue;
      const existing = byFace.get(face.id);
      if (existing) existing.keyframes.push(keyframe(frame, face.box));
      else byFace.set(face.id, track(face.id, [keyframe(frame, face.box)]));
    }
  });
  return [...byFace.values()];
}

const pct = (v: number) => `${+(v * 100).toFixed(2)}%`;

describe('assurance benchmark, small version: the measuring stick', () => {
  for (const name of SMALL_SCALE.scenarios) {
    it(`${name}: blur that follows the ground truth exactly meets every floor of the thorough preset`, async () => {
      const { truth, scenario } = await clipOf(name);
      const project = projectWith(tracksFollowingTruth(truth), { width: scenario.width, height: scenario.height, frameCount: scenario.frames });
      const score = scoreProject(project, truth);
      expect(score.faceFrames).toBeGreaterThan(0);
      expect(score.coverage).toBe(1);
      expect(score.worstGap).toBe(0);
      // Not 0: the feathered edge reaches a little past the padded box, most for large faces.
      expect(score.falseBlur).toBeLessThanOrEqual(ASSURANCE_FLOORS.thorough.maxFalseBlur);
    });
  }
});

/** Every small scenario through one preset, scored per scenario and pooled like the benchmark's overall row. */
function assessedOnce(preset: PresetName): () => { overall: BlurScore; byScenario: Map<ScenarioName, Assessment> } {
  const byScenario = new Map<ScenarioName, Assessment>();
  let overall: BlurScore;
  beforeAll(async () => {
    for (const name of SMALL_SCALE.scenarios) {
      const result = await assessClip(await clipOf(name), preset);
      byScenario.set(name, result);
      const { score } = result;
      console.log(
        `${preset} ${name}: ${pct(score.coverage)} of ${score.faceFrames} face-frames blurred, worst gap ${score.worstGap} frames` +
          `${score.worstGapStart === null ? '' : ` (from frame ${score.worstGapStart})`}, false blur ${pct(score.falseBlur)}, ` +
          `${(result.framesAnalysed / result.analyseSeconds).toFixed(1)} fps`,
      );
    }
    overall = pooledScore([...byScenario.values()].map((a) => a.score));
    console.log(`${preset} overall: ${pct(overall.coverage)} covered, worst gap ${overall.worstGap} frames, false blur ${pct(overall.falseBlur)}`);
    // Three clips through the real model (and, on a fresh machine, generating them) take minutes.
  }, 900_000);
  return () => ({ overall, byScenario });
}

// The floors hold over the pooled face-frames of all scenarios (the benchmark's overall row);
// the worst gap is the worst of any scenario.
describe('thorough preset on the small scenarios', () => {
  const floors = ASSURANCE_FLOORS.thorough;
  const result = assessedOnce('thorough');

  it(`blurs at least ${pct(floors.minCoverage)} of face-frames (≥ 90% of each face box)`, () => {
    expect(result().overall.coverage).toBeGreaterThanOrEqual(floors.minCoverage);
  });

  it(`never leaves a face showing for more than ${floors.maxWorstGap} frames in a row, in any scenario`, () => {
    expect(result().overall.worstGap).toBeLessThanOrEqual(floors.maxWorstGap);
  });

  it(`blurs at most ${pct(floors.maxFalseBlur)} of the frame outside the padded faces, on average`, () => {
    expect(result().overall.falseBlur).toBeLessThanOrEqual(floors.maxFalseBlur);
  });

  it('finds at least one track in every scenario', () => {
    for (const [name, assessment] of result().byScenario) expect(assessment.tracks, name).toBeGreaterThan(0);
  });
});

describe('fast preset on the small scenarios', () => {
  const floors = ASSURANCE_FLOORS.fast;
  const result = assessedOnce('fast');

  it(`blurs at least ${pct(floors.minCoverage)} of face-frames (≥ 90% of each face box)`, () => {
    expect(result().overall.coverage).toBeGreaterThanOrEqual(floors.minCoverage);
  });
});
