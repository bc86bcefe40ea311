import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AuditReport, LeakCheckReport, LeakFinding } from '../../../core/auditReport';
import type { JobProgress } from '../../../core/progress';
import { buildRenderPlan } from '../../../core/renderPlan';
import { leakCheckMaster } from '../detect/leakCheck';
import { sha256File } from '../media/probe';
import { readAuditReport } from './auditTrail';
import { leakCheckReportOf } from './exportMaster';

/**
 * `blurline verify`: checks, long after an export, that a master is the file its audit report
 * describes (SHA-256), whether its source is still there unchanged, and runs the leak check again
 * (with the blur regions the report records) to see that no face shows that the report does not list.
 */

export interface VerifyOptions {
  signal?: AbortSignal;
  onProgress?: (progress: JobProgress) => void;
}

export interface VerifyResult {
  masterPath: string;
  reportPath: string;
  masterSha256: string;
  /** The master is byte for byte the file the report was written for. */
  masterMatchesReport: boolean;
  source: 'unchanged' | 'changed' | 'missing';
  /** The leak check run now. */
  leakCheck: LeakCheckReport;
  /** Faces found now that no finding of the report covers. */
  unreportedFindings: LeakFinding[];
  /** The report's own verdict (approved pass, every finding waived). */
  approvedExport: boolean;
  /** All three hold: the master matches, nothing new leaks, and the report calls it an approved export. */
  verified: boolean;
}

/** Whether a finding of now is one the report listed: they share at least half of the shorter one's frames. */
export function isReported(finding: Pick<LeakFinding, 'frames'>, reported: readonly Pick<LeakFinding, 'frames'>[]): boolean {
  return reported.some((r) => {
    const frames = new Set(r.frames);
    const shared = finding.frames.filter((f) => frames.has(f)).length;
    return shared >= Math.min(finding.frames.length, r.frames.length) / 2;
  });
}

async function sourceState(report: AuditReport, signal?: AbortSignal): Promise<VerifyResult['source']> {
  if (!existsSync(report.source.path)) return 'missing';
  return (await sha256File(report.source.path, signal)) === report.source.sha256 ? 'unchanged' : 'changed';
}

export async function verifyExport(masterPath: string, reportPath: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const report = await readAuditReport(reportPath);
  const plan = buildRenderPlan({ source: report.source, tracks: report.tracks });
  const check = await leakCheckMaster(masterPath, plan, {
    signal: options.signal,
    onProgress: options.onProgress,
    frameOffset: report.master.exportSettings.range?.first ?? 0,
  });
  const leakCheck = leakCheckReportOf(check);
  const unreportedFindings = leakCheck.findings.filter((f) => !isReported(f, report.leakCheck?.findings ?? []));
  const masterMatchesReport = check.masterSha256 === report.master.sha256;
  return {
    masterPath: path.resolve(masterPath),
    reportPath: path.resolve(reportPath),
    masterSha256: check.masterSha256,
    masterMatchesReport,
    source: await sourceState(report, options.signal),
    leakCheck,
    unreportedFindings,
    approvedExport: report.approval.approvedExport,
    verified: masterMatchesReport && unreportedFindings.length === 0 && report.approval.approvedExport,
  };
}
