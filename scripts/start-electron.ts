/**
 * `npm start`'s last step: runs the built app in Electron. npm ci does not run Electron's own
 * download script (package.json `allowScripts`: it fetches the binary from the internet, which
 * fails offline), so the first start fetches the binary once, and says clearly what to do when
 * that is impossible. ELECTRON_OVERRIDE_DIST_PATH points at an Electron installed elsewhere.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT } from '../electron/main/media/binaries';

const require = createRequire(import.meta.url);
const electronDir = path.dirname(require.resolve('electron/package.json'));

if (!process.env.ELECTRON_OVERRIDE_DIST_PATH && !existsSync(path.join(electronDir, 'path.txt'))) {
  console.log('The Electron binary is not installed yet (npm ci skips its download); fetching it once…');
  const fetched = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], { stdio: 'inherit', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' } });
  if (fetched.status !== 0) {
    console.error(
      'Could not download Electron (no internet?). Set ELECTRON_OVERRIDE_DIST_PATH to an installed Electron, ' +
        'or use the command line, which needs no Electron: npx blurline auto footage.mp4 -o footage.blurred.mp4',
    );
    process.exit(1);
  }
}

const electronPath = require('electron') as string;
const app = spawn(electronPath, [REPO_ROOT], { stdio: 'inherit' });
app.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const name of ['SIGINT', 'SIGTERM'] as const) process.on(name, () => app.kill(name));
