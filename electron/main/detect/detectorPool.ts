import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { DetectionDispatcher, type SearchUrgency } from '../../../core/detectionDispatch';
import { BlurlineError } from '../../../core/errors';
import type { DetectorOptions, FaceDetector } from '../../../core/detection';
import type { DetectReply, DetectRequest } from './detectorWorker';

/**
 * Runs detections in parallel worker threads (the wasm backend is single-threaded in Node, so
 * one worker per core is how detection uses the whole CPU). Detectors made by `detector()` queue
 * their searches for the next free worker (urgent ones first); frames are transferred, not copied.
 */
export class DetectorPool {
  private readonly workers: Worker[];
  private readonly dispatcher: DetectionDispatcher<Worker>;

  constructor(size = Math.max(1, os.availableParallelism())) {
    this.workers = Array.from({ length: size }, () => new Worker(new URL('./detectorWorkerEntry.mjs', import.meta.url)));
    this.dispatcher = new DetectionDispatcher(this.workers, (worker, job: DetectRequest) => worker.postMessage(job, [job.data.buffer as ArrayBuffer]));
    for (const worker of this.workers) {
      worker.on('message', (reply: DetectReply) =>
        this.dispatcher.settle(reply.id, reply.ok ? { faces: reply.faces } : { error: new BlurlineError('DETECTOR_FAILED', `face detection failed: ${reply.message}`) }),
      );
      worker.on('error', (err) => this.dispatcher.failWorker(worker, new BlurlineError('DETECTOR_FAILED', `detection worker crashed: ${err.message}`)));
    }
  }

  get size(): number {
    return this.workers.length;
  }

  detector(options: DetectorOptions, urgency?: SearchUrgency): FaceDetector {
    return this.dispatcher.detector(options, urgency);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
