import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'vite';
import { REPO_ROOT } from '../../electron/main/media/binaries';
import { startHttpMediaServer } from '../../electron/main/ipc/httpMediaServer';

/** Builds the renderer with its Vite config into `outDir` (a test's own folder, not dist/). */
export async function buildRenderer(outDir: string): Promise<string> {
  await build({ configFile: path.join(REPO_ROOT, 'renderer/vite.config.ts'), root: path.join(REPO_ROOT, 'renderer'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

/** Serves a built renderer folder on a loopback port (the page's origin in the browser tests), with `headers` on every file. */
export async function serveStatic(dir: string, headers: Record<string, string> = {}): Promise<StaticServer> {
  return startHttpMediaServer(async (request) => {
    const file = path.join(dir, path.normalize(decodeURIComponent(new URL(request.url).pathname)));
    if (!file.startsWith(dir)) return new Response('outside the site', { status: 403 });
    try {
      return new Response(await readFile(file), { headers: { ...headers, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' } });
    } catch {
      return new Response(`not found: ${file}`, { status: 404 });
    }
  });
}
