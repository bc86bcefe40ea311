/**
 * `npm run bench:memory`: peak resident memory of `blurline auto` on long and large clips, per
 * stage (analysis, render, leak check), sampled from /proc every 200 ms over the whole process
 * tree (Node, its detector workers, every ffmpeg it starts), with each stage's frame rate.
 *
 *   --long-minutes N   1080p30 clip length (default 10)
 *   --uhd-minutes N    2160p30 clip length (default 2; 0 skips the clip, as for --long-minutes)
 *   --preset NAME      detection preset (default fast)
 *
 * Growth with length is each stage's peak over the second half of its frames against its peak
 * over the first half: memory that grows with the clip shows within one run.
 * Prints figures measured in this one run; asserts nothing. Linux only (/proc).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isPresetName } from '../core/presets';
import { REPO_ROOT } from '../electron/main/media/binaries';
import { generatedClip, samplePath } from '../tests/helpers/media';

const USAGE = 'usage: npm run bench:memory -- [--uhd-minutes N] [--long-minutes N] [--preset thorough|fast]  (N ≥ 0; 0 skips that clip)';

function usageError(why: string): never {
  console.error(`${why}\n${USAGE}`);
  process.exit(2);
}

function parseOptions() {
  try {
    return parseArgs({
      options: {
        'long-minutes': { type: 'string', default: '10' },
        'uhd-minutes': { type: 'string', default: '2' },
        preset: { type: 'string', default: 'fast' },
      },
    }).values;
  } catch (err) {
    return usageError((err as Error).message);
  }
}

const values = parseOptions();
const longMinutes = Number(values['long-minutes']);
const uhdMinutes = Number(values['uhd-minutes']);
if (!(longMinutes >= 0 && uhdMinutes >= 0)) usageError(`clip lengths must be minutes, 0 or more: got ${values['long-minutes']} and ${values['uhd-minutes']}`);
if (!isPresetName(values.preset)) usageError(`unknown preset "${values.preset}"`);
const FPS = 30;

/** A real face drifting over moving noise, with sound: something to find and blur on every frame. */
function clip(width: number, height: number, seconds: number): Promise<string> {
  const face = Math.round(height * 0.3);
  return generatedClip(`memory-${width}x${height}-${seconds}s`, [
    // Noise, not a test pattern: the leak check takes parts of ffmpeg's patterns for faces. The same
    // noise on every frame (not temporal): x264 at CRF 18 spends minutes a second on fresh noise.
    '-f', 'lavfi', '-i', `color=c=0x5a6470:s=${width}x${height}:r=${FPS}:d=${seconds},noise=alls=18`,
    '-loop', '1', '-framerate', String(FPS), '-i', samplePath(1),
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    '-filter_complex',
    `[1:v]crop=265:330:370:310,scale=-2:${face}[face];[0:v][face]overlay=x='${width / 4}+${width / 4}*sin(t/7)':y=${height / 3}:eval=frame:shortest=1,format=yuv420p[v]`,
    '-map', '[v]', '-map', '2:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', '-c:a', 'aac', '-t', String(seconds),
  ]);
}

/** Resident memory (bytes) of a process and all its descendants. */
function treeRss(root: number): { tree: number; node: number } {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended between listing and reading.
    }
  }
  const rssOf = (pid: number) => {
    try {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return kb ? Number(kb[1]) * 1024 : 0;
    } catch {
      return 0;
    }
  };
  let tree = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    tree += rssOf(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return { tree, node: rssOf(root) };
}

interface StagePeak {
  treeMb: number;
  nodeMb: number;
  /** Peak of the tree over the first and the second half of the stage's frames. */
  firstHalfMb: number;
  secondHalfMb: number;
  seconds: number;
  fps: number | null;
}

const EMPTY_PEAK: StagePeak = { treeMb: 0, nodeMb: 0, firstHalfMb: 0, secondHalfMb: 0, seconds: 0, fps: null };

async function measure(clip: string, source: string): Promise<Record<string, StagePeak>> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'blurline-memory-'));
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/blurline.js'), 'auto', source, '-o', path.join(work, 'master.mp4'), '--preset', values.preset!], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stages: Record<string, StagePeak> = {};
  let stage = 'probe';
  let stageStarted = performance.now();
  let percent = 0;
  const enter = (next: string) => {
    if (next === stage) return;
    stages[stage] = { ...(stages[stage] ?? EMPTY_PEAK), seconds: (performance.now() - stageStarted) / 1000 };
    // Each stage's figures as it ends: a long run stopped early still says what it measured.
    if ((STAGES as readonly string[]).includes(stage)) process.stderr.write(`${JSON.stringify(stageRow(clip, stage, stages[stage]))}\n`);
    stage = next;
    stageStarted = performance.now();
    percent = 0;
  };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) {
      const m = /^(analyse|render|leak-check)\s+(\d+)%.*?([\d.]+) fps/.exec(line);
      if (!m) continue;
      enter(m[1]);
      percent = Number(m[2]);
      if (percent >= 90) stages[m[1]] = { ...(stages[m[1]] ?? EMPTY_PEAK), fps: Number(m[3]) };
    }
  });
  const timer = setInterval(() => {
    const { tree, node } = treeRss(child.pid!);
    const peak = (stages[stage] ??= { ...EMPTY_PEAK });
    peak.treeMb = Math.max(peak.treeMb, tree / 2 ** 20);
    peak.nodeMb = Math.max(peak.nodeMb, node / 2 ** 20);
    if (percent < 50) peak.firstHalfMb = Math.max(peak.firstHalfMb, tree / 2 ** 20);
    else peak.secondHalfMb = Math.max(peak.secondHalfMb, tree / 2 ** 20);
  }, 200);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(timer);
  enter('done');
  rmSync(work, { recursive: true, force: true });
  if (code !== 0) throw new Error(`blurline auto exited ${code} on ${source}`);
  return stages;
}

const STAGES = ['analyse', 'render', 'leak-check'] as const;

function stageRow(clip: string, stage: string, p: StagePeak | undefined) {
  return {
    clip,
    stage,
    'peak MB (tree)': p ? Math.round(p.treeMb) : '—',
    'peak MB (node)': p ? Math.round(p.nodeMb) : '—',
    'growth (2nd half / 1st)': p?.firstHalfMb ? (p.secondHalfMb / p.firstHalfMb).toFixed(2) : '—',
    seconds: p ? Math.round(p.seconds) : '—',
    fps: p?.fps ?? '—',
  };
}

for (const [label, width, height, minutes] of [
  ['2160p30', 3840, 2160, uhdMinutes],
  ['1080p30', 1920, 1080, longMinutes],
] as const) {
  if (minutes <= 0) continue;
  const seconds = Math.round(minutes * 60);
  const source = await clip(width, height, seconds);
  const frames = seconds * FPS;
  process.stderr.write(`${label}: ${frames} frames…\n`);
  const name = `${label} (${seconds} s)`;
  const stages = await measure(name, source);
  console.table(STAGES.map((stage) => stageRow(name, stage, stages[stage])));
}

