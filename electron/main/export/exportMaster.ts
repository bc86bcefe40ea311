import { randomBytes } from 'node:crypto';
import { rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { buildAuditReport, type AuditReport, type LeakCheckReport } from '../../../core/auditReport';
import { BlurlineError } from '../../../core/errors';
import type { Project } from '../../../core/project';
import type { JobProgress } from '../../../core/progress';
import { leakCheckMaster, type LeakCheckResult } from '../detect/leakCheck';
import { findBinary } from '../media/binaries';
import { ffmpegVersion } from '../media/ffmpeg';
import { sha256File } from '../media/probe';
import { checkOutputPath } from '../media/render';
import { renderProject, type JobStage, type RenderProjectResult } from '../pipeline';
import { auditReportPaths, writeAuditReport } from './auditTrail';
import packageJson from '../../../package.json' with { type: 'json' };

/**
 * An export as one unit: the master is rendered to a hidden file beside the output, searched for
 * faces left showing (the leak check), and only then moved into place together with its audit
 * report. A failure or cancel at any step leaves the output path as it was.
 */

export type ExportStage = JobStage | 'leak-check' | 'report';

export interface ExportOptions {
  signal?: AbortSignal;
  onStage?: (stage: ExportStage) => void;
  onProgress?: (stage: ExportStage, progress: JobProgress) => void;
  overwrite?: boolean;
  /** Run the leak check (default). Without it the export can never be an approved one. */
  leakCheck?: boolean;
}

export interface ExportResult {
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

export async function exportMaster(project: Project, outputPath: string, options: ExportOptions = {}): Promise<ExportResult> {
  const { absolute } = checkOutputPath(project.source.path, outputPath, options.overwrite, project.exportSettings.videoCodec);
  const staging = path.join(path.dirname(absolute), `.${path.basename(absolute)}.staging-${randomBytes(4).toString('hex')}${path.extname(absolute)}`);
  const reportPaths = auditReportPaths(absolute);
  let reportWritten = false;
  try {
    const render = await renderProject(project, staging, {
      signal: options.signal,
      onStage: options.onStage,
      onProgress: options.onProgress,
    });
    let leakCheck: LeakCheckResult | null = null;
    if (options.leakCheck !== false) {
      options.onStage?.('leak-check');
      leakCheck = await leakCheckMaster(staging, render.plan, {
        signal: options.signal,
        frameOffset: render.range.first,
        onProgress: (p) => options.onProgress?.('leak-check', p),
      });
    }
    options.onStage?.('report');
    const report = buildAuditReport({
      project,
      generatedAt: new Date().toISOString(),
      blurlineVersion: packageJson.version,
      master: {
        path: absolute,
        sizeBytes: (await stat(staging)).size,
        sha256: leakCheck?.masterSha256 ?? (await sha256File(staging, options.signal)),
        frames: render.frames,
        exportSettings: project.exportSettings,
        pixelFormat: render.pixelFormat,
        variableFrameRate: render.variableFrameRate,
        rotation: render.rotation,
        audio: render.audio.map((a) => ({ audioIndex: a.audioIndex, treatment: a.mode === 'copy' ? 'copied' : 'redacted', codec: a.codec, spans: a.spans })),
        droppedStreams: render.droppedStreams,
      },
      ffmpeg: {
        path: findBinary('ffmpeg').path,
        version: await ffmpegVersion(),
        commandLine: render.ffmpegCommand,
        remuxCommandLine: render.remuxCommand,
      },
      leakCheck: leakCheck && leakCheckReportOf(leakCheck),
    });
    await writeAuditReport(report, reportPaths);
    reportWritten = true;
    await rename(staging, absolute);
    return { render: { ...render, outputPath: absolute }, leakCheck, report, reportPaths };
  } catch (err) {
    await unlink(staging).catch(() => {});
    if (reportWritten) await Promise.all([unlink(reportPaths.json), unlink(reportPaths.html)]).catch(() => {});
    // Errors name the file the user asked for, not the hidden one.
    if (err instanceof BlurlineError) err.message = err.message.split(staging).join(absolute);
    throw err;
  }
}
