import { spawn, type ChildProcess } from 'node:child_process';
import { BlurlineError, CancelledError, type ErrorCode } from '../../../core/errors';
import { findBinary, type BinaryName } from './binaries';
import { FfmpegProgressParser, type FfmpegProgressBlock } from '../../../core/progress';

/**
 * The one module that starts ffmpeg and ffprobe. Every call goes through `spawnMedia`: argument
 * arrays only (never a shell), stderr kept for errors, cancel through an AbortSignal, and every
 * live process tracked so the app can stop them all on quit.
 */

const STDERR_TAIL_BYTES = 64 * 1024;
const KILL_GRACE_MS = 2000;

const liveProcesses = new Set<ChildProcess>();

/**
 * Input options for a source whose audio is probed or copied. A transport stream's streams show
 * their parameters only in their packets, and at a high bitrate the first audio packet can lie
 * past ffmpeg's default 5 MB of probing (about 10 MB into a 143 Mbit/s dashcam file): the stream
 * then has no sample rate, and nothing can copy it. Reading further costs nothing where the
 * parameters come sooner, as ffmpeg stops once every stream has them.
 */
export const SOURCE_PROBE_ARGS = ['-probesize', '50M', '-analyzeduration', '10M'] as const;

export interface SpawnMediaOptions {
  binary?: BinaryName;
  signal?: AbortSignal;
  /** Feed stdin from the caller (e.g. raw frames). Otherwise stdin is closed. */
  stdin?: boolean;
  /** Parse `-progress pipe:1` on stdout (added to the arguments). Stdout is then not free for data. */
  onProgress?: (block: FfmpegProgressBlock) => void;
  /** What the process is doing, for error messages ("reading the source", "encoding the master"). */
  task: string;
  /**
   * Sees each line of stderr first and returns what of it to keep for error messages: null for a
   * line that is the caller's (a filter's per-frame log).
   */
  filterStderrLine?: (line: string) => string | null;
}

export interface MediaProcess {
  child: ChildProcess;
  /** Resolves with stderr when the process exits 0; rejects with a BlurlineError otherwise. */
  done: Promise<string>;
  /** Stops the process (used when another part of a pipeline fails). */
  stop(): void;
}

/** Quotes a command line for logs and bug reports (never executed through a shell). */
export function formatCommandLine(bin: string, args: readonly string[]): string {
  return [bin, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

const FAILURE_PATTERNS: [RegExp, ErrorCode, string][] = [
  [/No space left on device|Disk quota exceeded/i, 'DISK_FULL', 'the disk is full'],
  [/Picture size \d+x\d+ is invalid/, 'SOURCE_UNREADABLE', 'the picture size the file declares is impossible (a damaged header?)'],
  [/Permission denied|Operation not permitted|Read-only file system/i, 'PERMISSION_DENIED', 'permission denied'],
  [/No such file or directory/i, 'SOURCE_NOT_FOUND', 'file not found'],
  [
    /Invalid data found when processing input|moov atom not found|could not find codec parameters|Invalid NAL unit|error reading header|Truncating packet|partial file/i,
    'SOURCE_UNREADABLE',
    'the file is corrupt, truncated or not a video',
  ],
];

/**
 * Some ffmpeg builds exit 0 after failing to write the end of the file (e.g. a full disk while
 * writing the mp4 index). These lines mean the output is broken whatever the exit code says.
 */
const FATAL_DESPITE_EXIT_0 = /Error writing trailer|No space left on device|Disk quota exceeded|I\/O error/i;

/** ffmpeg's closing summaries, which repeat that something failed without saying what. */
const GENERIC_LINE = /^(Conversion failed!?|Exiting normally|Error initializing output stream|Could not write header for output file|Error while opening encoder)/;
/** A line from one of ffmpeg's parts (`[libx264 @ 0x16fb9840] width not divisible by 2`): the reason itself. */
const COMPONENT_LINE = /^\[([^\]@]+?) @ 0x[0-9a-f]+\] (.+)$/;

/**
 * The line of stderr that says why: the last message from one of ffmpeg's parts (the encoder,
 * the muxer), its memory address dropped, else the last line that is not a closing summary.
 */
function reasonLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const component = lines.map((l) => COMPONENT_LINE.exec(l)).filter((m) => m !== null).at(-1);
  if (component) return `[${component[1].trim()}] ${component[2]}`;
  return lines.filter((l) => !GENERIC_LINE.test(l)).at(-1) ?? '';
}

/** Turns a failed ffmpeg/ffprobe run into a readable, coded error. */
export function describeMediaFailure(task: string, stderr: string, exitCode: number | null, signal: string | null = null): BlurlineError {
  const tail = stderr.slice(-4000);
  for (const [pattern, code, meaning] of FAILURE_PATTERNS) {
    const line = stderr.split(/\r?\n/).find((l) => pattern.test(l));
    if (line) return new BlurlineError(code, `${task} failed: ${meaning} (${line.trim()})`, tail);
  }
  const why = signal ? `killed by ${signal}` : `exit code ${exitCode}`;
  const line = reasonLine(stderr);
  return new BlurlineError('FFMPEG_FAILED', `${task} failed (${why})${line ? `: ${line}` : ''}`, tail);
}

export function spawnMedia(args: readonly string[], options: SpawnMediaOptions): MediaProcess {
  const binary = findBinary(options.binary ?? 'ffmpeg');
  if (options.signal?.aborted) throw new CancelledError(options.task);
  const fullArgs = options.onProgress ? ['-progress', 'pipe:1', '-nostats', ...args] : [...args];
  const child = spawn(binary.path, fullArgs, {
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  liveProcesses.add(child);

  let stderr = '';
  let partialLine = '';
  const keep = (text: string) => {
    stderr = (stderr + text).slice(-STDERR_TAIL_BYTES);
  };
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    const filter = options.filterStderrLine;
    if (!filter) return keep(chunk);
    const lines = (partialLine + chunk).split('\n');
    partialLine = lines.pop()!;
    for (const line of lines) {
      const kept = filter(line);
      if (kept !== null) keep(`${kept}\n`);
    }
  });
  child.stderr!.on('end', () => {
    const kept = partialLine && options.filterStderrLine ? options.filterStderrLine(partialLine) : null;
    if (kept) keep(kept);
  });
  if (options.onProgress) {
    const parser = new FfmpegProgressParser();
    const onProgress = options.onProgress;
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => parser.push(chunk).forEach(onProgress));
  }
  // A pipeline partner that died closes our pipes; the exit status tells the real story.
  child.stdin?.on('error', () => {});

  let cancelled = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    killTimer.unref();
  };
  const onAbort = () => {
    cancelled = true;
    stop();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const done = new Promise<string>((resolve, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      reject(new BlurlineError('FFMPEG_NOT_FOUND', `could not start ${binary.path}: ${err.message}`));
    });
    child.once('close', (code, sig) => {
      liveProcesses.delete(child);
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      if (cancelled) reject(new CancelledError(options.task));
      else if (code === 0 && !FATAL_DESPITE_EXIT_0.test(stderr)) resolve(stderr);
      else reject(describeMediaFailure(options.task, stderr, code, sig));
    });
  });
  // Callers may only await `done` later; avoid an unhandled rejection in between.
  done.catch(() => {});
  return { child, done, stop };
}

/** Runs ffmpeg to completion, reporting progress blocks. */
export async function runFfmpeg(
  args: readonly string[],
  options: Omit<SpawnMediaOptions, 'binary' | 'stdin'>,
): Promise<string> {
  return spawnMedia(args, options).done;
}

/**
 * Runs ffprobe with JSON output and returns the parsed result. With `input`, ffprobe reads
 * `pipe:0` from that process's output; if that fails before ffprobe answers, its failure is the one reported.
 */
export async function runFfprobeJson(args: readonly string[], task: string, signal?: AbortSignal, input?: MediaProcess): Promise<unknown> {
  const proc = spawnMedia(['-v', 'error', '-print_format', 'json', ...args], { binary: 'ffprobe', task, signal, stdin: input !== undefined });
  if (input) {
    const feed = input.child.stdout!;
    feed.pipe(proc.child.stdin!);
    // ffprobe stops reading once it knows enough (the header, not every packet): the rest of the
    // copy is thrown away, so ffmpeg never blocks on a full pipe.
    proc.child.stdin!.once('close', () => {
      feed.unpipe();
      feed.resume();
    });
  }
  let stdout = '';
  proc.child.stdout!.setEncoding('utf8');
  proc.child.stdout!.on('data', (chunk: string) => {
    stdout += chunk;
  });
  // Whichever fails first says why: the other then fails for want of its partner. ffprobe's
  // answer settles it; the copy still running then is no longer needed.
  let firstFailure: unknown = null;
  const watch = (done: Promise<string>) =>
    done.catch((err: unknown) => {
      firstFailure ??= err;
      throw err;
    });
  try {
    await (input ? Promise.race([watch(proc.done), watch(input.done).then(() => proc.done)]) : proc.done);
  } catch (err) {
    proc.stop();
    input?.stop();
    throw firstFailure ?? err;
  }
  input?.stop();
  try {
    return JSON.parse(stdout);
  } catch {
    throw new BlurlineError('SOURCE_UNREADABLE', `${task} failed: ffprobe returned no readable result`);
  }
}

/** Stops every running ffmpeg/ffprobe (on app quit). */
export function stopAllMediaProcesses(): void {
  for (const child of liveProcesses) child.kill('SIGKILL');
  liveProcesses.clear();
}

/** The ffmpeg version line, for reports. */
export async function ffmpegVersion(): Promise<string> {
  const proc = spawnMedia(['-version'], { task: 'ffmpeg -version' });
  let out = '';
  proc.child.stdout!.setEncoding('utf8');
  proc.child.stdout!.on('data', (c: string) => (out += c));
  await proc.done;
  return out.split('\n')[0].trim();
}
