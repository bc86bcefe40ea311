/** File paths as hosts give them (POSIX or Windows), for code without a `path` module (core, the renderer). */

export function lastSeparator(path: string): number {
  return Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
}

export function fileName(path: string): string {
  return path.slice(lastSeparator(path) + 1);
}
