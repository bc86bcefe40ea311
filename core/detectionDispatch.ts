import { detectorName, type DetectorOptions, type FaceDetection, type FaceDetector, type RgbFrame } from './detection';

/** One search (for faces, or for persons) sent to a detection worker; `data` owns its buffer, so it can be transferred. */
export interface DetectionJob {
  id: number;
  options: DetectorOptions;
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * How soon a search is needed: `urgent` searches hold up tracking (zoomed looks at known faces),
 * `background` ones run ahead of it (searching whole frames for new faces).
 */
export type SearchUrgency = 'urgent' | 'background';

interface QueuedSearch {
  job: DetectionJob;
  resolve: (faces: FaceDetection[]) => void;
  reject: (err: Error) => void;
}

/**
 * Spreads face searches over detection workers and matches their answers to the searches. Each
 * worker gets one search at a time and the rest wait here, urgent ones first: a worker's own
 * queue would put a 6 ms zoomed look that tracking waits for behind a third of a second of
 * whole-frame search. Hosts say how a job reaches a worker (Node worker threads, Web Workers)
 * and pass each answer to `settle`.
 */
export class DetectionDispatcher<W> {
  private readonly idle: W[];
  private readonly queues: Record<SearchUrgency, QueuedSearch[]> = { urgent: [], background: [] };
  private readonly running = new Map<number, QueuedSearch & { worker: W }>();
  private nextId = 1;

  constructor(
    workers: readonly W[],
    private readonly post: (worker: W, job: DetectionJob) => void,
  ) {
    this.idle = [...workers];
  }

  detector(options: DetectorOptions, urgency: SearchUrgency = 'background'): FaceDetector {
    return {
      description: detectorName(options),
      minConfidence: options.minConfidence,
      detect: (frame) => this.enqueue(options, frame, urgency),
      dispose: () => {},
    };
  }

  /** A worker's answer to job `id`: the faces, or why it failed. The worker then takes the next search. */
  settle(id: number, answer: { faces: FaceDetection[] } | { error: Error }): void {
    const search = this.running.get(id);
    if (!search) return;
    this.running.delete(id);
    if ('faces' in answer) search.resolve(answer.faces);
    else search.reject(answer.error);
    this.idle.push(search.worker);
    this.startNext();
  }

  /** Fails the search running on a worker that crashed; the worker gets no more. */
  failWorker(worker: W, error: Error): void {
    for (const [id, search] of this.running) {
      if (search.worker !== worker) continue;
      this.running.delete(id);
      search.reject(error);
    }
    const at = this.idle.indexOf(worker);
    if (at >= 0) this.idle.splice(at, 1);
    if (this.idle.length === 0 && this.running.size === 0) {
      for (const search of [...this.queues.urgent.splice(0), ...this.queues.background.splice(0)]) search.reject(error);
    }
  }

  private enqueue(options: DetectorOptions, frame: RgbFrame, urgency: SearchUrgency): Promise<FaceDetection[]> {
    // Crops own their buffers and can be transferred; a view into a larger buffer is copied.
    const data = frame.data.byteOffset === 0 && frame.data.byteLength === frame.data.buffer.byteLength ? frame.data : frame.data.slice();
    return new Promise((resolve, reject) => {
      this.queues[urgency].push({ job: { id: this.nextId++, options, width: frame.width, height: frame.height, data }, resolve, reject });
      this.startNext();
    });
  }

  private startNext(): void {
    while (this.idle.length > 0) {
      const search = this.queues.urgent.shift() ?? this.queues.background.shift();
      if (!search) return;
      const worker = this.idle.shift()!;
      this.running.set(search.job.id, { ...search, worker });
      this.post(worker, search.job);
    }
  }
}
