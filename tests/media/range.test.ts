import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, type Project } from '../../core/project';
import { FramePool } from '../../core/rawFrames';
import { findBinary } from '../../electron/main/media/binaries';
import { decodeFrames } from '../../electron/main/media/decode';
import { probeVideo } from '../../electron/main/media/probe';
import { renderProject } from '../../electron/main/pipeline';
import { ffprobeJson, generatedClip, highFrequencyEnergy, meanAbsDiff, readGrayFrames, readPcm, type Rect } from '../helpers/media';
import { keyframe, track } from '../helpers/projects';

/** Range export (frame-exact, audio cut to the same span, timecode moved on) and variable frame rate kept by timestamps. */

const W = 160;
const H = 120;
const FRAMES = 50;

/** Moving fine texture (every frame differs from its neighbours), a noise soundtrack (a lag shows in a correlation), a timecode. */
const rangeSource = () =>
  generatedClip('range-source', [
    '-f', 'lavfi', '-i', `color=s=${W}x${H}:r=25:d=2,format=yuv420p,geq=lum='128+90*sin((X+T*60)/2.2)*sin(Y/2.7)':cb=128:cr=128`,
    '-f', 'lavfi', '-i', 'anoisesrc=color=white:amplitude=0.3:sample_rate=48000:duration=2:seed=7',
    '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '12', '-c:a', 'aac', '-b:a', '192k',
    '-timecode', '01:00:00:00',
  ], 'mp4');

/** Frames 0–24 every 40 ms, then every 70 ms (a phone slowing down in the dark); Matroska keeps them in ms. */
const variableRateSource = () =>
  generatedClip('vfr-source', [
    '-f', 'lavfi', '-i', `testsrc2=s=${W}x${H}:r=25:d=2`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=3',
    '-map', '0:v', '-map', '1:a',
    '-vf', "settb=1/1000,setpts='if(lt(N,25),N*40,1000+(N-25)*70)'", '-r', '1000', '-vsync', 'passthrough',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest',
  ], 'mkv');

/** The source frame a master frame shows: the nearest in picture. */
function nearestFrame(frame: Uint8Array, source: Uint8Array[]): number {
  const whole = { x: 0, y: 0, width: W, height: H };
  let best = -1;
  let bestDiff = Infinity;
  source.forEach((s, i) => {
    const d = meanAbsDiff(frame, s, W, whole);
    if (d < bestDiff) [best, bestDiff] = [i, d];
  });
  return best;
}

/** Sample offset of `part` inside `whole` (mono, first channel) by cross-correlation around `expected`. */
function lagOf(part: Int16Array, whole: Int16Array, expected: number, search: number): number {
  let best = 0;
  let bestScore = -Infinity;
  const n = Math.min(part.length, 9600);
  for (let lag = expected - search; lag <= expected + search; lag++) {
    let score = 0;
    for (let i = 2000; i < n; i++) score += part[i] * (whole[i + lag] ?? 0);
    if (score > bestScore) [best, bestScore] = [lag, score];
  }
  return best;
}

const packetTimes = async (file: string): Promise<number[]> => {
  const probe = await ffprobeJson(file, ['-select_streams', 'v:0', '-show_entries', 'packet=pts_time']);
  return probe.packets.map((p: any) => Number(p.pts_time)).sort((a: number, b: number) => a - b);
};

const decodedFrameCount = async (file: string): Promise<number> => {
  const { stdout } = await promisify(execFile)(findBinary('ffmpeg').path, ['-v', 'error', '-i', file, '-map', '0:v:0', '-vsync', 'passthrough', '-f', 'framecrc', '-']);
  return stdout.split('\n').filter((l) => l.startsWith('0,')).length;
};

describe('range export', () => {
  let dir: string;
  let sourcePath: string;
  let project: Project;
  let source: Uint8Array[];
  // The face is on source frames 15..25, so on master frames 3..13 of the range 12..31.
  const box: Rect = { x: 40, y: 30, width: 70, height: 60 };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-range-'));
    sourcePath = await rangeSource();
    project = createProject(await probeVideo(sourcePath));
    project.tracks = [track('face', [keyframe(15, box), keyframe(25, box)])];
    project.exportSettings = { ...project.exportSettings, preset: 'ultrafast', crf: 12, range: { first: 12, last: 31 } };
    source = await readGrayFrames(sourcePath, W, H);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const inner = { x: box.x + 10, y: box.y + 10, width: box.width - 20, height: box.height - 20 };

  const copies = {
    mp4: null,
    avi: ['-c', 'copy'],
    // Keyframes every 5 frames: the range's first frame (12) is reached from frame 10.
    ts: ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '12', '-g', '5', '-bf', '2', '-c:a', 'copy'],
  };
  for (const [name, copyTo] of [
    ['mp4 (seeks)', 'mp4'],
    ['AVI (no index to seek by, no timestamps: decodes from the start)', 'avi'],
    ['MPEG-TS (no index: seeks to the keyframe before)', 'ts'],
  ] as const) {
    it(`exports exactly frames 12..31 from ${name}, blurred on their own frames`, async () => {
      let input = project;
      const encode = copies[copyTo];
      if (encode) {
        const copy = await generatedClip(`range-source-${copyTo}`, ['-i', sourcePath, '-map', '0:v', '-map', '0:a', ...encode], copyTo);
        input = { ...project, source: await probeVideo(copy) };
      }
      const output = path.join(dir, `range-${copyTo}.mp4`);
      const result = await renderProject(input, output);
      expect(result).toMatchObject({ frames: 20, range: { first: 12, last: 31 }, regionsApplied: 11 });
      const out = await readGrayFrames(output, W, H);
      expect(out).toHaveLength(20);
      for (let k = 0; k < 20; k++) {
        expect(nearestFrame(out[k], source), `master frame ${k}`).toBe(12 + k);
        const blurred = highFrequencyEnergy(out[k], W, inner) < highFrequencyEnergy(source[12 + k], W, inner) * 0.15;
        expect(blurred, `master frame ${k} blurred`).toBe(k >= 3 && k <= 13);
      }
    });
  }

  it('gives the frames it skips to reach a range back to the frame pool (a range late in a long AVI held every frame before it)', async () => {
    const avi = await generatedClip('range-source-avi', ['-i', sourcePath, '-map', '0:v', '-map', '0:a', ...copies.avi], 'avi');
    const buffers = new Set<Uint8Array>();
    const pool = new (class extends FramePool {
      override take() {
        const frame = super.take();
        buffers.add(frame);
        return frame;
      }
    })(W * H * 1.5);
    const indices: number[] = [];
    for await (const frame of decodeFrames(avi, { pixelFormat: 'yuv420p', sourceWidth: W, sourceHeight: H, startFrame: 40, maxFrames: 5, pool })) {
      indices.push(frame.index);
      pool.release(frame.data);
    }
    expect(indices).toEqual([40, 41, 42, 43, 44]);
    // 45 frames decoded through a few buffers.
    expect(buffers.size).toBeLessThanOrEqual(3);
  });

  it('cuts the audio to the same span, starts the master at 0 and moves the timecode on', async () => {
    const output = path.join(dir, 'range-av.mp4');
    await renderProject(project, output);
    const probe = await ffprobeJson(output);
    const [video, audio] = ['video', 'audio'].map((t) => probe.streams.find((s: any) => s.codec_type === t));
    expect(Number(video.start_time)).toBe(0);
    expect(video.nb_frames).toBe('20');
    expect(video.tags.timecode).toBe('01:00:00:12');
    // Copied AAC is cut at packet boundaries (1024 samples, 21 ms).
    expect(Math.abs(Number(audio.start_time))).toBeLessThan(0.025);
    expect(Math.abs(Number(audio.duration) - 0.8)).toBeLessThan(0.045);
    // The master's sound is the source's from frame 12 (0.48 s) on.
    const [master, original] = [await readPcm(output, 0), await readPcm(sourcePath, 0)] as Int16Array[];
    const lag = lagOf(master, original, 0.48 * 48000, 1200);
    expect(Math.abs(lag - 0.48 * 48000)).toBeLessThanOrEqual(1024);
  });

  it('refuses a range outside the source', async () => {
    const bad = { ...project, exportSettings: { ...project.exportSettings, range: { first: 40, last: 60 } } };
    await expect(renderProject(bad, path.join(dir, 'bad.mp4'))).rejects.toMatchObject({ code: 'PROJECT_INVALID', message: expect.stringContaining('0–49') });
  });
});

describe('variable frame rate', () => {
  let dir: string;
  let sourcePath: string;
  let project: Project;
  let sourceTimes: number[];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-vfr-'));
    sourcePath = await variableRateSource();
    project = createProject(await probeVideo(sourcePath));
    project.exportSettings.preset = 'ultrafast';
    sourceTimes = await packetTimes(sourcePath);
    expect(sourceTimes).toHaveLength(FRAMES);
    expect(sourceTimes[26] - sourceTimes[25]).toBeCloseTo(0.07, 6);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const [ext, codec] of [['mp4', 'h264'], ['mov', 'prores'], ['mkv', 'h265']] as const) {
    it(`keeps every frame at its own time (${codec} in .${ext})`, async () => {
      const output = path.join(dir, `vfr.${ext}`);
      const result = await renderProject({ ...project, exportSettings: { ...project.exportSettings, videoCodec: codec } }, output);
      expect(result.variableFrameRate).toBe(true);
      const times = await packetTimes(output);
      expect(times).toHaveLength(FRAMES);
      times.forEach((t, i) => expect(t, `frame ${i}`).toBeCloseTo(sourceTimes[i], 6));
      // Every frame is shown: the last one too (mov/mp4 need its duration written in).
      expect(await decodedFrameCount(output)).toBe(FRAMES);
    });
  }

  it('a range of a variable-rate source keeps its spacing and starts at 0', async () => {
    const output = path.join(dir, 'vfr-range.mp4');
    await renderProject({ ...project, exportSettings: { ...project.exportSettings, range: { first: 20, last: 40 } } }, output);
    const times = await packetTimes(output);
    expect(times).toHaveLength(21);
    times.forEach((t, k) => expect(t, `master frame ${k}`).toBeCloseTo(sourceTimes[20 + k] - sourceTimes[20], 6));
  });
});
