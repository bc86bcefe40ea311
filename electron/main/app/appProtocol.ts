import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';

/**
 * Serves the built renderer (`dist/renderer`) on the app scheme, as a WHATWG handler for
 * `protocol.handle`. Only files inside the folder, each with its type and the CSP.
 */

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** The file under `root` a URL names, or null when it would leave the folder. */
export function fileForUrl(root: string, url: string): string | null {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const relative = path.normalize(pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, ''));
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null;
  return path.join(root, relative);
}

export function createAppProtocolHandler(root: string, csp: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const file = fileForUrl(root, request.url);
    const isFile = file ? await stat(file).then((s) => s.isFile(), () => false) : false;
    if (!file || !isFile) return new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
    const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
    return new Response(body, {
      headers: {
        'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Security-Policy': csp,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  };
}
