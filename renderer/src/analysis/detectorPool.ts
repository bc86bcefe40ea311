import type { FaceDetection, FaceDetector, RgbFrame } from '../../../core/detection';
import type { FaceApiDetectorOptions } from '../../../core/faceApiDetector';
import type { Backend, DetectorReply, DetectorRequest } from './protocol';
import type { DetectionAssets } from '../../../electron/shared/contract';

interface PoolWorker {
  worker: Worker;
  busy: number;
}

/** Most face-model workers: each holds its own copy of the models (tens of MB). */
const MAX_WORKERS = 4;

/**
 * Face-model workers for the analysis engine, as the CLI's DetectorPool is for Node: wasm runs one
 * core per worker, so there is one worker per core; WebGL shares one GPU, so one worker. Each crop
 * goes to the least busy worker, its pixels transferred, not copied.
 */
export class BrowserDetectorPool {
  private readonly pending = new Map<number, { resolve: (faces: FaceDetection[]) => void; reject: (err: Error) => void; worker: PoolWorker }>();
  private nextId = 1;

  private constructor(
    private readonly workers: PoolWorker[],
    readonly backend: Backend,
  ) {
    for (const entry of workers) {
      entry.worker.onmessage = (event: MessageEvent<DetectorReply>) => this.settle(event.data);
      entry.worker.onerror = (event) => this.failAll(entry, event.message || 'the face-model worker crashed');
    }
  }

  /** Starts the first worker (which picks the backend), then the others on the same backend. */
  static async start(assets: DetectionAssets, backends: Backend[]): Promise<BrowserDetectorPool> {
    const first = await startWorker(assets, backends);
    const size = first.backend === 'webgl' ? 1 : Math.max(1, Math.min(MAX_WORKERS, navigator.hardwareConcurrency || 1));
    const others = await Promise.all(Array.from({ length: size - 1 }, () => startWorker(assets, [first.backend])));
    return new BrowserDetectorPool([first, ...others].map((w) => ({ worker: w.worker, busy: 0 })), first.backend);
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

  close(): void {
    for (const { worker } of this.workers) worker.terminate();
  }

  private run(options: FaceApiDetectorOptions, frame: RgbFrame): Promise<FaceDetection[]> {
    const target = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    target.busy++;
    // Crops own their buffers and can be transferred; a view into a larger buffer is copied.
    const data = frame.data.byteOffset === 0 && frame.data.byteLength === frame.data.buffer.byteLength ? frame.data : frame.data.slice();
    const request: DetectorRequest = { type: 'detect', id, options, width: frame.width, height: frame.height, data };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: target });
      target.worker.postMessage(request, [data.buffer as ArrayBuffer]);
    });
  }

  private settle(reply: DetectorReply): void {
    if (reply.type !== 'faces' && reply.type !== 'error') return;
    const entry = this.pending.get(reply.id);
    if (!entry) return;
    this.pending.delete(reply.id);
    entry.worker.busy--;
    if (reply.type === 'faces') entry.resolve(reply.faces);
    else entry.reject(new Error(`face detection failed: ${reply.message}`));
  }

  private failAll(worker: PoolWorker, message: string): void {
    for (const [id, entry] of this.pending) {
      if (entry.worker !== worker) continue;
      this.pending.delete(id);
      entry.reject(new Error(message));
    }
  }
}

function startWorker(assets: DetectionAssets, backends: Backend[]): Promise<{ worker: Worker; backend: Backend }> {
  const worker = new Worker(new URL('./detectorWorker.ts', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<DetectorReply>) => {
      const reply = event.data;
      if (reply.type === 'ready') resolve({ worker, backend: reply.backend });
      else if (reply.type === 'failed') {
        worker.terminate();
        reject(new Error(reply.message));
      }
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(`the face-model worker did not start: ${event.message || 'unknown error'}`));
    };
    worker.postMessage({ type: 'init', assets, backends } satisfies DetectorRequest);
  });
}
