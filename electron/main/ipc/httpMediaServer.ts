import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Mounts a WHATWG `(Request) => Response` handler (the media server) on a local HTTP port, for
 * hosts without Electron's `protocol.handle`: the browser tests. Loopback only.
 */

export interface HttpMediaServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  close(): Promise<void>;
}

async function answer(handler: (request: Request) => Promise<Response>, req: IncomingMessage, res: ServerResponse, origin: string) {
  // The request's end is its signal: a seek in <video> drops the old range request mid-body.
  const controller = new AbortController();
  res.on('close', () => controller.abort());
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
  }
  const response = await handler(new Request(new URL(req.url ?? '/', origin), { method: req.method, headers, signal: controller.signal }));
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) {
    res.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), res).catch(() => {
    // The client went away, or the body failed after the headers: all that is left is to stop.
    res.destroy();
  });
}

export async function startHttpMediaServer(handler: (request: Request) => Promise<Response>): Promise<HttpMediaServer> {
  let origin = '';
  const server: Server = createServer((req, res) => {
    answer(handler, req, res, origin).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
