import path from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from '../electron/main/media/binaries';

/**
 * Bundles the Electron main process and preload into dist/electron:
 * - main.mjs: ESM (it reads `import.meta.url`), npm packages left as imports from node_modules
 *   (electron-builder ships the production dependencies);
 * - preload.cjs: CommonJS and self-contained, as a sandboxed preload must be;
 * - detectorWorkerEntry.mjs: the face-detection worker main starts for the leak check and the
 *   batch (beside main.mjs, where `DetectorPool` looks for it; in a checkout the same name is the
 *   tsx bootstrap of the TypeScript worker).
 */

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', absWorkingDir: REPO_ROOT } as const;

export async function buildElectron(outDir: string): Promise<void> {
  await Promise.all([
    build({
      ...common,
      entryPoints: ['electron/main/app/main.ts'],
      outfile: path.join(outDir, 'main.mjs'),
      format: 'esm',
      packages: 'external',
    }),
    build({
      ...common,
      entryPoints: ['electron/main/detect/detectorWorker.ts'],
      outfile: path.join(outDir, 'detectorWorkerEntry.mjs'),
      format: 'esm',
      packages: 'external',
    }),
    build({
      ...common,
      entryPoints: ['electron/preload/index.ts'],
      outfile: path.join(outDir, 'preload.cjs'),
      format: 'cjs',
      external: ['electron'],
    }),
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) await buildElectron(path.join(REPO_ROOT, 'dist', 'electron'));
