import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { blazeFaceInputSize } from '../core/blazeFace';
import type { DetectorOptions, FaceDetection, FaceDetector, RgbFrame } from '../core/detection';
import { confirmByLook, contextRect, fromCrop, turnedCrop, zoomedInput } from '../core/faceAnalysis';
import { iou, type Box } from '../core/geometry';
import { cropResizeRgb, turnRgb, unturnBox } from '../core/image';
import { suppressDuplicates, tileLayout } from '../core/tiling';
import { createNodeDetector } from '../electron/main/detect/nodeFaceDetector';
import { FACES_DEV_DIR, loadPhoto, YUNET_MODEL } from '../tests/helpers/media';
import { loadDevPhotos, type DevPhoto } from './assurance/realSuite';
import { faceOfHead } from './assurance/realTruth';

/**
 * Face detectors side by side on the 13 faces-dev photos (124 annotated faces): SSD, Tiny (at the
 * photo's own scale), the BlazeFace models (human's, MediaPipe's short and full range) and YuNet
 * (reference only, never shipped). Each model searches (a) the whole photo and, where the model
 * shrinks the photo to a small input, (b) the whole photo plus overlapping square tiles, merged;
 * (c) the photo turned 90° (a person lying down) searched the same way (whole photo and the first tile size),
 * (d) a zoomed look at each annotated face (a crop 2.2× the face, as the tracker's second look),
 * upright and (e) turned 90°; (f) as a second look confirming SSD's and Tiny's detections, true and false. Reports recall by face width, false positives and time per image;
 * writes bench/results/detectors.json. Also measures each model's box shape against SSD's on the
 * faces both find. Run: npx tsx bench/detectors.ts [model…]
 */

/** Every model runs at the lowest threshold; the others are scored from its detections (see Search). */
const THRESHOLDS = [0.3, 0.5, 0.7];
/** The threshold of the main table (SSD's and Tiny's in the presets). */
const MAIN_THRESHOLD = 0.5;
/** A detection matches an annotated face at this overlap (face boxes: WIDER's, and the middle of VOC's head boxes). */
const MATCH_IOU = 0.3;
const BUCKETS = [
  { name: '>=48', min: 48, max: Infinity },
  { name: '24-48', min: 24, max: 48 },
  { name: '<24', min: 0, max: 24 },
] as const;
/** Zoomed looks, as the tracker's: a square crop 2.2× the face's larger side. */
const ZOOM_CONTEXT = 2.2;
/** Faces under this are not given a zoomed look (the second look's own floor, presets' minSize is 48; smaller still tells something). */
const ZOOM_MIN_FACE = 16;

interface ModelRun {
  name: string;
  options: DetectorOptions;
  /** Square tile sides to search besides the whole photo (none: the model already runs at the photo's own scale). */
  tiles: number[];
  /** Side the zoomed crop is resized to; also the square the bare inference time is measured on. */
  zoomInput: number;
}

/** Rounds of the bare inference timing, every model once per round (the machine's load then weighs on all alike). */
const TIMING_ROUNDS = 15;

const blaze = (model: 'blazeface-human' | 'mediapipe-short' | 'mediapipe-full', minConfidence: number): ModelRun => {
  const input = blazeFaceInputSize(model);
  return { name: model, options: { model, minConfidence }, tiles: [input, 2 * input], zoomInput: input };
};

const RUNS: ModelRun[] = [
  { name: 'ssd', options: { model: 'ssd-mobilenet-v1', minConfidence: THRESHOLDS[0] }, tiles: [512], zoomInput: 512 },
  { name: 'tiny', options: { model: 'tiny-face-detector', minConfidence: THRESHOLDS[0] }, tiles: [], zoomInput: 160 },
  blaze('blazeface-human', THRESHOLDS[0]),
  blaze('mediapipe-short', THRESHOLDS[0]),
  blaze('mediapipe-full', THRESHOLDS[0]),
  { name: 'yunet', options: { model: 'onnx', file: YUNET_MODEL, sha256: '', minConfidence: THRESHOLDS[0] }, tiles: [], zoomInput: 160 },
];

interface Truth {
  box: Box;
  photo: string;
}

function truthOf(photo: DevPhoto): Truth[] {
  return photo.boxes.map((b) => {
    const [x, y, width, height] = photo.kind === 'head' ? faceOfHead(b) : b;
    return { box: { x, y, width, height }, photo: photo.file };
  });
}

const bucketOf = (box: Box) => BUCKETS.find((b) => box.width >= b.min && box.width < b.max)!.name;

/** Greedy one-to-one matching, best detection first: the detection that found each truth, or null. */
function match(truths: readonly Truth[], found: readonly FaceDetection[]): (FaceDetection | null)[] {
  const hits: (FaceDetection | null)[] = truths.map(() => null);
  for (const d of [...found].sort((a, b) => b.score - a.score)) {
    let best = -1;
    let bestIou = MATCH_IOU;
    truths.forEach((t, i) => {
      const overlap = iou(t.box, d.box);
      if (!hits[i] && overlap >= bestIou) {
        best = i;
        bestIou = overlap;
      }
    });
    if (best >= 0) hits[best] = d;
  }
  return hits;
}

async function searchTiles(detector: FaceDetector, frame: RgbFrame, side: number): Promise<FaceDetection[]> {
  const found: FaceDetection[] = [];
  // A quarter of the tile overlaps: a face up to a quarter of the tile lies whole in some tile.
  for (const rect of tileLayout(frame.width, frame.height, { width: side, height: side }, Math.round(side / 4))) {
    const tile = cropResizeRgb(frame, rect, rect.width, rect.height);
    for (const d of await detector.detect(tile)) found.push({ ...d, box: { ...d.box, x: d.box.x + rect.x, y: d.box.y + rect.y } });
  }
  return found;
}

/**
 * One search: the faces it is meant to find (a whole photo's, or the one face a zoomed look is at),
 * every annotated face of the photo (a detection matching none is a false positive), what it
 * found at the lowest threshold, and its time. Higher thresholds are scored by dropping the
 * detections below them: every suppression (the models' own and the tile merge) keeps the
 * higher score, so that is what running at the higher threshold gives.
 */
interface Search {
  truths: Truth[];
  annotated: Truth[];
  found: FaceDetection[];
  ms: number;
}

interface Tally {
  truths: Record<string, number>;
  found: Record<string, number>;
  falsePositives: number;
  msPerSearch: number;
  searches: number;
}

function tally(searches: readonly Search[], threshold: number): Tally {
  const out: Tally = { truths: {}, found: {}, falsePositives: 0, msPerSearch: 0, searches: searches.length };
  for (const b of BUCKETS) out.truths[b.name] = out.found[b.name] = 0;
  for (const search of searches) {
    const found = search.found.filter((d) => d.score >= threshold);
    const hits = match(search.truths, found);
    search.truths.forEach((t, i) => {
      out.truths[bucketOf(t.box)]++;
      if (hits[i]) out.found[bucketOf(t.box)]++;
    });
    out.falsePositives += found.filter((d) => !search.annotated.some((t) => iou(t.box, d.box) >= MATCH_IOU)).length;
    out.msPerSearch += search.ms / searches.length;
  }
  return out;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : NaN;
};

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const runs = only.length ? RUNS.filter((r) => only.includes(r.name)) : RUNS;
  const photos = loadDevPhotos();
  const frames = await Promise.all(photos.map((p) => loadPhoto(path.join(FACES_DEV_DIR, p.file))));
  const searches: Record<string, Record<string, Search[]>> = {};
  for (const run of runs) {
    const detector = await createNodeDetector(run.options);
    await detector.detect(frames[0]); // warm-up: the first call compiles and allocates
    const modes: Record<string, Search[]> = { whole: [], ...Object.fromEntries(run.tiles.map((side) => [`tiles${side}`, []])), turned90: [], zoom: [], zoom90: [] };
    const timed = async (find: () => Promise<FaceDetection[]>) => {
      const t = performance.now();
      const found = await find();
      return { found, ms: performance.now() - t };
    };
    for (const [p, photo] of photos.entries()) {
      const frame = frames[p];
      const truths = truthOf(photo);
      const whole = await timed(() => detector.detect(frame));
      modes.whole.push({ truths, annotated: truths, ...whole });
      for (const side of run.tiles) {
        const tiles = await timed(async () => suppressDuplicates([...whole.found, ...(await searchTiles(detector, frame, side))]));
        modes[`tiles${side}`].push({ truths, annotated: truths, found: tiles.found, ms: whole.ms + tiles.ms });
      }
      // The photo turned 90° clockwise (a person lying down), searched as upright: whole, plus the first tile size.
      const turned = turnRgb(frame, 90);
      const turnedSearch = await timed(async () => {
        const found = [...(await detector.detect(turned)), ...(run.tiles.length ? await searchTiles(detector, turned, run.tiles[0]) : [])];
        return suppressDuplicates(found).map((d) => ({ ...d, box: unturnBox(d.box, 90, frame.width, frame.height) }));
      });
      modes.turned90.push({ truths, annotated: truths, ...turnedSearch });
      for (const [mode, turn] of [
        ['zoom', 0],
        ['zoom90', 90],
      ] as const) {
        for (const truth of truths) {
          if (Math.max(truth.box.width, truth.box.height) < ZOOM_MIN_FACE) continue;
          const rect = contextRect(truth.box, ZOOM_CONTEXT);
          const crop = turnedCrop(rect, zoomedInput(frame, rect, run.zoomInput), turn, detector);
          const look = await timed(async () => (await detector.detect(crop.image)).map((d) => ({ ...d, box: fromCrop(d.box, crop) })));
          // Only the face looked at is to be found; other annotated faces in the crop are not false positives.
          modes[mode].push({ truths: [truth], annotated: truths, ...look });
        }
      }
      process.stdout.write('.');
    }
    detector.dispose();
    searches[run.name] = modes;
    console.log(` ${run.name}`);
  }
  const results = Object.fromEntries(
    Object.entries(searches).map(([name, modes]) => [
      name,
      Object.fromEntries(Object.entries(modes).map(([mode, list]) => [mode, Object.fromEntries(THRESHOLDS.map((th) => [th, tally(list, th)]))])),
    ]),
  ) as Record<string, Record<string, Record<number, Tally>>>;

  // Second opinions: SSD's (tiles) and Tiny's (whole photo) detections at 0.5, true and false,
  // each looked at by every model as the tracker confirms a new face (core/faceAnalysis.ts).
  const confirmations: Record<string, { faces: number; facesConfirmed: number; nonFaces: number; nonFacesConfirmed: number }> = {};
  if (searches.ssd && searches.tiny) {
    const candidates = photos.flatMap((photo, p) => {
      const annotated = truthOf(photo);
      const found = suppressDuplicates([...searches.ssd.tiles512[p].found, ...searches.tiny.whole[p].found].filter((d) => d.score >= MAIN_THRESHOLD));
      return found
        .filter((d) => Math.max(d.box.width, d.box.height) >= ZOOM_MIN_FACE)
        .map((d) => ({ p, box: d.box, face: annotated.some((t) => iou(t.box, d.box) >= MATCH_IOU) }));
    });
    for (const run of runs) {
      const detector = await createNodeDetector({ ...run.options, minConfidence: MAIN_THRESHOLD } as DetectorOptions);
      const tallyOf = { faces: 0, facesConfirmed: 0, nonFaces: 0, nonFacesConfirmed: 0 };
      for (const c of candidates) {
        const { confirmed } = await confirmByLook(frames[c.p], c.box, { looks: [{ detector: run.options, inputSize: run.zoomInput }], context: ZOOM_CONTEXT, minSize: 0 }, () => detector);
        if (c.face) {
          tallyOf.faces++;
          if (confirmed) tallyOf.facesConfirmed++;
        } else {
          tallyOf.nonFaces++;
          if (confirmed) tallyOf.nonFacesConfirmed++;
        }
      }
      confirmations[run.name] = tallyOf;
    }
    console.log(`second look at SSD's and Tiny's detections (${MAIN_THRESHOLD}, ${ZOOM_MIN_FACE} px or more): ${Object.entries(confirmations).map(([name, c]) => `${name} confirms ${c.facesConfirmed}/${c.faces} faces, ${c.nonFacesConfirmed}/${c.nonFaces} non-faces`).join('; ')}`);
  }

  // Bare inference time per model on one square of its input size, interleaved across models.
  const detectors = await Promise.all(runs.map((r) => createNodeDetector(r.options)));
  const squares = runs.map((r) => cropResizeRgb(frames[0], { x: 0, y: 0, width: Math.min(frames[0].width, frames[0].height), height: Math.min(frames[0].width, frames[0].height) }, r.zoomInput, r.zoomInput));
  const inferenceMs: number[][] = runs.map(() => []);
  for (let round = 0; round < TIMING_ROUNDS; round++) {
    for (const [i, detector] of detectors.entries()) {
      const t = performance.now();
      await detector.detect(squares[i]);
      inferenceMs[i].push(performance.now() - t);
    }
  }
  const inference = Object.fromEntries(runs.map((r, i) => [r.name, { input: r.zoomInput, ms: median(inferenceMs[i]) }]));
  console.log(`inference on one square of the zoomed input size (median of ${TIMING_ROUNDS}, interleaved): ${runs.map((r) => `${r.name} ${r.zoomInput}² ${inference[r.name].ms.toFixed(1)} ms`).join(', ')}`);

  const table = (rows: string[][]) => {
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    for (const r of rows) console.log(r.map((v, c) => v.padEnd(widths[c])).join('  '));
  };
  const allFound = (t: Tally) => `${BUCKETS.reduce((s, b) => s + t.found[b.name], 0)}/${BUCKETS.reduce((s, b) => s + t.truths[b.name], 0)}`;
  const rows: string[][] = [['model', 'mode', ...BUCKETS.map((b) => `found ${b.name}`), 'found all', 'false pos.', 'ms/search']];
  for (const [name, modes] of Object.entries(results)) {
    for (const [mode, byThreshold] of Object.entries(modes)) {
      const t = byThreshold[MAIN_THRESHOLD];
      rows.push([name, mode, ...BUCKETS.map((b) => `${t.found[b.name]}/${t.truths[b.name]}`), allFound(t), String(t.falsePositives), t.msPerSearch.toFixed(1)]);
    }
  }
  console.log(`at ${MAIN_THRESHOLD} (zoom rows: one search per face of ${ZOOM_MIN_FACE} px or more):`);
  table(rows);
  const sweep: string[][] = [['model', 'mode', ...THRESHOLDS.map((th) => `found / false pos. @${th}`)]];
  for (const [name, modes] of Object.entries(results)) {
    for (const [mode, byThreshold] of Object.entries(modes)) sweep.push([name, mode, ...THRESHOLDS.map((th) => `${allFound(byThreshold[th])} / ${byThreshold[th].falsePositives}`)]);
  }
  table(sweep);

  // Box shape against SSD's on the WIDER faces (tight face boxes) both find, each searching the
  // whole photo and tiles of its own input size (most faces found), or the whole photo at its own scale.
  const shapes: Record<string, { faces: number; width: number; height: number; centreShiftY: number; centreShiftX: number }> = {};
  const bestHits = (name: string) => {
    const run = runs.find((r) => r.name === name)!;
    return searches[name][run.tiles.length ? `tiles${run.tiles[0]}` : 'whole'].map((search) => match(search.truths, search.found.filter((d) => d.score >= MAIN_THRESHOLD)));
  };
  if (searches.ssd) {
    const ssdHits = bestHits('ssd');
    for (const name of Object.keys(searches).filter((n) => n !== 'ssd')) {
      const hits = bestHits(name);
      const w: number[] = [];
      const h: number[] = [];
      const dy: number[] = [];
      const dx: number[] = [];
      photos.forEach((photo, p) => {
        if (photo.kind !== 'face') return;
        hits[p].forEach((d, i) => {
          const s = ssdHits[p][i];
          if (!d || !s) return;
          w.push(d.box.width / s.box.width);
          h.push(d.box.height / s.box.height);
          dy.push((d.box.y + d.box.height / 2 - (s.box.y + s.box.height / 2)) / s.box.height);
          dx.push((d.box.x + d.box.width / 2 - (s.box.x + s.box.width / 2)) / s.box.width);
        });
      });
      shapes[name] = { faces: w.length, width: median(w), height: median(h), centreShiftY: median(dy), centreShiftX: median(dx) };
    }
    console.log('box shape against SSD (medians over the WIDER faces both find):');
    for (const [name, s] of Object.entries(shapes)) {
      console.log(`  ${name}: ${s.faces} faces, ${s.width.toFixed(2)}× as wide, ${s.height.toFixed(2)}× as tall, centre ${s.centreShiftX.toFixed(2)} widths right, ${s.centreShiftY.toFixed(2)} heights lower`);
    }
  }
  const out = path.join(import.meta.dirname, 'results', 'detectors.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ matchIou: MATCH_IOU, thresholds: THRESHOLDS, zoomContext: ZOOM_CONTEXT, zoomMinFace: ZOOM_MIN_FACE, results, confirmations, inference, boxShapeAgainstSsd: shapes }, null, 2)}\n`);
  console.log(`written ${path.relative(process.cwd(), out)}`);
}

await main();
