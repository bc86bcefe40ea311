import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GeneratedClip } from '../../bench/assurance/generate';
import { BlurlineError, CancelledError } from '../../core/errors';
import { iou } from '../../core/geometry';
import { readPngHeader } from '../../core/png';
import { createProject, DEFAULT_BLUR_STYLE, type SourceInfo } from '../../core/project';
import type { JobProgress } from '../../core/progress';
import { buildRenderPlan, type RenderPlan } from '../../core/renderPlan';
import { LEAK_MIN_CONFIDENCE, leakCheckMaster, type LeakCheckResult } from '../../electron/main/detect/leakCheck';
import { probeVideo } from '../../electron/main/media/probe';
import { renderProject } from '../../electron/main/pipeline';
import { errorOf } from '../helpers/errors';
import { leakClip, projectBlurring } from '../helpers/leakClip';
import { FACE_CLIP, faceClip, sha256 } from '../helpers/media';

/**
 * The leak check on real parts: a generated clip with two real faces, masters rendered by
 * Blurline's own render from projects that blur both faces or only one, the real face models on
 * every frame of the master.
 */

let dir: string;
let clip: GeneratedClip;
let source: SourceInfo;
const masters = new Map<string, Promise<{ path: string; plan: RenderPlan }>>();
/** The clip rendered blurring the named faces (once per run), and the plan it was rendered from. */
function master(name: string, blurred: string[]): Promise<{ path: string; plan: RenderPlan }> {
  let rendered = masters.get(name);
  if (!rendered) {
    const project = projectBlurring(source, clip, blurred);
    const output = path.join(dir, `${name}.mp4`);
    rendered = renderProject(project, output).then(() => ({ path: output, plan: buildRenderPlan(project) }));
    masters.set(name, rendered);
  }
  return rendered;
}

/** Threads of this process: each detection worker is one. */
const threads = () => readdirSync('/proc/self/task').length;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-leak-'));
  clip = await leakClip();
  source = await probeVideo(clip.path);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('leak check of a master where every face is blurred', () => {
  let blurred: { path: string; plan: RenderPlan };
  let result: LeakCheckResult;
  const progress: JobProgress[] = [];

  beforeAll(async () => {
    blurred = await master('both-blurred', ['left', 'right']);
    result = await leakCheckMaster(blurred.path, blurred.plan, { onProgress: (p) => progress.push(p) });
  });

  it('finds no leak', () => {
    expect(result.findings).toEqual([]);
  });

  it('checked every frame of that master, and records which file and how it looked', () => {
    expect(result.frames).toBe(clip.scenario.frames);
    expect(result.masterPath).toBe(blurred.path);
    expect(result.masterSha256).toBe(sha256(blurred.path));
    expect(Date.parse(result.checkedAt)).not.toBeNaN();
    expect(result.frameOffset).toBe(0);
    expect(result.detector).toMatchObject({ minConfidence: LEAK_MIN_CONFIDENCE, analysisWidth: 640, models: ['ssd-mobilenet-v1', 'tiny-face-detector'] });
    expect(result.detector.summary).toContain('every frame');
    expect(result.elapsedSeconds).toBeGreaterThan(0);
  });

  it('reported progress up to the end', () => {
    expect(progress.at(-1)).toMatchObject({ frame: clip.scenario.frames, ratio: 1, etaSeconds: 0 });
    expect(progress.every((p, i) => i === 0 || p.frame >= progress[i - 1].frame)).toBe(true);
  });
});

describe('leak check of a master where one face was left unblurred', () => {
  let result: LeakCheckResult;
  /** Frames the unblurred face shows on, and its box on each. */
  const shown = new Map<number, NonNullable<GeneratedClip['truth'][number][number]['box']>>();

  beforeAll(async () => {
    const leaky = await master('right-unblurred', ['left']);
    result = await leakCheckMaster(leaky.path, leaky.plan);
    clip.truth.forEach((faces, frame) => {
      const right = faces.find((f) => f.id === 'right' && f.box);
      if (right) shown.set(frame, right.box!);
    });
  });

  it('finds it as one finding on (nearly) every frame it shows, and only there', () => {
    expect(result.findings).toHaveLength(1);
    const [finding] = result.findings;
    expect(finding.frames.every((frame) => shown.has(frame))).toBe(true);
    // Measured: all 36 of 36 frames; a miss or two would still be one finding.
    expect(finding.frames.length).toBeGreaterThanOrEqual(shown.size - 2);
    expect(finding.firstFrame).toBe(finding.frames[0]);
    expect(finding.lastFrame).toBe(finding.frames.at(-1));
    expect(iou(finding.box, shown.get(finding.peakFrame)!)).toBeGreaterThan(0.4);
    expect(finding.confidence).toBeGreaterThanOrEqual(LEAK_MIN_CONFIDENCE);
  });

  it('comes with a PNG thumbnail of the face, at most 160 px', () => {
    const { thumbnail, box } = result.findings[0];
    const header = readPngHeader(Buffer.from(thumbnail.pngBase64, 'base64'));
    expect(header).toEqual({ width: thumbnail.width, height: thumbnail.height, bitDepth: 8, colourType: 2 });
    expect(Math.max(thumbnail.width, thumbnail.height)).toBeLessThanOrEqual(160);
    // The area shown holds the face with a margin.
    const { area } = thumbnail;
    expect(area.x).toBeLessThan(box.x);
    expect(area.y).toBeLessThan(box.y);
    expect(area.x + area.width).toBeGreaterThan(box.x + box.width);
    expect(area.y + area.height).toBeGreaterThan(box.y + box.height);
  });
});

describe('leak check: cancel and bad input', () => {
  it('cancelled mid-check, rejects with CancelledError and leaves no detection worker running', async () => {
    const { path: file, plan } = await master('right-unblurred', ['left']);
    const before = threads();
    const controller = new AbortController();
    let during = 0;
    const err = await errorOf(
      leakCheckMaster(file, plan, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.frame === 0 || controller.signal.aborted) return;
          during = threads();
          controller.abort();
        },
      }),
    );
    expect(err).toBeInstanceOf(CancelledError);
    expect(during).toBeGreaterThan(before);
    // Terminated workers' threads are gone once the call has settled; allow the OS a moment to reap them.
    for (let i = 0; i < 20 && threads() > before; i++) await new Promise((r) => setTimeout(r, 100));
    expect(threads()).toBe(before);
  });

  it('a master that does not exist or is corrupt fails with a clear BlurlineError', async () => {
    const plan = buildRenderPlan(projectBlurring(source, clip, []));
    const missing = await errorOf(leakCheckMaster(path.join(dir, 'no-such-master.mp4'), plan));
    expect(missing).toBeInstanceOf(BlurlineError);
    expect(missing).toMatchObject({ code: 'SOURCE_NOT_FOUND', message: expect.stringContaining('master not found') });
    const corrupt = path.join(dir, 'corrupt.mp4');
    writeFileSync(corrupt, Buffer.alloc(4096, 7));
    const broken = await errorOf(leakCheckMaster(corrupt, plan));
    expect(broken).toMatchObject({ code: 'SOURCE_UNREADABLE', message: expect.stringContaining('leak check of corrupt.mp4') });
  });

  it('refuses a plan made for a picture of another shape', async () => {
    const plan = { ...buildRenderPlan(projectBlurring(source, clip, [])), width: 640, height: 640 };
    const err = await errorOf(leakCheckMaster(clip.path, plan));
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('640×360') });
  });
});

describe('leak check on a test pattern whose colour edges look like faces to a whole-frame search', () => {
  /** The face clip's first 45 frames (every frame of the master is searched with the real models: all 75 cost minutes). */
  const FRAMES = 45;

  it('lists the face left unblurred after its track ends, on every frame, and nothing on the pattern', async () => {
    const copy = path.join(dir, 'pattern.mp4');
    copyFileSync(await faceClip(FRAMES), copy);
    const project = createProject(await probeVideo(copy));
    // The track covers the face on frames 0-30 only; from frame 31 to the end it shows.
    const keyframes = Array.from({ length: 31 }, (_, n) => ({ frame: n, box: FACE_CLIP.faceBoxAt(n), confidence: null }));
    project.tracks = [{ id: 'face', origin: 'manual', status: 'confirmed', style: { ...DEFAULT_BLUR_STYLE }, keyframes }];
    const output = path.join(dir, 'pattern-master.mp4');
    await renderProject(project, output);
    const result = await leakCheckMaster(output, buildRenderPlan(project));
    // Measured: whole-frame searches found the red/green edge by a grey bar as a face (0.86-1.0) on dozens of frames (36 of these 45).
    expect(result.unconfirmed).toBeGreaterThan(10);
    expect(result.findings).toHaveLength(1);
    const [finding] = result.findings;
    expect(finding.frames).toEqual(Array.from({ length: FRAMES - 31 }, (_, i) => 31 + i));
    expect(iou(finding.box, FACE_CLIP.faceBoxAt(finding.peakFrame))).toBeGreaterThan(0.4);
  });
});
