import type { FaceDetection, FaceDetector, RgbFrame } from './detection';
import type { FaceApiDetectorOptions } from './faceApiDetector';

/** One face search sent to a detection worker; `data` owns its buffer, so it can be transferred. */
export interface DetectionJob {
  id: number;
  options: FaceApiDetectorOptions;
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Spreads face searches over detection workers (the least busy first) and matches their answers
 * to the searches. Hosts say how a job reaches a worker (Node worker threads, Web Workers) and
 * pass each answer to `settle`.
 */
export class DetectionDispatcher<W> {
  private readonly busy: Map<W, number>;
  private readonly pending = new Map<number, { resolve: (faces: FaceDetection[]) => void; reject: (err: Error) => void; worker: W }>();
  private nextId = 1;

  constructor(
    workers: readonly W[],
    private readonly post: (worker: W, job: DetectionJob) => void,
  ) {
    this.busy = new Map(workers.map((w) => [w, 0]));
  }

  detector(options: FaceApiDetectorOptions): FaceDetector {
    return {
      description: `${options.model}@${options.minConfidence}`,
      minConfidence: options.minConfidence,
      detect: (frame) => this.run(options, frame),
      dispose: () => {},
    };
  }

  /** A worker's answer to job `id`: the faces, or why it failed. */
  settle(id: number, answer: { faces: FaceDetection[] } | { error: Error }): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    this.busy.set(entry.worker, this.busy.get(entry.worker)! - 1);
    if ('faces' in answer) entry.resolve(answer.faces);
    else entry.reject(answer.error);
  }

  /** Fails every search waiting on a worker that crashed. */
  failWorker(worker: W, error: Error): void {
    for (const [id, entry] of this.pending) if (entry.worker === worker) this.settle(id, { error });
  }

  private run(options: FaceApiDetectorOptions, frame: RgbFrame): Promise<FaceDetection[]> {
    const [worker] = [...this.busy.entries()].reduce((a, b) => (b[1] < a[1] ? b : a));
    const id = this.nextId++;
    this.busy.set(worker, this.busy.get(worker)! + 1);
    // Crops own their buffers and can be transferred; a view into a larger buffer is copied.
    const data = frame.data.byteOffset === 0 && frame.data.byteLength === frame.data.buffer.byteLength ? frame.data : frame.data.slice();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      this.post(worker, { id, options, width: frame.width, height: frame.height, data });
    });
  }
}
