import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { BlurlineError } from '../../../core/errors';
import { parseProjectText, serializeProject, ProjectFormatError, type Project } from '../../../core/project';

/**
 * Writes a file so that readers see either the old or the new content, never a partial one:
 * temp file in the same folder, flushed to disk, then renamed over the target.
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => {});
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BlurlineError('OUTPUT_DIR_MISSING', `folder does not exist: ${path.dirname(file)}`);
    throw writeErrorOf(err, file);
  }
}

/** A failed write as the user's error: a full disk or a refused write, naming what was written; anything else as it came. */
export function writeErrorOf(err: unknown, target: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return new BlurlineError('DISK_FULL', `the disk is full: could not write ${target}`);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new BlurlineError('PERMISSION_DENIED', `permission denied writing ${target}`);
  return err;
}

export async function writeProjectFile(file: string, project: Project): Promise<void> {
  await writeFileAtomic(file, serializeProject(project));
}

/** Reads a JSON document Blurline wrote (`what`: "project", "report"); a missing or unreadable file is PROJECT_INVALID naming it. */
export async function readDocumentText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BlurlineError('PROJECT_INVALID', `cannot read ${what} ${file}: ${code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
  }
}

/** Reads and validates a project file; every failure names the file and what is wrong with it. */
export async function readProjectFile(file: string): Promise<Project> {
  const text = await readDocumentText(file, 'project');
  try {
    return parseProjectText(text);
  } catch (err) {
    if (err instanceof ProjectFormatError) throw new ProjectFormatError(`${file}: ${err.message}`, err.field);
    throw err;
  }
}
