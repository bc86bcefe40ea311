import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { auditReportHtml, auditReportSchema, type AuditReport } from '../../../core/auditReport';
import { BlurlineError } from '../../../core/errors';
import { writeFileAtomic } from '../project/projectFile';

/** The audit report's two files beside a master: `clip.blurred.mp4` → `clip.blurred.audit.json` / `.audit.html`. */
export function auditReportPaths(masterPath: string): { json: string; html: string } {
  const stem = masterPath.slice(0, masterPath.length - path.extname(masterPath).length);
  return { json: `${stem}.audit.json`, html: `${stem}.audit.html` };
}

/** Writes both files of a report (each atomically); the JSON is validated first, so a bad report is never written. */
export async function writeAuditReport(masterPath: string, report: AuditReport): Promise<{ json: string; html: string }> {
  const checked = auditReportSchema.parse(report);
  const paths = auditReportPaths(masterPath);
  await writeFileAtomic(paths.json, `${JSON.stringify(checked, null, 2)}\n`);
  await writeFileAtomic(paths.html, auditReportHtml(checked));
  return paths;
}

/** Reads and validates a report; every failure names the file and what is wrong. */
export async function readAuditReport(file: string): Promise<AuditReport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BlurlineError('PROJECT_INVALID', `cannot read report ${file}: ${code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
  }
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
