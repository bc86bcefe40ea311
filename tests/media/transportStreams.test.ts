import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createProject } from '../../core/project';
import { findBinary } from '../../electron/main/media/binaries';
import { runFfmpeg } from '../../electron/main/media/ffmpeg';
import { probeVideo } from '../../electron/main/media/probe';
import { makeProxy } from '../../electron/main/ipc/proxy';
import { renderProject } from '../../electron/main/pipeline';
import { ffprobeJson, generatedClip } from '../helpers/media';

// The real runner, watched: how often a source's input is listed for silent streams.
vi.mock('../../electron/main/media/ffmpeg', async (original) => {
  const real = await original<typeof import('../../electron/main/media/ffmpeg')>();
  return { ...real, runFfmpeg: vi.fn(real.runFfmpeg) };
});
const inputListings = () => vi.mocked(runFfmpeg).mock.calls.filter(([args]) => args.join(' ').includes('-t 0 -f null')).length;

/**
 * Dashcam transport streams whose sound ffmpeg cannot learn from its first 5 MB.
 * - At a high bitrate the first audio packet lies past them: without reading further the sound has
 *   no sample rate and nothing can copy it (a 143 Mbit/s 1080p clip failed to open with "[nut]
 *   sample rate not set"). Here: 720p noise stored losslessly, about 1.3 MB a frame, with AAC.
 * - A muted microphone: the stream is listed and carries no packets at all.
 */

const highBitrateTs = () =>
  generatedClip('high-bitrate-ts', [
    '-f', 'lavfi', '-i', "nullsrc=s=1280x720:r=30:d=1,geq=lum='random(1)*255':cb=128:cr=128",
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=1',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'mpegts',
  ], 'ts');

/**
 * A TS with a listed but empty first audio stream (its packets removed: PID 0x101) before a
 * second one with sound (44.1 kHz).
 */
async function mutedFirstStreamTs(dir: string): Promise<string> {
  const packets = readFileSync(await twoAudioStreamsTs());
  const kept: Buffer[] = [];
  for (let p = 0; p + 188 <= packets.length; p += 188) {
    const pid = ((packets[p + 1] & 0x1f) << 8) | packets[p + 2];
    if (pid !== 0x101) kept.push(packets.subarray(p, p + 188));
  }
  const file = path.join(dir, 'muted-first-stream.ts');
  writeFileSync(file, Buffer.concat(kept));
  return file;
}

const twoAudioStreamsTs = () =>
  generatedClip('ts-two-audio', [
    '-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=2',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=2',
    '-f', 'lavfi', '-i', 'sine=frequency=660:sample_rate=44100:duration=2',
    '-map', '0:v', '-map', '1:a', '-map', '2:a',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'mpegts',
  ], 'ts');

describe('transport streams whose sound ffmpeg’s default probe does not see', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-hbts-'));
    file = await highBitrateTs();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a high-bitrate one is what it claims: with ffmpeg’s default probe its sound has no parameters', async () => {
    const { stderr } = await promisify(execFile)(findBinary('ffmpeg').path, ['-hide_banner', '-i', file]).catch((e) => e);
    expect(stderr).toMatch(/Audio: aac.*0 channels/);
  });

  it('a high-bitrate one opens with its sound, and renders to a master that keeps it', async () => {
    const source = await probeVideo(file);
    expect(source.audioStreams).toHaveLength(1);
    expect(source.audioStreams[0]).toMatchObject({ sampleRate: 48000 });
    const project = createProject(source);
    project.exportSettings = { ...project.exportSettings, preset: 'ultrafast' };
    const output = path.join(dir, 'master.mp4');
    await renderProject(project, output);
    const audio = (await ffprobeJson(output)).streams.filter((s: { codec_type: string }) => s.codec_type === 'audio');
    expect(audio).toHaveLength(1);
    expect(audio[0].sample_rate).toBe('48000');
  });

  it('a muted stream listed before one with sound is left out: the sound kept by its own position, in the master and the proxy', async () => {
    const source = await probeVideo(await mutedFirstStreamTs(dir));
    expect(source.audioStreams.map((a) => [a.audioIndex, a.sampleRate])).toEqual([[1, 44100]]);
    expect(source.frameCount).toBe(50);
    const project = createProject(source);
    project.exportSettings = { ...project.exportSettings, preset: 'ultrafast' };
    const output = path.join(dir, 'muted.mp4');
    await renderProject(project, output);
    const soundOf = async (file: string) => (await ffprobeJson(file)).streams.filter((s: { codec_type: string }) => s.codec_type === 'audio').map((s: { sample_rate: string }) => s.sample_rate);
    expect(await soundOf(output)).toEqual(['44100']);
    expect(await soundOf(await makeProxy(source, path.join(dir, 'proxies')))).toEqual(['44100']);
  });

  it('a muted stream is looked for once per version of the file, and a file changed at the same path is probed afresh', async () => {
    const file = await mutedFirstStreamTs(dir);
    const before = inputListings();
    const source = await probeVideo(file);
    const project = createProject(source);
    project.exportSettings = { ...project.exportSettings, preset: 'ultrafast' };
    await renderProject(project, path.join(dir, 'muted-again.mp4'));
    // The probe's streams, its packet count, the render's inputs and its timeline: one listing of the rewritten file.
    expect(inputListings() - before).toBe(1);
    const listed = inputListings();
    // The same path, now with sound on both streams (and a later modification time).
    copyFileSync(await twoAudioStreamsTs(), file);
    expect((await probeVideo(file)).audioStreams.map((a) => [a.audioIndex, a.sampleRate])).toEqual([[0, 48000], [1, 44100]]);
    expect(inputListings()).toBe(listed);
  });
});
