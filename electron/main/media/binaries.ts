import { accessSync, constants } from 'node:fs';
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
  /**
   * A packaged app's resources folder (Electron's `process.resourcesPath`): electron-builder
   * copies `native-bin/<platform>-<arch>/` to `<resources>/native-bin/`, so the binary sits there.
   */
  resourcesPath?: string | null;
  /** Folders that may hold `<platform>-<arch>/<binary>` (the repo's native-bin). */
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
    ...(input.resourcesPath ? [['native-bin', path.join(input.resourcesPath, 'native-bin', exe)] as [BinarySource, string]] : []),
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
      // Set only inside Electron.
      resourcesPath: (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath ?? null,
      nativeBinRoots: [path.join(REPO_ROOT, 'native-bin')],
      npmBinaryPath: npmBinaryPath(name),
      isExecutable: isExecutableFile,
    });
    cache.set(key, found);
  }
  return found;
}
