import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FaceDetector, RgbFrame } from '../../core/detection';
import { boxArea, intersectionArea, type Box } from '../../core/geometry';
import { headsOf } from '../../core/personHeads';
import { DETECTION_PRESETS } from '../../core/presets';
import { createNodePersonDetector } from '../../electron/main/detect/nodeFaceDetector';
import { REPO_ROOT } from '../../electron/main/media/binaries';
import { decodeFrames } from '../../electron/main/media/decode';
import { ffprobeJson } from '../helpers/media';

/** Real annotated photos (see its README): WIDER photos with face boxes, VOC photos with head boxes. */
const FACES_DEV = path.join(REPO_ROOT, '../shared/faces-dev');
const photos = existsSync(FACES_DEV)
  ? (JSON.parse(readFileSync(path.join(FACES_DEV, 'faces.json'), 'utf8')) as { file: string; kind: 'face' | 'head'; boxes: [number, number, number, number][] }[])
  : [];

async function loadPhoto(file: string): Promise<RgbFrame> {
  const stream = (await ffprobeJson(file)).streams[0];
  for await (const frame of decodeFrames(file, { pixelFormat: 'rgb24', sourceWidth: stream.width, sourceHeight: stream.height })) return frame;
  throw new Error(`no picture in ${file}`);
}

const PERSONS = DETECTION_PRESETS.thorough.schedule.persons!;

describe.skipIf(photos.length === 0)('person safety net with the real model (CenterNet, wasm) on faces-dev', () => {
  let detector: FaceDetector;
  beforeAll(async () => {
    detector = await createNodePersonDetector(PERSONS.detector);
  });

  it('finds the persons of the faces and heads of 40 px or more, and its head regions cover them', async () => {
    let truths = 0;
    let inPerson = 0;
    let covered = 0;
    let allCovered = 0;
    let all = 0;
    for (const photo of photos) {
      const persons = await detector.detect(await loadPhoto(path.join(FACES_DEV, photo.file)));
      expect(persons.every((p) => p.score >= PERSONS.detector.minConfidence && p.score <= 1)).toBe(true);
      const { heads } = headsOf(0, persons, PERSONS);
      for (const [x, y, width, height] of photo.boxes) {
        const truth: Box = { x, y, width, height };
        const coveredShare = Math.max(0, ...heads.map((h) => intersectionArea(truth, h.box) / boxArea(truth)));
        all++;
        if (coveredShare >= 0.75) allCovered++;
        if (width < 40) continue;
        truths++;
        if (persons.some((p) => intersectionArea(truth, p.box) >= 0.5 * boxArea(truth))) inPerson++;
        if (coveredShare >= 0.75) covered++;
      }
    }
    // Measured: 19 faces/heads of 40 px or more; 18 inside a found person, 18 with three
    // quarters of their box in its head region (27 of all 124 boxes: the crowd's small faces
    // belong to persons CenterNet does not find at 512×512).
    expect(truths).toBe(19);
    expect(inPerson).toBeGreaterThanOrEqual(17);
    expect(covered).toBeGreaterThanOrEqual(17);
    expect(allCovered).toBeGreaterThanOrEqual(25);
  }, 60_000);

  it('finds nobody in a picture without people', async () => {
    const noise: RgbFrame = { width: 640, height: 360, data: new Uint8Array(640 * 360 * 3).map((_, i) => (i * 37) % 256) };
    expect(await detector.detect(noise)).toEqual([]);
  });

  it('records the model and threshold it ran with', () => {
    expect(detector.description).toBe('centernet-person@0.3');
  });
});
