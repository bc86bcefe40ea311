import { randomBytes } from 'node:crypto';
import { stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { buildAuditReport, type AuditReport, type LeakCheckPass, type LeakCheckReport } from '../../../core/auditReport';
import { addTracks, applyEdit } from '../../../core/edits';
import { BlurlineError } from '../../../core/errors';
import { leakTracksLabel, tracksForFindings } from '../../../core/leakTracks';
import type { Project, Track } from '../../../core/project';
import { recordEdit, type Actor } from '../../../core/review';
import type { JobProgress } from '../../../core/progress';
import { leakCheckMaster, type LeakCheckResult } from '../detect/leakCheck';
import { findBinary } from '../media/binaries';
import { ffmpegVersion } from '../media/ffmpeg';
import { sha256File } from '../media/probe';
import { checkOutputPath } from '../media/render';
import { renderProject, type JobStage, type RenderProjectResult } from '../pipeline';
import { auditReportPaths, writeAuditReport } from './auditTrail';
import { claimOutput, publishFile } from './outputClaim';
import packageJson from '../../../package.json' with { type: 'json' };

/**
 * An export as one unit: the master is rendered to a hidden file beside the output, searched for
 * faces left showing (the leak check), and only then moved into place together with its audit
 * report. A failure or cancel at any step leaves the output path as it was. Auto and batch close
 * the loop: faces the check finds become tracks and the hidden file is rendered and checked again.
 */

export type ExportStage = JobStage | 'leak-check' | 'report';

export interface ExportOptions {
  signal?: AbortSignal;
  onStage?: (stage: ExportStage) => void;
  onProgress?: (stage: ExportStage, progress: JobProgress) => void;
  overwrite?: boolean;
  /** Run the leak check (default). Without it the export can never be an approved one. */
  leakCheck?: boolean;
  /**
   * Renders at most this many times (auto and batch; default 1, the editor's export): while the
   * leak check finds faces that no track holds, they become tracks and the master is rendered
   * and checked again. The last render is the master.
   */
  maxPasses?: number;
  /** Called as each pass starts (1, 2, …). */
  onPass?: (pass: number) => void;
}

/**
 * Passes auto and batch allow: the first render; a second with the faces the first check found
 * as tracks (on the leak-check clips and masters measured, that one is clean); a third for a face
 * the second check still finds, e.g. on frames the first check missed it on. A face three renders
 * have not hidden needs a person: it is left in the report as a finding. Each pass costs a render
 * and a leak check (about as long as detection), so an export takes at most three times as long.
 */
export const AUTO_EXPORT_PASSES = 3;

export interface ExportResult {
  /** The project the master was rendered from: the one given, with the tracks the passes added. */
  project: Project;
  render: RenderProjectResult;
  leakCheck: LeakCheckResult | null;
  report: AuditReport;
  reportPaths: { json: string; html: string };
}

/** The leak check as the report records it (thumbnails as data URLs, nothing waived yet). */
export function leakCheckReportOf(result: LeakCheckResult): LeakCheckReport {
  return {
    checkedAt: result.checkedAt,
    detector: result.detector.summary,
    framesChecked: result.frames,
    elapsedSeconds: result.elapsedSeconds,
    findings: result.findings.map((f) => ({
      id: f.id,
      frames: f.frames,
      faces: f.faces,
      firstFrame: f.firstFrame,
      lastFrame: f.lastFrame,
      peakFrame: f.peakFrame,
      box: f.box,
      confidence: f.confidence,
      thumbnail: `data:image/png;base64,${f.thumbnail.pngBase64}`,
      waiver: null,
    })),
  };
}

/** The pass as the report lists it (the findings without their per-frame faces; the tracks made from them). */
function passReportOf(pass: number, check: LeakCheckResult, tracksAdded: readonly Track[]): LeakCheckPass {
  return {
    pass,
    checkedAt: check.checkedAt,
    elapsedSeconds: check.elapsedSeconds,
    findings: leakCheckReportOf(check).findings.map(({ faces: _faces, waiver: _waiver, ...finding }) => finding),
    tracksAdded: tracksAdded.map((t) => t.id),
    clean: check.findings.length === 0,
  };
}

/** Who adds the leak check's tracks in the pass's log. */
const LEAK_LOOP_ACTOR: Actor = { name: 'Blurline', role: 'system' };

/**
 * Adds the tracks for a pass's findings (frames a track already holds left to it) as one logged
 * edit; null when there is nothing to add.
 */
function withLeakTracks(project: Project, check: LeakCheckResult, pass: number): { project: Project; added: Track[] } | null {
  const made = tracksForFindings(project, check.findings);
  const added = made.flatMap((m) => m.added);
  if (added.length === 0) return null;
  const next = applyEdit(project, addTracks(project, added)).project;
  const review = recordEdit(project, next, `Leak check pass ${pass}: ${leakTracksLabel(made)}`, LEAK_LOOP_ACTOR, new Date().toISOString());
  return { project: { ...next, review }, added };
}

/** How the audit report names what the render did to each audio stream. */
const AUDIO_TREATMENT = { copy: 'copied', redact: 'redacted', convert: 'converted' } as const;

export async function exportMaster(project: Project, outputPath: string, options: ExportOptions = {}): Promise<ExportResult> {
  const { absolute } = checkOutputPath(project.source.path, outputPath, options.overwrite, project.exportSettings.videoCodec);
  const claim = await claimOutput(absolute);
  try {
    return await exportClaimed(project, absolute, options);
  } finally {
    await claim.release();
  }
}

async function exportClaimed(project: Project, absolute: string, options: ExportOptions): Promise<ExportResult> {
  const staging = path.join(path.dirname(absolute), `.${path.basename(absolute)}.staging-${randomBytes(4).toString('hex')}${path.extname(absolute)}`);
  const reportPaths = auditReportPaths(absolute);
  const maxPasses = Math.max(1, options.maxPasses ?? 1);
  let reportWritten = false;
  try {
    let rendered = project;
    const renderPass = (pass: number) => {
      options.onPass?.(pass);
      // A later pass renders over the hidden file of the one before.
      return renderProject(rendered, staging, { signal: options.signal, onStage: options.onStage, onProgress: options.onProgress, overwrite: pass > 1 });
    };
    let render = await renderPass(1);
    let leakCheck: LeakCheckResult | null = null;
    const passes: LeakCheckPass[] = [];
    for (let pass = 1; options.leakCheck !== false; pass++) {
      options.onStage?.('leak-check');
      leakCheck = await leakCheckMaster(staging, render.plan, {
        signal: options.signal,
        frameOffset: render.range.first,
        onProgress: (p) => options.onProgress?.('leak-check', p),
      });
      const next = leakCheck.findings.length > 0 && pass < maxPasses ? withLeakTracks(rendered, leakCheck, pass) : null;
      passes.push(passReportOf(pass, leakCheck, next?.added ?? []));
      if (!next) break;
      rendered = next.project;
      render = await renderPass(pass + 1);
    }
    options.onStage?.('report');
    const report = buildAuditReport({
      project: rendered,
      generatedAt: new Date().toISOString(),
      blurlineVersion: packageJson.version,
      master: {
        path: absolute,
        sizeBytes: (await stat(staging)).size,
        sha256: leakCheck?.masterSha256 ?? (await sha256File(staging, options.signal)),
        frames: render.frames,
        exportSettings: rendered.exportSettings,
        pixelFormat: render.pixelFormat,
        variableFrameRate: render.variableFrameRate,
        rotation: render.rotation,
        padding: render.padding,
        repeatedFrames: render.repeatedFrames,
        audio: render.audio.map((a) => ({ audioIndex: a.audioIndex, treatment: AUDIO_TREATMENT[a.mode], codec: a.codec, spans: a.spans })),
        droppedStreams: render.droppedStreams,
      },
      ffmpeg: {
        path: findBinary('ffmpeg').path,
        version: await ffmpegVersion(),
        commandLine: render.ffmpegCommand,
        remuxCommandLine: render.remuxCommand,
      },
      leakCheck: leakCheck && leakCheckReportOf(leakCheck),
      leakCheckPasses: passes,
    });
    await writeAuditReport(report, reportPaths);
    reportWritten = true;
    await publishFile(staging, absolute, options.overwrite ?? false);
    return { project: rendered, render: { ...render, outputPath: absolute }, leakCheck, report, reportPaths };
  } catch (err) {
    await unlink(staging).catch(() => {});
    if (reportWritten) await Promise.all([unlink(reportPaths.json), unlink(reportPaths.html)]).catch(() => {});
    // Errors name the file the user asked for, not the hidden one.
    if (err instanceof BlurlineError) err.message = err.message.split(staging).join(absolute);
    throw err;
  }
}
