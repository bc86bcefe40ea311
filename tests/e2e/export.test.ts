import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GeneratedClip } from '../../bench/assurance/generate';
import { auditReportSchema } from '../../core/auditReport';
import { CancelledError } from '../../core/errors';
import type { Project, SourceInfo } from '../../core/project';
import { approvePass, decideTrack, startReview } from '../../core/review';
import { auditReportPaths, readAuditReport, waiveReportFinding } from '../../electron/main/export/auditTrail';
import { AUTO_EXPORT_PASSES, exportMaster, type ExportResult } from '../../electron/main/export/exportMaster';
import { verifyExport } from '../../electron/main/export/verifyExport';
import { probeVideo } from '../../electron/main/media/probe';
import { errorOf } from '../helpers/errors';
import { leakClip, projectBlurring } from '../helpers/leakClip';
import { highFrequencyEnergy, readGrayFrames, sha256 } from '../helpers/media';

/**
 * An export end to end on real parts: the render, the leak check with the real face models on
 * every frame of the master, and the audit report beside it, on a generated clip with two real faces.
 */

const reviewer = { name: 'Rae Viewer', role: 'reviewer' as const };

/** The project with every track approved by the reviewer, and the pass approved. */
function approved(project: Project): Project {
  let review = startReview(project.review, reviewer, '2026-11-25T10:00:00.000Z');
  for (const t of project.tracks) review = decideTrack({ ...project, review }, t.id, 'approved', reviewer, '2026-11-25T10:01:00.000Z');
  return { ...project, review: approvePass({ ...project, review }, reviewer, '2026-11-25T10:02:00.000Z') };
}

let dir: string;
let clip: GeneratedClip;
let source: SourceInfo;
let sourceHash: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-export-'));
  clip = await leakClip();
  const copy = path.join(dir, 'dashcam.mp4');
  copyFileSync(clip.path, copy);
  source = await probeVideo(copy);
  sourceHash = sha256(copy);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an approved pass with every face blurred', () => {
  let result: ExportResult;
  const master = () => path.join(dir, 'clean.mp4');
  const stages: string[] = [];

  beforeAll(async () => {
    result = await exportMaster(approved(projectBlurring(source, clip, ['left', 'right'])), master(), {
      onStage: (s) => stages.push(s),
    });
  });

  it('writes the master and its report beside it, nothing else, and leaves the source untouched', () => {
    expect(stages).toEqual(['verify', 'render', 'leak-check', 'report']);
    expect(readdirSync(dir).sort()).toEqual(['clean.mp4', 'clean.mp4.audit.html', 'clean.mp4.audit.json', 'dashcam.mp4']);
    expect(result.reportPaths).toEqual(auditReportPaths(master()));
    expect(sha256(source.path)).toBe(sourceHash);
  });

  it('is an approved export whose report validates and whose hashes match the files', async () => {
    const report = await readAuditReport(result.reportPaths.json);
    expect(auditReportSchema.parse(JSON.parse(readFileSync(result.reportPaths.json, 'utf8')))).toEqual(report);
    expect(report.approval).toEqual({ passState: 'approved', approvedExport: true, blockers: [] });
    expect(report.master).toMatchObject({ path: master(), sha256: sha256(master()), frames: 40, pixelFormat: 'yuv420p', variableFrameRate: false, rotation: 'none', audio: [] });
    expect(report.source).toMatchObject({ path: source.path, sha256: sourceHash, sizeBytes: source.sizeBytes });
    expect(report.leakCheck).toMatchObject({ framesChecked: 40, findings: [] });
    expect(report.ffmpeg.version).toMatch(/^ffmpeg version /);
    expect(report.ffmpeg.commandLine).toContain('libx264');
    expect(report.tracks.map((t) => [t.id, t.rendered, t.decision?.by])).toEqual([
      ['left', true, 'Rae Viewer'],
      ['right', true, 'Rae Viewer'],
    ]);
    expect(report.events.map((e) => e.type)).toEqual(['review-started', 'track-approved', 'track-approved', 'pass-approved']);
    const html = readFileSync(result.reportPaths.html, 'utf8');
    expect(html).toContain('Approved export: the pass was approved and the leak check is clean.');
    expect(html).toContain(sha256(master()));
  });
});

describe('a pass that leaves a face unblurred', () => {
  let result: ExportResult;
  const master = () => path.join(dir, 'leaky.mp4');

  beforeAll(async () => {
    result = await exportMaster(approved(projectBlurring(source, clip, ['left'])), master());
  });

  it('is not an approved export: the leak check lists the face on the frames it shows', () => {
    const findings = result.report.leakCheck!.findings;
    expect(findings).toHaveLength(1);
    const visible = clip.truth.filter((faces) => faces.some((f) => f.id === 'right' && f.box)).length;
    expect(findings[0].frames.length).toBeGreaterThanOrEqual(visible - 2);
    expect(findings[0].thumbnail).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(result.report.approval).toEqual({
      passState: 'approved',
      approvedExport: false,
      blockers: [`1 leak-check finding without a waiver (${findings[0].id})`],
    });
    expect(readFileSync(result.reportPaths.html, 'utf8')).toContain('Not an approved export');
  });

  it('becomes an approved export once the finding is waived with a reason, signed', async () => {
    const id = result.report.leakCheck!.findings[0].id;
    const request = { reportPath: result.reportPaths.json, sourceSha256: sourceHash, findingId: id, by: 'Rae Viewer', at: '2026-11-25T10:05:00.000Z' };
    expect((await errorOf(waiveReportFinding({ ...request, reason: ' ' }))).message).toMatch(/needs a reason/);
    expect((await errorOf(waiveReportFinding({ ...request, sourceSha256: 'f'.repeat(64), reason: 'x' }))).message).toMatch(/report of another source/);
    await waiveReportFinding({ ...request, reason: 'the passenger consented in writing (form 12)' });
    const report = await readAuditReport(result.reportPaths.json);
    expect(report.approval.approvedExport).toBe(true);
    expect(report.leakCheck!.findings[0].waiver).toEqual({ by: 'Rae Viewer', at: '2026-11-25T10:05:00.000Z', reason: 'the passenger consented in writing (form 12)' });
    expect(readFileSync(result.reportPaths.html, 'utf8')).toContain('waived by Rae Viewer');
  });
});

describe('an export that renders again while the leak check finds faces (auto and batch)', () => {
  let result: ExportResult;
  const master = () => path.join(dir, 'looped.mp4');
  const passes: number[] = [];
  let seconds: number;

  beforeAll(async () => {
    const started = performance.now();
    // Detection "missed" the right face: only the left one has a track.
    result = await exportMaster(projectBlurring(source, clip, ['left']), master(), { maxPasses: AUTO_EXPORT_PASSES, onPass: (p) => passes.push(p) });
    seconds = (performance.now() - started) / 1000;
  });

  it('adds the face the first check found as a leak-check track, renders again, and the second check is clean', () => {
    expect(passes).toEqual([1, 2]);
    const report = result.report;
    expect(report.leakCheckPasses.map((p) => [p.pass, p.findings.length, p.tracksAdded, p.clean])).toEqual([
      [1, 1, ['leak-check-2'], false],
      [2, 0, [], true],
    ]);
    expect(report.leakCheck!.findings).toEqual([]);
    // Pass 1 found the right face on most of the frames it shows.
    const visible = clip.truth.filter((faces) => faces.some((f) => f.id === 'right' && f.box)).length;
    expect(report.leakCheckPasses[0].findings[0].frames.length).toBeGreaterThanOrEqual(visible - 2);
    // The project the master was rendered from (and the report) carry the new track, pending, logged as the system's edit.
    const added = result.project.tracks.find((t) => t.id === 'leak-check-2')!;
    expect(added).toMatchObject({ origin: 'leak-check', status: 'pending' });
    expect(report.tracks.map((t) => [t.id, t.origin, t.rendered])).toEqual([
      ['left', 'manual', true],
      ['leak-check-2', 'leak-check', true],
    ]);
    expect(report.events.map((e) => [e.actor, e.role, e.type, e.trackIds, e.detail])).toEqual([
      ['Blurline', 'system', 'edit', ['leak-check-2'], 'Leak check pass 1: Add 1 track for leak-check finding leak-1'],
    ]);
    expect(auditReportSchema.parse(JSON.parse(readFileSync(result.reportPaths.json, 'utf8')))).toEqual(report);
    expect(readFileSync(result.reportPaths.html, 'utf8')).toContain('The master was rendered 2 times');
    // Nothing but the master and its report was left behind by the passes.
    expect(readdirSync(dir).filter((f) => f.includes('looped'))).toEqual(['looped.mp4', 'looped.mp4.audit.html', 'looped.mp4.audit.json']);
    expect(report.master.sha256).toBe(sha256(master()));
    console.log(`two passes (render + leak check each) on ${clip.truth.length} frames of 640×360: ${seconds.toFixed(1)} s`);
  });

  it("blurs the right face on every frame it shows in the master: its detail is gone", async () => {
    const { width, height } = source;
    const [src, out] = await Promise.all([readGrayFrames(source.path, width, height), readGrayFrames(master(), width, height)]);
    const ratios: number[] = [];
    clip.truth.forEach((faces, frame) => {
      const box = faces.find((f) => f.id === 'right')?.box;
      if (!box) return;
      const rect = { x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width), height: Math.round(box.height) };
      ratios.push(highFrequencyEnergy(out[frame], width, rect, 'ellipse') / highFrequencyEnergy(src[frame], width, rect, 'ellipse'));
    });
    expect(ratios.length).toBeGreaterThan(30);
    console.log(`right face, master detail / source detail: max ${Math.max(...ratios).toFixed(3)}, mean ${(ratios.reduce((a, b) => a + b) / ratios.length).toFixed(3)}`);
    for (const [i, ratio] of ratios.entries()) expect(ratio, `face-frame ${i}`).toBeLessThan(0.3);
  });
});

describe('verifying a master against its report later', () => {
  it('verifies the clean approved master: same hash, source unchanged, nothing new found', async () => {
    const result = await verifyExport(path.join(dir, 'clean.mp4'), path.join(dir, 'clean.mp4.audit.json'));
    expect(result).toMatchObject({ masterMatchesReport: true, source: 'unchanged', unreportedFindings: [], approvedExport: true, verified: true });
    expect(result.leakCheck.framesChecked).toBe(40);
  });

  it('catches a master swapped for one that shows a face the report does not list, and a source that is gone', async () => {
    // The clean export's report, edited to record one track only, checked against the master that blurs only that one.
    const report = JSON.parse(readFileSync(path.join(dir, 'clean.mp4.audit.json'), 'utf8'));
    report.tracks = report.tracks.filter((t: { id: string }) => t.id === 'left');
    const edited = path.join(dir, 'edited.audit.json');
    writeFileSync(edited, JSON.stringify(report));
    const moved = path.join(dir, 'moved-away.mp4');
    copyFileSync(source.path, moved);
    rmSync(source.path);
    try {
      const result = await verifyExport(path.join(dir, 'leaky.mp4'), edited);
      expect(result).toMatchObject({ masterMatchesReport: false, source: 'missing', approvedExport: true, verified: false });
      expect(result.unreportedFindings).toHaveLength(1);
      expect(result.unreportedFindings[0].frames.length).toBeGreaterThan(20);
    } finally {
      copyFileSync(moved, source.path);
      rmSync(moved);
      rmSync(edited);
    }
  });
});

describe('an export that does not finish', () => {
  it('cancelled during the leak check leaves neither master nor report, and an earlier master in place', async () => {
    const output = path.join(dir, 'cancelled.mp4');
    writeFileSync(output, 'an earlier master');
    const controller = new AbortController();
    const err = await errorOf(
      exportMaster(projectBlurring(source, clip, ['left', 'right']), output, {
        overwrite: true,
        signal: controller.signal,
        onStage: (s) => s === 'leak-check' && controller.abort(),
      }),
    );
    expect(err).toBeInstanceOf(CancelledError);
    expect(readFileSync(output, 'utf8')).toBe('an earlier master');
    expect(readdirSync(dir).filter((f) => f.includes('cancelled'))).toEqual(['cancelled.mp4']);
    expect(existsSync(auditReportPaths(output).json)).toBe(false);
  });

  it('cancelled in its second pass (rendering again with the leak check\'s track) leaves the earlier master and nothing else', async () => {
    const output = path.join(dir, 'cancelled-pass.mp4');
    writeFileSync(output, 'an earlier master');
    const controller = new AbortController();
    const err = await errorOf(
      exportMaster(projectBlurring(source, clip, ['left']), output, {
        overwrite: true,
        maxPasses: AUTO_EXPORT_PASSES,
        signal: controller.signal,
        onPass: (pass) => pass === 2 && controller.abort(),
      }),
    );
    expect(err).toBeInstanceOf(CancelledError);
    expect(readFileSync(output, 'utf8')).toBe('an earlier master');
    expect(readdirSync(dir).filter((f) => f.includes('cancelled-pass'))).toEqual(['cancelled-pass.mp4']);
  });
});
