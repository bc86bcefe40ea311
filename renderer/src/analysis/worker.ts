import { appendSegmentTracks } from '../../../core/edits';
import { describeSchedule, FaceAnalysis } from '../../../core/faceAnalysis';
import type { FaceApiDetectorOptions } from '../../../core/faceApiDetector';
import { scaleBox } from '../../../core/geometry';
import { splitFrames } from '../../../core/rawFrames';
import { DETECTION_PRESETS } from '../../../core/presets';
import type { Track } from '../../../core/project';
import { progressFromFrames } from '../../../core/progress';
import { BrowserDetectorPool } from './detectorPool';
import type { AnalyseRequest, WorkerReply, WorkerRequest } from './protocol';

/**
 * The analysis worker: the CLI's analysis engine (core/faceAnalysis), fed exact-index RGB frames
 * streamed from the host, its face searches run by a pool of face-model workers. The clip is
 * analysed in segments so tracks reach the timeline while the run goes on; a face that crosses a
 * segment boundary is joined.
 */

const scope = self as unknown as {
  postMessage(message: WorkerReply): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
};

/** Frames per segment: tracks are published after each one. */
const SEGMENT_FRAMES = 60;

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
  const detectorFor = (options: FaceApiDetectorOptions) => detectors.detector(options);

  const total = request.last - request.first + 1;
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const width = Math.min(preset.maxAnalysisWidth, request.source.width);
  let found: Track[] = [];
  let nextId = 1;
  let framesAnalysed = 0;
  let analysisWidth = width;
  let segment: { analysis: FaceAnalysis; first: number; scale: number } | null = null;
  let lastReport = 0;

  const closeSegment = async (lastFrame: number) => {
    if (!segment) return;
    const tracks = await segment.analysis.finish(lastFrame);
    framesAnalysed += segment.analysis.stats.framesAnalysed;
    const scale = segment.scale;
    const scaled = tracks.map((t) => ({
      ...t,
      id: `found-${nextId++}`,
      keyframes: t.keyframes.map((k) => ({ ...k, box: scaleBox(k.box, scale) })),
    }));
    found = appendSegmentTracks(found, scaled, segment.first);
    segment = null;
    post({ type: 'tracks', tracks: found });
  };

  post({ type: 'stage', stage: 'analysing', backend });
  let lastIndex = request.first - 1;
  try {
    // One request and one engine per segment: the host seeks to each segment's first frame.
    for (let first = request.first; first <= request.last && !signal.aborted; first += SEGMENT_FRAMES) {
      const last = Math.min(request.last, first + SEGMENT_FRAMES - 1);
      for await (const { index, frame } of fetchFrames(request.framesUrl, first, last, width, signal)) {
        if (!segment) {
          analysisWidth = frame.width;
          segment = { analysis: new FaceAnalysis(detectorFor, preset.schedule), first: index, scale: request.source.width / frame.width };
        }
        await segment.analysis.push(index, frame);
        lastIndex = index;
        if (signal.aborted) break;
        if (performance.now() - lastReport > 250) {
          lastReport = performance.now();
          post({ type: 'progress', progress: progressFromFrames(index - request.first + 1, total, elapsed()) });
        }
      }
      if (!signal.aborted) await closeSegment(last);
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
  // A cancelled run keeps what it found on the frames it analysed.
  await closeSegment(lastIndex);
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
      framesAnalysed,
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
