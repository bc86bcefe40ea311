/**
 * The app's security policy as plain data and pure checks, so it is tested without Electron:
 * where the window may be (its own origin only), what the page may load (the CSP), and which
 * senders IPC answers.
 */

/** The renderer is served from `blurline://app/` (a standard, secure scheme: module workers and `'self'` work). */
export const APP_SCHEME = 'blurline';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
/** Videos, frames and detection assets come from `blurline-media://media/` (mediaServer.ts). */
export const MEDIA_SCHEME = 'blurline-media';
export const MEDIA_BASE_URL = `${MEDIA_SCHEME}://media`;

/**
 * The renderer's Content-Security-Policy: its own scripts only (wasm compiled, nothing
 * evaluated), workers from itself or blobs, media and fetches from the media scheme, no
 * plugins, frames or foreign forms. The dev server's page needs inline scripts (React refresh)
 * and a websocket (hot reload); nothing else changes.
 */
export function contentSecurityPolicy(options: { devServerOrigin?: string } = {}): string {
  const dev = options.devServerOrigin;
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'", "'wasm-unsafe-eval'", ...(dev ? ["'unsafe-inline'"] : [])],
    'worker-src': ["'self'", 'blob:'],
    'media-src': [`${MEDIA_SCHEME}:`],
    'connect-src': ["'self'", `${MEDIA_SCHEME}:`, ...(dev ? [dev.replace(/^http/, 'ws')] : [])],
    'img-src': ["'self'", 'data:', 'blob:', `${MEDIA_SCHEME}:`],
    'style-src': ["'self'", "'unsafe-inline'"],
    'font-src': ["'self'"],
    'object-src': ["'none'"],
    'frame-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** `scheme://host` of a URL; WHATWG URL says "null" as the origin of custom schemes, so build it. */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : null;
  } catch {
    return null;
  }
}

/** Whether a URL belongs to the app (the window may navigate there, and IPC answers it). */
export function isAppUrl(url: string, appOrigin: string): boolean {
  return originOf(url) === appOrigin;
}
