import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, DEFAULT_EXPORT_SETTINGS, type Project } from '../../core/project';
import { buildRenderPlan } from '../../core/renderPlan';
import { probeVideo } from '../../electron/main/media/probe';
import { renderVideo } from '../../electron/main/media/render';
import { renderProject } from '../../electron/main/pipeline';
import { ffmpeg, ffprobeJson, generatedClip, highFrequencyEnergy, meanAbsDiff, readGrayFrames, sha256, streamPacketsMd5 } from '../helpers/media';
import { keyframe, track } from '../helpers/projects';
import { errorOf } from '../helpers/errors';

const W = 320;
const H = 240;
const FRAMES = 50;

/** Fine moving texture (detail for a blur to remove), two audio streams (AAC + MP3), and tags that identify place, device and time. */
const taggedSource = () =>
  generatedClip('render-source', [
    '-f', 'lavfi', '-i', `color=s=${W}x${H}:r=25:d=2,format=yuv420p,geq=lum='128+90*sin((X+T*40)/2.2)*sin(Y/2.7)':cb='128+40*sin(X/9)':cr=128`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=2',
    '-f', 'lavfi', '-i', 'sine=frequency=660:sample_rate=44100:duration=2',
    '-map', '0:v', '-map', '1:a', '-map', '2:a',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '16', '-pix_fmt', 'yuv420p',
    '-c:a:0', 'aac', '-c:a:1', 'libmp3lame',
    '-metadata', 'title=Crash scene', '-metadata', 'location=+40.7128-074.0060/', '-metadata', 'comment=Dashcam SN 9981',
    '-metadata', 'creation_time=2025-03-01T08:30:00Z', '-metadata:s:v:0', 'handler_name=DashCam Video',
    '-metadata:s:a:0', 'language=eng', '-metadata:s:a:1', 'language=spa',
  ]);

/** A region moving right across frames 10..29, and a rejected one that must not be rendered. */
function makeProject(source: Project['source']): Project {
  const project = createProject(source);
  project.tracks = [
    track('face', [keyframe(10, { x: 60, y: 60, width: 80, height: 90 }), keyframe(29, { x: 160, y: 60, width: 80, height: 90 })]),
    track('rejected', [keyframe(0, { x: 10, y: 160, width: 50, height: 50 }), keyframe(49, { x: 10, y: 160, width: 50, height: 50 })], {
      status: 'rejected',
    }),
  ];
  return project;
}

const faceBoxAt = (n: number) => ({ x: Math.round(60 + ((n - 10) * 100) / 19), y: 60, width: 80, height: 90 });
const inner = (b: { x: number; y: number; width: number; height: number }) => ({ x: b.x + 10, y: b.y + 10, width: b.width - 20, height: b.height - 20 });

function filesIn(dir: string): string[] {
  return readdirSync(dir).sort();
}

describe('renderVideo', () => {
  let dir: string;
  let sourcePath: string;
  let project: Project;
  let sourceHash: string;
  let output: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-render-'));
    sourcePath = path.join(dir, 'source.mp4');
    copyFileSync(await taggedSource(), sourcePath);
    sourceHash = sha256(sourcePath);
    project = makeProject(await probeVideo(sourcePath));
    output = path.join(dir, 'master.mp4');
    const progress: number[] = [];
    await renderProject(project, output, { onProgress: (_stage, p) => progress.push(p.ratio) });
    expect(progress.at(-1)).toBe(1);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps frame count, frame rate and resolution; leaves the source untouched', async () => {
    const probe = await ffprobeJson(output);
    const video = probe.streams.find((s: any) => s.codec_type === 'video');
    expect(video).toMatchObject({ width: W, height: H, r_frame_rate: '25/1', nb_frames: String(FRAMES), codec_name: 'h264' });
    expect(sha256(sourcePath)).toBe(sourceHash);
    expect(filesIn(dir)).toEqual(['master.mp4', 'source.mp4']);
  });

  it('copies every audio stream bit for bit, with its language', async () => {
    const probe = await ffprobeJson(output);
    const audio = probe.streams.filter((s: any) => s.codec_type === 'audio');
    expect(audio.map((s: any) => [s.codec_name, s.tags?.language])).toEqual([
      ['aac', 'eng'],
      ['mp3', 'spa'],
    ]);
    for (const map of ['0:a:0', '0:a:1']) {
      expect(await streamPacketsMd5(output, map)).toBe(await streamPacketsMd5(sourcePath, map));
    }
    const sourceAudio = (await ffprobeJson(sourcePath)).streams.filter((s: any) => s.codec_type === 'audio');
    audio.forEach((s: any, i: number) => expect(Number(s.duration)).toBeCloseTo(Number(sourceAudio[i].duration), 2));
  });

  it('strips identifying metadata', async () => {
    const probe = await ffprobeJson(output);
    const text = JSON.stringify(probe);
    for (const leak of ['Crash scene', '+40.7128', 'Dashcam SN', '2025-03-01', 'DashCam Video']) expect(text).not.toContain(leak);
    expect(Object.keys(probe.format.tags ?? {})).not.toEqual(expect.arrayContaining(['title', 'location', 'comment', 'creation_time']));
  });

  it('blurs exactly the planned region on exactly its frames', async () => {
    const src = await readGrayFrames(sourcePath, W, H);
    const out = await readGrayFrames(output, W, H);
    expect(out).toHaveLength(FRAMES);
    // Codec noise: what a plain ffmpeg re-encode at the same settings changes.
    const plainPath = path.join(mkdtempSync(path.join(os.tmpdir(), 'blurline-plain-')), 'plain.mp4');
    await ffmpeg(['-i', sourcePath, '-map', '0:v', '-c:v', 'libx264', '-preset', 'medium', '-crf', '18', '-pix_fmt', 'yuv420p', plainPath]);
    const plain = await readGrayFrames(plainPath, W, H);
    rmSync(path.dirname(plainPath), { recursive: true });
    const frameRect = { x: 0, y: 0, width: W, height: H };
    const noise = (n: number, rect: typeof frameRect) => meanAbsDiff(src[n], plain[n], W, rect) * 1.3 + 0.5;
    for (let n = 0; n < FRAMES; n++) {
      if (n >= 10 && n <= 29) {
        const face = inner(faceBoxAt(n));
        const before = highFrequencyEnergy(src[n], W, face);
        const after = highFrequencyEnergy(out[n], W, face);
        expect(after, `frame ${n}: detail left in the region`).toBeLessThan(before * 0.15);
        // Away from the region (its padding and feather included) the picture is the source within codec noise.
        const right = faceBoxAt(n).x + faceBoxAt(n).width + 40;
        const away = { x: right, y: 0, width: W - right, height: H };
        if (right < W - 20) expect(meanAbsDiff(src[n], out[n], W, away)).toBeLessThan(noise(n, away));
        const bottom = { x: 0, y: 190, width: W, height: 50 };
        expect(meanAbsDiff(src[n], out[n], W, bottom)).toBeLessThan(noise(n, bottom));
      } else {
        expect(meanAbsDiff(src[n], out[n], W, frameRect), `frame ${n} should be unblurred`).toBeLessThan(noise(n, frameRect));
        const nearest = faceBoxAt(n < 10 ? 10 : 29);
        expect(meanAbsDiff(src[n], out[n], W, nearest)).toBeLessThan(noise(n, nearest));
      }
      // The rejected track's area is never blurred.
      const rejected = { x: 10, y: 160, width: 50, height: 50 };
      expect(meanAbsDiff(src[n], out[n], W, rejected)).toBeLessThan(noise(n, rejected));
    }
  });

  it('keeps metadata when asked to', async () => {
    const kept = path.join(dir, 'kept.mov');
    await renderVideo({ source: project.source, plan: buildRenderPlan(project), outputPath: kept, settings: { ...DEFAULT_EXPORT_SETTINGS, stripMetadata: false } });
    expect((await ffprobeJson(kept)).format.tags.title).toBe('Crash scene');
    rmSync(kept);
  });
});

describe('render refuses bad requests and leaves nothing behind', () => {
  let dir: string;
  let sourcePath: string;
  let project: Project;
  let sourceHash: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-render-bad-'));
    sourcePath = path.join(dir, 'source.mp4');
    copyFileSync(await taggedSource(), sourcePath);
    sourceHash = sha256(sourcePath);
    project = makeProject(await probeVideo(sourcePath));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to write over the source, by path or through a link', async () => {
    expect((await errorOf(renderProject(project, sourcePath))).code).toBe('OUTPUT_IS_SOURCE');
    expect((await errorOf(renderProject(project, sourcePath, { overwrite: true }))).code).toBe('OUTPUT_IS_SOURCE');
    const link = path.join(dir, 'link.mp4');
    symlinkSync(sourcePath, link);
    expect((await errorOf(renderProject(project, link, { overwrite: true }))).code).toBe('OUTPUT_IS_SOURCE');
    rmSync(link);
    expect(sha256(sourcePath)).toBe(sourceHash);
    expect(filesIn(dir)).toEqual(['source.mp4']);
  });

  it('refuses an existing output unless asked, a missing folder and an unknown container', async () => {
    const existing = path.join(dir, 'existing.mp4');
    writeFileSync(existing, 'keep me');
    expect((await errorOf(renderProject(project, existing))).code).toBe('OUTPUT_EXISTS');
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
    await renderProject(project, existing, { overwrite: true });
    expect((await ffprobeJson(existing)).streams[0].nb_frames).toBe(String(FRAMES));
    rmSync(existing);
    expect((await errorOf(renderProject(project, path.join(dir, 'no/such/dir/out.mp4')))).code).toBe('OUTPUT_DIR_MISSING');
    expect((await errorOf(renderProject(project, path.join(dir, 'out.gif')))).code).toBe('OUTPUT_UNSUPPORTED');
    expect(filesIn(dir)).toEqual(['source.mp4']);
  });

  it('cancel mid-render removes the partial file', async () => {
    const controller = new AbortController();
    const out = path.join(dir, 'cancelled.mp4');
    const err = await errorOf(
      renderProject(project, out, {
        signal: controller.signal,
        onProgress: (stage, p) => {
          if (stage === 'render' && p.frame > 0) controller.abort();
        },
      }),
    );
    expect(err.code).toBe('CANCELLED');
    expect(filesIn(dir)).toEqual(['source.mp4']);
  });

  it('refuses to render when the source changed since detection', async () => {
    const other = path.join(dir, 'other.mp4');
    copyFileSync(sourcePath, other);
    const buf = readFileSync(other);
    buf[buf.length - 100] ^= 0xff;
    writeFileSync(other, buf);
    const changed = { ...project, source: { ...project.source, path: other } };
    const err = await errorOf(renderProject(changed, path.join(dir, 'x.mp4')));
    expect(err).toMatchObject({ code: 'SOURCE_CHANGED', message: expect.stringContaining('re-run detection') });
    rmSync(other);
    expect(filesIn(dir)).toEqual(['source.mp4']);
  });

  it('fails on a source truncated after probing, without writing a master', async () => {
    // faststart puts the index first, so the cut file still probes with its full frame count.
    const fast = path.join(dir, 'fast.mp4');
    execFileSync((await import('../../electron/main/media/binaries')).findBinary('ffmpeg').path, ['-v', 'error', '-i', sourcePath, '-c', 'copy', '-movflags', '+faststart', fast]);
    const info = await probeVideo(fast);
    writeFileSync(fast, readFileSync(fast).subarray(0, Math.floor(info.sizeBytes * 0.5)));
    const truncated = { ...makeProject(info), source: { ...info, sizeBytes: 0 } };
    const err = await errorOf(renderVideo({ source: truncated.source, plan: buildRenderPlan(truncated), outputPath: path.join(dir, 'm.mp4'), settings: DEFAULT_EXPORT_SETTINGS }));
    expect(['SOURCE_TRUNCATED', 'SOURCE_UNREADABLE']).toContain(err.code);
    rmSync(fast);
    expect(filesIn(dir)).toEqual(['source.mp4']);
  });

  it('an odd-sized source gets a master one pixel larger, its last column and row repeated, said in the result', async () => {
    // 4:2:0 H.264 cannot be 321×241: the encoder refused it (and the user saw "write EPIPE").
    const odd = await generatedClip('render-odd-size', ['-f', 'lavfi', '-i', 'testsrc=size=321x241:rate=25:duration=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p']);
    const info = await probeVideo(odd);
    const oddProject = createProject(info);
    oddProject.tracks = [track('face', [keyframe(0, { x: 100, y: 80, width: 90, height: 90 }), keyframe(24, { x: 100, y: 80, width: 90, height: 90 })])];
    const output = path.join(dir, 'odd.mp4');
    const result = await renderProject(oddProject, output);
    expect(result.padding).toEqual({ right: 1, bottom: 1 });
    const stream = (await ffprobeJson(output)).streams.find((s: { codec_type: string }) => s.codec_type === 'video');
    expect(stream).toMatchObject({ width: 322, height: 242, nb_frames: '25' });
    const [src, out] = await Promise.all([readGrayFrames(odd, 321, 241), readGrayFrames(output, 322, 242)]);
    const at = (frame: Uint8Array, width: number, x: number, y: number) => frame[y * width + x];
    // The picture is where it was, and the added column and row repeat the edge (within coding error).
    let edgeError = 0;
    for (let y = 0; y < 241; y++) edgeError = Math.max(edgeError, Math.abs(at(out[5], 322, 321, y) - at(out[5], 322, 320, y)));
    for (let x = 0; x < 321; x++) edgeError = Math.max(edgeError, Math.abs(at(out[5], 322, x, 241) - at(out[5], 322, x, 240)));
    expect(edgeError).toBeLessThan(24);
    const crop = (frame: Uint8Array) => Uint8Array.from({ length: 321 * 241 }, (_, i) => frame[Math.floor(i / 321) * 322 + (i % 321)]);
    const outside = { x: 220, y: 10, width: 90, height: 60 };
    expect(meanAbsDiff(crop(out[5]), src[5], 321, outside)).toBeLessThan(6);
    const face = { x: 110, y: 90, width: 70, height: 70 };
    // Measured 0.13 (the test pattern's hard colour edges leave a soft gradient); unblurred it is 1.
    expect(highFrequencyEnergy(crop(out[5]), 321, face) / highFrequencyEnergy(src[5], 321, face)).toBeLessThan(0.2);
    rmSync(output);
    expect(filesIn(dir)).toEqual(['source.mp4']);
  });
});

/** A small tmpfs lets the disk really fill up; mounting needs root (CI and dev machines here run as root). */
function mountSmallDisk(target: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', target], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('disk full', () => {
  const mountPoint = mkdtempSync(path.join(os.tmpdir(), 'blurline-full-'));
  const mounted = mountSmallDisk(mountPoint);
  afterAll(() => {
    if (mounted) execFileSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it.skipIf(!mounted)('reports DISK_FULL and leaves no partial master (needs root to mount a tmpfs)', async () => {
    const source = await probeVideo(await taggedSource());
    const project = makeProject(source);
    const out = path.join(mountPoint, 'master.mp4');
    const err = await errorOf(renderProject(project, out));
    expect(err).toMatchObject({ code: 'DISK_FULL', message: expect.stringContaining('disk is full') });
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(mountPoint)).toEqual([]);
  });
});
