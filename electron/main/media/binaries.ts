import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlurlineError } from '../../../core/errors';

export type BinaryName = 'ffmpeg' | 'ffprobe';

export type BinarySource = 'setting' | 'env' | 'native-bin' | 'npm' | 'path';

export interface BinaryLocation {
  name: BinaryName;
  path: string;
  source: BinarySource;
}

export interface BinaryLookupInput {
  name: BinaryName;
  /** Path chosen by the user in settings (or on the command line). */
  explicitPath?: string | null;
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  arch: string;
  /** Folders that may hold `<platform>-<arch>/<binary>`: the packaged app's resources first, then the repo's. */
  nativeBinRoots: readonly string[];
  /** The binary shipped inside @ffmpeg-installer/@ffprobe-installer, when that package is present. */
  npmBinaryPath: string | null;
  isExecutable: (file: string) => boolean;
}

export const BINARY_ENV_VARS: Record<BinaryName, string> = {
  ffmpeg: 'BLURLINE_FFMPEG',
  ffprobe: 'BLURLINE_FFPROBE',
};

/**
 * Where the ffmpeg/ffprobe binary comes from, in order: explicit setting, environment
 * variable, the app's native-bin folder, the npm package's binary, then PATH. A setting or
 * variable that points nowhere is an error rather than a silent fallback: the user asked for it.
 */
export function locateBinary(input: BinaryLookupInput): BinaryLocation {
  const { name, platform, isExecutable } = input;
  const exe = platform === 'win32' ? `${name}.exe` : name;
  const envVar = BINARY_ENV_VARS[name];
  const requested: [BinarySource, string | null | undefined][] = [
    ['setting', input.explicitPath],
    ['env', input.env[envVar]],
  ];
  for (const [source, file] of requested) {
    if (!file) continue;
    if (!isExecutable(file)) {
      const where = source === 'env' ? `${envVar}=${file}` : `the ${name} path in settings (${file})`;
      throw new BlurlineError('FFMPEG_NOT_FOUND', `${where} is not an executable file`);
    }
    return { name, path: file, source };
  }
  const tried: string[] = [];
  const candidates: [BinarySource, string][] = [
    ...input.nativeBinRoots.map((root): [BinarySource, string] => ['native-bin', path.join(root, `${platform}-${input.arch}`, exe)]),
    ...(input.npmBinaryPath ? [['npm', input.npmBinaryPath] as [BinarySource, string]] : []),
    ...(input.env.PATH ?? '')
      .split(platform === 'win32' ? ';' : ':')
      .filter(Boolean)
      .map((dir): [BinarySource, string] => ['path', path.join(dir, exe)]),
  ];
  for (const [source, file] of candidates) {
    if (isExecutable(file)) return { name, path: file, source };
    tried.push(file);
  }
  throw new BlurlineError(
    'FFMPEG_NOT_FOUND',
    `${name} not found. Set ${envVar} to its path, or reinstall Blurline (npm ci) to get the bundled binary.`,
    `looked in: ${tried.join(', ')}`,
  );
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const require = createRequire(import.meta.url);

function npmBinaryPath(name: BinaryName): string | null {
  try {
    const pkg = name === 'ffmpeg' ? '@ffmpeg-installer/ffmpeg' : '@ffprobe-installer/ffprobe';
    return (require(pkg) as { path: string }).path;
  } catch {
    // The package has no binary for this platform, or is not installed.
    return null;
  }
}

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function nativeBinRoots(): string[] {
  const roots: string[] = [];
  // In a packaged Electron app, electron-builder copies native-bin/ into the resources folder.
  const resources = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (resources) roots.push(path.join(resources, 'native-bin'));
  roots.push(path.join(REPO_ROOT, 'native-bin'));
  return roots.filter((root) => existsSync(root));
}

const cache = new Map<string, BinaryLocation>();

/** Locates a binary on this machine (cached per explicit path). */
export function findBinary(name: BinaryName, explicitPath?: string | null): BinaryLocation {
  const key = `${name}\0${explicitPath ?? ''}\0${process.env[BINARY_ENV_VARS[name]] ?? ''}`;
  let found = cache.get(key);
  if (!found) {
    found = locateBinary({
      name,
      explicitPath,
      env: process.env,
      platform: process.platform,
      arch: process.arch,
      nativeBinRoots: nativeBinRoots(),
      npmBinaryPath: npmBinaryPath(name),
      isExecutable: isExecutableFile,
    });
    cache.set(key, found);
  }
  return found;
}
