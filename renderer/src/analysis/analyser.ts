import type { AnalyseRequest, WorkerReply } from './protocol';

/** Runs analyses in one detection worker, started on first use (the model stays loaded between runs). */
export interface Analyser {
  start(request: Omit<AnalyseRequest, 'type'>, onReply: (reply: WorkerReply) => void): void;
  cancel(): void;
  dispose(): void;
}

export function createWorkerAnalyser(): Analyser {
  let worker: Worker | null = null;
  let listener: ((reply: WorkerReply) => void) | null = null;
  const ensure = () => {
    if (!worker) {
      worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
      worker.onmessage = (event: MessageEvent<WorkerReply>) => listener?.(event.data);
      worker.onerror = (event) => {
        listener?.({ type: 'failed', message: `the detection worker crashed: ${event.message || 'unknown error'}` });
        worker?.terminate();
        worker = null;
      };
    }
    return worker;
  };
  return {
    start(request, onReply) {
      listener = onReply;
      ensure().postMessage({ type: 'start', ...request });
    },
    cancel() {
      worker?.postMessage({ type: 'cancel' });
    },
    dispose() {
      worker?.terminate();
      worker = null;
    },
  };
}
