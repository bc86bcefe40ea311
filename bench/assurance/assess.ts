import type { PresetName } from '../../core/presets';
import { runFfmpeg } from '../../electron/main/media/ffmpeg';
import { detectToProject } from '../../electron/main/pipeline';
import type { GeneratedClip } from './generate';
import { scoreProject, type BlurScore } from './metrics';

/** One generated clip through Blurline's real detection, and the resulting blur plan scored. */
export interface Assessment {
  score: BlurScore;
  framesAnalysed: number;
  analyseSeconds: number;
  /** Detections summed over frames, and the tracks they were linked into. */
  faces: number;
  tracks: number;
  /** Largest resident memory of the process (analysis workers included) while it analysed, in MB. */
  peakMemoryMb: number;
}

export async function assessClip(clip: GeneratedClip, preset: PresetName): Promise<Assessment> {
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
  const run = await detectToProject(clip.path, { preset }).finally(() => clearInterval(sampler));
  return {
    peakMemoryMb: Math.round(peak / 2 ** 20),
    score: scoreProject(run.project, clip.truth),
    framesAnalysed: run.framesAnalysed,
    analyseSeconds: run.analyseSeconds,
    faces: run.faces,
    tracks: run.project.tracks.length,
  };
}

/** Seconds a plain `ffmpeg -i clip -f null -` takes: the floor any analysis is compared with. */
export async function timePlainDecode(file: string): Promise<number> {
  const started = performance.now();
  await runFfmpeg(['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-map', '0:v:0', '-f', 'null', '-'], { task: 'timing a plain decode' });
  return (performance.now() - started) / 1000;
}
