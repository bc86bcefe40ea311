import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  approvalBlockers,
  auditReportHtml,
  auditReportJsonSchema,
  auditReportSchema,
  buildAuditReport,
  frameRuns,
  waiveFinding,
  type LeakCheckPass,
  type LeakCheckReport,
} from '../../core/auditReport';
import { applyEdit, setStatus } from '../../core/edits';
import { createProject, type Project } from '../../core/project';
import { approvePass, decideTrack, recordEdit, startReview } from '../../core/review';
import { AUDIT_SCHEMA_FILE } from '../../scripts/write-schemas';
import { keyframe, sourceInfo, track } from '../helpers/projects';

const editor = { name: 'Eda <script>', role: 'editor' as const };
const reviewer = { name: 'Rae', role: 'reviewer' as const };

function reviewedProject(): Project {
  let p = createProject(sourceInfo({ path: '/videos/crash & scene.mp4' }));
  p.tracks = [
    track('t1', [keyframe(0, { x: 10, y: 10, width: 40, height: 40 }), keyframe(20, { x: 30, y: 10, width: 40, height: 40 })]),
    track('t2', [keyframe(30, { x: 100, y: 50, width: 30, height: 30 })], { status: 'rejected' }),
  ];
  p.audioRedactions = [{ id: 'a1', startSeconds: 1.5, endSeconds: 2.25, mode: 'bleep', label: 'name said aloud' }];
  const confirmed = applyEdit(p, setStatus(p, ['t1'], 'confirmed')).project;
  p = { ...confirmed, review: recordEdit(p, confirmed, 'Confirm t1', editor, '2026-11-25T10:00:00Z') };
  let review = startReview(p.review, reviewer, '2026-11-25T10:01:00Z');
  review = decideTrack({ ...p, review }, 't1', 'approved', reviewer, '2026-11-25T10:02:00Z');
  review = decideTrack({ ...p, review }, 't2', 'approved', reviewer, '2026-11-25T10:03:00Z', 'a poster, not a person');
  return { ...p, review: approvePass({ ...p, review }, reviewer, '2026-11-25T10:04:00Z') };
}

const leakCheck = (findings: LeakCheckReport['findings'] = []): LeakCheckReport => ({
  checkedAt: '2026-11-25T10:06:00Z',
  detector: 'SSD MobileNet v1 ≥ 0.3 + Tiny Face Detector ≥ 0.3, every frame',
  framesChecked: 100,
  elapsedSeconds: 12.5,
  findings,
});

const finding = (id: string) => ({
  id,
  frames: [40, 41, 42, 45],
  faces: [40, 41, 42, 45].map((frame) => ({ box: { x: 160 + frame, y: 100, width: 32, height: 36 }, score: frame === 41 ? 0.71 : 0.5 })),
  firstFrame: 40,
  lastFrame: 45,
  peakFrame: 41,
  box: { x: 200, y: 100, width: 32, height: 36 },
  confidence: 0.71,
  thumbnail: 'data:image/png;base64,iVBORw0KGgo=',
  waiver: null,
});

/** A pass as the export records it: its findings (without their faces), the tracks made from them. */
const pass = (n: number, findings: ReturnType<typeof finding>[], tracksAdded: string[]): LeakCheckPass => ({
  pass: n,
  checkedAt: '2026-11-25T10:05:00Z',
  elapsedSeconds: 12,
  findings: findings.map(({ faces: _faces, waiver: _waiver, ...f }) => f),
  tracksAdded,
  clean: findings.length === 0,
});

function report(project: Project, check: LeakCheckReport | null, passes: LeakCheckPass[] = check ? [pass(1, check.findings.map(() => finding('L1')), [])] : []) {
  return buildAuditReport({
    project,
    generatedAt: '2026-11-25T10:06:30Z',
    blurlineVersion: '0.1.0',
    master: {
      path: '/videos/crash.blurred.mp4',
      sizeBytes: 12345,
      sha256: 'b'.repeat(64),
      frames: 100,
      exportSettings: project.exportSettings,
      pixelFormat: 'yuv420p10le',
      variableFrameRate: true,
      rotation: 'tagged',
      padding: null,
      repeatedFrames: [],
      audio: [
        { audioIndex: 0, treatment: 'redacted', codec: 'aac', spans: [{ id: 'a1', mode: 'bleep', label: 'name said aloud', startSeconds: 1.5, endSeconds: 2.25 }] },
        { audioIndex: 1, treatment: 'copied', codec: 'pcm_s16le', spans: [] },
      ],
      droppedStreams: ['#2 (subtitle mov_text): tags and side streams are stripped'],
    },
    ffmpeg: {
      path: '/usr/bin/ffmpeg',
      version: 'ffmpeg version 4.1',
      commandLine: "ffmpeg -f matroska -i pipe:0 -c:v libx264 '/videos/crash.blurred.mp4'",
      remuxCommandLine: 'ffmpeg -i a.mp4 -c copy -metadata:s:v:0 rotate=90 b.mp4',
    },
    leakCheck: check,
    leakCheckPasses: passes,
  });
}

describe('audit report', () => {
  it('records who did what to every track and validates against its schema', () => {
    const r = report(reviewedProject(), leakCheck());
    expect(auditReportSchema.parse(r)).toEqual(r);
    expect(r.approval).toEqual({ passState: 'approved', approvedExport: true, blockers: [] });
    expect(r.tracks.map((t) => [t.id, t.firstFrame, t.lastFrame, t.rendered, t.statusSetBy?.by ?? null, t.decision?.by])).toEqual([
      ['t1', 0, 20, true, 'Eda <script>', 'Rae'],
      ['t2', 30, 30, false, null, 'Rae'],
    ]);
    expect(r.events.map((e) => e.type)).toEqual(['edit', 'review-started', 'track-approved', 'track-approved', 'pass-approved']);
    expect(r.audioRedactions).toHaveLength(1);
  });

  it('is not an approved export without an approved pass, a leak check, or waivers for every finding', () => {
    const p = reviewedProject();
    expect(approvalBlockers('in-review', leakCheck())).toEqual(['the pass is not approved (In review)']);
    expect(report(p, null).approval.blockers).toEqual(['no leak check was run on the master']);
    const found = report(p, leakCheck([finding('L1'), finding('L2')]));
    expect(found.approval.approvedExport).toBe(false);
    expect(found.approval.blockers).toEqual(['2 leak-check findings without a waiver (L1, L2)']);
    expect(() => waiveFinding(found, 'L1', { by: 'Rae', at: 'now', reason: '  ' })).toThrow(/needs a reason/);
    expect(() => waiveFinding(found, 'L9', { by: 'Rae', at: 'now', reason: 'x' })).toThrow(/does not exist/);
    const one = waiveFinding(found, 'L1', { by: 'Rae', at: '2026-11-25T10:07:00Z', reason: 'the face on the TV screen is a public figure' });
    expect(one.approval.blockers).toEqual(['1 leak-check finding without a waiver (L2)']);
    const both = waiveFinding(one, 'L2', { by: 'Rae', at: '2026-11-25T10:08:00Z', reason: 'reflection, unidentifiable' });
    expect(both.approval).toEqual({ passState: 'approved', approvedExport: true, blockers: [] });
    expect(auditReportSchema.parse(both).leakCheck?.findings[0].waiver?.by).toBe('Rae');
  });

  it('prints a self-contained page with every section and escapes what people typed', () => {
    const html = auditReportHtml(report(reviewedProject(), leakCheck([finding('L1')])));
    expect(html).toContain('Not an approved export: 1 leak-check finding without a waiver (L1)');
    expect(html).toContain('/videos/crash &amp; scene.mp4');
    expect(html).toContain('Eda &lt;script&gt;');
    expect(html).not.toContain('<script');
    expect(html).toContain('a poster, not a person');
    expect(html).toContain('1.500–2.250');
    expect(html).toContain('#0 aac re-encoded: bleep 1.500–2.250 s; #1 pcm_s16le copied bit for bit');
    expect(html).toContain('yuv420p10le, variable frame rate kept, rotation tag kept');
    expect(html).toContain('rotate=90');
    expect(html).toContain('#2 (subtitle mov_text)');
    expect(html).toContain('40–42, 45 (4 frames)');
    expect(html).toContain('<img class="thumb"');
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/);
    for (const section of ['Source', 'Master', 'ffmpeg', 'Detection', 'Tracks (2; 1 blurred)', 'Audio redactions', 'Leak check', 'Event log']) {
      expect(html).toContain(`<h2>${section}</h2>`);
    }
  });

  it('lists every pass of an export that rendered again: what each found, the tracks made from it, the clean last one', () => {
    const passes = [pass(1, [finding('leak-1')], ['leak-check-3']), pass(2, [], [])];
    const r = report(reviewedProject(), leakCheck(), passes);
    expect(auditReportSchema.parse(r).leakCheckPasses).toEqual(passes);
    const html = auditReportHtml(r);
    expect(html).toContain('The master was rendered 2 times');
    expect(html).toMatch(/<td>1<\/td><td><img class="thumb" alt="face found on frame 41" src="data:image\/png;base64,[^"]+"> leak-1: frames 40–42, 45<\/td><td>leak-check-3<\/td><td>rendered again<\/td>/);
    expect(html).toContain('<td>2</td><td>nothing</td><td>—</td><td>clean</td>');
    // Rendered once: no list of passes.
    expect(auditReportHtml(report(reviewedProject(), leakCheck()))).not.toContain('The master was rendered');
  });

  it('names the user’s own detector model and its SHA-256 when one ran', () => {
    const detectorModel = { file: '/models/yunet.onnx', sha256: 'c'.repeat(64), format: 'yunet' as const };
    const project = { ...reviewedProject(), analysis: { preset: 'thorough', detector: 'onnx:yunet.onnx@0.5; roi tiny-face-detector@0.4', minConfidence: 0.5, analysisWidth: 1280, framesAnalysed: 100, detectorModel } };
    const r = report(project, leakCheck());
    expect(auditReportSchema.parse(r).detection?.detectorModel).toEqual(detectorModel);
    const html = auditReportHtml(r);
    expect(html).toContain('<dt>Own detector model</dt><dd>/models/yunet.onnx (yunet)</dd><dt>Model SHA-256</dt><dd>' + 'c'.repeat(64) + '</dd>');
    expect(auditReportHtml(report(reviewedProject(), leakCheck()))).not.toContain('Own detector model');
  });

  it('reads a report written before findings held their faces and exports listed their passes (such masters still verify)', () => {
    const older = JSON.parse(JSON.stringify(report(reviewedProject(), leakCheck())));
    delete older.leakCheckPasses;
    for (const finding of older.leakCheck.findings) delete finding.faces;
    const parsed = auditReportSchema.parse(older);
    expect(parsed.leakCheckPasses).toEqual([]);
    expect(parsed.leakCheck?.findings.every((f) => f.faces.length === 0)).toBe(true);
  });

  it('counts the possible faces over persons and how the editor left them', () => {
    const p = reviewedProject();
    const head = { x: 300, y: 40, width: 60, height: 50 };
    p.tracks = [
      ...p.tracks,
      track('person-1', [keyframe(0, head), keyframe(30, head)], { origin: 'person' }),
      track('person-2', [keyframe(40, head)], { origin: 'person', status: 'rejected' }),
      track('person-3', [keyframe(50, head)], { origin: 'person', status: 'confirmed' }),
      track('person-4', [keyframe(60, head)], { origin: 'person' }),
    ];
    const r = report(p, leakCheck());
    expect(auditReportSchema.parse(r).possibleFaces).toEqual({ tracks: 4, pending: 2, confirmed: 1, rejected: 1 });
    expect(r.tracks.filter((t) => t.origin === 'person').map((t) => t.rendered)).toEqual([true, false, true, true]);
    expect(auditReportHtml(r)).toContain('Possible faces (a person whose head no face track covered): 4 — 1 confirmed, 1 rejected, 2 not reviewed (blurred).');
    expect(report(reviewedProject(), leakCheck()).possibleFaces).toEqual({ tracks: 0, pending: 0, confirmed: 0, rejected: 0 });
  });

  it('writes frame lists as runs', () => {
    expect(frameRuns([3, 4, 5, 7, 9, 10])).toBe('3–5, 7, 9–10');
    expect(frameRuns([8])).toBe('8');
  });

  it('publishes the current schema in docs/ (npm run schemas)', () => {
    expect(readFileSync(AUDIT_SCHEMA_FILE, 'utf8')).toBe(auditReportJsonSchema());
  });
});
