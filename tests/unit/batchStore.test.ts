import { describe, expect, it } from 'vitest';
import type { BatchItemSnapshot } from '../../electron/shared/contract';
import { BINDINGS, commandForKey } from '../../renderer/src/keymap';
import { dirName, isAbsolutePath, joinPath } from '../../renderer/src/paths';
import { createEditorStore } from '../../renderer/src/store';
import { batchFormProblems, batchRequest, batchRun, batchSummary, defaultOutputDir } from '../../renderer/src/store/batchSlice';

let nextId = 1;
function item(sourcePath: string, status: BatchItemSnapshot['status'], outputDir = '/footage/blurred'): BatchItemSnapshot {
  return { id: `clip-${nextId++}`, sourcePath, outputDir, graphic: false, status, stage: status, progress: null, result: null, error: null };
}
const withStatus = (i: BatchItemSnapshot, status: BatchItemSnapshot['status']): BatchItemSnapshot => ({ ...i, status, stage: status });

describe('paths for the batch form', () => {
  it('folders of paths, POSIX and Windows, roots kept whole', () => {
    expect(dirName('/footage/a.mp4')).toBe('/footage');
    expect(dirName('/a.mp4')).toBe('/');
    expect(dirName('C:\\cam\\a.mp4')).toBe('C:\\cam');
    expect(dirName('C:\\a.mp4')).toBe('C:\\');
    expect(dirName('a.mp4')).toBe('');
  });

  it('joins with the separator the folder uses', () => {
    expect(joinPath('/footage', 'blurred')).toBe('/footage/blurred');
    expect(joinPath('/footage/', 'blurred')).toBe('/footage/blurred');
    expect(joinPath('/', 'blurred')).toBe('/blurred');
    expect(joinPath('C:\\cam', 'blurred')).toBe('C:\\cam\\blurred');
    expect(joinPath('C:\\', 'blurred')).toBe('C:\\blurred');
    expect(defaultOutputDir('/Volumes/Card 1/DCIM')).toBe('/Volumes/Card 1/DCIM/blurred');
  });

  it('tells full paths from relative ones', () => {
    for (const p of ['/out', 'C:\\out', 'd:/out', '\\\\nas\\share\\out']) expect(isAbsolutePath(p)).toBe(true);
    for (const p of ['out', './out', '~/out', 'C:out', '']) expect(isAbsolutePath(p)).toBe(false);
  });
});

describe('the batch form', () => {
  it('a chosen folder lists its videos, all checked, with <folder>/blurred as the output; another folder replaces them', () => {
    const store = createEditorStore();
    store.getState().batchFolderChosen('/footage', ['/footage/a.mp4', '/footage/b.mov']);
    expect(store.getState().batchForm).toMatchObject({
      folder: '/footage',
      videos: [{ path: '/footage/a.mp4', checked: true }, { path: '/footage/b.mov', checked: true }],
      outputDir: '/footage/blurred',
      preset: 'thorough',
      codec: 'h264',
      overwrite: false,
    });
    store.getState().setBatchVideoChecked('/footage/b.mov', false);
    store.getState().setBatchOutputDir('/elsewhere');
    store.getState().batchFolderChosen('/day2', ['/day2/c.mp4']);
    expect(store.getState().batchForm).toMatchObject({ folder: '/day2', videos: [{ path: '/day2/c.mp4', checked: true }], outputDir: '/day2/blurred' });
  });

  it('dropped videos join the list once, checked; an empty output folder becomes their folder’s blurred/, a typed one stays', () => {
    const store = createEditorStore();
    expect(store.getState().addBatchVideos(['/cam/x.mp4', '/cam/y.mp4', '/cam/x.mp4'])).toBe(2);
    expect(store.getState().batchForm).toMatchObject({ folder: '/cam', outputDir: '/cam/blurred' });
    store.getState().setBatchVideoChecked('/cam/x.mp4', false);
    store.getState().setBatchOutputDir('/typed');
    expect(store.getState().addBatchVideos(['/other/z.mp4', '/cam/x.mp4'])).toBe(1);
    expect(store.getState().batchForm.videos).toEqual([
      { path: '/cam/x.mp4', checked: true },
      { path: '/cam/y.mp4', checked: true },
      { path: '/other/z.mp4', checked: true },
    ]);
    expect(store.getState().batchForm.outputDir).toBe('/typed');
    store.getState().setAllBatchVideosChecked(false);
    expect(store.getState().batchForm.videos.every((v) => !v.checked)).toBe(true);
  });

  it('Start asks for the checked videos with the form’s settings; after it the list empties and the settings stay', () => {
    const store = createEditorStore();
    store.getState().batchFolderChosen('/footage', ['/footage/a.mp4', '/footage/b.mov', '/footage/c.mp4']);
    store.getState().setBatchVideoChecked('/footage/b.mov', false);
    store.getState().setBatchOutputDir('  /out/blurred  ');
    store.getState().setBatchOptions({ preset: 'fast', codec: 'prores', overwrite: true });
    expect(batchFormProblems(store.getState().batchForm, [])).toEqual([]);
    expect(batchRequest(store.getState().batchForm)).toEqual({ paths: ['/footage/a.mp4', '/footage/c.mp4'], outputDir: '/out/blurred', preset: 'fast', codec: 'prores', overwrite: true });
    store.getState().batchQueued();
    expect(store.getState().batchForm).toMatchObject({ videos: [], outputDir: '  /out/blurred  ', preset: 'fast', codec: 'prores', overwrite: true });
  });

  it('says why it cannot start: nothing to add or checked, an output folder that is not a full path', () => {
    const store = createEditorStore();
    const problems = () => batchFormProblems(store.getState().batchForm, []);
    expect(problems()).toEqual(['Add a folder or drop videos here.', 'Choose an output folder.']);
    store.getState().batchFolderChosen('/footage', ['/footage/a.mp4']);
    store.getState().setAllBatchVideosChecked(false);
    expect(problems()).toEqual(['Check at least one video.']);
    store.getState().setAllBatchVideosChecked(true);
    store.getState().setBatchOutputDir('blurred');
    expect(problems()).toEqual(['The output folder must be a full path (like /footage/blurred), not “blurred”.']);
  });

  it('refuses two clips that would be written to the same master, and clips the queue is about to write', () => {
    const store = createEditorStore();
    store.getState().batchFolderChosen('/footage', ['/footage/clip.mp4', '/footage/Clip.MOV', '/footage/other.mp4', '/footage/third.mp4']);
    const queue = [item('/footage/other.mp4', 'running', '/footage/blurred/'), item('/footage/third.mp4', 'done')];
    expect(batchFormProblems(store.getState().batchForm, queue)).toEqual([
      'clip.mp4 and Clip.MOV would be written to the same file: uncheck one (or queue it separately, into another folder).',
      'other.mp4 is already in the queue for this output folder.',
    ]);
    store.getState().setBatchVideoChecked('/footage/Clip.MOV', false);
    store.getState().setBatchOutputDir('/footage/again');
    expect(batchFormProblems(store.getState().batchForm, queue)).toEqual([]);
  });
});

describe('the queue', () => {
  it('counts the clips of the current run: finished ones of an earlier run are left out, cancelled ones do not count', () => {
    const store = createEditorStore();
    const old = [item('/a.mp4', 'done'), item('/b.mp4', 'failed')];
    store.getState().batchChanged(old);
    expect(batchRun(store.getState().batchItems, store.getState().batchEarlier).active).toBe(false);
    const fresh = [item('/c.mp4', 'running'), item('/d.mp4', 'queued'), item('/e.mp4', 'queued'), item('/f.mp4', 'queued')];
    store.getState().batchChanged([...old, ...fresh]);
    const run = () => batchRun(store.getState().batchItems, store.getState().batchEarlier);
    expect(run()).toEqual({ total: 4, position: 1, done: 0, failed: 0, cancelled: 0, active: true });
    store.getState().batchChanged([...old, withStatus(fresh[0], 'failed'), withStatus(fresh[1], 'running'), withStatus(fresh[2], 'cancelled'), fresh[3]]);
    expect(run()).toEqual({ total: 3, position: 2, done: 0, failed: 1, cancelled: 1, active: true });
    // "Clear finished" during the run: the counts stay those of this run.
    store.getState().batchChanged([withStatus(fresh[1], 'done'), fresh[3]].map((i) => (i === fresh[3] ? withStatus(i, 'running') : i)));
    expect(store.getState().batchEarlier).toEqual([]);
    expect(run()).toMatchObject({ total: 2, position: 2, done: 1, active: true });
    store.getState().batchChanged([withStatus(fresh[1], 'done'), withStatus(fresh[3], 'done')]);
    expect(run()).toEqual({ total: 2, position: 2, done: 2, failed: 0, cancelled: 0, active: false });
  });

  it('a queue seen for the first time mid-run counts everything in it', () => {
    const store = createEditorStore();
    store.getState().batchChanged([item('/a.mp4', 'done'), item('/b.mp4', 'running'), item('/c.mp4', 'queued')]);
    expect(batchRun(store.getState().batchItems, store.getState().batchEarlier)).toMatchObject({ total: 3, position: 2 });
  });

  it('sums up a finished run', () => {
    expect(batchSummary({ total: 3, position: 3, done: 2, failed: 1, cancelled: 0, active: false })).toBe(
      'Batch finished: 2 done, 1 failed. Batch exports are not approved exports: open each clip in the editor to review it.',
    );
    expect(batchSummary({ total: 0, position: 0, done: 0, failed: 0, cancelled: 2, active: false })).toBe('Batch stopped: 2 cancelled.');
  });

  it('opens with Shift+Ctrl/Cmd+B (listed in the shortcuts); Ctrl/Cmd+B stays the menu’s Show Original, plain B the box tool', () => {
    const press = (key: string, mods: { ctrlKey?: boolean; metaKey?: boolean; shiftKey?: boolean }) => commandForKey({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });
    expect(press('B', { ctrlKey: true, shiftKey: true })).toBe('batch');
    expect(press('B', { metaKey: true, shiftKey: true })).toBe('batch');
    expect(press('b', { ctrlKey: true })).toBeNull();
    expect(press('b', {})).toBe('draw-tool');
    expect(BINDINGS.find((b) => b.command === 'batch')?.label).toBe('Shift+Ctrl/Cmd+B');
    const store = createEditorStore();
    store.getState().openBatch(true);
    expect(store.getState().batchOpen).toBe(true);
  });
});
