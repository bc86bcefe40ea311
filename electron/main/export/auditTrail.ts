import path from 'node:path';
import { auditReportHtml, auditReportSchema, waiveFinding, type AuditReport } from '../../../core/auditReport';
import { BlurlineError } from '../../../core/errors';
import { readDocumentText, writeFileAtomic } from '../project/projectFile';

/**
 * The audit report's two files beside a master: `clip.blurred.mp4` → `clip.blurred.mp4.audit.json`
 * and `.audit.html`. The master's whole name, so an .mp4 and a .mov master of one clip keep their own reports.
 */
export function auditReportPaths(masterPath: string): { json: string; html: string } {
  return { json: `${masterPath}.audit.json`, html: `${masterPath}.audit.html` };
}

/** A report's two files from its JSON file's path (it may have been moved away from its master). */
export function reportFilesOf(jsonPath: string): { json: string; html: string } {
  return { json: jsonPath, html: `${jsonPath.slice(0, jsonPath.length - path.extname(jsonPath).length)}.html` };
}

/**
 * Writes both files of a report (each atomically), by default beside its master; the JSON is
 * validated first, so a bad report is never written.
 */
export async function writeAuditReport(report: AuditReport, paths = auditReportPaths(report.master.path)): Promise<{ json: string; html: string }> {
  const checked = auditReportSchema.parse(report);
  await writeFileAtomic(paths.json, `${JSON.stringify(checked, null, 2)}\n`);
  await writeFileAtomic(paths.html, auditReportHtml(checked));
  return paths;
}

/** Reads and validates a report; every failure names the file and what is wrong. */
export async function readAuditReport(file: string): Promise<AuditReport> {
  const text = await readDocumentText(file, 'report');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new BlurlineError('PROJECT_INVALID', `${file} is not valid JSON: ${(err as Error).message}`);
  }
  const result = auditReportSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new BlurlineError('PROJECT_INVALID', `${file} is not a Blurline audit report: ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}

export interface WaiverRequest {
  reportPath: string;
  /** The source the waiver is for: the report must be of it. */
  sourceSha256: string;
  findingId: string;
  reason: string;
  by: string;
  at: string;
}

/** Signs a waiver of one finding of an export's leak check: both report files are rewritten with it. */
export async function waiveReportFinding(request: WaiverRequest): Promise<{ report: AuditReport; paths: { json: string; html: string } }> {
  const report = await readAuditReport(request.reportPath);
  if (report.source.sha256 !== request.sourceSha256) {
    throw new BlurlineError('INVALID_ARGUMENT', `${request.reportPath} is the report of another source (${report.source.path})`);
  }
  const waived = waiveFinding(report, request.findingId, { by: request.by, at: request.at, reason: request.reason });
  return { report: waived, paths: await writeAuditReport(waived, reportFilesOf(request.reportPath)) };
}
