import { randomBytes } from 'node:crypto';
import { BlurlineError, isCancelled } from '../../../core/errors';
import type { ExportOutcome, JobKind, JobSnapshot } from '../../shared/contract';
import type { FollowResult } from '../../../core/regionFollow';
import type { JobProgress } from '../../../core/progress';
import { toIpcError } from './calls';

/**
 * The long jobs the main process owns (render, proxy, follow). Each has an explicit status; every
 * change is pushed as a full snapshot, the last one with the final status. Cancel aborts the
 * job's signal, and a job that ends because of it is 'cancelled', never 'failed'.
 */

export interface JobControl {
  signal: AbortSignal;
  /** What the job is doing now, in words. */
  stage(text: string): void;
  progress(progress: JobProgress): void;
}

export interface JobOutcome {
  /** The file the job wrote (none for a follow). */
  outputPath?: string;
  playbackUrl?: string | null;
  exported?: ExportOutcome | null;
  followed?: FollowResult | null;
}

export class JobRegistry {
  private readonly jobs = new Map<string, { snapshot: JobSnapshot; controller: AbortController; ended: Promise<void> }>();

  constructor(private readonly publish: (snapshot: JobSnapshot) => void) {}

  /** Starts `run` at once and returns the job's id; the first snapshot is pushed before this returns. */
  start(kind: JobKind, stage: string, run: (job: JobControl) => Promise<JobOutcome>): string {
    const jobId = `${kind}-${randomBytes(6).toString('hex')}`;
    const controller = new AbortController();
    const job = {
      controller,
      ended: Promise.resolve(),
      snapshot: { jobId, kind, status: 'running', stage, progress: null, error: null, outputPath: null, playbackUrl: null, exported: null, followed: null } as JobSnapshot,
    };
    this.jobs.set(jobId, job);
    const update = (change: Partial<JobSnapshot>) => {
      if (job.snapshot.status !== 'running') return;
      job.snapshot = { ...job.snapshot, ...change };
      this.publish(job.snapshot);
    };
    this.publish(job.snapshot);
    job.ended = run({ signal: controller.signal, stage: (text) => update({ stage: text }), progress: (progress) => update({ progress }) }).then(
      (outcome) =>
        update({
          status: 'done',
          stage: 'done',
          outputPath: outcome.outputPath ?? null,
          playbackUrl: outcome.playbackUrl ?? null,
          exported: outcome.exported ?? null,
          followed: outcome.followed ?? null,
        }),
      (err: unknown) => {
        if (controller.signal.aborted || isCancelled(err)) update({ status: 'cancelled', stage: 'cancelled' });
        else {
          const { code, message } = toIpcError(err);
          update({ status: 'failed', stage: 'failed', error: { code, message } });
        }
      },
    );
    return jobId;
  }

  snapshot(jobId: string): JobSnapshot | undefined {
    return this.jobs.get(jobId)?.snapshot;
  }

  /** Asks a running job to stop; its final snapshot follows. A finished job is left as it is. */
  cancel(jobId: string): void {
    const job = this.jobs.get(jobId);
    if (!job) throw new BlurlineError('INVALID_ARGUMENT', `no such job: ${jobId}`);
    job.controller.abort();
  }

  /** Cancels every running job (on quit) and waits until they have ended. */
  async cancelAll(): Promise<void> {
    for (const job of this.jobs.values()) job.controller.abort();
    await Promise.all([...this.jobs.values()].map((job) => job.ended));
  }
}
