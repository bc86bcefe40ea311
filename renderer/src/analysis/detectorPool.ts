import type { DetectorOptions, FaceDetector } from '../../../core/detection';
import { DetectionDispatcher, type SearchUrgency } from '../../../core/detectionDispatch';
import type { Backend, DetectorReply, DetectorRequest } from './protocol';
import type { DetectionAssets } from '../../../electron/shared/contract';

/** Most face-model workers: each holds its own copy of the models (tens of MB). */
const MAX_WORKERS = 4;

/**
 * Face-model workers for the analysis engine, as the CLI's DetectorPool is for Node: wasm runs one
 * core per worker, so there is one worker per core; WebGL shares one GPU, so one worker. Each crop
 * waits for the next free worker (urgent ones first), its pixels transferred, not copied.
 */
export class BrowserDetectorPool {
  private readonly dispatch: DetectionDispatcher<Worker>;

  private constructor(
    private readonly workers: Worker[],
    readonly backend: Backend,
  ) {
    this.dispatch = new DetectionDispatcher(workers, (worker, job) =>
      worker.postMessage({ type: 'detect', ...job } satisfies DetectorRequest, [job.data.buffer as ArrayBuffer]),
    );
    for (const worker of workers) {
      worker.onmessage = (event: MessageEvent<DetectorReply>) => {
        const reply = event.data;
        if (reply.type === 'faces') this.dispatch.settle(reply.id, { faces: reply.faces });
        if (reply.type === 'error') this.dispatch.settle(reply.id, { error: new Error(`face detection failed: ${reply.message}`) });
      };
      worker.onerror = (event) => this.dispatch.failWorker(worker, new Error(event.message || 'the face-model worker crashed'));
    }
  }

  /** Starts the first worker (which picks the backend), then the others on the same backend. */
  static async start(assets: DetectionAssets, backends: Backend[]): Promise<BrowserDetectorPool> {
    const first = await startWorker(assets, backends);
    const size = first.backend === 'webgl' ? 1 : Math.max(1, Math.min(MAX_WORKERS, navigator.hardwareConcurrency || 1));
    const others = await Promise.all(Array.from({ length: size - 1 }, () => startWorker(assets, [first.backend])));
    return new BrowserDetectorPool([first, ...others].map((w) => w.worker), first.backend);
  }

  get size(): number {
    return this.workers.length;
  }

  detector(options: DetectorOptions, urgency?: SearchUrgency): FaceDetector {
    return this.dispatch.detector(options, urgency);
  }

  close(): void {
    for (const worker of this.workers) worker.terminate();
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
