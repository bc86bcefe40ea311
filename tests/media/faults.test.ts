import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main';
import { REPO_ROOT } from '../../electron/main/media/binaries';
import { UserDataStore } from '../../electron/main/ipc/userDataStore';
import { exportMaster } from '../../electron/main/export/exportMaster';
import { detectToProject, renderProject } from '../../electron/main/pipeline';
import { createProject } from '../../core/project';
import { writeProjectFile } from '../../electron/main/project/projectFile';
import { probeVideo } from '../../electron/main/media/probe';
import { createMediaServer, packageAssetDirs } from '../../electron/main/ipc/mediaServer';
import { generatedClip, meanAbsDiff, readGrayFrames, sha256, type Rect } from '../helpers/media';

/**
 * The bad-input and fault corpus: what goes wrong on real machines with real files. In every
 * case the user gets a specific error (a code, a sentence, never a stack trace), the source is
 * untouched, and nothing half-written is left at the output path or beside it.
 */

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI in this process (the same `main` bin/blurline.js runs), its output captured. */
async function blurline(args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const CLI = path.join(REPO_ROOT, 'bin/blurline.js');
const FAST = ['--preset', 'fast', '--skip-leak-check', '--json'];

/** A two-second clip with sound: what the faults are made from. */
const plainClip = () =>
  generatedClip('fault-plain', [
    '-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=2', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=2',
    '-c:v', 'libx264', '-preset', 'veryfast', '-g', '12', '-c:a', 'aac', '-movflags', '+faststart',
  ]);
/** Six seconds of 720p: long enough to act on while it renders. */
const longClip = () =>
  generatedClip('fault-long', ['-f', 'lavfi', '-i', 'testsrc2=s=1280x720:r=25:d=6', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']);

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'blurline-faults-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fresh folder for one case, holding a copy of `clip` (or bytes) as its source. */
function caseFolder(name: string): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** What every failure must leave: the source as it was, no master, no hidden file of the export. */
function expectNothingLeft(output: string, source: string | null, sourceHash: string | null) {
  expect(existsSync(output), 'a master at the output path').toBe(false);
  const hidden = readdirSync(path.dirname(output)).filter((f) => f.startsWith(`.${path.basename(output)}`) || f.startsWith(`..${path.basename(output)}`));
  expect(hidden, 'hidden files of the export').toEqual([]);
  if (source && sourceHash) expect(sha256(source)).toBe(sourceHash);
}

/** A specific error: the code asked for, a sentence naming what is wrong, no stack trace. */
function expectSpecificError(run: CliRun, code: string, exit: number, says: RegExp) {
  expect(run.code, run.stdout + run.stderr).toBe(exit);
  const result = JSON.parse(run.stdout);
  expect(result).toMatchObject({ ok: false, code });
  expect(result.message).toMatch(says);
  expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

interface InputCase {
  name: string;
  make: (dir: string) => Promise<string> | string;
  code: string;
  exit: number;
  says: RegExp;
}

const badInputs: InputCase[] = [
  { name: 'a file of zero bytes', make: (d) => write(d, 'empty.mp4', Buffer.alloc(0)), code: 'SOURCE_UNREADABLE', exit: 3, says: /empty\.mp4.*empty file|empty file.*empty\.mp4/ },
  {
    name: 'random bytes named .mp4',
    make: (d) => write(d, 'noise.mp4', Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 7919 + 13) % 251))),
    code: 'SOURCE_UNREADABLE',
    exit: 3,
    says: /noise\.mp4/,
  },
  { name: 'a text file named .mov', make: (d) => write(d, 'notes.mov', Buffer.from('call the family back at 5\n'.repeat(40))), code: 'SOURCE_UNREADABLE', exit: 3, says: /notes\.mov/ },
  {
    name: 'an MP4 cut off in mid-GOP (its index intact, the pictures short)',
    make: async (d) => write(d, 'cut.mp4', readFileSync(await plainClip()).subarray(0, Math.floor(statSync(await plainClip()).size * 0.6))),
    code: 'SOURCE_TRUNCATED',
    exit: 3,
    says: /truncated or damaged, so no master was written/,
  },
  {
    name: 'an MP4 whose moov (its index) is missing: a camera that lost power mid-recording',
    make: async (d) => {
      const whole = readFileSync(await generatedClip('fault-moov-last', ['-i', await plainClip(), '-c', 'copy', '-movflags', '-faststart']));
      return write(d, 'no-moov.mp4', whole.subarray(0, whole.indexOf('moov') - 8));
    },
    code: 'SOURCE_UNREADABLE',
    exit: 3,
    says: /no-moov\.mp4.*moov atom not found/,
  },
  {
    name: 'absurd declared dimensions (100000×100000)',
    make: (d) => write(d, 'huge.y4m', Buffer.concat([Buffer.from('YUV4MPEG2 W100000 H100000 F25:1 Ip A1:1 C420jpeg\nFRAME\n'), Buffer.alloc(4096)])),
    code: 'SOURCE_UNREADABLE',
    exit: 3,
    says: /huge\.y4m.*picture size the file declares is impossible.*100000x100000/,
  },
  {
    name: 'a file with sound and no picture',
    make: async (d) => {
      const file = path.join(d, 'voice-memo.m4a');
      copyFileSync(await generatedClip('fault-audio-only', ['-f', 'lavfi', '-i', 'sine=duration=1', '-c:a', 'aac'], 'm4a'), file);
      return file;
    },
    code: 'NO_VIDEO_STREAM',
    exit: 3,
    says: /voice-memo\.m4a has no video stream \(it has: audio\)/,
  },
  { name: 'a source that does not exist', make: (d) => path.join(d, 'gone.mp4'), code: 'SOURCE_NOT_FOUND', exit: 3, says: /gone\.mp4/ },
  {
    name: 'a folder given as the source',
    make: (d) => {
      mkdirSync(path.join(d, 'DCIM.mp4'));
      return path.join(d, 'DCIM.mp4');
    },
    code: 'SOURCE_NOT_FOUND',
    exit: 3,
    says: /is not a file: .*DCIM\.mp4/,
  },
];

function write(dir: string, name: string, bytes: Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

describe('fault corpus: bad input', () => {
  for (const c of badInputs) {
    it(`${c.name}: ${c.code}`, async () => {
      const dir = caseFolder(c.name.replace(/[^a-z0-9]+/gi, '-'));
      const source = await c.make(dir);
      const hash = existsSync(source) && statSync(source).isFile() ? sha256(source) : null;
      const output = path.join(dir, 'master.mp4');
      const run = await blurline(['auto', source, '-o', output, ...FAST]);
      expectSpecificError(run, c.code, c.exit, c.says);
      expectNothingLeft(output, source, hash);
    });
  }
});

describe('fault corpus: the output', () => {
  it('the output is the source: OUTPUT_IS_SOURCE, before any work', async () => {
    const dir = caseFolder('output-is-source');
    const source = path.join(dir, 'clip.mp4');
    copyFileSync(await plainClip(), source);
    const hash = sha256(source);
    expectSpecificError(await blurline(['auto', source, '-o', source, ...FAST]), 'OUTPUT_IS_SOURCE', 4, /never overwritten/);
    expect(sha256(source)).toBe(hash);
  });

  it('an output folder that does not exist: OUTPUT_DIR_MISSING; an unknown container: OUTPUT_UNSUPPORTED', async () => {
    const dir = caseFolder('output-folder');
    expectSpecificError(await blurline(['auto', await plainClip(), '-o', path.join(dir, 'nowhere', 'm.mp4'), ...FAST]), 'OUTPUT_DIR_MISSING', 4, /nowhere/);
    expectSpecificError(await blurline(['auto', await plainClip(), '-o', path.join(dir, 'm.gif'), ...FAST]), 'OUTPUT_UNSUPPORTED', 4, /\.gif/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a read-only output folder: PERMISSION_DENIED, nothing written', async () => {
    const dir = caseFolder('read-only');
    const folder = path.join(dir, 'published');
    mkdirSync(folder);
    const unmount = readOnlyFolder(folder);
    try {
      const run = await blurline(['auto', await plainClip(), '-o', path.join(folder, 'master.mp4'), ...FAST]);
      expectSpecificError(run, 'PERMISSION_DENIED', 4, /published.*permission denied|permission denied.*published/);
      expect(readdirSync(folder)).toEqual([]);
    } finally {
      unmount();
    }
  });

  it('the disk fills up during the render: DISK_FULL, no master, no hidden file left', async () => {
    const dir = caseFolder('disk-full-render');
    const folder = path.join(dir, 'small-card');
    const unmount = smallDisk(folder, 64 * 1024);
    try {
      const output = path.join(folder, 'master.mp4');
      const run = await blurline(['auto', await plainClip(), '-o', output, ...FAST]);
      expectSpecificError(run, 'DISK_FULL', 4, /disk is full/);
      // The analysis is kept (its project file); nothing of the master is.
      expect(readdirSync(folder)).toEqual(['master.blurline.json']);
    } finally {
      unmount();
    }
  });

  it('the disk fills up while the audit report is written: DISK_FULL, and the finished master is not published without it', async () => {
    const dir = caseFolder('disk-full-report');
    const source = await plainClip();
    // How big this master is: the disk is given room for it and the lock, not for the report.
    const sized = path.join(dir, 'sized.mp4');
    expect((await blurline(['auto', source, '-o', sized, ...FAST])).code).toBe(0);
    const folder = path.join(dir, 'small-card');
    const unmount = smallDisk(folder, Math.ceil(statSync(sized).size / 4096) * 4096 + 2 * 4096);
    try {
      const output = path.join(folder, 'master.mp4');
      const run = await blurline(['auto', source, '-o', output, ...FAST, '--force']);
      expectSpecificError(run, 'DISK_FULL', 4, /the disk is full: could not write .*master\.mp4\.audit\.json/);
      expect(readdirSync(folder)).toEqual(['master.blurline.json']);
    } finally {
      unmount();
    }
  });

  it('two exports to the same path at once: one master, the other refused with OUTPUT_EXISTS', async () => {
    const dir = caseFolder('two-exports');
    const source = await plainClip();
    const { project } = await detectToProject(source, { preset: 'fast' });
    const output = path.join(dir, 'master.mp4');
    const results = await Promise.allSettled([exportMaster(project, output, { leakCheck: false }), exportMaster(project, output, { leakCheck: false })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'OUTPUT_EXISTS', message: expect.stringMatching(/another export is writing|already exists/) });
    expect((await probeVideo(output)).frameCount).toBe(50);
    expect(readdirSync(dir).sort()).toEqual(['master.mp4', 'master.mp4.audit.html', 'master.mp4.audit.json']);
  });

  it('killed with SIGKILL mid-render: nothing at the output path; the next run cleans the hidden files and writes the master', async () => {
    const dir = caseFolder('sigkill');
    const source = path.join(dir, 'long.mp4');
    copyFileSync(await longClip(), source);
    const projectFile = path.join(dir, 'long.blurline.json');
    await writeProjectFile(projectFile, createProject(await probeVideo(source)));
    const output = path.join(dir, 'master.mp4');
    const child = spawn(process.execPath, [CLI, 'render', projectFile, '-o', output, '--skip-leak-check'], { detached: true, stdio: 'ignore' });
    // Killed once the master is being encoded: its hidden file exists and grows.
    const hiddenNow = () => readdirSync(dir).filter((f) => f.startsWith('.master.mp4') || f.startsWith('..master.mp4'));
    await vi.waitFor(() => expect(hiddenNow().some((f) => /partial|staging/.test(f) && statSync(path.join(dir, f)).size > 0)).toBe(true), { timeout: 120_000, interval: 50 });
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(existsSync(output)).toBe(false);
    expect(hiddenNow().length).toBeGreaterThan(0);
    const hash = sha256(source);
    const run = await blurline(['render', projectFile, '-o', output, '--skip-leak-check', '--json']);
    expect(run.code, run.stdout).toBe(0);
    expect(hiddenNow()).toEqual([]);
    expect(sha256(source)).toBe(hash);
    expect((await probeVideo(output)).frameCount).toBe(150);
  });
});

/**
 * A copy of a clip with noise over 3 KB `at` a fraction of the way through: a frame or two there
 * no longer decode. In MPEG-TS the 4-byte packet headers are kept, so the packets still parse.
 */
function damagedCopy(clip: string, dir: string, name: string, at = 0.5): string {
  const damaged = readFileSync(clip);
  const from = Math.floor(damaged.length * at);
  const ts = name.endsWith('.ts');
  for (let p = from; p < from + 3000; p++) if (!(ts && p % 188 < 4)) damaged[p] = ((p - from) * 7919 + 13) % 251;
  return write(dir, name, damaged);
}

/** ffmpeg's grey from 8-bit RGB (BT.601 weights), to compare served frames with ffmpeg's own. */
function grayOf(rgb: Uint8Array): Uint8Array {
  const gray = new Uint8Array(rgb.length / 3);
  for (let i = 0; i < gray.length; i++) gray[i] = Math.round(0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2]);
  return gray;
}

/** Frame k of `frames` is the source's frame k: nearer to frame k of the source on its own clock than to either neighbour there. */
function expectOnOwnIndex(frames: Uint8Array[], onClock: Uint8Array[], standIns: number[]) {
  const frameRect: Rect = { x: 0, y: 0, width: 320, height: 240 };
  for (let k = 1; k < frames.length - 1; k++) {
    // The stand-in is the frame before.
    if (standIns.includes(k)) {
      expect(meanAbsDiff(frames[k], frames[k - 1], 320, frameRect)).toBeLessThan(1);
      continue;
    }
    const here = meanAbsDiff(frames[k], onClock[k], 320, frameRect);
    // (ffmpeg fills the gap on its clock with a copy of a neighbour, so the gap is no neighbour to compare with.)
    const neighbours = [k - 1, k + 1].filter((j) => !standIns.includes(j)).map((j) => meanAbsDiff(frames[k], onClock[j], 320, frameRect));
    expect(here, `frame ${k}`).toBeLessThan(Math.min(...neighbours));
  }
}

describe('fault corpus: damaged frames in the middle', () => {
  it('a frame the decoder cannot decode keeps its place: every later frame is blurred and shown on its own index, the gap said in the report', async () => {
    const dir = caseFolder('corrupt-middle');
    const source = damagedCopy(await plainClip(), dir, 'dashcam.mp4');
    const output = path.join(dir, 'master.mp4');
    const run = await blurline(['auto', source, '-o', output, ...FAST]);
    expect(run.code, run.stdout).toBe(0);
    const report = JSON.parse(readFileSync(`${output}.audit.json`, 'utf8'));
    const repeated: number[] = report.master.repeatedFrames;
    expect(JSON.parse(run.stdout).repeatedFrames).toEqual(repeated);
    expect(repeated.length).toBeGreaterThanOrEqual(1);
    expect(repeated.length).toBeLessThanOrEqual(2);
    // The source's frames on its own clock (ffmpeg repeats a frame where one is missing): frame k of the master is frame k of this.
    const [onClock, master] = await Promise.all([readGrayFrames(source, 320, 240, ['-vsync', 'cfr', '-r', '25']), readGrayFrames(output, 320, 240)]);
    expect(master).toHaveLength(50);
    expect(onClock).toHaveLength(50);
    expectOnOwnIndex(master, onClock, repeated);
  });

  const tsClip = async () => generatedClip('fault-plain-ts', ['-i', await plainClip(), '-c', 'copy', '-f', 'mpegts'], 'ts');
  for (const [name, clip, at] of [['dashcam.mp4', plainClip, 0.5], ['dashcam.ts', tsClip, 0.4]] as const) {
    it(`the editor's frame server numbers frames past the damage as the render does, in one request and across requests (${name})`, async () => {
      const dir = caseFolder(`corrupt-frames-${name}`);
      const source = await probeVideo(damagedCopy(await clip(), dir, name, at));
      // A master with nothing to blur: its frame k is the render's source frame k.
      const rendered = await renderProject(createProject(source), path.join(dir, 'master.mp4'));
      const master = await readGrayFrames(rendered.outputPath, 320, 240);
      expect(rendered.repeatedFrames.length).toBeGreaterThanOrEqual(1);
      const server = createMediaServer({ baseUrl: 'blurline-media://media', assetDirs: packageAssetDirs() });
      const { framesUrl } = server.addSource(source);
      const served = async (start: number, count: number) => {
        const res = await server.handle(new Request(`${framesUrl}?start=${start}&count=${count}`));
        expect(res.status).toBe(200);
        const body = new Uint8Array(await res.arrayBuffer());
        return Array.from({ length: body.length / (320 * 240 * 3) }, (_, k) => body.subarray(k * 320 * 240 * 3, (k + 1) * 320 * 240 * 3));
      };
      const all = await served(0, 100);
      expect(all).toHaveLength(master.length);
      // Where the render stood a frame in, so does the editor: the frame before, exactly.
      const standIns = all.flatMap((frame, k) => (k > 0 && Buffer.from(frame).equals(all[k - 1]) ? [k] : []));
      expect(standIns).toEqual(rendered.repeatedFrames);
      expectOnOwnIndex(all.map(grayOf), master, standIns);
      // A request that starts past the damage gets the same frames as the one from the start.
      const past = await served(40, 4);
      past.forEach((frame, i) => expect(Buffer.from(frame).equals(all[40 + i]), `frame ${40 + i}`).toBe(true));
      // One that ends on the damage still gets every frame, the last one standing in. (The pictures
      // next to the damage are the decoder's guesses, which vary with its threads' timing, so they
      // are not compared across requests.)
      const endsOnGap = await served(standIns[0] - 3, 4);
      expect(endsOnGap).toHaveLength(4);
      expect(Buffer.from(endsOnGap[3]).equals(endsOnGap[2])).toBe(true);
    });
  }
});

describe('fault corpus: the source during the work', () => {
  it('the source deleted during analysis: SOURCE_NOT_FOUND before the render, nothing written', async () => {
    const dir = caseFolder('deleted');
    const source = path.join(dir, 'clip.mp4');
    copyFileSync(await plainClip(), source);
    const { project } = await detectToProject(source, {
      preset: 'fast',
      onProgress: () => {
        if (existsSync(source)) rmSync(source);
      },
    });
    const output = path.join(dir, 'master.mp4');
    await expect(exportMaster(project, output, { leakCheck: false })).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND', message: expect.stringContaining('clip.mp4') });
    expectNothingLeft(output, null, null);
  });

  it('the source changed during analysis: SOURCE_CHANGED, nothing written', async () => {
    const dir = caseFolder('changed');
    const source = path.join(dir, 'clip.mp4');
    copyFileSync(await plainClip(), source);
    let appended = false;
    const { project } = await detectToProject(source, {
      preset: 'fast',
      onProgress: () => {
        if (!appended) appendFileSync(source, Buffer.alloc(1024));
        appended = true;
      },
    });
    const output = path.join(dir, 'master.mp4');
    await expect(exportMaster(project, output, { leakCheck: false })).rejects.toMatchObject({ code: 'SOURCE_CHANGED', message: expect.stringMatching(/has changed since the project was made/) });
    expectNothingLeft(output, null, null);
  });

  it('a project whose video has moved: relinked by its SHA-256 from beside the project, and rendered', async () => {
    const dir = caseFolder('moved');
    const card = path.join(dir, 'card');
    mkdirSync(card);
    const source = path.join(card, 'clip.mp4');
    copyFileSync(await plainClip(), source);
    const projectFile = path.join(dir, 'work', 'clip.blurline.json');
    mkdirSync(path.dirname(projectFile));
    const detect = await blurline(['detect', source, '-o', projectFile, '--preset', 'fast', '--json']);
    expect(detect.code, detect.stdout).toBe(0);
    // The card is copied into the project's folder and the card is gone; a same-sized file of other content sits beside it.
    mkdirSync(path.join(dir, 'work', 'footage'));
    renameSync(source, path.join(dir, 'work', 'footage', 'clip.mp4'));
    writeFileSync(path.join(dir, 'work', 'decoy.mp4'), Buffer.alloc(statSync(path.join(dir, 'work', 'footage', 'clip.mp4')).size, 7));
    const output = path.join(dir, 'master.mp4');
    const run = await blurline(['render', projectFile, '-o', output, '--skip-leak-check', '--json']);
    expect(run.code, run.stdout).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, relinkedFrom: source });
    expect((await probeVideo(output)).frameCount).toBe(50);
    // Nowhere to be found: a specific error that says where it looked.
    rmSync(path.join(dir, 'work', 'footage'), { recursive: true });
    const lost = await blurline(['render', projectFile, '-o', path.join(dir, 'again.mp4'), '--skip-leak-check', '--json']);
    expectSpecificError(lost, 'SOURCE_NOT_FOUND', 3, /is gone, and no file in .*work.* has its content/);
  });
});

describe('fault corpus: project and autosave files', () => {
  it('a project file cut short: PROJECT_INVALID naming the file', async () => {
    const dir = caseFolder('project-cut');
    const file = path.join(dir, 'clip.blurline.json');
    const whole = JSON.stringify(createProject(await probeVideo(await plainClip())), null, 2);
    writeFileSync(file, whole.slice(0, whole.length / 2));
    const run = await blurline(['render', file, '-o', path.join(dir, 'm.mp4'), '--json']);
    expectSpecificError(run, 'PROJECT_INVALID', 3, /clip\.blurline\.json/);
    expect(existsSync(path.join(dir, 'm.mp4'))).toBe(false);
  });

  it('a JSON file that is not a project: PROJECT_INVALID naming the field', async () => {
    const dir = caseFolder('project-wrong');
    const file = path.join(dir, 'clip.blurline.json');
    writeFileSync(file, JSON.stringify({ version: 1, source: { path: 42 } }));
    const run = await blurline(['render', file, '-o', path.join(dir, 'm.mp4'), '--json']);
    expectSpecificError(run, 'PROJECT_INVALID', 3, /clip\.blurline\.json: not a Blurline project: "format"/);
  });

  it('an autosave damaged by a crash: the one before it is recovered, and the reason given', async () => {
    const store = new UserDataStore(caseFolder('autosave'));
    const project = createProject(await probeVideo(await plainClip()));
    await store.saveAutosave(project);
    await store.saveAutosave({ ...project, updatedAt: new Date(Date.parse(project.updatedAt) + 1000).toISOString() });
    writeFileSync(store.autosavePath(project.source.path), readFileSync(store.autosavePath(project.source.path)).subarray(0, 50));
    expect(await store.readAutosave(project.source.path)).toMatchObject({ project: { updatedAt: project.updatedAt }, recoveredBecause: 'the newest autosave is damaged' });
    rmSync(store.autosavePath(project.source.path));
    expect(await store.readAutosave(project.source.path)).toMatchObject({ recoveredBecause: 'the newest autosave was not written' });
  });
});

/**
 * A folder nobody may write in. root ignores permission bits, so there it is a read-only
 * tmpfs; anyone else gets the permission bits.
 */
function readOnlyFolder(folder: string): () => void {
  if (process.getuid?.() === 0) {
    mount(['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', folder]);
    return () => mount(['-u', folder], 'umount');
  }
  chmodSync(folder, 0o555);
  return () => chmodSync(folder, 0o755);
}

/** A folder on a disk of `bytes` (a tmpfs). */
function smallDisk(folder: string, bytes: number): () => void {
  mkdirSync(folder, { recursive: true });
  mount(['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', folder]);
  return () => mount([folder], 'umount');
}

function mount(args: string[], command = 'mount') {
  const done = spawnSync(command, command === 'umount' ? args.filter((a) => a !== '-u') : args, { encoding: 'utf8' });
  if (done.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${done.stderr}`);
}
