import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { anonymiseYuv420Frame } from '../../../core/anonymise';
import { BlurlineError } from '../../../core/errors';
import type { ExportSettings, SourceInfo } from '../../../core/project';
import type { RenderPlan } from '../../../core/renderPlan';
import { decodeFrames } from './decode';
import { findBinary } from './binaries';
import { formatCommandLine, runFfprobeJson, spawnMedia } from './ffmpeg';
import { sha256File } from './probe';
import { progressFromFrames, type JobProgress } from '../../../core/progress';

export interface RenderRequest {
  source: SourceInfo;
  plan: RenderPlan;
  outputPath: string;
  settings: ExportSettings;
  /** Replace an existing file at outputPath (only ever by rename, after a complete render). */
  overwrite?: boolean;
}

export interface RenderOptions {
  onProgress?: (progress: JobProgress) => void;
  signal?: AbortSignal;
}

export interface RenderResult {
  outputPath: string;
  frames: number;
  regionsApplied: number;
  elapsedSeconds: number;
  /** The encoder's command line, for the audit trail. */
  ffmpegCommand: string;
}

const MUXERS: Record<string, string> = { '.mp4': 'mp4', '.m4v': 'mp4', '.mov': 'mov', '.mkv': 'matroska' };

/** Real path of a file that may not exist yet (its folder must). */
function canonicalPath(file: string): string {
  const dir = realpathSync(path.dirname(file));
  return path.join(dir, path.basename(file));
}

/**
 * Checks an output path before any work: a supported container, an existing folder, not the
 * source (by path or, for links, by inode), and no existing file unless overwrite was asked for.
 */
export function checkOutputPath(sourcePath: string, outputPath: string, overwrite = false): { absolute: string; muxer: string } {
  const absolute = path.resolve(outputPath);
  const muxer = MUXERS[path.extname(absolute).toLowerCase()];
  if (!muxer) {
    throw new BlurlineError('OUTPUT_UNSUPPORTED', `unsupported output type "${path.extname(absolute) || '(none)'}": use .mp4, .mov, .m4v or .mkv`);
  }
  let dirOk = false;
  try {
    dirOk = statSync(path.dirname(absolute)).isDirectory();
  } catch {
    dirOk = false;
  }
  if (!dirOk) throw new BlurlineError('OUTPUT_DIR_MISSING', `output folder does not exist: ${path.dirname(absolute)}`);
  const sameAsSource = () => {
    if (canonicalPath(absolute) === canonicalPath(path.resolve(sourcePath))) return true;
    try {
      const a = statSync(absolute);
      const b = statSync(sourcePath);
      return a.dev === b.dev && a.ino === b.ino;
    } catch {
      return false;
    }
  };
  if (sameAsSource()) {
    throw new BlurlineError('OUTPUT_IS_SOURCE', `the output path is the source video (${sourcePath}); choose another file name — the source is never overwritten`);
  }
  let exists = false;
  try {
    statSync(absolute);
    exists = true;
  } catch {
    exists = false;
  }
  if (exists && !overwrite) throw new BlurlineError('OUTPUT_EXISTS', `output already exists: ${absolute} (use overwrite to replace it)`);
  return { absolute, muxer };
}

/** Fails with SOURCE_CHANGED when the file at the source path is no longer the one the project was made from. */
export async function verifySourceUnchanged(source: SourceInfo, signal?: AbortSignal): Promise<void> {
  let size: number;
  try {
    size = (await stat(source.path)).size;
  } catch {
    throw new BlurlineError('SOURCE_NOT_FOUND', `source video not found: ${source.path}`);
  }
  if (size !== source.sizeBytes || (await sha256File(source.path, signal)) !== source.sha256) {
    throw new BlurlineError(
      'SOURCE_CHANGED',
      `the source video has changed since the project was made (${source.path}); its tracks may not match — re-run detection`,
    );
  }
}

/** Encoder arguments: raw frames on stdin, audio copied from the source by type, metadata stripped by default. */
export function encoderArgs(request: RenderRequest, tempPath: string, muxer: string): string[] {
  const { source, settings } = request;
  const { num, den } = source.frameRate;
  const args = [
    '-hide_banner', '-v', 'error',
    '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${source.width}x${source.height}`, '-framerate', `${num}/${den}`,
    ...(source.videoStartSeconds ? ['-itsoffset', String(source.videoStartSeconds)] : []),
    '-i', 'pipe:0',
    '-i', source.path,
    '-map', '0:v:0',
    // Every audio stream, selected by type: `?` keeps sources without audio working.
    '-map', '1:a?',
    '-c:v', 'libx264', '-preset', settings.preset, '-crf', String(settings.crf), '-pix_fmt', 'yuv420p',
    '-c:a', 'copy',
  ];
  if (settings.stripMetadata) {
    args.push('-map_metadata', '-1', '-map_chapters', '-1');
    // Language tags are not identifying and editors need them to tell audio tracks apart.
    for (const audio of source.audioStreams) {
      if (audio.language) args.push(`-metadata:s:a:${audio.audioIndex}`, `language=${audio.language}`);
    }
  } else {
    args.push('-map_metadata', '1');
  }
  if (muxer === 'mp4' || muxer === 'mov') args.push('-movflags', '+faststart');
  args.push('-f', muxer, '-y', tempPath);
  return args;
}

/**
 * Reads the finished temp file back before it may become the master: every frame written and
 * every audio stream must be there, so a silently broken file is never published.
 */
export async function verifyMaster(file: string, expectedFrames: number, expectedAudioStreams: number): Promise<void> {
  const fail = (why: string) => new BlurlineError('FFMPEG_FAILED', `the written master is incomplete (${why}); it was not saved`);
  let probe: { streams?: { codec_type?: string; nb_read_packets?: string }[] };
  try {
    probe = (await runFfprobeJson(['-count_packets', '-show_entries', 'stream=codec_type,nb_read_packets', file], 'checking the master')) as typeof probe;
  } catch (err) {
    throw fail((err as Error).message);
  }
  const streams = probe.streams ?? [];
  const videoPackets = Number(streams.find((s) => s.codec_type === 'video')?.nb_read_packets ?? 0);
  if (videoPackets !== expectedFrames) throw fail(`${videoPackets} of ${expectedFrames} frames`);
  const audio = streams.filter((s) => s.codec_type === 'audio').length;
  if (audio !== expectedAudioStreams) throw fail(`${audio} of ${expectedAudioStreams} audio streams`);
}

/** A source that decodes to clearly fewer frames than its header claims is truncated or damaged. */
function missingFrameTolerance(frameCount: number): number {
  return Math.max(1, Math.ceil(frameCount * 0.01));
}

/**
 * Renders the anonymised master: decodes the source, blurs exactly the plan's regions on
 * exactly their frames, and encodes to a temp file beside the output that is renamed into
 * place only after ffmpeg succeeded. The source is only ever opened for reading.
 */
export async function renderVideo(request: RenderRequest, options: RenderOptions = {}): Promise<RenderResult> {
  const { source, plan } = request;
  const { absolute, muxer } = checkOutputPath(source.path, request.outputPath, request.overwrite);
  if (plan.width !== source.width || plan.height !== source.height) {
    throw new BlurlineError('PROJECT_INVALID', `render plan is ${plan.width}x${plan.height} but the source is ${source.width}x${source.height}`);
  }
  const tempPath = path.join(
    path.dirname(absolute),
    `.${path.basename(absolute)}.partial-${randomBytes(4).toString('hex')}${path.extname(absolute)}`,
  );
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const args = encoderArgs(request, tempPath, muxer);
  const encoder = spawnMedia(args, {
    task: 'encoding the master',
    stdin: true,
    signal: options.signal,
    onProgress: (block) => {
      if (block.frame !== null && options.onProgress) options.onProgress(progressFromFrames(block.frame, source.frameCount, elapsed()));
    },
  });
  const stdin = encoder.child.stdin!;
  let frames = 0;
  let regionsApplied = 0;
  try {
    const byFrame = new Map(plan.frames.map((f) => [f.frame, f.regions]));
    const decoded = decodeFrames(source.path, {
      pixelFormat: 'yuv420p',
      sourceWidth: source.width,
      sourceHeight: source.height,
      signal: options.signal,
    });
    // Resolves never; rejects as soon as the encoder exits, so a write waiting for 'drain' cannot hang.
    const encoderGone = encoder.done.then(() => {
      throw new BlurlineError('FFMPEG_FAILED', 'the encoder stopped before all frames were written');
    });
    encoderGone.catch(() => {});
    for await (const frame of decoded) {
      const regions = byFrame.get(frame.index);
      if (regions) {
        anonymiseYuv420Frame(frame.data, frame.width, frame.height, regions);
        regionsApplied += regions.length;
      }
      if (!stdin.write(frame.data)) await Promise.race([once(stdin, 'drain'), encoderGone]);
      frames++;
    }
    stdin.end();
    await encoder.done;
    if (frames < source.frameCount - missingFrameTolerance(source.frameCount)) {
      throw new BlurlineError(
        'SOURCE_TRUNCATED',
        `the source decoded to ${frames} of its ${source.frameCount} frames: it is truncated or damaged, so no master was written`,
      );
    }
    await verifyMaster(tempPath, frames, source.audioStreams.length);
    await rename(tempPath, absolute);
  } catch (err) {
    encoder.stop();
    await encoder.done.catch(() => {});
    await unlink(tempPath).catch(() => {});
    // Errors name the file the user asked for, not our temp name.
    if (err instanceof BlurlineError) err.message = err.message.split(tempPath).join(absolute);
    throw err;
  }
  options.onProgress?.(progressFromFrames(source.frameCount, source.frameCount, elapsed()));
  return {
    outputPath: absolute,
    frames,
    regionsApplied,
    elapsedSeconds: elapsed(),
    ffmpegCommand: formatCommandLine(findBinary('ffmpeg').path, args),
  };
}
