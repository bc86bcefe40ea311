import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { BlurlineError } from '../../../core/errors';
import type { AuditReport } from '../../../core/auditReport';
import type { BlurlineCalls, ExportOutcome } from '../../shared/contract';
import { waiveReportFinding } from '../export/auditTrail';
import { assertReadableFile } from '../media/probe';
import { checkOutputPath } from '../media/render';
import { exportMaster, type ExportStage } from '../export/exportMaster';
import { absolutePath, ipcCall, projectArg } from './calls';
import type { FeatureDeps } from './handlers';

const STAGE_WORDS: Record<ExportStage, string> = {
  probe: 'reading the source',
  analyse: 'analysing',
  verify: 'verifying the source',
  render: 'encoding',
  'leak-check': 'checking the master for faces left showing',
  report: 'writing the audit report',
};

/** Who signs: a name a person typed (no control characters) and a role. */
const actorArg = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200).refine((n) => !/[\u0000-\u001f\u007f]/.test(n), 'must not contain control characters'),
  role: z.enum(['editor', 'reviewer']),
});

const startRenderArgs = z.strictObject({
  project: projectArg,
  outputPath: absolutePath,
  overwrite: z.boolean(),
  actor: actorArg,
});

const waiveArgs = z.strictObject({
  sourceSha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256'),
  reportPath: absolutePath.refine((p) => p.endsWith('.json'), 'must be a .json audit report'),
  findingId: z.string().min(1).max(100),
  reason: z.string().trim().min(1, 'a waiver needs a reason').max(2000),
  actor: actorArg,
});

/** What the renderer needs of a report: approval, leak check, where the files are. */
export function exportOutcome(report: AuditReport, reportPaths: { json: string; html: string }): ExportOutcome {
  return {
    masterPath: report.master.path,
    reportPaths,
    approvedExport: report.approval.approvedExport,
    blockers: report.approval.blockers,
    leakCheck: report.leakCheck,
  };
}

/** Fails at once, before a job starts, when the master could not be written where asked. */
async function checkWritableOutput(sourcePath: string, outputPath: string, overwrite: boolean): Promise<void> {
  const { absolute } = checkOutputPath(sourcePath, outputPath, overwrite);
  try {
    await access(path.dirname(absolute), constants.W_OK);
  } catch {
    throw new BlurlineError('PERMISSION_DENIED', `cannot write to the folder ${path.dirname(absolute)}`);
  }
}

/** Export: the path dialog, the export job (render, leak check, audit report: the CLI's exportMaster), waivers, cancel, and revealing the result. */
export function renderCalls({ dialogs, jobs, showItemInFolder, eventLog }: FeatureDeps) {
  return {
    chooseExportPath: ipcCall(['defaultPath'], [z.string().max(4096).refine((p) => !p.includes('\0'), 'must not contain NUL bytes')], async (defaultPath) => {
      const chosen = await dialogs.chooseExportPath(defaultPath);
      return chosen && (path.extname(chosen) ? chosen : `${chosen}.mp4`);
    }),

    startRender: ipcCall(['args'], [startRenderArgs], async ({ project, outputPath, overwrite }) => {
      eventLog.accept(project);
      await checkWritableOutput(project.source.path, outputPath, overwrite);
      const jobId = jobs.start('render', 'starting', async (job) => {
        const result = await exportMaster(project, outputPath, {
          overwrite,
          signal: job.signal,
          onStage: (stage) => job.stage(STAGE_WORDS[stage]),
          onProgress: (_stage, progress) => job.progress(progress),
        });
        return { outputPath: result.render.outputPath, exported: exportOutcome(result.report, result.reportPaths) };
      });
      return { jobId };
    }),

    cancelJob: ipcCall(['jobId'], [z.string().min(1).max(100)], async (jobId) => jobs.cancel(jobId)),

    waiveLeakFinding: ipcCall(['args'], [waiveArgs], async ({ sourceSha256, reportPath, findingId, reason, actor }) => {
      const waived = await waiveReportFinding({ reportPath, sourceSha256, findingId, reason, by: actor.name, at: new Date().toISOString() });
      return exportOutcome(waived.report, waived.paths);
    }),

    revealFile: ipcCall(['path'], [absolutePath], async (file) => {
      await assertReadableFile(file, 'file');
      showItemInFolder(file);
    }),
  } satisfies Partial<BlurlineCalls>;
}
