import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT } from '../electron/main/media/binaries';

/**
 * Copies ffmpeg and ffprobe from the npm installer packages into
 * `native-bin/<platform>-<arch>/`, which electron-builder ships as `<resources>/native-bin/`.
 * The installer packages hold the binary for the platform npm installed them on, so each
 * platform's package is built on that platform (as electron-builder needs anyway).
 */

export interface NativeBinCopy {
  from: string;
  to: string;
}

/** What to copy where, for one platform. */
export function nativeBinPlan(root: string, platform: NodeJS.Platform, arch: string, sources: { ffmpeg: string; ffprobe: string }): NativeBinCopy[] {
  const dir = path.join(root, 'native-bin', `${platform}-${arch}`);
  const exe = platform === 'win32' ? '.exe' : '';
  return (['ffmpeg', 'ffprobe'] as const).map((name) => ({ from: sources[name], to: path.join(dir, `${name}${exe}`) }));
}

export function fillNativeBin(plan: NativeBinCopy[]): void {
  for (const { from, to } of plan) {
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(from, to);
    chmodSync(to, 0o755);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const require = createRequire(import.meta.url);
  const sources = {
    ffmpeg: (require('@ffmpeg-installer/ffmpeg') as { path: string }).path,
    ffprobe: (require('@ffprobe-installer/ffprobe') as { path: string }).path,
  };
  const plan = nativeBinPlan(REPO_ROOT, process.platform, process.arch, sources);
  fillNativeBin(plan);
  for (const { from, to } of plan) console.log(`${path.relative(REPO_ROOT, to)} ← ${from}`);
}
