import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHost, type TestHost } from '../../electron/main/ipc/testHost';
import { parseProjectText } from '../../core/project';
import type { BatchItemSnapshot } from '../../electron/shared/contract';
import { faceClip, generatedClip, sha256, YUNET_MODEL } from '../helpers/media';
import { identityOnnxModel } from '../helpers/onnxModel';

/** The detector-model setting through the real handlers: the dialog, the check in main, the store, the media server. */
describe('your own detector model (main process)', () => {
  let tmp: string;
  let host: TestHost;
  let chosen: string | null = null;
  let model: string;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'blurline-model-'));
    model = path.join(tmp, 'face model (v2).onnx');
    copyFileSync(YUNET_MODEL, model);
    writeFileSync(path.join(tmp, 'identity.onnx'), identityOnnxModel());
    host = await createTestHost({ userDataDir: path.join(tmp, 'userData'), dialogs: { chooseDetectorModel: async () => chosen } });
  });
  afterAll(async () => {
    await host.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const served = (hash: string) => fetch(`${host.mediaServerUrl}/detector-model/${hash}`);

  it('is none at first; a cancelled dialog changes nothing', async () => {
    expect(await host.handlers.detectorModel()).toEqual({ ok: true, value: null });
    expect(await host.handlers.chooseDetectorModel()).toEqual({ ok: true, value: null });
  });

  it('refuses an ONNX model of no supported format, saying why, and does not remember it', async () => {
    chosen = path.join(tmp, 'identity.onnx');
    expect(await host.handlers.chooseDetectorModel()).toEqual({
      ok: false,
      code: 'DETECTOR_MODEL_INVALID',
      message: 'identity.onnx: not a YuNet, SCRFD or CenterFace model: outputs y [1, 3, h, w]',
    });
    expect(await host.handlers.detectorModel()).toEqual({ ok: true, value: null });
  });

  it('checks, remembers and serves a YuNet model under its SHA-256 only', async () => {
    chosen = model;
    const hash = sha256(model);
    const setting = { model: { file: model, sha256: hash, format: 'yunet' }, problem: null };
    expect(await host.handlers.chooseDetectorModel()).toEqual({ ok: true, value: setting });
    expect(await host.handlers.detectorModel()).toEqual({ ok: true, value: setting });
    expect(JSON.parse(readFileSync(path.join(tmp, 'userData/settings.json'), 'utf8'))).toEqual({ detectorModel: setting.model });
    const response = await served(hash);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(model))).toBe(true);
    expect((await served('0'.repeat(64))).status).toBe(404);
    expect(await host.handlers.detectionAssets()).toMatchObject({ ok: true, value: { detectorModelBaseUrl: `${host.mediaServerUrl}/detector-model/` } });
  });

  it('the batch searches with it too; its projects name it', async () => {
    const clip = path.join(tmp, 'short.mp4');
    copyFileSync(await generatedClip('face-short', ['-i', await faceClip(), '-frames:v', '12', '-c:v', 'libx264', '-preset', 'ultrafast', '-an']), clip);
    const finished = new Promise<BatchItemSnapshot[]>((resolve) => {
      host.onEvent((event, payload) => {
        const items = payload as BatchItemSnapshot[];
        if (event === 'batch' && items.length > 0 && items.every((i) => i.status !== 'queued' && i.status !== 'running')) resolve(items);
      });
    });
    const added = await host.handlers.addToBatch({ paths: [clip], outputDir: path.join(tmp, 'out'), preset: 'fast', codec: 'h264', overwrite: false });
    expect(added.ok).toBe(true);
    const [item] = await finished;
    expect(item.status, item.error?.message).toBe('done');
    const project = parseProjectText(readFileSync(item.result!.projectPath, 'utf8'));
    expect(project.analysis?.detectorModel).toEqual({ file: model, sha256: sha256(model), format: 'yunet' });
    expect(project.tracks).toHaveLength(1);
  });

  it('says when the remembered file changed or is gone (the batch refuses it), and Remove forgets it', async () => {
    appendFileSync(model, 'x');
    const refused = await host.handlers.addToBatch({ paths: [path.join(tmp, 'short.mp4')], outputDir: path.join(tmp, 'out2'), preset: 'fast', codec: 'h264', overwrite: false });
    expect(refused).toMatchObject({ ok: false, code: 'DETECTOR_MODEL_INVALID', message: expect.stringMatching(/has changed since it was chosen/) });
    expect(await host.handlers.detectorModel()).toMatchObject({ ok: true, value: { problem: expect.stringMatching(/^face model \(v2\)\.onnx has changed since it was chosen \(SHA-256 [0-9a-f]{64}, expected [0-9a-f]{64}\)$/) } });
    unlinkSync(model);
    expect(await host.handlers.detectorModel()).toMatchObject({ ok: true, value: { problem: `detector model not found: ${model}` } });
    expect(await host.handlers.removeDetectorModel()).toEqual({ ok: true, value: undefined });
    expect(await host.handlers.detectorModel()).toEqual({ ok: true, value: null });
  });
});
