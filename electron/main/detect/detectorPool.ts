import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { BlurlineError } from '../../../core/errors';
import type { FaceDetection, FaceDetector, RgbFrame } from '../../../core/detection';
import type { FaceApiDetectorOptions } from '../../../core/faceApiDetector';
import type { DetectReply, DetectRequest } from './detectorWorker';

interface PoolWorker {
  worker: Worker;
  busy: number;
}

/**
 * Runs detections in parallel worker threads (the wasm backend is single-threaded in Node, so
 * one worker per core is how detection uses the whole CPU). Detectors made by `detector()` send
 * each frame to the least busy worker; frames are transferred, not copied.
 */
export class DetectorPool {
  private readonly workers: PoolWorker[];
  private readonly pending = new Map<number, { resolve: (faces: FaceDetection[]) => void; reject: (err: Error) => void; worker: PoolWorker }>();
  private nextId = 1;

  constructor(size = Math.max(1, os.availableParallelism())) {
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(new URL('./detectorWorkerEntry.mjs', import.meta.url));
      const entry: PoolWorker = { worker, busy: 0 };
      worker.on('message', (reply: DetectReply) => this.settle(reply));
      worker.on('error', (err) => this.failAll(entry, err));
      return entry;
    });
  }

  get size(): number {
    return this.workers.length;
  }

  detector(options: FaceApiDetectorOptions): FaceDetector {
    return {
      description: `${options.model}@${options.minConfidence}`,
      minConfidence: options.minConfidence,
      detect: (frame) => this.run(options, frame),
      dispose: () => {},
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  private run(options: FaceApiDetectorOptions, frame: RgbFrame): Promise<FaceDetection[]> {
    const target = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    target.busy++;
    // Copy only when the frame's buffer is shared with other data (then it cannot be transferred).
    const data = frame.data.byteOffset === 0 && frame.data.byteLength === frame.data.buffer.byteLength ? frame.data : frame.data.slice();
    const request: DetectRequest = { id, options, width: frame.width, height: frame.height, data };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: target });
      target.worker.postMessage(request, [data.buffer as ArrayBuffer]);
    });
  }

  private settle(reply: DetectReply): void {
    const entry = this.pending.get(reply.id);
    if (!entry) return;
    this.pending.delete(reply.id);
    entry.worker.busy--;
    if (reply.ok) entry.resolve(reply.faces);
    else entry.reject(new BlurlineError('DETECTOR_FAILED', `face detection failed: ${reply.message}`));
  }

  private failAll(worker: PoolWorker, err: Error): void {
    for (const [id, entry] of this.pending) {
      if (entry.worker !== worker) continue;
      this.pending.delete(id);
      entry.reject(new BlurlineError('DETECTOR_FAILED', `detection worker crashed: ${err.message}`));
    }
  }
}
