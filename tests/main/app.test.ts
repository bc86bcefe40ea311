import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { createAppProtocolHandler, fileForUrl } from '../../electron/main/app/appProtocol';
import { buildMenuTemplate } from '../../electron/main/app/menu';
import { APP_ORIGIN, contentSecurityPolicy, isAppUrl, originOf } from '../../electron/main/app/security';
import type { MenuCommand } from '../../electron/shared/contract';

function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...items((item.submenu as MenuItemConstructorOptions[] | undefined) ?? [])]);
}

describe('application menu', () => {
  const sent: MenuCommand[] = [];
  const template = buildMenuTemplate({ platform: 'linux', appName: 'Blurline', isDev: false, send: (c) => sent.push(c) });
  const byLabel = (label: string) => items(template).find((i) => i.label === label)!;

  it('has File, Edit, View and Help with mnemonics', () => {
    expect(template.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
  });

  it('sends each command to the renderer, with its accelerator', () => {
    const expected: [string, MenuCommand, string, boolean][] = [
      ['Open Video…', 'open-video', 'CmdOrCtrl+O', true],
      ['Open Project…', 'open-project', 'CmdOrCtrl+Shift+O', true],
      ['Save Project As…', 'save-project-as', 'CmdOrCtrl+Shift+S', true],
      ['Export Blurred Video…', 'export', 'CmdOrCtrl+E', true],
      ['Batch…', 'batch', 'Shift+CmdOrCtrl+B', false],
      ['Undo', 'undo', 'CmdOrCtrl+Z', false],
      ['Redo', 'redo', 'Shift+CmdOrCtrl+Z', false],
      ['Delete Track', 'delete-track', 'Delete', false],
      ['Zoom Timeline In', 'zoom-in', '=', false],
      ['Zoom Timeline Out', 'zoom-out', '-', false],
      ['Show Original', 'toggle-original', 'CmdOrCtrl+B', true],
      ['Keyboard Shortcuts', 'show-shortcuts', 'F1', true],
    ];
    for (const [label, command, accelerator, registered] of expected) {
      const item = byLabel(label);
      expect(item, label).toMatchObject({ accelerator, registerAccelerator: registered });
      sent.length = 0;
      (item.click as () => void)();
      expect(sent).toEqual([command]);
    }
  });

  it('uses no accelerator twice, and registers none without a modifier that would steal typing', () => {
    const all = items(template).filter((i) => i.accelerator);
    const accelerators = all.map((i) => i.accelerator);
    expect(new Set(accelerators).size).toBe(accelerators.length);
    for (const item of all.filter((i) => i.registerAccelerator !== false)) {
      expect(item.accelerator, item.label).toMatch(/CmdOrCtrl|^F\d+$/);
    }
  });

  it('adds the app menu on macOS and developer tools only in development', () => {
    const mac = buildMenuTemplate({ platform: 'darwin', appName: 'Blurline', isDev: false, send: () => {} });
    expect(mac[0]).toMatchObject({ label: 'Blurline', role: 'appMenu' });
    expect(items(template).some((i) => i.role === 'toggleDevTools')).toBe(false);
    const dev = buildMenuTemplate({ platform: 'linux', appName: 'Blurline', isDev: true, send: () => {} });
    expect(items(dev).some((i) => i.role === 'toggleDevTools')).toBe(true);
  });
});

describe('content security policy', () => {
  it('allows only the app itself, wasm, workers and the media scheme', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toBe(
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; media-src blurline-media:; " +
        "connect-src 'self' blurline-media:; img-src 'self' data: blob: blurline-media:; style-src 'self' 'unsafe-inline'; " +
        "font-src 'self'; object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'",
    );
    expect(csp).not.toMatch(/ 'unsafe-eval'|https?:|\*/);
  });

  it('adds only inline scripts and the hot-reload socket for the dev server', () => {
    const dev = contentSecurityPolicy({ devServerOrigin: 'http://localhost:5173' });
    expect(dev).toContain("script-src 'self' 'wasm-unsafe-eval' 'unsafe-inline'");
    expect(dev).toContain("connect-src 'self' blurline-media: ws://localhost:5173");
  });
});

describe('navigation and sender checks', () => {
  it('knows the app origin, also for the custom scheme', () => {
    expect(originOf('blurline://app/index.html')).toBe(APP_ORIGIN);
    expect(isAppUrl('blurline://app/assets/x.js', APP_ORIGIN)).toBe(true);
    for (const url of ['https://example.com/', 'blurline://evil/index.html', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url', 'blurline-media://media/video/x']) {
      expect(isAppUrl(url, APP_ORIGIN), url).toBe(false);
    }
    expect(isAppUrl('http://localhost:5173/src/main.tsx', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
  });
});

describe('app protocol', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'blurline-app-'));
  mkdirSync(path.join(root, 'assets'));
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Blurline</title>');
  writeFileSync(path.join(root, 'assets', 'index.js'), 'export {}');
  writeFileSync(path.join(root, '..', `${path.basename(root)}-secret.txt`), 'secret');
  const handle = createAppProtocolHandler(root, contentSecurityPolicy());

  it('serves the built renderer with types and the CSP on every response', async () => {
    const page = await handle(new Request('blurline://app/'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
    expect(await page.text()).toContain('<title>Blurline');
    const script = await handle(new Request('blurline://app/assets/index.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript');
    expect(script.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
  });

  it('never serves anything outside the renderer folder', async () => {
    const secret = `${path.basename(root)}-secret.txt`;
    for (const url of [`blurline://app/../${secret}`, `blurline://app/%2e%2e/${secret}`, `blurline://app/..%2f${secret}`, 'blurline://app/assets/missing.js', 'blurline://app/assets']) {
      expect((await handle(new Request(url))).status, url).toBe(404);
    }
    expect(fileForUrl(root, 'blurline://app/a%00b')).toBeNull();
  });
});
