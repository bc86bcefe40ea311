import { link, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { BlurlineError } from '../../../core/errors';
import { writeErrorOf } from '../project/projectFile';

/**
 * One export at a time per output path, across processes: a lock file beside the output holds the
 * exporting process's id. A lock whose process is gone (killed mid-render, a power cut) is stale:
 * the next export takes it over and deletes the hidden files that process left behind.
 */

export interface OutputClaim {
  release(): Promise<void>;
}

const lockPathOf = (absolute: string) => path.join(path.dirname(absolute), `.${path.basename(absolute)}.lock`);

/** The hidden files an export of `absolute` writes: its staging master, the encoder's temp files, the report's temp files. */
export function isExportTempOf(absolute: string, name: string): boolean {
  const base = path.basename(absolute);
  if (!name.startsWith(`.${base}.`) && !name.startsWith(`..${base}.`)) return false;
  return /\.(staging|partial|encoded)-[0-9a-f]{8}/.test(name) || /\.[0-9a-f]{8}\.tmp$/.test(name);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function claimOutput(absolute: string): Promise<OutputClaim> {
  const lockPath = lockPathOf(absolute);
  const folder = path.dirname(absolute);
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw writeErrorOf(err, `in ${folder}`);
      const holder = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (attempt === 0 && Number.isInteger(holder) && holder > 0 && !isRunning(holder)) {
        await unlink(lockPath).catch(() => {});
        continue;
      }
      throw new BlurlineError('OUTPUT_EXISTS', `another export is writing ${absolute} (process ${holder || 'unknown'}); wait for it to finish or choose another name`);
    }
  }
  for (const name of await readdir(folder)) {
    if (isExportTempOf(absolute, name)) await unlink(path.join(folder, name)).catch(() => {});
  }
  return { release: () => unlink(lockPath).catch(() => {}) };
}

/**
 * Moves a finished hidden file to its final name. Without `overwrite` it never replaces a file
 * that appeared meanwhile (a hard link fails if the name exists; a rename would not).
 */
export async function publishFile(hidden: string, absolute: string, overwrite: boolean): Promise<void> {
  if (overwrite) return rename(hidden, absolute);
  const exists = () => new BlurlineError('OUTPUT_EXISTS', `output already exists: ${absolute} (use overwrite to replace it)`);
  try {
    await link(hidden, absolute);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw exists();
    // exFAT and FAT drives have no hard links: the claim is the guard there.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
    if (await stat(absolute).then(() => true, () => false)) throw exists();
    return rename(hidden, absolute);
  }
  await unlink(hidden);
}
