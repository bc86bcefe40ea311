import { BlurlineError } from '../../../core/errors';
import type { Project, ReviewEvent } from '../../../core/project';

/**
 * Keeps the pass's event log append-only across the process boundary: the renderer is not
 * trusted, so every project it hands back (autosave, Save As, export) must carry the log the
 * main process last saw for that source, unchanged, with only new events after it. What main
 * last saw is what it read from disk (a restored autosave, an opened project file), what it
 * wrote, and what an export added.
 */
export class EventLogGuard {
  private readonly known = new Map<string, readonly ReviewEvent[]>();

  /** Records the log of a project read from disk or written by main: the baseline for later saves. */
  remember(project: Project): void {
    this.known.set(project.source.path, project.review.events);
  }

  /**
   * Records a log only when none is known for the source yet: an autosave read when a video is
   * opened must not replace the log of a project file the user just opened for it.
   */
  rememberIfNew(project: Project): void {
    if (!this.known.has(project.source.path)) this.remember(project);
  }

  /** Throws unless the project's log extends the known one; then it becomes the baseline. */
  accept(project: Project): void {
    const known = this.known.get(project.source.path) ?? [];
    const events = project.review.events;
    const changed = known.findIndex((event, i) => JSON.stringify(event) !== JSON.stringify(events[i]));
    if (changed >= 0) {
      const what = events[changed] ? `entry ${known[changed].seq} was changed` : `entries from ${known[changed].seq} on were removed`;
      throw new BlurlineError('PROJECT_INVALID', `the review's event log is append-only: ${what}; nothing was saved`);
    }
    for (let i = known.length; i < events.length; i++) {
      const expected = i === 0 ? events[0].seq : events[i - 1].seq + 1;
      if (events[i].seq !== expected) throw new BlurlineError('PROJECT_INVALID', `the review's event log is out of order at entry ${events[i].seq}; nothing was saved`);
    }
    this.remember(project);
  }
}
