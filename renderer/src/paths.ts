import { masterExtension } from '../../core/masterFormat';
import { fileName, lastSeparator } from '../../core/paths';
import type { MasterCodec } from '../../core/project';

/** File paths as the host gives them (POSIX or Windows); the renderer has no `path` module. */

export { fileName };

/** The extension of a path's file name, lower case with its dot (`.mp4`), or '' when it has none. */
export function extensionOf(path: string): string {
  const match = /\.[^.]+$/.exec(fileName(path));
  return match ? match[0].toLowerCase() : '';
}

/** The path with its file's extension replaced by (or extended with) `ext`. */
export function withExtension(path: string, ext: string): string {
  const name = fileName(path);
  const stem = name.replace(/\.[^.]+$/, '');
  return `${path.slice(0, path.length - name.length)}${stem}${ext}`;
}

/** Where an export goes by default: beside the source, `name.blurred.mp4` (`.mov` for ProRes). */
export function defaultExportPath(sourcePath: string, codec: MasterCodec = 'h264'): string {
  const dir = sourcePath.slice(0, lastSeparator(sourcePath) + 1);
  return `${dir}${fileName(sourcePath).replace(/\.[^.]+$/, '')}.blurred${masterExtension(codec)}`;
}

/**
 * The output path after a codec change. ProRes is written in .mov only: any other extension
 * becomes .mov (`switched`). Back to H.264/H.265, a .mov that was switched that way becomes .mp4
 * again; a .mov (or .mkv, .m4v) the user chose stays as it is.
 */
export function pathForCodec(path: string, codec: MasterCodec, switched: boolean): { path: string; switched: boolean } {
  const ext = extensionOf(path);
  if (codec === 'prores') return ext === '.mov' ? { path, switched } : { path: withExtension(path, '.mov'), switched: true };
  if (switched && ext === '.mov') return { path: withExtension(path, '.mp4'), switched: false };
  return { path, switched: false };
}

/** Why a codec cannot be written at a path (main refuses it too), or null. */
export function containerProblem(path: string, codec: MasterCodec): string | null {
  if (codec === 'prores' && extensionOf(path) !== '.mov') return `ProRes 422 HQ is written in a .mov file, not ${extensionOf(path) || 'a file without an extension'}: choose a .mov path or another codec.`;
  return null;
}

/** The folder of a path (without a trailing separator unless it is a root: `/`, `C:\`), or '' for a bare file name. */
export function dirName(path: string): string {
  const end = lastSeparator(path);
  if (end < 0) return '';
  const dir = path.slice(0, end);
  return dir === '' || /^[A-Za-z]:$/.test(dir) ? path.slice(0, end + 1) : dir;
}

/** `name` inside `dir`, with the separator `dir` already uses (a Windows folder keeps its backslashes). */
export function joinPath(dir: string, name: string): string {
  const separator = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return `${dir.replace(/[\\/]+$/, '')}${separator}${name}`;
}

/** A full path (POSIX `/…`, Windows `C:\…` or `\\server\…`); main refuses anything else. */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\');
}
