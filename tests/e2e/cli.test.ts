import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditReportSchema } from '../../core/auditReport';
import { boxArea, intersectionArea, iou } from '../../core/geometry';
import { parseProjectText, type Project } from '../../core/project';
import { regionFor } from '../../core/renderPlan';
import { trackBoxAt } from '../../core/tracks';
import { REPO_ROOT } from '../../electron/main/media/binaries';
import {
  BACK_OF_HEAD_CLIP,
  backOfHeadClip,
  FACE_CLIP,
  faceClip,
  ffmpeg,
  ffprobeJson,
  generatedClip,
  highFrequencyEnergy,
  meanAbsDiff,
  meanRgb,
  readGrayFrames,
  sha256,
  YUNET_MODEL,
} from '../helpers/media';
import { leakClip } from '../helpers/leakClip';
import { identityOnnxModel } from '../helpers/onnxModel';

const CLI = path.join(REPO_ROOT, 'bin/blurline.js');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function blurline(args: string[], cwd: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const { width: W, height: H } = FACE_CLIP;
/**
 * `auto` runs on the face clip's first second: the thorough preset and the leak check search every
 * frame with the real models (on all 75 frames that took minutes). The blur is still checked on
 * every frame of the master.
 */
const FRAMES = 25;

describe('blurline auto: a real face in a real clip, end to end', () => {
  let dir: string;
  let source: string;
  let sourceHash: string;
  let run: CliRun;
  let result: Record<string, any>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-cli-'));
    source = path.join(dir, 'dashcam.mp4');
    copyFileSync(await faceClip(FRAMES), source);
    sourceHash = sha256(source);
    run = await blurline(['auto', 'dashcam.mp4', '-o', 'master.mp4', '--json'], dir);
    result = JSON.parse(run.stdout);
  }, 600_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('succeeds and reports frames, faces, tracks, output and timings as JSON', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(result).toMatchObject({
      ok: true,
      command: 'auto',
      frames: FRAMES,
      framesAnalysed: FRAMES,
      width: W,
      height: H,
      output: path.join(dir, 'master.mp4'),
      project: path.join(dir, 'master.blurline.json'),
      report: path.join(dir, 'master.mp4.audit.json'),
      leakFindings: 0,
      // Detection found the face: the first leak check is clean, the master rendered once.
      leakCheckPasses: [{ pass: 1, findings: [], tracksAdded: [], clean: true, seconds: expect.any(Number) }],
      // Nobody has reviewed the pass: never an approved export.
      approvedExport: false,
      // The person safety net adds nothing where the face is found.
      possibleFaces: 0,
    });
    expect(result.faces).toBeGreaterThanOrEqual(FRAMES - 2);
    expect(result.tracks).toBe(1);
    for (const key of ['analyseSeconds', 'renderSeconds', 'totalSeconds', 'analysisFps', 'renderFps']) expect(result[key]).toBeGreaterThan(0);
    expect(readdirSync(dir).sort()).toEqual(['dashcam.mp4', 'master.blurline.json', 'master.mp4', 'master.mp4.audit.html', 'master.mp4.audit.json']);
  });

  it('writes a valid project whose track follows the face', () => {
    const project: Project = parseProjectText(readFileSync(path.join(dir, 'master.blurline.json'), 'utf8'));
    expect(project.source).toMatchObject({ path: source, sha256: sourceHash, frameCount: FRAMES, frameRate: { num: 25, den: 1 } });
    expect(project.analysis).toMatchObject({ preset: 'thorough', detector: expect.stringMatching(/^ssd-mobilenet-v1@0.5/), framesAnalysed: FRAMES });
    const [track] = project.tracks;
    for (let n = 0; n < FRAMES; n += 5) expect(iou(trackBoxAt(track, n)!, FACE_CLIP.faceBoxAt(n)), `frame ${n}`).toBeGreaterThan(0.5);
  });

  it('blurs the face on every frame and leaves the rest as a plain re-encode would', async () => {
    const src = await readGrayFrames(source, W, H);
    const out = await readGrayFrames(path.join(dir, 'master.mp4'), W, H);
    const plainPath = path.join(dir, 'plain.mp4');
    await ffmpeg(['-i', source, '-map', '0:v', '-c:v', 'libx264', '-preset', 'medium', '-crf', '18', '-pix_fmt', 'yuv420p', plainPath]);
    const plain = await readGrayFrames(plainPath, W, H);
    rmSync(plainPath);
    expect(out).toHaveLength(FRAMES);
    let worstRatio = 0;
    for (let n = 0; n < FRAMES; n++) {
      const face = FACE_CLIP.faceBoxAt(n);
      // Detail at the scale of eyes and mouth (3 px cells), over the face's ellipse.
      const ratio = highFrequencyEnergy(out[n], W, face, 'ellipse', 3) / highFrequencyEnergy(src[n], W, face, 'ellipse', 3);
      worstRatio = Math.max(worstRatio, ratio);
      expect(ratio, `frame ${n}: face detail left`).toBeLessThan(0.1);
      // Below the photo and its blur margin nothing but codec noise may change.
      const below = { x: 0, y: 520, width: W, height: H - 520 };
      expect(meanAbsDiff(src[n], out[n], W, below), `frame ${n}`).toBeLessThan(meanAbsDiff(src[n], plain[n], W, below) * 1.3 + 0.5);
    }
    // The blur keeps the face's colours (skin stays skin): mean colour of its centre within a few levels.
    for (const n of [0, Math.floor(FRAMES / 2), FRAMES - 1]) {
      const face = FACE_CLIP.faceBoxAt(n);
      const centre = { x: face.x + face.width / 4, y: face.y + face.height / 4, width: face.width / 2, height: face.height / 2 };
      const [before, after] = await Promise.all([meanRgb(source, n, centre), meanRgb(path.join(dir, 'master.mp4'), n, centre)]);
      after.forEach((v, c) => expect(Math.abs(v - before[c]), `frame ${n} channel ${c}`).toBeLessThan(20));
    }
    console.log(`worst face detail ratio (master/source high-frequency energy): ${worstRatio.toFixed(3)}`);
  });

  it('keeps fps, resolution and the audio; drops the identifying tags; leaves the source untouched', async () => {
    const master = await ffprobeJson(path.join(dir, 'master.mp4'));
    const original = await ffprobeJson(source);
    const video = master.streams.find((s: any) => s.codec_type === 'video');
    expect(video).toMatchObject({ width: W, height: H, r_frame_rate: '25/1', nb_frames: String(FRAMES) });
    const audio = master.streams.filter((s: any) => s.codec_type === 'audio');
    const originalAudio = original.streams.find((s: any) => s.codec_type === 'audio');
    expect(audio).toHaveLength(1);
    expect(audio[0]).toMatchObject({ codec_name: 'aac', sample_rate: originalAudio.sample_rate, tags: expect.objectContaining({ language: 'eng' }) });
    expect(Number(audio[0].duration)).toBeCloseTo(Number(originalAudio.duration), 2);
    const text = JSON.stringify(master);
    for (const leak of ['Ambulance cam', '+48.8584', 'device SN', '2024-01-01', 'GoPro']) expect(text).not.toContain(leak);
    expect(sha256(source)).toBe(sourceHash);
  });

  it('renders again from the saved project, refusing to replace the master without --force', async () => {
    const again = await blurline(['render', 'master.blurline.json', '-o', 'master.mp4'], dir);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/output already exists/);
    // The leak check is tested by verify below and the export tests; here it would only cost a minute.
    const second = await blurline(['render', 'master.blurline.json', '-o', 'second.mov', '--json', '--skip-leak-check'], dir);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ ok: true, command: 'render', regions: FRAMES, tracks: 1 });
    expect((await ffprobeJson(path.join(dir, 'second.mov'))).streams[0].nb_frames).toBe(String(FRAMES));
    for (const file of ['second.mov', 'second.mov.audit.json', 'second.mov.audit.html']) rmSync(path.join(dir, file));
  });

  it('verify re-hashes a master and runs the leak check on it: it matches, but an unreviewed pass is not verified (exit 6)', async () => {
    // A 15-frame master of the same project: verify's own leak check, on fewer frames than the whole master.
    const short = await blurline(['render', 'master.blurline.json', '-o', 'short.mp4', '--range', '0-14', '--skip-leak-check'], dir);
    expect(short.code, short.stderr).toBe(0);
    const verify = await blurline(['verify', 'short.mp4', '--json'], dir);
    expect(verify.code, verify.stderr).toBe(6);
    expect(JSON.parse(verify.stdout)).toMatchObject({
      ok: false,
      command: 'verify',
      report: path.join(dir, 'short.mp4.audit.json'),
      masterMatchesReport: true,
      source: 'unchanged',
      approvedExport: false,
      framesChecked: 15,
      leakFindings: 0,
      unreportedFindings: [],
      verified: false,
    });
    const missing = await blurline(['verify', 'short.mp4', '--report', 'nope.audit.json'], dir);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/cannot read report .*nope\.audit\.json: file not found/);
  });
});

describe('blurline auto: faces detection missed become tracks, and the master is rendered again', () => {
  it('says what each pass did, blurs both faces in the master, and saves the project with the leak check\'s tracks', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-cli-loop-'));
    try {
      const clip = await leakClip();
      copyFileSync(clip.path, path.join(dir, 'clip.mp4'));
      // A detection threshold no face reaches: the leak check (at 0.3) finds what detection left out.
      const run = await blurline(['auto', 'clip.mp4', '-o', 'out.mp4', '--preset', 'fast', '--min-confidence', '0.99'], dir);
      expect(run.code, run.stderr).toBe(0);
      const report = auditReportSchema.parse(JSON.parse(readFileSync(path.join(dir, 'out.mp4.audit.json'), 'utf8')));
      const passes = report.leakCheckPasses;
      expect(passes.length).toBeGreaterThanOrEqual(2);
      expect(passes.at(-1)!.clean).toBe(true);
      const added = passes.flatMap((p) => p.tracksAdded);
      expect(added.length).toBeGreaterThanOrEqual(1);
      const first = passes[0];
      expect(run.stdout).toContain(
        `pass 1: ${first.findings.length === 1 ? '1 face' : `${first.findings.length} faces`} found by the leak check (${first.findings.map((f) => f.id).join(', ')}) added as ${first.tracksAdded.length === 1 ? 'a track' : 'tracks'} (${first.tracksAdded.join(', ')}) and blurred in pass 2`,
      );
      expect(run.stdout).toContain(`pass ${passes.length}: leak check clean`);
      expect(run.stdout).toContain('leak check: no face left showing');
      expect(run.stderr).toContain('pass 2: rendering again with the faces the leak check found as tracks');
      // The project beside the master is what it was rendered from: the leak check's tracks, pending, logged.
      const project = parseProjectText(readFileSync(path.join(dir, 'out.blurline.json'), 'utf8'));
      expect(project.tracks.filter((t) => t.origin === 'leak-check').map((t) => [t.id, t.status])).toEqual(added.map((id) => [id, 'pending']));
      expect(project.review.events.filter((e) => e.role === 'system').map((e) => e.trackIds)).toEqual(passes.filter((p) => p.tracksAdded.length).map((p) => p.tracksAdded));
      // Both faces are hidden in the master on every frame they show.
      const [src, out] = await Promise.all([readGrayFrames(clip.path, 640, 360), readGrayFrames(path.join(dir, 'out.mp4'), 640, 360)]);
      clip.truth.forEach((faces, frame) => {
        for (const { id, box } of faces) {
          if (!box) continue;
          const rect = { x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width), height: Math.round(box.height) };
          const ratio = highFrequencyEnergy(out[frame], 640, rect, 'ellipse') / highFrequencyEnergy(src[frame], 640, rect, 'ellipse');
          expect(ratio, `${id} on frame ${frame}`).toBeLessThan(0.3);
        }
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

describe.skipIf(!existsSync(BACK_OF_HEAD_CLIP.photo))('blurline auto: a person whose face no face detector finds (the person safety net)', () => {
  const { width, height, frames, head } = BACK_OF_HEAD_CLIP;
  let dir: string;
  let source: string;
  let run: CliRun;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-person-'));
    source = path.join(dir, 'walker.mp4');
    copyFileSync(await backOfHeadClip(), source);
    run = await blurline(['auto', 'walker.mp4', '-o', 'master.mp4', '--json', '--skip-leak-check'], dir);
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the head a pending possible-face track, counted in the result and the audit report', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, faces: 0, tracks: 1, possibleFaces: 1 });
    const project = parseProjectText(readFileSync(path.join(dir, 'master.blurline.json'), 'utf8'));
    const [track] = project.tracks;
    expect(track).toMatchObject({ id: 'person-1', origin: 'person', status: 'pending' });
    // The blur (the track's box with its style's padding) holds the whole head, hair included.
    for (let n = 0; n < frames; n++) {
      const blurred = regionFor(track, trackBoxAt(track, n)!).box;
      expect(intersectionArea(head, blurred) / boxArea(head), `frame ${n}`).toBe(1);
    }
    const report = auditReportSchema.parse(JSON.parse(readFileSync(path.join(dir, 'master.mp4.audit.json'), 'utf8')));
    expect(report.possibleFaces).toEqual({ tracks: 1, pending: 1, confirmed: 0, rejected: 0 });
    expect(report.tracks[0]).toMatchObject({ origin: 'person', rendered: true });
  });

  it('blurs the head in the master on every frame', async () => {
    const [src, out] = await Promise.all([readGrayFrames(source, width, height), readGrayFrames(path.join(dir, 'master.mp4'), width, height)]);
    expect(out).toHaveLength(frames);
    let worst = 0;
    for (let n = 0; n < frames; n++) {
      const ratio = highFrequencyEnergy(out[n], width, head, 'ellipse', 3) / highFrequencyEnergy(src[n], width, head, 'ellipse', 3);
      worst = Math.max(worst, ratio);
    }
    console.log(`worst head detail ratio (master/source high-frequency energy): ${worst.toFixed(3)}`);
    // Measured 0.135: what is left is the soft gradient of the painted patch's hard edges (a
    // face's fine detail, as in the face clip above, falls below 0.1); unblurred it is 1.
    expect(worst).toBeLessThan(0.2);
  });
});

describe('blurline batch', () => {
  let dir: string;
  let run: CliRun;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-cli-batch-'));
    const short = await generatedClip('face-short', ['-i', await faceClip(), '-frames:v', '12', '-c:v', 'libx264', '-preset', 'ultrafast', '-an']);
    copyFileSync(short, path.join(dir, 'a-dashcam.mp4'));
    writeFileSync(path.join(dir, 'b-damaged.mp4'), Buffer.from(Array.from({ length: 40_000 }, (_, i) => (i * 7919) % 253)));
    writeFileSync(path.join(dir, 'notes.txt'), 'not a video');
    run = await blurline(['batch', '.', '--preset', 'fast', '--json'], dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('anonymises every video of a folder into blurred/, goes on past a damaged one, and says which failed (exit 7)', () => {
    expect(run.code, run.stderr).toBe(7);
    const result = JSON.parse(run.stdout);
    const out = path.join(dir, 'blurred');
    expect(result).toMatchObject({
      ok: false,
      command: 'batch',
      outputDir: out,
      done: 1,
      failed: 1,
      clips: [
        { source: path.join(dir, 'a-dashcam.mp4'), ok: true, master: path.join(out, 'a-dashcam.blurred.mp4'), tracks: 1, leakFindings: 0, leakCheckPasses: [{ pass: 1, clean: true }] },
        { source: path.join(dir, 'b-damaged.mp4'), ok: false, code: 'SOURCE_UNREADABLE' },
      ],
    });
    expect(readdirSync(out).sort()).toEqual(['a-dashcam.blurred.blurline.json', 'a-dashcam.blurred.mp4', 'a-dashcam.blurred.mp4.audit.html', 'a-dashcam.blurred.mp4.audit.json']);
  });

  it('leaves its own masters alone when run again over the same folder', async () => {
    const again = await blurline(['batch', '.', '--preset', 'fast', '--json'], dir);
    // The first clip's outputs exist (no --force): it fails with OUTPUT_EXISTS; blurred/ itself is not a video.
    expect(JSON.parse(again.stdout).clips.map((c: { source: string; code?: string }) => [path.basename(c.source), c.code])).toEqual([
      ['a-dashcam.mp4', 'OUTPUT_EXISTS'],
      ['b-damaged.mp4', 'SOURCE_UNREADABLE'],
    ]);
  });
});

describe('blurline detect and the terminal', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-cli-detect-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('detect writes a project and prints progress and a summary', async () => {
    const short = await generatedClip('face-short', ['-i', await faceClip(), '-frames:v', '12', '-c:v', 'libx264', '-preset', 'ultrafast', '-an']);
    copyFileSync(short, path.join(dir, 'short.mp4'));
    const run = await blurline(['detect', 'short.mp4', '-o', 'short.json', '--preset', 'fast'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/analyse\s+100%\s+frame 12/);
    expect(run.stdout).toMatch(/analysed 12 frames at [\d.]+ fps: \d+ face detections → 1 tracks/);
    const project = parseProjectText(readFileSync(path.join(dir, 'short.json'), 'utf8'));
    expect(project.analysis?.detector).toMatch(/^tiny-face-detector@0.5/);
    expect(project.tracks).toHaveLength(1);
  });

  it('prints help and rejects bad usage with exit code 2', async () => {
    const help = await blurline(['--help'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/blurline auto <video> -o <out.mp4>/);
    expect(help.stdout).toMatch(/blurline batch <folder>/);
    expect(help.stdout).toMatch(/blurline verify <master>/);
    expect((await blurline(['verify'], dir)).stderr).toMatch(/verify needs an input file/);
    expect((await blurline([], dir)).code).toBe(2);
    expect((await blurline(['auto', 'x.mp4'], dir)).stderr).toMatch(/needs -o/);
    expect((await blurline(['auto', 'x.mp4', '-o', 'y.mp4', '--preset', 'huge'], dir)).code).toBe(2);
    expect((await blurline(['render', 'x.json', '-o', 'y.mp4', '--bogus'], dir)).code).toBe(2);
  });
});

describe('blurline with your own face model (--detector-model)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-cli-model-'));
    const short = await generatedClip('face-short', ['-i', await faceClip(), '-frames:v', '12', '-c:v', 'libx264', '-preset', 'ultrafast', '-an']);
    copyFileSync(short, path.join(dir, 'short.mp4'));
    writeFileSync(path.join(dir, 'identity.onnx'), identityOnnxModel());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('auto searches with YuNet beside the preset; the project and the audit report name the model and its SHA-256', async () => {
    const run = await blurline(['auto', 'short.mp4', '-o', 'master.mp4', '--preset', 'fast', '--skip-leak-check', '--detector-model', YUNET_MODEL, '--json'], dir);
    expect(run.code, run.stderr).toBe(0);
    const detectorModel = { file: YUNET_MODEL, sha256: sha256(YUNET_MODEL), format: 'yunet' };
    const project = parseProjectText(readFileSync(path.join(dir, 'master.blurline.json'), 'utf8'));
    expect(project.analysis).toMatchObject({ preset: 'fast', detector: 'tiny-face-detector@0.5, onnx:yunet.onnx@0.5; roi tiny-face-detector@0.4; persons centernet-person@0.3 + movenet-head@0.3 every 24 frames', detectorModel });
    expect(project.tracks).toHaveLength(1);
    for (const n of [0, 6, 11]) expect(iou(trackBoxAt(project.tracks[0], n)!, FACE_CLIP.faceBoxAt(n)), `frame ${n}`).toBeGreaterThan(0.5);
    const report = JSON.parse(readFileSync(path.join(dir, 'master.mp4.audit.json'), 'utf8'));
    expect(report.detection.detectorModel).toEqual(detectorModel);
    expect(readFileSync(path.join(dir, 'master.mp4.audit.html'), 'utf8')).toContain(detectorModel.sha256);
  });

  const refusals: [string, string[], number, RegExp][] = [
    ['a missing model', ['detect', 'short.mp4', '-o', 'p.json', '--detector-model', 'nope.onnx'], 3, /detector model not found: nope\.onnx/],
    ['a file that is not ONNX', ['detect', 'short.mp4', '-o', 'p.json', '--detector-model', 'short.mp4'], 3, /short\.mp4 is not an ONNX model onnxruntime can load/],
    ['an ONNX model of no supported format', ['batch', '.', '--detector-model', 'identity.onnx'], 3, /identity\.onnx: not a YuNet, SCRFD or CenterFace model: outputs y \[1, 3, h, w\]/],
    ['a model for render', ['render', 'p.json', '-o', 'out.mp4', '--detector-model', 'identity.onnx'], 2, /--detector-model is for detect, auto and batch/],
  ];
  for (const [what, args, code, message] of refusals) {
    it(`refuses ${what} before any work: exit ${code}`, async () => {
      const before = readdirSync(dir).sort();
      const run = await blurline(args, dir);
      expect(run.code, run.stderr).toBe(code);
      expect(run.stderr).toMatch(message);
      expect(readdirSync(dir).sort()).toEqual(before);
    });
  }
});

describe('blurline with bad input: a clear error, a meaningful exit code, nothing written', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-cli-bad-'));
    writeFileSync(path.join(dir, 'corrupt.mp4'), Buffer.from(Array.from({ length: 40_000 }, (_, i) => (i * 7919) % 253)));
    copyFileSync(await generatedClip('audio-only', ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac'], 'm4a'), path.join(dir, 'voice.m4a'));
    copyFileSync(await faceClip(), path.join(dir, 'clip.mp4'));
    writeFileSync(path.join(dir, 'broken.json'), '{"format":"blurline-project","version":1,"tracks":[');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string, string[], number, RegExp][] = [
    ['a corrupt file', ['auto', 'corrupt.mp4', '-o', 'out.mp4'], 3, /corrupt\.mp4 failed: the file is corrupt, truncated or not a video/],
    ['a file with no video stream', ['auto', 'voice.m4a', '-o', 'out.mp4'], 3, /voice\.m4a has no video stream \(it has: audio\)/],
    ['a missing file', ['auto', 'missing.mp4', '-o', 'out.mp4'], 3, /source not found: .*missing\.mp4/],
    ['output equal to the source', ['auto', 'clip.mp4', '-o', 'clip.mp4', '--force', '--preset', 'fast'], 4, /output path is the source video/],
    ['an unreadable project', ['render', 'broken.json', '-o', 'out.mp4'], 3, /broken\.json: project file is not valid JSON/],
  ];

  for (const [what, args, code, message] of cases) {
    it(`${what}: exit ${code}`, async () => {
      const before = readdirSync(dir).sort();
      const hash = sha256(path.join(dir, 'clip.mp4'));
      const run = await blurline(args, dir);
      expect(run.code, run.stderr).toBe(code);
      expect(run.stderr).toMatch(message);
      expect(existsSync(path.join(dir, 'out.mp4'))).toBe(false);
      expect(readdirSync(dir).sort()).toEqual(before);
      expect(sha256(path.join(dir, 'clip.mp4'))).toBe(hash);
    });
  }

  it('reports errors as JSON with --json', async () => {
    const run = await blurline(['auto', 'voice.m4a', '-o', 'out.mp4', '--json'], dir);
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, code: 'NO_VIDEO_STREAM' });
  });
});
