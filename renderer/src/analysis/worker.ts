import { describeSchedule, FaceAnalysis } from '../../../core/faceAnalysis';
import type { SearchUrgency } from '../../../core/detectionDispatch';
import type { DetectorOptions } from '../../../core/detection';
import { scaleBox } from '../../../core/geometry';
import { splitFrames } from '../../../core/rawFrames';
import { DETECTION_PRESETS } from '../../../core/presets';
import type { Track } from '../../../core/project';
import { progressFromFrames } from '../../../core/progress';
import { BrowserDetectorPool } from './detectorPool';
import type { AnalyseRequest, WorkerReply, WorkerRequest } from './protocol';

/**
 * The analysis worker: the CLI's analysis engine (core/faceAnalysis), fed exact-index RGB frames
 * streamed from the host, its face searches run by a pool of face-model workers. The tracks found
 * so far are published while the run goes on, so they appear on the timeline as they are found.
 */

const scope = self as unknown as {
  postMessage(message: WorkerReply): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
};

/** The tracks found so far reach the timeline every this many frames. */
const PUBLISH_EVERY_FRAMES = 60;

let running: AbortController | null = null;
/** Started on the first run; the models stay loaded for the next. */
let pool: Promise<BrowserDetectorPool> | null = null;

function post(message: WorkerReply): void {
  scope.postMessage(message);
}

/** Fetches frames `first..last` as RGB24 from the host and yields them one at a time, in index order. */
async function* fetchFrames(framesUrl: string, first: number, last: number, width: number, signal: AbortSignal) {
  const response = await fetch(`${framesUrl}?start=${first}&count=${last - first + 1}&width=${width}`, { signal });
  if (!response.ok || !response.body) {
    throw new Error(`the host could not decode frames ${first}–${last} (${response.status} ${await response.text()})`);
  }
  const w = Number(response.headers.get('X-Frame-Width'));
  const h = Number(response.headers.get('X-Frame-Height'));
  if (!(w > 0 && h > 0)) throw new Error('the host sent frames without X-Frame-Width/X-Frame-Height headers');
  let index = first;
  for await (const data of splitFrames(response.body, w * h * 3)) {
    yield { index, frame: { data, width: w, height: h } };
    index++;
  }
  if (index <= last) throw new Error(`the host sent frames up to ${index - 1}, expected up to ${last}`);
}

async function analyse(request: AnalyseRequest, signal: AbortSignal): Promise<void> {
  post({ type: 'stage', stage: 'loading the face models' });
  pool ??= BrowserDetectorPool.start(request.assets, request.backends);
  // A pool that failed to start is retried by the next run.
  const detectors = await pool.catch((err: Error) => {
    pool = null;
    throw err;
  });
  const backend = `${detectors.backend} × ${detectors.size}`;
  const preset = DETECTION_PRESETS[request.preset];
  const detectorFor = (options: DetectorOptions, urgency: SearchUrgency) => detectors.detector(options, urgency);

  const total = request.last - request.first + 1;
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const width = Math.min(preset.maxAnalysisWidth, request.source.width);
  const analysis = new FaceAnalysis(detectorFor, preset.schedule);
  let scale = 1;
  let analysisWidth = width;
  let lastReport = 0;
  // Boxes come back in analysis pixels; the project keeps source pixels.
  const toSource = (tracks: Track[]): Track[] =>
    tracks.map((t, i) => ({ ...t, id: `found-${i + 1}`, keyframes: t.keyframes.map((k) => ({ ...k, box: scaleBox(k.box, scale) })) }));

  post({ type: 'stage', stage: 'analysing', backend });
  let lastIndex = request.first - 1;
  try {
    // One engine over the whole range, as the CLI runs it; the tracks so far are published as it goes.
    for await (const { index, frame } of fetchFrames(request.framesUrl, request.first, request.last, width, signal)) {
      if (index === request.first) {
        analysisWidth = frame.width;
        scale = request.source.width / frame.width;
      }
      await analysis.push(index, frame);
      lastIndex = index;
      if (signal.aborted) break;
      if ((index - request.first + 1) % PUBLISH_EVERY_FRAMES === 0) post({ type: 'tracks', tracks: toSource(analysis.tracksSoFar()) });
      if (performance.now() - lastReport > 250) {
        lastReport = performance.now();
        post({ type: 'progress', progress: progressFromFrames(index - request.first + 1, total, elapsed()) });
      }
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
  // A cancelled run keeps what it found on the frames it analysed.
  const found = toSource(await analysis.finish(signal.aborted ? lastIndex : request.last));
  if (signal.aborted) {
    post({ type: 'cancelled', tracks: found, lastFrame: lastIndex });
    return;
  }
  post({ type: 'progress', progress: progressFromFrames(total, total, elapsed()) });
  post({
    type: 'done',
    tracks: found,
    record: {
      detector: describeSchedule(preset.schedule),
      minConfidence: Math.min(...preset.schedule.discovery.map((level) => level.detector.minConfidence)),
      analysisWidth,
      framesAnalysed: analysis.stats.framesAnalysed,
    },
  });
}

scope.onmessage = (event) => {
  const request = event.data;
  if (request.type === 'cancel') {
    running?.abort();
    return;
  }
  if (running) {
    post({ type: 'failed', message: 'an analysis is already running' });
    return;
  }
  const controller = new AbortController();
  running = controller;
  analyse(request, controller.signal)
    .catch((err: Error) => post({ type: 'failed', message: err.message }))
    .finally(() => {
      if (running === controller) running = null;
    });
};
