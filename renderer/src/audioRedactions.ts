import { EditError, type Edit } from '../../core/edits';
import type { AudioRedaction, Project } from '../../core/project';
import { frameStartSeconds, framesOfSeconds, type FrameClock } from './time';

/**
 * The audio lane's edits, built from the project like core/edits builds track edits: each returns
 * one `setAudioRedactions` edit (undoable, logged by the review). The lane works in frames (it
 * sits on the timeline); the project keeps seconds, from the first frame at 0 (the `<video>`'s
 * timeline), computed with the source's frame rate.
 */

export type AudioMode = AudioRedaction['mode'];

export const AUDIO_MODE_LABELS: Record<AudioMode, string> = { mute: 'Mute', bleep: 'Bleep' };

/** The frames a redaction covers on the timeline. */
export function redactionFrames(clock: FrameClock, redaction: Pick<AudioRedaction, 'startSeconds' | 'endSeconds'>): { first: number; last: number } {
  return framesOfSeconds(clock, redaction.startSeconds, redaction.endSeconds);
}

/** Seconds covering frames first..last whole (the end is where the frame after `last` starts). */
function secondsOf(clock: FrameClock, first: number, last: number): Pick<AudioRedaction, 'startSeconds' | 'endSeconds'> {
  const lo = Math.max(0, Math.min(first, last, clock.frameCount - 1));
  const hi = Math.max(lo, Math.min(Math.max(first, last), clock.frameCount - 1));
  return { startSeconds: frameStartSeconds(clock, lo), endSeconds: frameStartSeconds(clock, hi + 1) };
}

/** An id no redaction uses, e.g. `audio-2`. */
export function freshAudioId(redactions: readonly AudioRedaction[]): string {
  const used = new Set(redactions.map((r) => r.id));
  let n = redactions.length + 1;
  while (used.has(`audio-${n}`)) n++;
  return `audio-${n}`;
}

function findRedaction(project: Project, id: string): AudioRedaction {
  const found = project.audioRedactions.find((r) => r.id === id);
  if (!found) throw new EditError(`audio redaction ${id} does not exist`);
  return found;
}

function setAll(redactions: AudioRedaction[]): Edit {
  // In time order, so the lane, the list and the audit report read the same way.
  return { type: 'setAudioRedactions', redactions: [...redactions].sort((a, b) => a.startSeconds - b.startSeconds || a.id.localeCompare(b.id)) };
}

/** Adds a redaction over frames first..last (either order). */
export function addRedaction(project: Project, id: string, first: number, last: number, mode: AudioMode = 'mute', label = ''): Edit {
  if (project.audioRedactions.some((r) => r.id === id)) throw new EditError(`an audio redaction with id ${id} already exists`);
  return setAll([...project.audioRedactions, { id, ...secondsOf(project.source, first, last), mode, label }]);
}

/** Changes a redaction's mode or label. */
export function changeRedaction(project: Project, id: string, patch: Partial<Pick<AudioRedaction, 'mode' | 'label'>>): Edit {
  findRedaction(project, id);
  return setAll(project.audioRedactions.map((r) => (r.id === id ? { ...r, ...patch } : r)));
}

/** Moves a redaction's ends to frames first..last. */
export function setRedactionFrames(project: Project, id: string, first: number, last: number): Edit {
  findRedaction(project, id);
  if (last < first) throw new EditError(`an audio redaction cannot end (frame ${last}) before it starts (frame ${first})`);
  return setAll(project.audioRedactions.map((r) => (r.id === id ? { ...r, ...secondsOf(project.source, first, last) } : r)));
}

export function removeRedaction(project: Project, id: string): Edit {
  findRedaction(project, id);
  return setAll(project.audioRedactions.filter((r) => r.id !== id));
}
