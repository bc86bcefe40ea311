import { afterAll, describe, expect, it } from 'vitest';
import type { RgbFrame } from '../../core/detection';
import { FaceAnalysis } from '../../core/faceAnalysis';
import { iou, padBox, type Box } from '../../core/geometry';
import { cropResizeRgb } from '../../core/image';
import { DETECTION_PRESETS } from '../../core/presets';
import { trackBoxAt } from '../../core/tracks';
import { DetectorPool } from '../../electron/main/detect/detectorPool';
import sampleFaces from '../fixtures/sample-faces.json';
import { loadPhoto, samplePath } from '../helpers/media';

/**
 * A speaker in front of a poster, a screen or a billboard showing a large face: the speaker's face
 * lies inside the big face's box. Both are faces to hide; the duplicate suppression used to take
 * the smaller one for a part of the larger and drop it on every frame.
 */

const pool = new DetectorPool();
afterAll(() => pool.close());

/** `part` (a face with `margin` around it) scaled so the face is `faceWidth` wide, pasted at (x, y) of `into`. */
function paste(into: RgbFrame, photo: RgbFrame, face: Box, margin: number, faceWidth: number, x: number, y: number): Box {
  const region = padBox(face, margin);
  const scale = faceWidth / face.width;
  const piece = cropResizeRgb(photo, region, Math.round(region.width * scale), Math.round(region.height * scale));
  for (let row = 0; row < piece.height && y + row < into.height; row++) {
    const width = Math.min(piece.width, into.width - x);
    into.data.set(piece.data.subarray(row * piece.width * 3, (row * piece.width + width) * 3), ((y + row) * into.width + x) * 3);
  }
  return { x: x + (face.x - region.x) * scale, y: y + (face.y - region.y) * scale, width: faceWidth, height: face.height * scale };
}

describe('a face in front of a larger face', () => {
  it('both the poster face and the smaller face inside its box get a track', async () => {
    const faces = sampleFaces as Record<string, Box[]>;
    const frame: RgbFrame = { width: 1280, height: 720, data: new Uint8Array(1280 * 720 * 3).fill(80) };
    const poster = paste(frame, await loadPhoto(samplePath(1)), faces['1'][0], 0.6, 230, 400, 60);
    // The speaker's face over the poster face's cheek and jaw, well inside its box.
    const speaker = paste(frame, await loadPhoto(samplePath(3)), faces['3'][2], 0.25, 100, 643, 392);
    expect(iou(poster, speaker)).toBeLessThan(0.2);

    const frames = 6;
    const analysis = new FaceAnalysis((options, urgency) => pool.detector(options, urgency), DETECTION_PRESETS.thorough.schedule);
    for (let index = 0; index < frames; index++) await analysis.push(index, { ...frame, data: frame.data.slice() });
    const tracks = await analysis.finish(frames - 1);
    const held = (truth: Box) => tracks.some((t) => [0, frames - 1].every((f) => { const box = trackBoxAt(t, f); return box !== null && iou(box, truth) > 0.5; }));
    expect(held(poster)).toBe(true);
    expect(held(speaker)).toBe(true);
  });
});
