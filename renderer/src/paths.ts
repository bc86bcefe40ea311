/** File paths as the host gives them (POSIX or Windows); the renderer has no `path` module. */

function lastSeparator(path: string): number {
  return Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
}

export function fileName(path: string): string {
  return path.slice(lastSeparator(path) + 1);
}

/** Where an export goes by default: beside the source, `name.blurred.mp4`. */
export function defaultExportPath(sourcePath: string): string {
  const dir = sourcePath.slice(0, lastSeparator(sourcePath) + 1);
  return `${dir}${fileName(sourcePath).replace(/\.[^.]+$/, '')}.blurred.mp4`;
}
