import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject } from '../../core/project';
import { findBinary } from '../../electron/main/media/binaries';
import { probeVideo } from '../../electron/main/media/probe';
import { renderProject } from '../../electron/main/pipeline';
import { ffprobeJson, generatedClip } from '../helpers/media';

/**
 * A dashcam's transport stream at a high bitrate: its first audio packet lies past the 5 MB ffmpeg
 * reads by default to learn each stream's parameters, so without reading further the sound has no
 * sample rate and nothing can copy it (a 143 Mbit/s 1080p clip failed to open with "[nut] sample
 * rate not set"). Here: 720p noise stored losslessly, about 1.3 MB a frame, with AAC.
 */

const highBitrateTs = () =>
  generatedClip('high-bitrate-ts', [
    '-f', 'lavfi', '-i', "nullsrc=s=1280x720:r=30:d=1,geq=lum='random(1)*255':cb=128:cr=128",
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=1',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'mpegts',
  ], 'ts');

describe('a transport stream whose first audio packet lies past ffmpeg’s default probe', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-hbts-'));
    file = await highBitrateTs();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is what it claims: with ffmpeg’s default probe its sound has no parameters', async () => {
    const { stderr } = await promisify(execFile)(findBinary('ffmpeg').path, ['-hide_banner', '-i', file]).catch((e) => e);
    expect(stderr).toMatch(/Audio: aac.*0 channels/);
  });

  it('opens with its sound, and renders to a master that keeps it', async () => {
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
});
