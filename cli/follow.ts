import os from 'node:os';
import path from 'node:path';
import { applyEdit, followEdit, freshTrackId } from '../core/edits';
import { BlurlineError } from '../core/errors';
import type { Box } from '../core/geometry';
import type { JobProgress } from '../core/progress';
import { OBJECT_LABELS, type ObjectLabel } from '../core/project';
import { describeFollow, followedKeyframes, followedSpan, type FollowDirection } from '../core/regionFollow';
import { recordEdit } from '../core/review';
import { followRegion } from '../electron/main/detect/followRegion';
import { readProjectFile, writeProjectFile } from '../electron/main/project/projectFile';
import { relinkMovedSource } from '../electron/main/project/relink';

/** Options of `blurline follow`, as parseArgs gives them. */
export interface FollowArgs {
  output?: string;
  frame?: string;
  box?: string;
  label?: string;
  direction?: string;
  track?: string;
  by?: string;
}

/** A command-line mistake: the caller prints it with the usage hint. */
export class FollowUsageError extends Error {}

function parseBox(value: string | undefined): Box {
  const parts = (value ?? '').split(',').map((p) => Number(p.trim()));
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n)) || parts[2] <= 0 || parts[3] <= 0) {
    throw new FollowUsageError('--box must be x,y,width,height in pixels, width and height above 0 (e.g. --box 812,604,96,22)');
  }
  return { x: parts[0], y: parts[1], width: parts[2], height: parts[3] };
}

const DIRECTIONS: Record<string, FollowDirection[]> = { both: ['forward', 'backward'], forward: ['forward'], backward: ['backward'] };

/**
 * `blurline follow`: follows a box through the project's clip and writes the project with the
 * followed object track (one edit in the pass's log, signed by `--by`).
 */
export async function followCommand(projectFile: string, args: FollowArgs, callbacks: { signal: AbortSignal; onProgress: (p: JobProgress) => void }) {
  if (args.frame === undefined || !/^\d+$/.test(args.frame.trim())) throw new FollowUsageError('follow needs --frame <n>, a frame number from 0');
  const frame = Number(args.frame);
  const box = parseBox(args.box);
  const label = (args.label ?? 'other') as ObjectLabel;
  if (!OBJECT_LABELS.includes(label)) throw new FollowUsageError(`--label must be one of ${OBJECT_LABELS.join(', ')}`);
  const directions = DIRECTIONS[args.direction ?? 'both'];
  if (!directions) throw new FollowUsageError('--direction must be both, forward or backward');
  const by = (args.by ?? os.userInfo().username).trim();
  if (!by) throw new FollowUsageError('--by needs a name');

  const { project, relinkedFrom } = await relinkMovedSource(await readProjectFile(projectFile), projectFile);
  const { source } = project;
  if (frame >= source.frameCount) throw new BlurlineError('INVALID_ARGUMENT', `--frame ${frame} is past the clip's last frame (${source.frameCount - 1})`);
  if (args.track !== undefined && !project.tracks.some((t) => t.id === args.track)) {
    throw new BlurlineError('INVALID_ARGUMENT', `the project has no track ${args.track}`);
  }
  const started = performance.now();
  const followed = await followRegion({ source, frame, box, directions }, callbacks);
  const seconds = (performance.now() - started) / 1000;
  const trackId = args.track ?? freshTrackId(project, `${label}-`);
  const keyframes = followedKeyframes(followed);
  const { project: after } = applyEdit(project, followEdit(project, trackId, keyframes, { label, markedBy: by }));
  const at = new Date().toISOString();
  const logged = { ...after, review: recordEdit(project, after, `Follow ${label} ${trackId} from frame ${frame}`, { name: by, role: 'editor' }, at), updatedAt: at };
  const outputPath = path.resolve(args.output ?? projectFile);
  await writeProjectFile(outputPath, logged);
  const span = followedSpan(followed);
  return {
    project: outputPath,
    relinkedFrom,
    track: trackId,
    label,
    followed: span,
    keyframes: keyframes.length,
    sides: followed.sides.map((s) => ({ direction: s.direction, frames: s.boxes.length, stoppedAt: s.stoppedAt, reason: s.reason })),
    description: describeFollow(followed),
    followSeconds: Math.round(seconds * 100) / 100,
    followFps: Math.round(((span.last - span.first + 1) / seconds) * 100) / 100,
  };
}
