import { z } from 'zod';
import { BlurlineError } from './errors';
import {
  analysisInfoSchema,
  audioRedactionSchema,
  blurStyleSchema,
  boxSchema,
  exportSettingsSchema,
  OBJECT_LABELS,
  PASS_STATES,
  rationalSchema,
  reviewEventSchema,
  TRACK_ORIGINS,
  trackDecisionSchema,
  trackKeyframeSchema,
  type Project,
  type ReviewEvent,
  type Track,
  type TrackStatus,
} from './project';
import { isRenderedTrack } from './renderPlan';
import { PASS_STATE_LABELS } from './review';
import { trackSpan } from './tracks';

/**
 * The audit report written next to every master: what was done to which source, by whom, with
 * which tools and settings, and what the leak check found. JSON for machines (validated by
 * `auditReportSchema`, published as docs/audit-report.schema.json) and a printable HTML page.
 * Built by pure functions from plain data; the host hashes files and writes them.
 */

export const AUDIT_REPORT_FORMAT = 'blurline-audit-report';
export const AUDIT_REPORT_VERSION = 1;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex SHA-256');
const nonNegInt = z.number().int().nonnegative();

const signatureSchema = z.object({ by: z.string(), at: z.string(), detail: z.string() });

export const leakFindingSchema = z.object({
  id: z.string(),
  /** Every frame on which this face was found unblurred, numbered as the source's frames (master frame + the export range's first frame). */
  frames: z.array(nonNegInt).min(1),
  /**
   * The face found on each of `frames` (same order): its box in master pixels (the source's size)
   * and its confidence. Reports written before it was recorded have none, and still verify.
   */
  faces: z.array(z.object({ box: boxSchema, score: z.number().min(0).max(1) })).default([]),
  firstFrame: nonNegInt,
  lastFrame: nonNegInt,
  peakFrame: nonNegInt,
  box: boxSchema,
  confidence: z.number().min(0).max(1),
  /** A small PNG of the face on its peak frame, as a data URL. */
  thumbnail: z.string().nullable(),
  waiver: z.object({ by: z.string(), at: z.string(), reason: z.string().min(1) }).nullable(),
});
export type LeakFinding = z.infer<typeof leakFindingSchema>;

export const leakCheckReportSchema = z.object({
  checkedAt: z.string(),
  /** The detector and thresholds the check ran with, in words. */
  detector: z.string(),
  framesChecked: nonNegInt,
  elapsedSeconds: z.number().nonnegative(),
  findings: z.array(leakFindingSchema),
});
export type LeakCheckReport = z.infer<typeof leakCheckReportSchema>;

/** One render and leak check of an export that renders again until the check is clean (auto and batch). */
export const leakCheckPassSchema = z.object({
  /** 1, 2, …: the last pass made the master. */
  pass: z.number().int().positive(),
  checkedAt: z.string(),
  elapsedSeconds: z.number().nonnegative(),
  /** What this pass's check found (the last pass's findings are `leakCheck.findings`, where they are waived). */
  findings: z.array(leakFindingSchema.omit({ faces: true, waiver: true })),
  /** Tracks made from these findings (origin leak-check) and blurred by the next pass; empty on the last pass. */
  tracksAdded: z.array(z.string()),
  /** The check found no face outside the blur. */
  clean: z.boolean(),
});
export type LeakCheckPass = z.infer<typeof leakCheckPassSchema>;

export const reportTrackSchema = z.object({
  id: z.string(),
  origin: z.enum(TRACK_ORIGINS),
  status: z.enum(['pending', 'confirmed', 'rejected']),
  /** Whether the master blurs it (everything not rejected is blurred). */
  rendered: z.boolean(),
  firstFrame: nonNegInt,
  lastFrame: nonNegInt,
  style: blurStyleSchema,
  keyframes: z.array(trackKeyframeSchema),
  /** Who set its current status (confirmed, rejected, drawn by hand) and when; null when never reviewed by a person. */
  statusSetBy: signatureSchema.nullable(),
  /** The reviewer's decision on it. */
  decision: trackDecisionSchema.nullable(),
  /** An object track (a plate, a tattoo…): what it hides and who marked it; null for faces. The leak check cannot see these. */
  object: z.object({ label: z.enum(OBJECT_LABELS), markedBy: z.string() }).nullable().default(null),
});
export type ReportTrack = z.infer<typeof reportTrackSchema>;

export const auditReportSchema = z.object({
  format: z.literal(AUDIT_REPORT_FORMAT),
  version: z.literal(AUDIT_REPORT_VERSION),
  generatedAt: z.string(),
  blurlineVersion: z.string(),
  approval: z.object({
    passState: z.enum(PASS_STATES),
    /** True only for an approved pass with a leak check whose every finding is waived (or none). */
    approvedExport: z.boolean(),
    /** Why the export is not approved (empty when it is). */
    blockers: z.array(z.string()),
  }),
  source: z.object({
    path: z.string(),
    sizeBytes: nonNegInt,
    sha256: sha256Hex,
    container: z.string(),
    videoCodec: z.string(),
    pixelFormat: z.string(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    frameRate: rationalSchema,
    frameCount: nonNegInt,
    durationSeconds: z.number().nonnegative(),
  }),
  master: z.object({
    path: z.string(),
    sizeBytes: nonNegInt,
    sha256: sha256Hex,
    frames: nonNegInt,
    exportSettings: exportSettingsSchema,
    /** The pixel format written (and blurred in): 10-bit sources stay 10-bit. */
    pixelFormat: z.string(),
    /** The source's unevenly spaced frame times were kept. */
    variableFrameRate: z.boolean(),
    /** The source's rotation: none, kept as a tag, or turned into the picture (Matroska). */
    rotation: z.enum(['none', 'tagged', 'baked']),
    /** Pixels added at the right and bottom of an odd-sized picture, its edge repeated (4:2:0 and 4:2:2 need even sizes); null when none. */
    padding: z.object({ right: nonNegInt, bottom: nonNegInt }).nullable().default(null),
    /** Source frames the decoder could not decode (damaged packets); the frame before each stands in, so no later frame moves. */
    repeatedFrames: z.array(nonNegInt).default([]),
    /**
     * Each audio stream of the master: copied bit for bit, re-encoded with its redactions (master
     * seconds), or converted (re-encoded to `codec` because the container cannot hold the source's).
     */
    audio: z.array(
      z.object({
        audioIndex: nonNegInt,
        treatment: z.enum(['copied', 'redacted', 'converted']),
        codec: z.string(),
        spans: z.array(z.object({ id: z.string(), mode: z.enum(['mute', 'bleep']), label: z.string(), startSeconds: z.number(), endSeconds: z.number() })),
      }),
    ),
    /** Subtitle/data streams of the source left out, and why (all of them unless metadata was kept). */
    droppedStreams: z.array(z.string()),
  }),
  ffmpeg: z.object({
    path: z.string(),
    version: z.string(),
    /** The encoder's exact command line (frames arrive on stdin, already anonymised). */
    commandLine: z.string(),
    /** The stream-copy pass that restores a rotation tag, when there was one. */
    remuxCommandLine: z.string().nullable(),
  }),
  detection: analysisInfoSchema.nullable(),
  tracks: z.array(reportTrackSchema),
  /** The person safety net's possible faces (origin `person`): how many, and how the editor left them. */
  possibleFaces: z.object({ tracks: nonNegInt, pending: nonNegInt, confirmed: nonNegInt, rejected: nonNegInt }),
  audioRedactions: z.array(audioRedactionSchema),
  /** The pass's append-only event log, oldest first. */
  events: z.array(reviewEventSchema),
  leakCheck: leakCheckReportSchema.nullable(),
  /** Every pass of the export in order, the master's last (one when it was rendered once; none without a leak check). */
  leakCheckPasses: z.array(leakCheckPassSchema).default([]),
});
export type AuditReport = z.infer<typeof auditReportSchema>;

/** The report's JSON Schema as published in docs/audit-report.schema.json (`npm run schemas` writes it). */
export function auditReportJsonSchema(): string {
  const schema = z.toJSONSchema(auditReportSchema, { io: 'output' });
  return `${JSON.stringify({ ...schema, $id: 'https://blurline.app/schemas/audit-report-v1.json', title: 'Blurline audit report' }, null, 2)}\n`;
}

export interface AuditReportInput {
  project: Project;
  generatedAt: string;
  blurlineVersion: string;
  master: AuditReport['master'];
  ffmpeg: AuditReport['ffmpeg'];
  leakCheck: LeakCheckReport | null;
  leakCheckPasses: LeakCheckPass[];
}

/** Why an export is not approved: the pass, the leak check, each unwaived finding. */
export function approvalBlockers(passState: Project['review']['state'], leakCheck: LeakCheckReport | null): string[] {
  const blockers: string[] = [];
  if (passState !== 'approved') blockers.push(`the pass is not approved (${PASS_STATE_LABELS[passState]})`);
  if (!leakCheck) blockers.push('no leak check was run on the master');
  else {
    const open = leakCheck.findings.filter((f) => !f.waiver);
    if (open.length > 0) {
      blockers.push(`${open.length} leak-check finding${open.length === 1 ? '' : 's'} without a waiver (${open.map((f) => f.id).join(', ')})`);
    }
  }
  return blockers;
}

const STATUS_EDIT = /^(Confirm|Reject|Add manual track|Follow)\b/;

/** The last person who confirmed, rejected, drew or followed the track, from the event log. */
function statusSetBy(events: readonly ReviewEvent[], trackId: string): z.infer<typeof signatureSchema> | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e.type === 'edit' && e.trackIds.includes(trackId) && STATUS_EDIT.test(e.detail)) return { by: e.actor, at: e.at, detail: e.detail };
  }
  return null;
}

function possibleFaceCounts(tracks: readonly Track[]): AuditReport['possibleFaces'] {
  const possible = tracks.filter((t) => t.origin === 'person');
  const count = (status: TrackStatus) => possible.filter((t) => t.status === status).length;
  return { tracks: possible.length, pending: count('pending'), confirmed: count('confirmed'), rejected: count('rejected') };
}

export function buildAuditReport(input: AuditReportInput): AuditReport {
  const { project, leakCheck } = input;
  const { source, review } = project;
  const blockers = approvalBlockers(review.state, leakCheck);
  return {
    format: AUDIT_REPORT_FORMAT,
    version: AUDIT_REPORT_VERSION,
    generatedAt: input.generatedAt,
    blurlineVersion: input.blurlineVersion,
    approval: { passState: review.state, approvedExport: blockers.length === 0, blockers },
    source: {
      path: source.path,
      sizeBytes: source.sizeBytes,
      sha256: source.sha256,
      container: source.container,
      videoCodec: source.videoCodec,
      pixelFormat: source.pixelFormat,
      width: source.width,
      height: source.height,
      frameRate: source.frameRate,
      frameCount: source.frameCount,
      durationSeconds: source.durationSeconds,
    },
    master: input.master,
    ffmpeg: input.ffmpeg,
    detection: project.analysis,
    tracks: project.tracks.map((track) => {
      const span = trackSpan(track);
      return {
        id: track.id,
        origin: track.origin,
        status: track.status,
        rendered: isRenderedTrack(track),
        firstFrame: span.first,
        lastFrame: span.last,
        style: track.style,
        keyframes: track.keyframes,
        statusSetBy: statusSetBy(review.events, track.id),
        decision: review.decisions[track.id] ?? null,
        object: track.object ?? null,
      };
    }),
    possibleFaces: possibleFaceCounts(project.tracks),
    audioRedactions: project.audioRedactions,
    events: review.events,
    leakCheck,
    leakCheckPasses: input.leakCheckPasses,
  };
}

/** The report with a finding waived, its approval recomputed. Waiving needs a reason. */
export function waiveFinding(report: AuditReport, findingId: string, waiver: { by: string; at: string; reason: string }): AuditReport {
  const reason = waiver.reason.trim();
  const refuse = (why: string) => new BlurlineError('INVALID_ARGUMENT', why);
  if (!reason) throw refuse('a waiver needs a reason');
  if (!waiver.by.trim()) throw refuse('a waiver is signed: enter your name');
  if (!report.leakCheck) throw refuse('this master has no leak check to waive findings of');
  if (!report.leakCheck.findings.some((f) => f.id === findingId)) throw refuse(`finding ${findingId} does not exist`);
  const leakCheck = {
    ...report.leakCheck,
    findings: report.leakCheck.findings.map((f) => (f.id === findingId ? { ...f, waiver: { by: waiver.by.trim(), at: waiver.at, reason } } : f)),
  };
  const blockers = approvalBlockers(report.approval.passState, leakCheck);
  return { ...report, leakCheck, approval: { ...report.approval, approvedExport: blockers.length === 0, blockers } };
}

// ---- The printable page ----

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function table(head: string[], rows: string[][]): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function facts(entries: [string, string][]): string {
  return `<dl>${entries.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

const frameSpan = (first: number, last: number) => (first === last ? `${first}` : `${first}–${last}`);

/** Frame numbers as compact runs: 3–7, 9, 12–14. */
export function frameRuns(list: readonly number[]): string {
  const runs: string[] = [];
  let start = list[0];
  for (let i = 1; i <= list.length; i++) {
    if (i === list.length || list[i] !== list[i - 1] + 1) {
      runs.push(frameSpan(start, list[i - 1]));
      start = list[i];
    }
  }
  return runs.join(', ');
}

const PAGE_STYLE = `
body{font:14px/1.45 system-ui,sans-serif;color:#1b1f24;max-width:1100px;margin:24px auto;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ccd;padding-bottom:4px}
.verdict{padding:10px 14px;border-radius:6px;font-weight:600;margin:12px 0}
.ok{background:#e3f4e6;color:#145a24;border:1px solid #8cc79a}.no{background:#fdeaea;color:#8a1c1c;border:1px solid #e5a0a0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}dt{color:#555}dd{margin:0;word-break:break-all}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #d5d8de;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f1f3f6}td:first-child{white-space:nowrap}pre{white-space:pre-wrap;word-break:break-all;background:#f6f7f9;padding:8px;border:1px solid #e1e4e8;font-size:12px}
img.thumb{width:96px;height:auto;image-rendering:auto;border:1px solid #999}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}tr{break-inside:avoid}}
`;

function audioTreatmentText(a: AuditReport['master']['audio'][number]): string {
  if (a.treatment === 'copied') return 'copied bit for bit';
  if (a.treatment === 'converted') return "converted (the container cannot hold the source's codec)";
  return `re-encoded: ${a.spans.map((sp) => `${sp.mode} ${sp.startSeconds.toFixed(3)}–${sp.endSeconds.toFixed(3)} s`).join(', ')}`;
}

/** The report as one self-contained, printable HTML page (no scripts, no external resources). */
export function auditReportHtml(report: AuditReport): string {
  const { approval, source, master, leakCheck } = report;
  const fps = source.frameRate.num / source.frameRate.den;
  const verdict = approval.approvedExport
    ? `<div class="verdict ok">Approved export: the pass was approved and the leak check is clean${leakCheck?.findings.length ? ' (every finding waived)' : ''}.</div>`
    : `<div class="verdict no">Not an approved export: ${approval.blockers.map(escapeHtml).join('; ')}.</div>`;
  const tracks = table(
    ['Track', 'Frames', 'Origin', 'Status', 'Blurred', 'Style', 'Status set by', 'Review decision'],
    report.tracks.map((t) => [
      escapeHtml(t.id),
      frameSpan(t.firstFrame, t.lastFrame),
      t.object ? `${t.origin}, ${escapeHtml(t.object.label)}` : t.origin,
      t.status,
      t.rendered ? 'yes' : '<strong>no</strong>',
      escapeHtml(`${t.style.type} ${t.style.shape}, strength ${t.style.strength}, padding ${t.style.padding}`),
      t.statusSetBy ? escapeHtml(`${t.statusSetBy.by}, ${t.statusSetBy.at}`) : 'not reviewed by a person',
      t.decision ? escapeHtml(`${t.decision.decision} by ${t.decision.by}, ${t.decision.at}${t.decision.comment ? ` — “${t.decision.comment}”` : ''}`) : '—',
    ]),
  );
  const objectTracks = report.tracks.filter((t) => t.object);
  const objects = objectTracks.length
    ? `<p>The leak check finds faces only: these regions were checked by the reviewer only.</p>${table(
        ['Track', 'Hides', 'Frames', 'Marked by', 'Hidden', 'Review decision'],
        objectTracks.map((t) => [
          escapeHtml(t.id),
          escapeHtml(t.object!.label),
          frameSpan(t.firstFrame, t.lastFrame),
          escapeHtml(t.object!.markedBy),
          t.rendered ? escapeHtml(`yes, ${t.style.type} ${t.style.shape}`) : '<strong>no</strong>',
          t.decision ? escapeHtml(`${t.decision.decision} by ${t.decision.by}, ${t.decision.at}`) : '<strong>not reviewed</strong>',
        ]),
      )}`
    : '<p>No objects (plates, tattoos, screens…) were marked.</p>';
  const audio = report.audioRedactions.length
    ? table(
        ['Range (s)', 'Treatment', 'Why'],
        report.audioRedactions.map((r) => [`${r.startSeconds.toFixed(3)}–${r.endSeconds.toFixed(3)}`, r.mode, escapeHtml(r.label)]),
      )
    : '<p>No audio was redacted.</p>';
  const leak = !leakCheck
    ? '<p><strong>No leak check was run on this master.</strong></p>'
    : `${facts([
        ['Checked', leakCheck.checkedAt],
        ['Detector', leakCheck.detector],
        ['Frames checked', String(leakCheck.framesChecked)],
        ['Findings', String(leakCheck.findings.length)],
      ])}${
        leakCheck.findings.length === 0
          ? '<p>No face was found outside a blurred region.</p>'
          : table(
              ['Finding', 'Face', 'Frames of the master', 'Confidence', 'Waiver'],
              leakCheck.findings.map((f) => [
                escapeHtml(f.id),
                f.thumbnail?.startsWith('data:image/png;base64,') ? `<img class="thumb" alt="face found on frame ${f.peakFrame}" src="${f.thumbnail}">` : '',
                `${frameRuns(f.frames)} (${f.frames.length} frames)`,
                f.confidence.toFixed(2),
                f.waiver ? escapeHtml(`waived by ${f.waiver.by}, ${f.waiver.at}: ${f.waiver.reason}`) : '<strong>not waived</strong>',
              ]),
            )
      }`;
  const passes = report.leakCheckPasses;
  const passList =
    passes.length < 2
      ? ''
      : `<p>The master was rendered ${passes.length} times: the faces each check found became tracks, blurred by the next render.</p>${table(
          ['Pass', 'Found', 'Tracks added', 'Result'],
          passes.map((p) => [
            String(p.pass),
            p.findings.length === 0
              ? 'nothing'
              : p.findings
                  .map((f) => `${f.thumbnail?.startsWith('data:image/png;base64,') ? `<img class="thumb" alt="face found on frame ${f.peakFrame}" src="${f.thumbnail}"> ` : ''}${escapeHtml(f.id)}: frames ${frameRuns(f.frames)}`)
                  .join('<br>'),
            p.tracksAdded.length ? escapeHtml(p.tracksAdded.join(', ')) : '—',
            p.clean ? 'clean' : p.pass === passes.length ? '<strong>faces left showing: the findings below</strong>' : 'rendered again',
          ]),
        )}`;
  const events = report.events.length
    ? table(
        ['#', 'When', 'Who', 'What', 'Tracks', 'Comment'],
        report.events.map((e) => [
          String(e.seq),
          escapeHtml(e.at),
          escapeHtml(`${e.actor} (${e.role})`),
          escapeHtml(e.detail),
          escapeHtml(e.trackIds.join(', ')),
          escapeHtml(e.comment ?? ''),
        ]),
      )
    : '<p>The pass has no recorded events (made without the editor).</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>Blurline audit report — ${escapeHtml(master.path.split(/[\\/]/).pop() ?? master.path)}</title>
<style>${PAGE_STYLE}</style></head>
<body>
<h1>Blurline audit report</h1>
<div>Generated ${escapeHtml(report.generatedAt)} by Blurline ${escapeHtml(report.blurlineVersion)}</div>
${verdict}
<h2>Source</h2>
${facts([
  ['Path', source.path],
  ['Size', `${source.sizeBytes} bytes`],
  ['SHA-256', source.sha256],
  ['Video', `${source.videoCodec}, ${source.pixelFormat}, ${source.width}×${source.height}, ${fps.toFixed(3)} fps, ${source.frameCount} frames, ${source.durationSeconds.toFixed(3)} s`],
  ['Container', source.container],
])}
<h2>Master</h2>
${facts([
  ['Path', master.path],
  ['Size', `${master.sizeBytes} bytes`],
  ['SHA-256', master.sha256],
  ['Frames', String(master.frames)],
  ['Codec', `${master.exportSettings.videoCodec}${master.exportSettings.videoCodec === 'prores' ? ' (ProRes 422 HQ)' : `, CRF ${master.exportSettings.crf}, preset ${master.exportSettings.preset}`}`],
  ['Range', master.exportSettings.range ? `frames ${frameSpan(master.exportSettings.range.first, master.exportSettings.range.last)} of the source` : 'the whole clip'],
  ['Metadata', master.exportSettings.stripMetadata ? 'tags, data and subtitle streams removed' : 'kept as in the source'],
  ['Picture', `${master.pixelFormat}${master.variableFrameRate ? ', variable frame rate kept' : ''}${master.rotation === 'tagged' ? ', rotation tag kept' : master.rotation === 'baked' ? ', turned upright' : ''}`],
  ['Audio', master.audio.length === 0 ? 'none' : master.audio.map((a) => `#${a.audioIndex} ${a.codec} ${audioTreatmentText(a)}`).join('; ')],
  ...(master.padding ? [['Padding', `${master.padding.right} px right, ${master.padding.bottom} px bottom, the edge repeated (an odd size)`] as [string, string]] : []),
  ...(master.repeatedFrames.length
    ? [['Damaged frames', `source frames ${master.repeatedFrames.join(', ')} could not be decoded; the frame before each stands in`] as [string, string]]
    : []),
  ...(master.droppedStreams.length ? [['Left out', master.droppedStreams.join('; ')] as [string, string]] : []),
])}
<h2>ffmpeg</h2>
${facts([
  ['Binary', report.ffmpeg.path],
  ['Version', report.ffmpeg.version],
])}
<pre>${escapeHtml(report.ffmpeg.commandLine)}</pre>
${report.ffmpeg.remuxCommandLine ? `<pre>${escapeHtml(report.ffmpeg.remuxCommandLine)}</pre>` : ''}
<h2>Detection</h2>
${
  report.detection
    ? facts([
        ['Preset', report.detection.preset],
        ['Detector', report.detection.detector],
        ['Minimum confidence', String(report.detection.minConfidence)],
        ['Analysis width', `${report.detection.analysisWidth} px`],
        ['Frames analysed', String(report.detection.framesAnalysed)],
        ...(report.detection.detectorModel
          ? ([
              ['Own detector model', `${report.detection.detectorModel.file} (${report.detection.detectorModel.format})`],
              ['Model SHA-256', report.detection.detectorModel.sha256],
            ] satisfies [string, string][])
          : []),
      ])
    : '<p>No automatic detection was run: every track was drawn by hand.</p>'
}
<h2>Tracks (${report.tracks.length}; ${report.tracks.filter((t) => t.rendered).length} blurred)</h2>
<p>Possible faces (a person whose head no face track covered): ${report.possibleFaces.tracks}${
  report.possibleFaces.tracks ? ` — ${report.possibleFaces.confirmed} confirmed, ${report.possibleFaces.rejected} rejected, ${report.possibleFaces.pending} not reviewed (blurred)` : ''
}.</p>
${tracks}
<h2>Objects</h2>
${objects}
<h2>Audio redactions</h2>
${audio}
<h2>Leak check</h2>
${passList}${leak}
<h2>Event log</h2>
${events}
</body></html>
`;
}
