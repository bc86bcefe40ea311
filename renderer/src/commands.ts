import type { MenuCommand } from '../../electron/shared/contract';

/** Commands of buttons, keys and menus; the controller carries them out. */
export type Command =
  | MenuCommand
  | 'play-pause'
  | 'step-back'
  | 'step-forward'
  | 'step-back-10'
  | 'step-forward-10'
  | 'shuttle-back'
  | 'shuttle-stop'
  | 'shuttle-forward'
  | 'first-frame'
  | 'last-frame'
  | 'confirm-track'
  | 'reject-track'
  | 'split-track'
  | 'merge-tracks'
  | 'range-start'
  | 'range-end'
  | 'draw-tool'
  | 'analyse'
  | 'audio-range'
  | 'start-review'
  | 'approve-track'
  | 'next-undecided'
  | 'next-possible-face'
  | 'follow-forward'
  | 'follow-backward'
  | 'protective-outside-blur'
  | 'protective-smaller'
  | 'toggle-audio';
