import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../core/auditReport';
import { applyEdit, followEdit } from '../../core/edits';
import type { Box } from '../../core/geometry';
import { createProject, type Project, type Track } from '../../core/project';
import { followedKeyframes, type FollowResult } from '../../core/regionFollow';
import { trackBoxAt } from '../../core/tracks';
import { followRegion } from '../../electron/main/detect/followRegion';
import { probeVideo } from '../../electron/main/media/probe';
import { REPO_ROOT } from '../../electron/main/media/binaries';
import { readGrayFrames } from '../helpers/media';
import { coverage, plateClip, type PlateClip } from '../helpers/plateClip';

const run = promisify(execFile);

/** Frames on which at least half the plate shows: enough of it to read, so the follow must hide it. */
const SHOWING = 0.5;

async function projectFor(clip: PlateClip): Promise<Project> {
  return createProject(await probeVideo(clip.path));
}

/** The object track a follow makes, as the render will draw it (keyframes, interpolated). */
function followedTrack(project: Project, result: FollowResult): Track {
  const { project: after } = applyEdit(project, followEdit(project, 'plate-1', followedKeyframes(result), { label: 'plate', markedBy: 'test' }));
  return after.tracks.find((t) => t.id === 'plate-1')!;
}

function coverageReport(clip: PlateClip, tracks: Track[]) {
  const showing = clip.plate.map((_, n) => n).filter((n) => clip.visible[n] >= SHOWING);
  const poor = showing.filter((n) => {
    const best = Math.max(0, ...tracks.map((t) => trackBoxAt(t, n)).filter((b): b is Box => b !== null).map((b) => coverage(b, clip.plate[n])));
    return best < 0.95;
  });
  return { showing: showing.length, covered: showing.length - poor.length, poor };
}

/** First and last frames on which nothing of the plate shows. */
function hiddenSpan(clip: PlateClip): { first: number; last: number } {
  const hidden = clip.visible.map((v, n) => (v < 1e-9 ? n : -1)).filter((n) => n >= 0);
  return { first: hidden[0], last: hidden[hidden.length - 1] };
}

describe('following a marked region (a licence plate) on generated dashcam clips', () => {
  it('follows a plate that weaves and grows 2.7×, stops within 3 frames of a van covering it, and is picked up again from the far side', async () => {
    const clip = await plateClip({ width: 640, height: 360, frames: 150, plateWidth: [58, 154], coverFrom: 75 });
    const project = await projectFor(clip);
    const hidden = hiddenSpan(clip);
    const last = clip.options.frames - 1;

    const before = await followRegion({ source: project.source, frame: 0, box: clip.plate[0], directions: ['forward'] });
    const forward = before.sides[0];
    expect(forward.reason).toBe('covered');
    // Stopped within 3 frames of the plate disappearing, and not long before it (it follows the plate while any of it shows).
    expect(forward.stoppedAt!).toBeLessThanOrEqual(hidden.first + 3);
    expect(forward.stoppedAt!).toBeGreaterThanOrEqual(clip.visible.findIndex((v) => v < SHOWING));

    const after = await followRegion({ source: project.source, frame: last, box: clip.plate[last], directions: ['backward'] });
    const backward = after.sides[0];
    expect(backward.reason).toBe('covered');
    expect(backward.stoppedAt!).toBeGreaterThanOrEqual(hidden.last - 3);

    const report = coverageReport(clip, [followedTrack(project, before), followedTrack(project, after)]);
    expect(report.covered / report.showing, `frames under 95 %: ${report.poor.join(', ')}`).toBeGreaterThanOrEqual(0.98);
    // Keyframes only where the motion needs them.
    expect(followedKeyframes(before).length).toBeLessThan(forward.boxes.length / 2);
  });

  it('follows both ways from a box drawn mid-clip, on another clip and seed', async () => {
    const clip = await plateClip({ width: 854, height: 480, frames: 120, plateWidth: [70, 150], seed: 23 });
    const project = await projectFor(clip);
    const result = await followRegion({ source: project.source, frame: 60, box: clip.plate[60], directions: ['forward', 'backward'] });
    expect(result.sides.map((s) => [s.direction, s.reason])).toEqual([['forward', 'clip-end'], ['backward', 'clip-end']]);
    const report = coverageReport(clip, [followedTrack(project, result)]);
    expect(report.showing).toBe(120);
    expect(report.covered / report.showing, `frames under 95 %: ${report.poor.join(', ')}`).toBeGreaterThanOrEqual(0.98);
  });

  it('refuses a flat box with a clear error', async () => {
    const clip = await plateClip({ width: 640, height: 360, frames: 30, plateWidth: [58, 70] });
    const project = await projectFor(clip);
    // Far outside the picture: nothing to follow.
    await expect(followRegion({ source: project.source, frame: 5, box: { x: 700, y: 10, width: 40, height: 20 }, directions: ['forward'] })).rejects.toThrow(
      /nothing to follow.*on frame 5/,
    );
  });

  it('blurline follow adds the followed plate to a project, and render hides it on every frame it shows', async () => {
    const clip = await plateClip({ width: 640, height: 360, frames: 60, plateWidth: [60, 90], seed: 5 });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-follow-'));
    const projectFile = path.join(dir, 'plate.blurline.json');
    writeFileSync(projectFile, JSON.stringify(await projectFor(clip)));
    const box = clip.plate[20];
    const cli = path.join(REPO_ROOT, 'bin/blurline.js');
    const followed = await run(process.execPath, [
      cli, 'follow', projectFile, '--frame', '20', '--box', [box.x, box.y, box.width, box.height].map((v) => v.toFixed(1)).join(','),
      '--label', 'plate', '--by', 'Ana Editor', '--json',
    ]);
    const out = JSON.parse(followed.stdout);
    expect(out).toMatchObject({ ok: true, command: 'follow', track: 'plate-1', label: 'plate', followed: { first: 0, last: 59 } });
    const project = JSON.parse(readFileSync(projectFile, 'utf8')) as Project;
    const track = project.tracks.find((t) => t.id === 'plate-1')!;
    expect(track.object).toEqual({ label: 'plate', markedBy: 'Ana Editor' });
    expect(track.style.type).toBe('solid');
    expect(project.review.events.at(-1)).toMatchObject({ type: 'edit', actor: 'Ana Editor', trackIds: ['plate-1'], detail: 'Follow plate plate-1 from frame 20' });

    const master = path.join(dir, 'plate.blurred.mp4');
    await run(process.execPath, [cli, 'render', projectFile, '-o', master, '--skip-leak-check', '--json']);
    // The audit report lists the plate as an object, marked by the editor, that only the reviewer checked.
    const report = JSON.parse(readFileSync(`${master}.audit.json`, 'utf8')) as AuditReport;
    expect(report.tracks.find((t) => t.id === 'plate-1')).toMatchObject({ object: { label: 'plate', markedBy: 'Ana Editor' }, statusSetBy: { by: 'Ana Editor' } });
    expect(readFileSync(`${master}.audit.html`, 'utf8')).toContain('these regions were checked by the reviewer only');
    const source = await readGrayFrames(clip.path, 640, 360);
    const rendered = await readGrayFrames(master, 640, 360);
    expect(rendered).toHaveLength(60);
    const spread = (frame: Uint8Array, b: Box) => {
      const values: number[] = [];
      for (let y = Math.ceil(b.y) + 1; y < Math.floor(b.y + b.height) - 1; y++) {
        for (let x = Math.ceil(b.x) + 1; x < Math.floor(b.x + b.width) - 1; x++) values.push(frame[y * 640 + x]);
      }
      return Math.max(...values) - Math.min(...values);
    };
    for (let n = 0; n < 60; n++) {
      // The plate's characters span ~200 grey levels in the source; a solid box leaves codec noise only.
      expect(spread(source[n], clip.plate[n])).toBeGreaterThan(150);
      expect(spread(rendered[n], clip.plate[n]), `frame ${n}`).toBeLessThan(12);
    }
  });

  it('blurline follow explains bad arguments', async () => {
    const cli = path.join(REPO_ROOT, 'bin/blurline.js');
    const failed = await run(process.execPath, [cli, 'follow', 'p.json', '--frame', '3', '--box', '1,2,3'], { cwd: os.tmpdir() }).catch((e) => e);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('--box must be x,y,width,height');
  });
});
