import type { Command } from './commands';

/** A key binding: `key` is KeyboardEvent.key (case-insensitive for letters); `mod` is Ctrl or Cmd. */
export interface Binding {
  key: string;
  shift?: boolean;
  mod?: boolean;
  command: Command;
  /** What the Help panel shows. */
  label: string;
  description: string;
}

export const BINDINGS: Binding[] = [
  { key: ' ', command: 'play-pause', label: 'Space', description: 'Play / pause' },
  { key: 'ArrowLeft', command: 'step-back', label: '←', description: 'One frame back' },
  { key: 'ArrowRight', command: 'step-forward', label: '→', description: 'One frame forward' },
  { key: 'ArrowLeft', shift: true, command: 'step-back-10', label: 'Shift+←', description: 'Ten frames back' },
  { key: 'ArrowRight', shift: true, command: 'step-forward-10', label: 'Shift+→', description: 'Ten frames forward' },
  { key: 'j', command: 'shuttle-back', label: 'J', description: 'Play backwards (again: faster)' },
  { key: 'k', command: 'shuttle-stop', label: 'K', description: 'Stop' },
  { key: 'l', command: 'shuttle-forward', label: 'L', description: 'Play forwards (again: faster)' },
  { key: 'Home', command: 'first-frame', label: 'Home', description: 'First frame' },
  { key: 'End', command: 'last-frame', label: 'End', description: 'Last frame' },
  { key: 'Delete', command: 'delete-track', label: 'Delete', description: 'Delete the selected tracks (or the selected audio redaction)' },
  { key: 'Backspace', command: 'delete-track', label: 'Backspace', description: 'Delete the selected tracks (or the selected audio redaction)' },
  { key: 'z', mod: true, command: 'undo', label: 'Ctrl/Cmd+Z', description: 'Undo' },
  { key: 'z', mod: true, shift: true, command: 'redo', label: 'Shift+Ctrl/Cmd+Z', description: 'Redo' },
  { key: 'y', mod: true, command: 'redo', label: 'Ctrl/Cmd+Y', description: 'Redo' },
  { key: '+', command: 'zoom-in', label: '+', description: 'Zoom the timeline in' },
  { key: '=', command: 'zoom-in', label: '=', description: 'Zoom the timeline in' },
  { key: '-', command: 'zoom-out', label: '−', description: 'Zoom the timeline out' },
  { key: 'c', command: 'confirm-track', label: 'C', description: 'Confirm the selected tracks' },
  { key: 'x', command: 'reject-track', label: 'X', description: 'Reject the selected tracks (not blurred)' },
  { key: 's', command: 'split-track', label: 'S', description: 'Split the selected track at the playhead' },
  { key: 'm', command: 'merge-tracks', label: 'M', description: 'Merge the second selected track into the first' },
  { key: 'b', command: 'draw-tool', label: 'B', description: 'Draw a box on the picture to start a manual track' },
  { key: 'f', command: 'follow', label: 'F', description: 'Follow the selected track’s box on this frame through the clip, both ways (plates, tattoos, screens: anything you marked)' },
  { key: 'f', shift: true, command: 'follow-forward', label: 'Shift+F', description: 'Follow the selected box forward only' },
  { key: 'f', mod: true, shift: true, command: 'follow-backward', label: 'Shift+Ctrl/Cmd+F', description: 'Follow the selected box backward only' },
  { key: 'i', command: 'range-start', label: 'I', description: 'Analysis range starts at the playhead' },
  { key: 'o', command: 'range-end', label: 'O', description: 'Analysis range ends at the playhead' },
  { key: 'd', command: 'analyse', label: 'D', description: 'Detect faces in the range (or the whole clip)' },
  { key: 'r', command: 'audio-range', label: 'R', description: 'Audio redaction: press at its start and again at its end (with an I/O range set: covers the range)' },
  { key: 'n', command: 'next-undecided', label: 'N', description: 'Next undecided track: select it and go to its first frame' },
  { key: 'p', command: 'next-possible-face', label: 'P', description: 'Next possible face (a person whose face was not found): select it and go to its first frame' },
  { key: 'a', command: 'approve-track', label: 'A', description: 'Reviewer: approve the selected track' },
  { key: 'g', command: 'protective-view', label: 'G', description: 'Protective view: the picture in grey and the sound off (graphic footage)' },
  { key: 'g', shift: true, command: 'protective-outside-blur', label: 'Shift+G', description: 'Protective view: blur everything but the selected tracks (reviewing: the tracks without a decision)' },
  { key: 'h', command: 'protective-smaller', label: 'H', description: 'Protective view: a smaller picture' },
  { key: 'u', command: 'toggle-audio', label: 'U', description: 'Sound on / off (off until you turn it on)' },
  { key: 'v', command: 'toggle-original', label: 'V', description: 'Show the original / the blur preview' },
  // Not Ctrl/Cmd+B: the app menu's View ▸ Show Original has it.
  { key: 'b', mod: true, shift: true, command: 'batch', label: 'Shift+Ctrl/Cmd+B', description: 'Batch: blur the faces in many clips, one after another, while you work' },
  { key: '?', command: 'show-shortcuts', label: '?', description: 'Show these shortcuts' },
];

export interface KeyPress {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/** The command for a key press, or null. Shift matters only where a binding says so (`+` and `?` need it on most layouts). */
export function commandForKey(press: KeyPress): Command | null {
  if (press.altKey) return null;
  const mod = press.ctrlKey || press.metaKey;
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  const candidates = BINDINGS.filter((b) => b.key === key && Boolean(b.mod) === mod);
  const exact = candidates.find((b) => Boolean(b.shift) === press.shiftKey);
  if (exact) return exact.command;
  const shiftAgnostic = candidates.find((b) => !b.shift && !candidates.some((c) => c.shift));
  return shiftAgnostic && press.key.length === 1 ? shiftAgnostic.command : null;
}
