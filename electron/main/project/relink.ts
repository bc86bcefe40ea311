import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { BlurlineError } from '../../../core/errors';
import type { Project } from '../../../core/project';
import { sha256File } from '../media/probe';

/**
 * A project whose video has moved (a drive mounted elsewhere, a folder renamed or copied to
 * another machine) is relinked by content: the file beside the project, or in a folder next to
 * it, with the source's size and SHA-256 is the source. Nothing else is ever taken for it.
 */

export interface RelinkedProject {
  project: Project;
  /** The path the project named, when the source was found elsewhere by its hash. */
  relinkedFrom: string | null;
}

async function filesNear(folder: string): Promise<string[]> {
  const files: string[] = [];
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isFile()) files.push(full);
    else if (entry.isDirectory() && !entry.name.startsWith('.')) {
      for (const inner of await readdir(full, { withFileTypes: true }).catch(() => [])) if (inner.isFile()) files.push(path.join(full, inner.name));
    }
  }
  return files;
}

export async function relinkMovedSource(project: Project, projectFile: string): Promise<RelinkedProject> {
  const named = project.source.path;
  if (existsSync(named)) return { project, relinkedFrom: null };
  const folder = path.dirname(path.resolve(projectFile));
  const candidates = [];
  for (const file of await filesNear(folder)) {
    const size = await stat(file).then((s) => s.size, () => -1);
    if (size === project.source.sizeBytes) candidates.push(file);
  }
  // The same name first: the likely one is hashed before any other.
  candidates.sort((a, b) => Number(path.basename(b) === path.basename(named)) - Number(path.basename(a) === path.basename(named)));
  for (const file of candidates) {
    if ((await sha256File(file)) === project.source.sha256) return { project: { ...project, source: { ...project.source, path: file } }, relinkedFrom: named };
  }
  throw new BlurlineError(
    'SOURCE_NOT_FOUND',
    `the project's video ${named} is gone, and no file in ${folder} or the folders in it has its content (SHA-256 ${project.source.sha256.slice(0, 12)}…); put the video beside the project to relink it`,
  );
}
