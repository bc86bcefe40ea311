import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, type AudioRedaction, type Project } from '../../core/project';
import { probeVideo } from '../../electron/main/media/probe';
import { renderProject } from '../../electron/main/pipeline';
import { ffprobeJson, generatedClip, readPcm, streamPacketsMd5 } from '../helpers/media';

/**
 * Audio redaction measured on the decoded samples: a muted span is silent, a bleeped span is a
 * 1 kHz tone, and outside the spans PCM is bit-identical and AAC the same sound within codec limits.
 */

const RATE = 48000;
const CHANNELS = 2;
const video = ['-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=25:d=3'];
/** Two tones that fill the whole clip at −6 dBFS, so silence and a bleep are unmistakable. */
const tone = (hz: number) => ['-f', 'lavfi', '-i', `aevalsrc=0.5*sin(2*PI*${hz}*t)|0.5*sin(2*PI*${hz}*t+1):s=${RATE}:d=3`];

const movSource = () =>
  generatedClip('redact-mov', [
    ...video, ...tone(440), ...tone(660),
    '-map', '0:v', '-map', '1:a', '-map', '2:a', '-c:v', 'libx264', '-preset', 'ultrafast',
    '-c:a:0', 'pcm_s16le', '-c:a:1', 'aac', '-b:a:1', '192k',
  ], 'mov');

const mp4Source = () =>
  generatedClip('redact-mp4', [...video, ...tone(440), '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-b:a', '192k'], 'mp4');

const REDACTIONS: AudioRedaction[] = [
  { id: 'r1', startSeconds: 1.0, endSeconds: 1.5, mode: 'mute', label: 'surname' },
  { id: 'r2', startSeconds: 2.0, endSeconds: 2.4, mode: 'bleep', label: 'street name' },
];

const dbfs = (v: number) => (v > 0 ? 20 * Math.log10(v / 32768) : -Infinity);

/** Interleaved samples of seconds a..b (first channel only when `mono`), optionally `offset` sample frames later. */
function span(samples: Int16Array | Int32Array, a: number, b: number, mono = false, offset = 0): number[] {
  const out: number[] = [];
  for (let f = Math.ceil(a * RATE) + offset; f < Math.min(samples.length / CHANNELS, Math.floor(b * RATE) + offset); f++) {
    if (mono) out.push(samples[f * CHANNELS]);
    else for (let c = 0; c < CHANNELS; c++) out.push(samples[f * CHANNELS + c]);
  }
  return out;
}

const peak = (v: number[]) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const rms = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);

/** Power of one frequency in mono samples (Goertzel), normalised by length. */
function powerAt(v: number[], hz: number): number {
  const k = 2 * Math.cos((2 * Math.PI * hz) / RATE);
  let [s1, s2] = [0, 0];
  for (const x of v) [s1, s2] = [x + k * s1 - s2, s1];
  return (s1 * s1 + s2 * s2 - k * s1 * s2) / (v.length * v.length);
}

function correlation(a: number[], b: number[]): number {
  let [ab, aa, bb] = [0, 0, 0];
  for (let i = 0; i < a.length; i++) [ab, aa, bb] = [ab + a[i] * b[i], aa + a[i] * a[i], bb + b[i] * b[i]];
  return ab / Math.sqrt(aa * bb);
}

/** What the tests measured, printed once for the report. */
const figures: Record<string, number | string> = {};

/** Checks a redacted stream against its source. `exact`: PCM (bit-identical outside); otherwise AAC (same sound). */
function expectRedacted(out: Int16Array, src: Int16Array, exact: boolean, shift = 0, name = '') {
  const edge = exact ? 0.005 : 0.03;
  const muted = span(out, 1.0 - shift + edge, 1.5 - shift - edge);
  expect(peak(muted), 'muted span peak').toBeLessThan(exact ? 1 : 33); // AAC: below −60 dBFS
  figures[`${name} mute peak dBFS`] = dbfs(peak(muted)).toFixed(1);
  const bleep = span(out, 2.0 - shift + edge, 2.4 - shift - edge, true);
  expect(dbfs(rms(bleep))).toBeGreaterThan(-24);
  expect(dbfs(rms(bleep))).toBeLessThan(-22); // 0.1 of full scale: −23 dBFS RMS
  expect(powerAt(bleep, 1000)).toBeGreaterThan(100 * powerAt(bleep, 440));
  figures[`${name} bleep RMS dBFS`] = dbfs(rms(bleep)).toFixed(2);
  // Outside the spans: the source's sound.
  const outside: [number, number][] = [[0, 1.0 - shift], [1.5 - shift, 2.0 - shift], [2.4 - shift, 3 - shift]];
  let identical = 0;
  let total = 0;
  for (const [a0, b0] of outside) {
    // Span ends are inclusive (the sample at exactly 1.5 s is muted too), so start just past them.
    const [a, b] = exact ? [a0 > 0 ? a0 + 1 / RATE : 0, b0 - 1 / RATE] : [Math.max(0, a0) + 0.05, b0 - 0.05];
    if (b <= a) continue;
    const o = span(out, a, b);
    const s = span(src, a, b, false, Math.round(shift * RATE));
    if (exact) {
      for (let i = 0; i < o.length; i++) if (o[i] === s[i]) identical++;
      total += o.length;
    } else {
      expect(correlation(o, s)).toBeGreaterThan(0.99);
      expect(Math.abs(dbfs(rms(o)) - dbfs(rms(s)))).toBeLessThan(0.5);
      const error = rms(o.map((x, i) => x - s[i]));
      figures[`${name} outside ${a.toFixed(2)}-${b.toFixed(2)}s`] = `correlation ${correlation(o, s).toFixed(6)}, error ${dbfs(error).toFixed(1)} dBFS`;
    }
  }
  if (exact) {
    expect(identical).toBe(total);
    expect(total).toBeGreaterThan(RATE * CHANNELS);
    figures[`${name} identical samples outside`] = `${identical}/${total}`;
  }
}

describe('audio redaction', () => {
  let dir: string;
  let movProject: Project;
  let movPath: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-redact-'));
    movPath = await movSource();
    movProject = createProject(await probeVideo(movPath));
    movProject.exportSettings.preset = 'ultrafast';
    movProject.audioRedactions = REDACTIONS;
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    console.log('audio redaction figures', figures);
  });

  it('PCM in .mov: muted span is digital silence, bleep is a 1 kHz tone, every other sample bit-identical; AAC beside it likewise within codec limits', async () => {
    const output = path.join(dir, 'redacted.mov');
    const result = await renderProject(movProject, output);
    expect(result.audio.map((a) => [a.mode, a.codec])).toEqual([['redact', 'pcm_s16le'], ['redact', 'aac']]);
    // The report lists every span applied, in master seconds.
    expect(result.audio[0].spans).toEqual([
      { id: 'r1', mode: 'mute', label: 'surname', startSeconds: 1, endSeconds: 1.5 },
      { id: 'r2', mode: 'bleep', label: 'street name', startSeconds: 2, endSeconds: 2.4 },
    ]);
    const probe = await ffprobeJson(output);
    expect(probe.streams.filter((s: any) => s.codec_type === 'audio').map((s: any) => [s.codec_name, s.sample_rate, s.channels])).toEqual([
      ['pcm_s16le', '48000', 2],
      ['aac', '48000', 2],
    ]);
    expectRedacted((await readPcm(output, 0)) as Int16Array, (await readPcm(movPath, 0)) as Int16Array, true, 0, 'PCM');
    expectRedacted((await readPcm(output, 1)) as Int16Array, (await readPcm(movPath, 1)) as Int16Array, false, 0, 'AAC(mov)');
  });

  it('AAC in .mp4', async () => {
    const mp4Path = await mp4Source();
    const project = createProject(await probeVideo(mp4Path));
    project.exportSettings.preset = 'ultrafast';
    project.audioRedactions = REDACTIONS;
    const output = path.join(dir, 'redacted.mp4');
    const result = await renderProject(project, output);
    expect(result.audio.map((a) => [a.mode, a.codec])).toEqual([['redact', 'aac']]);
    // Asked for a high rate (a pure tone needs far less, so the measured rate says little).
    expect(result.ffmpegCommand).toContain('-c:a:0 aac -b:a:0 256k');
    expectRedacted((await readPcm(output, 0)) as Int16Array, (await readPcm(mp4Path, 0)) as Int16Array, false, 0, 'AAC(mp4)');
  });

  it('in a range export the spans move with the cut, and PCM stays bit-identical outside them', async () => {
    const output = path.join(dir, 'range.mov');
    // Frames 25..74 are 1.0 s..3.0 s: the mute lands at 0..0.5 s of the master, the bleep at 1.0..1.4 s.
    const result = await renderProject({ ...movProject, exportSettings: { ...movProject.exportSettings, range: { first: 25, last: 74 } } }, output);
    expect(result.audio[0].spans.map((s) => [s.startSeconds, s.endSeconds])).toEqual([[0, 0.5], [1, expect.closeTo(1.4, 9)]]);
    const out = (await readPcm(output, 0)) as Int16Array;
    expect(out.length / CHANNELS / RATE).toBeCloseTo(2, 2);
    expectRedacted(out, (await readPcm(movPath, 0)) as Int16Array, true, 1.0, 'PCM range');
  });

  it('copies a stream untouched when no redaction falls in the exported span', async () => {
    const output = path.join(dir, 'early.mov');
    const result = await renderProject({ ...movProject, exportSettings: { ...movProject.exportSettings, range: { first: 0, last: 19 } } }, output);
    expect(result.audio.map((a) => a.mode)).toEqual(['copy', 'copy']);
    const whole = path.join(dir, 'whole.mov');
    await renderProject({ ...movProject, audioRedactions: [] }, whole);
    expect(await streamPacketsMd5(whole, '0:a:1')).toBe(await streamPacketsMd5(movPath, '0:a:1'));
  });
});
