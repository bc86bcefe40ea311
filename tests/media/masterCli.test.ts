import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject } from '../../core/project';
import { REPO_ROOT } from '../../electron/main/media/binaries';
import { probeVideo } from '../../electron/main/media/probe';
import { writeProjectFile } from '../../electron/main/project/projectFile';
import { ffprobeJson, generatedClip } from '../helpers/media';
import { keyframe, track } from '../helpers/projects';

/** The CLI's master flags: --codec, --range (and --keep-metadata beside them), their help and their errors. */

const CLI = path.join(REPO_ROOT, 'bin/blurline.js');

function blurline(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('blurline render --codec / --range', () => {
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-master-cli-'));
    const clip = await generatedClip('master-cli', [
      '-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=25:d=1.2', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=1.2',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac',
    ]);
    const project = createProject(await probeVideo(clip));
    project.tracks = [track('face', [keyframe(0, { x: 20, y: 20, width: 50, height: 50 }), keyframe(29, { x: 60, y: 20, width: 50, height: 50 })])];
    project.exportSettings.preset = 'ultrafast';
    await writeProjectFile(path.join(dir, 'p.json'), project);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a ProRes master of frames 5..14 and says so in --json', async () => {
    const run = await blurline(['render', 'p.json', '-o', 'cut.mov', '--codec', 'prores', '--range', '5-14', '--json'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, codec: 'prores', range: { first: 5, last: 14 }, regions: 10 });
    const video = (await ffprobeJson(path.join(dir, 'cut.mov'))).streams[0];
    expect(video).toMatchObject({ codec_name: 'prores', profile: 'HQ', pix_fmt: 'yuv422p10le', nb_frames: '10' });
  });

  it('rejects a bad codec or range as usage (2), ProRes into .mp4 as an output problem (4), and writes nothing', async () => {
    expect((await blurline(['render', 'p.json', '-o', 'a.mp4', '--codec', 'vp9'], dir)).code).toBe(2);
    const backwards = await blurline(['render', 'p.json', '-o', 'a.mp4', '--range', '9-3'], dir);
    expect(backwards).toMatchObject({ code: 2, stderr: expect.stringContaining('--range') });
    const outside = await blurline(['render', 'p.json', '-o', 'a.mp4', '--range', '20-99', '--json'], dir);
    expect(outside.code).toBe(3);
    expect(JSON.parse(outside.stdout)).toMatchObject({ code: 'PROJECT_INVALID' });
    const prores = await blurline(['render', 'p.json', '-o', 'a.mp4', '--codec', 'prores'], dir);
    expect(prores).toMatchObject({ code: 4, stderr: expect.stringContaining('.mov') });
    expect(existsSync(path.join(dir, 'a.mp4'))).toBe(false);
  });

  it('documents the flags in --help', async () => {
    const { stdout } = await blurline(['--help'], dir);
    for (const flag of ['--codec <name>', 'h265', 'prores', '--range <first>-<last>', '--keep-metadata']) expect(stdout).toContain(flag);
  });
});
