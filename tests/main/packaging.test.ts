import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBinary, locateBinary, REPO_ROOT } from '../../electron/main/media/binaries';
import { buildElectron } from '../../scripts/build-electron';
import { fillNativeBin, nativeBinPlan } from '../../scripts/fill-native-bin';
import { Worker } from 'node:worker_threads';
import type { DetectReply } from '../../electron/main/detect/detectorWorker';
import { decodeFrames } from '../../electron/main/media/decode';
import { ffprobeJson, samplePath, sha256, YUNET_MODEL } from '../helpers/media';

const config = JSON.parse(readFileSync(path.join(REPO_ROOT, 'electron-builder.json'), 'utf8'));
const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

/** Expands electron-builder's ${platform}/${arch} macros the way it does for this machine. */
const expand = (pattern: string) => pattern.replace('${platform}', process.platform).replace('${arch}', process.arch);

describe('packaged layout', () => {
  it('finds ffmpeg and ffprobe where electron-builder puts them, and they run', () => {
    // Simulate an installed app: fill native-bin from the npm packages, then copy it as extraResources says.
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'blurline-packaged-'));
    const repo = path.join(tmp, 'repo');
    const plan = nativeBinPlan(repo, process.platform, process.arch, { ffmpeg: findBinary('ffmpeg').path, ffprobe: findBinary('ffprobe').path });
    fillNativeBin(plan);
    const resources = path.join(tmp, 'Blurline', 'resources');
    const [rule] = config.extraResources;
    for (const { to } of plan) {
      const target = path.join(resources, rule.to, path.relative(path.join(repo, expand(rule.from)), to));
      mkdirSync(path.dirname(target), { recursive: true });
      copyFileSync(to, target);
      chmodSync(target, 0o755);
    }
    for (const name of ['ffmpeg', 'ffprobe'] as const) {
      const found = locateBinary({
        name,
        env: { PATH: '' },
        platform: process.platform,
        arch: process.arch,
        resourcesPath: resources,
        nativeBinRoots: [],
        npmBinaryPath: null,
        isExecutable: (file) => {
          try {
            execFileSync(file, ['-version'], { stdio: 'ignore' });
            return true;
          } catch {
            return false;
          }
        },
      });
      expect(found).toEqual({ name, path: path.join(resources, 'native-bin', name), source: 'native-bin' });
      expect(execFileSync(found.path, ['-version'], { encoding: 'utf8' })).toMatch(new RegExp(`^${name} version`));
    }
    // Two copies of each binary: about 300 MB.
    rmSync(tmp, { recursive: true });
  });

  it('prefers the packaged binary over the repo folder and the npm package', () => {
    const resources = '/opt/Blurline/resources';
    const existing = [`${resources}/native-bin/ffmpeg.exe`, '/repo/native-bin/win32-x64/ffmpeg.exe', '/npm/ffmpeg.exe'];
    const input = { name: 'ffmpeg' as const, env: {}, platform: 'win32' as const, arch: 'x64', nativeBinRoots: ['/repo/native-bin'], npmBinaryPath: '/npm/ffmpeg.exe', isExecutable: (f: string) => existing.includes(f) };
    expect(locateBinary({ ...input, resourcesPath: resources }).path).toBe(path.join(resources, 'native-bin', 'ffmpeg.exe'));
    expect(locateBinary({ ...input, resourcesPath: null }).path).toBe(path.join('/repo/native-bin', 'win32-x64', 'ffmpeg.exe'));
  });
});

describe('electron-builder configuration', () => {
  it('builds AppImage and deb, NSIS and dmg, with icons that exist', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.directories.buildResources).toBe('build');
    for (const icon of [config.win.icon, config.mac.icon, path.join(config.linux.icon, '512x512.png')]) {
      expect(readFileSync(path.join(REPO_ROOT, icon)).length, icon).toBeGreaterThan(1000);
    }
  });

  it('ships the bundles, native-bin as resources, and leaves the npm ffmpeg copies out', () => {
    expect(config.files).toEqual(expect.arrayContaining(['package.json', 'dist/electron/**', 'dist/renderer/**', '!node_modules/@ffmpeg-installer/**', '!node_modules/@ffprobe-installer/**']));
    expect(config.extraResources).toEqual([expect.objectContaining({ from: 'native-bin/${platform}-${arch}', to: 'native-bin' })]);
    expect(pkg.main).toBe('dist/electron/main.mjs');
    // The models and wasm the renderer loads are read from these packages inside the app.
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['@vladmandic/face-api', '@vladmandic/human', '@mediapipe/face_detection', '@tensorflow/tfjs-backend-wasm', 'zod']));
    // MediaPipe's .tflite models ship; its own wasm runtime (about 11 MB) is not used: Blurline reads the models itself.
    expect(config.files).toContain('!node_modules/@mediapipe/face_detection/*_wasm_bin.*');
    expect(pkg.scripts).toMatchObject({ 'build:electron': expect.any(String), start: expect.stringContaining('scripts/start-electron.ts'), dist: expect.stringContaining('electron-builder') });
  });
});

describe('icons', () => {
  it('are real PNGs of 512 and 256 pixels, and an .ico and .icns that hold them', async () => {
    for (const [file, size] of [['build/icon.png', 512], ['build/icons/512x512.png', 512], ['build/icons/256x256.png', 256]] as const) {
      const stream = (await ffprobeJson(path.join(REPO_ROOT, file), ['-show_streams'])).streams[0];
      expect([stream.codec_name, stream.width, stream.height], file).toEqual(['png', size, size]);
    }
    const ico = readFileSync(path.join(REPO_ROOT, 'build/icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4), ico[6]]).toEqual([0, 1, 1, 0]);
    expect(ico.subarray(ico.readUInt32LE(18), ico.readUInt32LE(18) + 4).toString('latin1')).toBe('\x89PNG');
    const icns = readFileSync(path.join(REPO_ROOT, 'build/icon.icns'));
    expect([icns.subarray(0, 4).toString('latin1'), icns.readUInt32BE(4)]).toEqual(['icns', icns.length]);
    const types: string[] = [];
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) types.push(icns.subarray(at, at + 4).toString('latin1'));
    expect(types).toEqual(['ic08', 'ic09', 'ic10']);
  });
});

describe('electron bundles', () => {
  it('bundle main as ESM needing only Node, Electron and production packages, and a self-contained CommonJS preload', async () => {
    // Inside the checkout, as dist/electron is inside the app: the bundles find node_modules above them.
    mkdirSync(path.join(REPO_ROOT, 'dist'), { recursive: true });
    const out = mkdtempSync(path.join(REPO_ROOT, 'dist', 'bundle-test-'));
    await buildElectron(out);
    const main = readFileSync(path.join(out, 'main.mjs'), 'utf8');
    const imports = [...main.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    const external = [...new Set(imports.filter((m) => !m.startsWith('node:')))];
    expect(external.sort()).toEqual(['electron', 'zod']);
    // The native onnxruntime-node, for a user's own detector model, only when one is checked or run.
    expect(main).toContain('import("onnxruntime-node")');
    const preload = readFileSync(path.join(out, 'preload.cjs'), 'utf8');
    expect([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(preload).not.toMatch(/^import /m);
    // The detection worker main starts (leak check, batch) runs from the bundle, without tsx.
    const worker = new Worker(path.join(out, 'detectorWorkerEntry.mjs'));
    try {
      const photo = await decodedPhoto(1, 480);
      const reply = new Promise<DetectReply>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      worker.postMessage({ id: 7, options: { model: 'tiny-face-detector', minConfidence: 0.5 }, width: photo.width, height: photo.height, data: photo.data });
      const answer = await reply;
      expect(answer).toMatchObject({ id: 7, ok: true });
      expect(answer.ok && answer.faces.length).toBeGreaterThan(0);
      // A user's own ONNX model, on onnxruntime-node from the bundle.
      const onnxReply = new Promise<DetectReply>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      const yunet = { model: 'onnx', file: YUNET_MODEL, sha256: sha256(YUNET_MODEL), minConfidence: 0.5 };
      worker.postMessage({ id: 8, options: yunet, width: photo.width, height: photo.height, data: photo.data });
      const onnxAnswer = await onnxReply;
      expect(onnxAnswer).toMatchObject({ id: 8, ok: true });
      expect(onnxAnswer.ok && onnxAnswer.faces.length).toBeGreaterThan(0);

      // The person model (from @vladmandic/human's folder) loads and runs there too.
      const persons = new Promise<DetectReply>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      worker.postMessage({ id: 9, options: { model: 'centernet-person', minConfidence: 0.3 }, width: photo.width, height: photo.height, data: photo.data });
      expect(await persons).toMatchObject({ id: 9, ok: true });
    } finally {
      await worker.terminate();
    }
    rmSync(out, { recursive: true, force: true });
  });
});

async function decodedPhoto(n: number, width: number) {
  const stream = (await ffprobeJson(samplePath(n))).streams[0];
  for await (const frame of decodeFrames(samplePath(n), { pixelFormat: 'rgb24', sourceWidth: stream.width, sourceHeight: stream.height, width })) return frame;
  throw new Error(`sample${n}.jpg did not decode`);
}
