/** Progress of a long job, as shown to the user. */
export interface JobProgress {
  /** Frames done. */
  frame: number;
  /** Frames per second, averaged over the job so far. */
  fps: number;
  /** 0..1 */
  ratio: number;
  /** Seconds left at the current pace; null until there is a pace to go by. */
  etaSeconds: number | null;
}

/** One block of ffmpeg's `-progress` output (key=value lines ending with `progress=…`). */
export interface FfmpegProgressBlock {
  frame: number | null;
  fps: number | null;
  outTimeSeconds: number | null;
  done: boolean;
}

function numberOrNull(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '' || value.trim() === 'N/A') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/**
 * Splits ffmpeg `-progress pipe:1` output into blocks. Keeps a partial trailing line for the
 * next chunk; lines that are not key=value are ignored.
 */
export class FfmpegProgressParser {
  private pending = '';
  private fields: Record<string, string> = {};

  push(chunk: string): FfmpegProgressBlock[] {
    const text = this.pending + chunk;
    const lines = text.split(/\r?\n/);
    this.pending = lines.pop() ?? '';
    const blocks: FfmpegProgressBlock[] = [];
    for (const line of lines) {
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      const key = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      if (key !== 'progress') {
        this.fields[key] = value;
        continue;
      }
      const f = this.fields;
      // out_time_us is the precise field; out_time_ms is (despite its name) also microseconds.
      const micros = numberOrNull(f.out_time_us) ?? numberOrNull(f.out_time_ms);
      blocks.push({
        frame: numberOrNull(f.frame),
        fps: numberOrNull(f.fps),
        outTimeSeconds: micros === null ? null : Math.max(0, micros / 1e6),
        done: value === 'end',
      });
      this.fields = {};
    }
    return blocks;
  }
}

/** Progress from frames done out of a known total, with a pace measured over the elapsed time. */
export function progressFromFrames(frame: number, totalFrames: number, elapsedSeconds: number): JobProgress {
  const done = Math.max(0, frame);
  const ratio = totalFrames > 0 ? Math.min(1, done / totalFrames) : 0;
  const fps = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
  const etaSeconds = fps > 0 && done > 0 ? Math.max(0, (totalFrames - done) / fps) : null;
  return { frame: done, fps, ratio, etaSeconds: ratio >= 1 ? 0 : etaSeconds };
}

/** Formats seconds as `h:mm:ss` or `m:ss` for progress lines. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
