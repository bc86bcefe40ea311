import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { auditReportJsonSchema } from '../core/auditReport';
import { REPO_ROOT } from '../electron/main/media/binaries';

/** Writes the published JSON Schema of the audit report (a unit test checks it is current). */
export const AUDIT_SCHEMA_FILE = path.join(REPO_ROOT, 'docs/audit-report.schema.json');

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  writeFileSync(AUDIT_SCHEMA_FILE, auditReportJsonSchema());
  console.log(`wrote ${AUDIT_SCHEMA_FILE}`);
}
