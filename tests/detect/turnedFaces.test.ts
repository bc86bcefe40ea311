import { afterAll, describe, expect, it } from 'vitest';
import { FaceAnalysis } from '../../core/faceAnalysis';
import { iou, type Box } from '../../core/geometry';
import { turnBox, turnRgb, type QuarterTurn } from '../../core/image';
import { DETECTION_PRESETS } from '../../core/presets';
import { trackBoxAt } from '../../core/tracks';
import { DetectorPool } from '../../electron/main/detect/detectorPool';
import sampleFaces from '../fixtures/sample-faces.json';
import { loadPhoto, samplePath } from '../helpers/media';

/**
 * A person lying on the road shows a face on its side or upside down, which the face models,
 * trained on upright faces, do not find. The thorough preset also searches the frame turned each
 * way and follows such a face turned: measured here on a real photo turned 90°, 180° and 270°.
 */

const pool = new DetectorPool();
afterAll(() => pool.close());

async function tracksOnStill(frame: Awaited<ReturnType<typeof loadPhoto>>, turnedSearch: boolean, frames = 8) {
  const { schedule } = DETECTION_PRESETS.thorough;
  const discovery = turnedSearch ? schedule.discovery : schedule.discovery.filter((level) => !level.turn);
  const analysis = new FaceAnalysis((options, urgency) => pool.detector(options, urgency), { ...schedule, discovery });
  for (let index = 0; index < frames; index++) await analysis.push(index, { ...frame, data: frame.data.slice() });
  return analysis.finish(frames - 1);
}

describe('faces turned on their side or upside down', () => {
  // sample2.jpg: three large frontal faces.
  const faces = (sampleFaces as Record<string, Box[]>)['2'];

  /** How many of the photo's faces one track holds on the first and the last frame. */
  const held = (tracks: Awaited<ReturnType<typeof tracksOnStill>>, truths: Box[]) =>
    truths.filter((truth) => tracks.some((t) => [0, 7].every((f) => { const box = trackBoxAt(t, f); return box !== null && iou(box, truth) > 0.3; }))).length;

  for (const turn of [90, 180, 270] as QuarterTurn[]) {
    // Measured: 2/3 (90°), 2/3 (180°), 3/3 (270°) held with the turned search; 0, 1 and 0 without.
    it(`faces of a photo turned ${turn}° are found and held by the turned search, more than without it`, async () => {
      const upright = await loadPhoto(samplePath(2));
      const frame = turnRgb(upright, turn);
      const truths = faces.map((face) => turnBox(face, turn, upright.width, upright.height));
      const withTurns = held(await tracksOnStill(frame, true), truths);
      const without = held(await tracksOnStill(frame, false), truths);
      console.log(`turned ${turn}°: ${withTurns}/3 faces held with the turned search, ${without}/3 without`);
      expect(withTurns).toBeGreaterThanOrEqual(2);
      expect(withTurns).toBeGreaterThan(without);
    });
  }
});
