import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateBinary, type BinaryLookupInput } from '../../electron/main/media/binaries';

function lookup(existing: string[], overrides: Partial<BinaryLookupInput> = {}) {
  return locateBinary({
    name: 'ffmpeg',
    env: { PATH: '/usr/local/bin:/usr/bin' },
    platform: 'linux',
    arch: 'x64',
    nativeBinRoots: ['/opt/Blurline/resources/native-bin', '/repo/native-bin'],
    npmBinaryPath: '/repo/node_modules/@ffmpeg-installer/linux-x64/ffmpeg',
    isExecutable: (file) => existing.includes(file),
    ...overrides,
  });
}

const ALL = [
  '/custom/ffmpeg',
  '/env/ffmpeg',
  '/opt/Blurline/resources/native-bin/linux-x64/ffmpeg',
  '/repo/native-bin/linux-x64/ffmpeg',
  '/repo/node_modules/@ffmpeg-installer/linux-x64/ffmpeg',
  '/usr/bin/ffmpeg',
];

describe('locateBinary', () => {
  it('prefers an explicit setting, then the env var, then native-bin, npm, PATH', () => {
    const env = { PATH: '/usr/bin', BLURLINE_FFMPEG: '/env/ffmpeg' };
    expect(lookup(ALL, { explicitPath: '/custom/ffmpeg', env })).toMatchObject({ path: '/custom/ffmpeg', source: 'setting' });
    expect(lookup(ALL, { env })).toMatchObject({ path: '/env/ffmpeg', source: 'env' });
    expect(lookup(ALL)).toMatchObject({ path: '/opt/Blurline/resources/native-bin/linux-x64/ffmpeg', source: 'native-bin' });
    expect(lookup(ALL.slice(3))).toMatchObject({ path: '/repo/native-bin/linux-x64/ffmpeg', source: 'native-bin' });
    expect(lookup(ALL.slice(4))).toMatchObject({ source: 'npm' });
    expect(lookup(ALL.slice(5))).toMatchObject({ path: '/usr/bin/ffmpeg', source: 'path' });
  });

  it('refuses a setting or env var that points nowhere instead of silently using another ffmpeg', () => {
    expect(() => lookup(ALL, { env: { BLURLINE_FFMPEG: '/missing/ffmpeg' } })).toThrow(/BLURLINE_FFMPEG=\/missing\/ffmpeg is not an executable/);
    expect(() => lookup(ALL, { explicitPath: '/missing/ffmpeg' })).toThrow(/settings/);
  });

  it('uses .exe and ; separated PATH on Windows, and platform-arch folders', () => {
    const found = lookup(['C:\\tools\\ffprobe.exe'.replace(/\\/g, path.sep)], {
      name: 'ffprobe',
      platform: 'win32',
      env: { PATH: ['C:\\other', 'C:\\tools'].map((p) => p.replace(/\\/g, path.sep)).join(';') },
      npmBinaryPath: null,
    });
    expect(found.path.endsWith('ffprobe.exe')).toBe(true);
    expect(lookup(['/repo/native-bin/darwin-arm64/ffmpeg'], { platform: 'darwin', arch: 'arm64', npmBinaryPath: null }).source).toBe('native-bin');
  });

  it('lists where it looked when nothing is found', () => {
    try {
      lookup([], { npmBinaryPath: null });
      throw new Error('expected failure');
    } catch (err: any) {
      expect(err.code).toBe('FFMPEG_NOT_FOUND');
      expect(err.message).toMatch(/BLURLINE_FFMPEG/);
      expect(err.detail).toContain('/repo/native-bin/linux-x64/ffmpeg');
      expect(err.detail).toContain('/usr/bin/ffmpeg');
    }
  });
});
