import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../../core/project';
import { decideTrack, startReview } from '../../core/review';
import { createTestHost, type TestHost } from '../../electron/main/ipc/testHost';
import { probeVideo } from '../../electron/main/media/probe';
import { writeProjectFile } from '../../electron/main/project/projectFile';
import { keyframe, projectWith, track } from '../helpers/projects';
import { mkvClip } from './clips';

let tmp: string;
let host: TestHost;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'blurline-eventlog-'));
  host = await createTestHost({ userDataDir: path.join(tmp, 'userData') });
});
afterAll(async () => {
  await host.close();
  rmSync(tmp, { recursive: true, force: true });
});

const reviewer = { name: 'Rae', role: 'reviewer' as const };

function reviewed(): Project {
  const p = projectWith([track('t1', [keyframe(0, { x: 0, y: 0, width: 10, height: 10 })])], { path: path.join(os.tmpdir(), 'eventlog-source.mp4') });
  const started = { ...p, review: startReview(p.review, reviewer, '2026-11-25T10:00:00Z') };
  return { ...started, review: decideTrack(started, 't1', 'approved', reviewer, '2026-11-25T10:01:00Z') };
}

describe('the event log is append-only across IPC', () => {
  it('saves a log that only grows, and refuses one that was changed, shortened or reordered', async () => {
    const project = reviewed();
    expect(await host.handlers.autosaveProject(project)).toMatchObject({ ok: true });
    const forged = structuredClone(project);
    forged.review.events[1].actor = 'Someone else';
    expect(await host.handlers.autosaveProject(forged)).toMatchObject({
      ok: false,
      code: 'PROJECT_INVALID',
      message: "the review's event log is append-only: entry 1 was changed; nothing was saved",
    });
    const shortened = { ...project, review: { ...project.review, events: project.review.events.slice(0, 1) } };
    expect(await host.handlers.autosaveProject(shortened)).toMatchObject({ ok: false, message: expect.stringContaining('entries from 1 on were removed') });
    const skipped = structuredClone(project);
    skipped.review.events.push({ ...skipped.review.events[1], seq: 7 });
    expect(await host.handlers.autosaveProject(skipped)).toMatchObject({ ok: false, message: expect.stringContaining('out of order at entry 7') });
    const grown = structuredClone(project);
    grown.review.events.push({ ...grown.review.events[1], seq: 2, detail: 'later' });
    expect(await host.handlers.autosaveProject(grown)).toMatchObject({ ok: true });
    // What was saved is the new baseline: the version before it is now a shortened log.
    expect(await host.handlers.autosaveProject(project)).toMatchObject({ ok: false, code: 'PROJECT_INVALID' });
  });

  it('a project file opened for a video keeps its own log when the video is opened after it (its autosave does not take over)', async () => {
    const clip = path.join(tmp, 'opened.mkv');
    copyFileSync(await mkvClip(), clip);
    const source = await probeVideo(clip);
    const started = (p: Project, name: string) => ({ ...p, review: startReview(p.review, { name, role: 'reviewer' }, '2026-11-25T11:00:00Z') });
    // An autosave whose log differs from the project file's.
    const autosaved = started(projectWith([], source), 'From the autosave');
    expect(await host.handlers.autosaveProject(autosaved)).toMatchObject({ ok: true });
    const fromFile = started(projectWith([], source), 'From the file');
    const file = path.join(tmp, 'opened.blurline.json');
    await writeProjectFile(file, fromFile);
    const opener = await createTestHost({ userDataDir: path.join(tmp, 'userData'), dialogs: { chooseProjectToOpen: async () => file } });
    try {
      expect(await opener.handlers.openProject()).toMatchObject({ ok: true, value: { path: file } });
      expect(await opener.handlers.openVideo(clip)).toMatchObject({ ok: true });
      expect(await opener.handlers.autosaveProject(fromFile)).toMatchObject({ ok: true });
    } finally {
      await opener.close();
    }
  });
});
