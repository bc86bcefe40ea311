import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProject } from '../../core/project';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchItemSnapshot, IpcResult } from '../../electron/shared/contract';
import { masterClashes } from '../../electron/main/export/batch';
import { createTestHost, type TestHost } from '../../electron/main/ipc/testHost';
import { faceClip, generatedClip } from '../helpers/media';
import { longClip } from './clips';

function value<T>(result: IpcResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.code}: ${result.message}`);
  return result.value;
}

let tmp: string;
let folder: string;
let host: TestHost;
/** Every queue snapshot pushed to the window. */
const pushed: BatchItemSnapshot[][] = [];

/** Resolves with the queue once every item in it has finished. */
function settled(): Promise<BatchItemSnapshot[]> {
  return new Promise((resolve) => {
    const check = () => {
      const last = pushed.at(-1);
      if (last && last.every((i) => i.status !== 'queued' && i.status !== 'running')) {
        off();
        resolve(last);
      }
    };
    const off = host.onEvent(() => check());
    check();
  });
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'blurline-batch-'));
  folder = path.join(tmp, 'footage');
  mkdirSync(folder);
  const short = await generatedClip('face-short', ['-i', await faceClip(), '-frames:v', '12', '-c:v', 'libx264', '-preset', 'ultrafast', '-an']);
  copyFileSync(short, path.join(folder, 'a-ambulance.mp4'));
  writeFileSync(path.join(folder, 'b-damaged.mov'), Buffer.from(Array.from({ length: 40_000 }, (_, i) => (i * 7919) % 253)));
  writeFileSync(path.join(folder, 'notes.txt'), 'not a video');
  writeFileSync(path.join(folder, '.hidden.mp4'), 'x');
  writeFileSync(path.join(folder, 'old.blurred.mp4'), 'a master from an earlier run');
  host = await createTestHost({ userDataDir: path.join(tmp, 'userData'), dialogs: { chooseFolder: async () => folder } });
  host.onEvent((event, payload) => {
    if (event === 'batch') pushed.push(payload as BatchItemSnapshot[]);
  });
});
afterAll(async () => {
  await host.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the batch queue', () => {
  it('lists the videos of a chosen folder, leaving out other files, hidden ones and earlier masters', async () => {
    expect(value(await host.handlers.chooseBatchFolder())).toEqual({
      folder,
      videos: [path.join(folder, 'a-ambulance.mp4'), path.join(folder, 'b-damaged.mov')],
    });
  });

  it('validates what it is asked to queue', async () => {
    const add = host.handlers.addToBatch as (args: unknown) => Promise<IpcResult<unknown>>;
    const args = { paths: [path.join(folder, 'a-ambulance.mp4')], outputDir: path.join(tmp, 'out'), preset: 'fast', codec: 'h264', overwrite: false };
    expect(await add({ ...args, paths: ['a.mp4'] })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', message: expect.stringContaining('args.paths.0') });
    expect(await add({ ...args, paths: [] })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(await add({ ...args, preset: 'huge' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(await host.handlers.cancelBatchItem('clip-nope')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', message: 'no such batch item: clip-nope' });
  });

  it('refuses clips that would write the same master, before any work', async () => {
    const clash = await host.handlers.addToBatch({
      paths: [path.join(folder, 'a-ambulance.mp4'), path.join(tmp, 'A-AMBULANCE.mov')],
      outputDir: path.join(tmp, 'clash'),
      preset: 'fast',
      codec: 'h264',
      overwrite: false,
    });
    expect(clash).toMatchObject({ ok: false, code: 'OUTPUT_EXISTS', message: expect.stringContaining('A-AMBULANCE.mov and a-ambulance.mp4 would both be written to') });
    expect(value(await host.handlers.batchItems())).toEqual([]);
    expect(masterClashes(['/v/a.mp4', '/w/a.mov', '/v/b.mp4'], '/out', 'prores')).toEqual([{ sourcePath: '/w/a.mov', clashesWith: '/v/a.mp4', master: '/out/a.blurred.mov' }]);
  });

  it('runs clips one after another: exports each with its report, goes on past a damaged one, and keeps the project as the clip’s autosave', async () => {
    const out = path.join(tmp, 'out');
    const { ids } = value(
      await host.handlers.addToBatch({
        paths: [path.join(folder, 'a-ambulance.mp4'), path.join(folder, 'b-damaged.mov')],
        outputDir: out,
        preset: 'fast',
        codec: 'h264',
        overwrite: false,
      }),
    );
    const items = await settled();
    expect(items.map((i) => [i.id, i.status])).toEqual([
      [ids[0], 'done'],
      [ids[1], 'failed'],
    ]);
    expect(items[0].result).toMatchObject({ masterPath: path.join(out, 'a-ambulance.blurred.mp4'), tracks: 1, leakTracksAdded: 0, leakFindings: 0 });
    expect(items[1].error).toMatchObject({ code: 'SOURCE_UNREADABLE' });
    // One clip at a time: the second started only after the first was done.
    const firstDone = pushed.findIndex((q) => q[0]?.status === 'done');
    const secondStarted = pushed.findIndex((q) => q[1]?.status === 'running');
    expect(secondStarted).toBeGreaterThan(firstDone);
    expect(pushed.some((q) => q[0]?.stage === 'checking the master for faces left showing' && q[0].progress)).toBe(true);
    expect(readdirSync(out).sort()).toEqual(['a-ambulance.blurred.blurline.json', 'a-ambulance.blurred.mp4', 'a-ambulance.blurred.mp4.audit.html', 'a-ambulance.blurred.mp4.audit.json']);
    const opened = value(await host.handlers.openVideo(path.join(folder, 'a-ambulance.mp4')));
    expect(opened.autosaved?.project.tracks).toHaveLength(1);
    value(await host.handlers.clearFinishedBatch());
    expect(value(await host.handlers.batchItems())).toEqual([]);
  });

  it('cancels a running clip (nothing left at its output) and a queued one (never started)', async () => {
    const long = path.join(folder, 'c-long.mp4');
    copyFileSync(await longClip(), long);
    const out = path.join(tmp, 'cancelled');
    // Marked graphic in the editor (its autosave says so): the queue shows it.
    const { source } = value(await host.handlers.openVideo(long));
    value(await host.handlers.autosaveProject({ ...createProject(source), graphic: true }));
    const add = async (outputDir: string) => value(await host.handlers.addToBatch({ paths: [long], outputDir, preset: 'fast', codec: 'h264', overwrite: true })).ids[0];
    const ids = [await add(out), await add(path.join(out, 'second'))];
    await new Promise<void>((resolve) => {
      const off = host.onEvent(() => {
        if (pushed.at(-1)?.[0]?.progress) {
          off();
          resolve();
        }
      });
    });
    value(await host.handlers.cancelBatchItem(ids[1]));
    value(await host.handlers.cancelBatchItem(ids[0]));
    const items = await settled();
    expect(items.map((i) => i.status)).toEqual(['cancelled', 'cancelled']);
    expect(pushed.some((q) => q.find((i) => i.id === ids[1])?.status === 'running')).toBe(false);
    expect(readdirSync(out).filter((f) => f.includes('.blurred.') && !f.endsWith('.blurline.json'))).toEqual([]);
    expect(items.map((i) => i.graphic)).toEqual([true, true]);
  });
});
