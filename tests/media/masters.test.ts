import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, type MasterCodec, type Project } from '../../core/project';
import { probeVideo } from '../../electron/main/media/probe';
import { renderProject } from '../../electron/main/pipeline';
import { errorOf } from '../helpers/errors';
import {
  ffmpeg,
  ffprobeJson,
  generatedClip,
  highFrequencyEnergy,
  meanAbsDiff,
  readGray10Frames,
  readGrayFrames,
  streamPacketsMd5,
  tenBitClip,
  type Rect,
} from '../helpers/media';
import { keyframe, track } from '../helpers/projects';

/** Masters in each codec keep size, rate, frame count, 10-bit depth, audio, colour tags, timecode and rotation. */

const W = 320;
const H = 240;
const FRAMES = 40;
const SIZE = { width: W, height: H, fps: 25, frames: FRAMES };

const hevc10 = () =>
  tenBitClip('master-hevc10', SIZE, [
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=1.6',
    '-map', '0:v', '-map', '1:a',
    '-c:v', 'libx265', '-x265-params', 'lossless=1:log-level=error', '-pix_fmt', 'yuv420p10le', '-tag:v', 'hvc1',
    '-color_primaries', 'bt2020', '-color_trc', 'arib-std-b67', '-colorspace', 'bt2020nc', '-color_range', 'tv',
    '-movflags', '+write_colr', '-timecode', '10:00:00:00',
    '-c:a', 'aac', '-b:a', '128k', '-metadata', 'location=+40.7128-074.0060/',
  ], 'mp4');

const prores10 = () =>
  tenBitClip('master-prores10', SIZE, [
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=1.6',
    '-f', 'lavfi', '-i', 'sine=frequency=660:sample_rate=48000:duration=1.6',
    '-map', '0:v', '-map', '1:a', '-map', '2:a',
    '-c:v', 'prores_ks', '-profile:v', '3', '-pix_fmt', 'yuv422p10le',
    '-c:a:0', 'pcm_s24le', '-c:a:1', 'aac', '-b:a:1', '128k',
  ], 'mov');

/** An 8-bit clip whose display matrix turns the 320x240 coded picture upright as 240x320 (remuxed: this ffmpeg drops the tag when encoding). */
const rotated = async () => {
  const plain = await generatedClip('master-unrotated', [
    '-f', 'lavfi', '-i', `color=s=${W}x${H}:r=25:d=1.6,format=yuv420p,geq=lum='128+90*sin((X+T*40)/2.2)*sin(Y/2.7)':cb='128+40*sin(X/9)':cr=128`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '16',
  ], 'mov');
  return generatedClip('master-rotated', ['-i', plain, '-c', 'copy', '-metadata:s:v:0', 'rotate=90'], 'mov');
};

/** One region moving right over frames 5..30 (display coordinates), a little off-centre so a wrong rotation shows. */
const regionAt = (n: number): Rect => ({ x: Math.round(40 + ((n - 5) * 60) / 25), y: 50, width: 90, height: 70 });
const inner = (b: Rect): Rect => ({ x: b.x + 12, y: b.y + 12, width: b.width - 24, height: b.height - 24 });

function projectFor(source: Project['source'], codec: MasterCodec, box: (n: number) => Rect = regionAt): Project {
  const project = createProject(source);
  project.tracks = [track('face', [keyframe(5, box(5)), keyframe(30, box(30))])];
  project.exportSettings = { ...project.exportSettings, videoCodec: codec, preset: 'fast' };
  return project;
}

const videoOf = (probe: any) => probe.streams.find((s: any) => s.codec_type === 'video');
const audioOf = (probe: any) => probe.streams.filter((s: any) => s.codec_type === 'audio');

/**
 * The blur happened exactly where planned: detail inside the region is gone on its frames, and
 * elsewhere the master equals the source within the noise of a plain re-encode.
 */
function expectBlurredExactly(src: Uint8Array[], out: Uint8Array[], plain: Uint8Array[], width: number, height: number, box: (n: number) => Rect) {
  const whole = { x: 0, y: 0, width, height };
  const noise = (n: number, rect: Rect) => meanAbsDiff(src[n], plain[n], width, rect) * 1.3 + 0.5;
  for (let n = 0; n < src.length; n++) {
    if (n >= 5 && n <= 30) {
      const face = inner(box(n));
      expect(highFrequencyEnergy(out[n], width, face), `frame ${n}: detail left`).toBeLessThan(highFrequencyEnergy(src[n], width, face) * 0.15);
      const below = { x: 0, y: box(n).y + box(n).height + 30, width, height: height - (box(n).y + box(n).height + 30) };
      expect(meanAbsDiff(src[n], out[n], width, below), `frame ${n}: changed below the region`).toBeLessThan(noise(n, below));
    } else {
      expect(meanAbsDiff(src[n], out[n], width, whole), `frame ${n} should be unblurred`).toBeLessThan(noise(n, whole));
    }
  }
}

/** 10-bit luma as 8-bit by dropping the two low bits (no dithering, unlike ffmpeg's conversion). */
async function readGray8Of10(file: string): Promise<Uint8Array[]> {
  return (await readGray10Frames(file, W, H)).map((f) => Uint8Array.from(f, (v) => v >> 2));
}

/** Share of 10-bit samples that are not a multiple of 4: about 3/4 for real 10-bit detail, 0 for widened 8-bit. */
function tenBitShare(frame: Uint16Array): number {
  let fine = 0;
  for (const v of frame) if (v % 4 !== 0) fine++;
  return fine / frame.length;
}

describe('10-bit masters: H.265 and ProRes 422 HQ', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-masters-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('H.265 from a 10-bit HEVC source: size, rate, frames, 10-bit, hvc1, audio, colour tags and timecode kept; blur exact', async () => {
    const sourcePath = await hevc10();
    const source = await probeVideo(sourcePath);
    expect(source.pixelFormat).toBe('yuv420p10le');
    const output = path.join(dir, 'hevc.mp4');
    const result = await renderProject(projectFor(source, 'h265'), output);
    expect(result).toMatchObject({ frames: FRAMES, pixelFormat: 'yuv420p10le', videoCodec: 'h265' });

    const probe = await ffprobeJson(output);
    expect(videoOf(probe)).toMatchObject({
      codec_name: 'hevc', codec_tag_string: 'hvc1', width: W, height: H, r_frame_rate: '25/1', nb_frames: String(FRAMES), pix_fmt: 'yuv420p10le',
      color_range: 'tv', color_space: 'bt2020nc', color_transfer: 'arib-std-b67', color_primaries: 'bt2020',
    });
    expect(videoOf(probe).tags?.timecode).toBe('10:00:00:00');
    expect(audioOf(probe).map((s: any) => s.codec_name)).toEqual(['aac']);
    expect(await streamPacketsMd5(output, '0:a:0')).toBe(await streamPacketsMd5(sourcePath, '0:a:0'));
    expect(JSON.stringify(probe)).not.toContain('+40.7128');

    // Real 10-bit values come through (an 8-bit step anywhere would leave only multiples of 4).
    const [out10] = await readGray10Frames(output, W, H);
    const [src10] = await readGray10Frames(sourcePath, W, H);
    expect(src10.length).toBe(W * H);
    expect(tenBitShare(src10)).toBeGreaterThan(0.6);
    expect(tenBitShare(out10)).toBeGreaterThan(0.6);

    const plainPath = path.join(dir, 'plain-hevc.mp4');
    await ffmpeg(['-i', sourcePath, '-map', '0:v', '-c:v', 'libx265', '-preset', 'fast', '-crf', '18', '-pix_fmt', 'yuv420p10le', '-x265-params', 'log-level=error', plainPath]);
    expectBlurredExactly(await readGray8Of10(sourcePath), await readGray8Of10(output), await readGray8Of10(plainPath), W, H, regionAt);
  });

  it('ProRes 422 HQ in .mov: apch, yuv422p10le, size, rate, frames; PCM and AAC copied bit for bit; blur exact', async () => {
    const sourcePath = await prores10();
    const source = await probeVideo(sourcePath);
    const output = path.join(dir, 'master.mov');
    await renderProject(projectFor(source, 'prores'), output);
    const probe = await ffprobeJson(output);
    expect(videoOf(probe)).toMatchObject({
      codec_name: 'prores', profile: 'HQ', codec_tag_string: 'apch', width: W, height: H, r_frame_rate: '25/1', nb_frames: String(FRAMES), pix_fmt: 'yuv422p10le',
    });
    expect(audioOf(probe).map((s: any) => s.codec_name)).toEqual(['pcm_s24le', 'aac']);
    for (const map of ['0:a:0', '0:a:1']) expect(await streamPacketsMd5(output, map)).toBe(await streamPacketsMd5(sourcePath, map));
    const [out10] = await readGray10Frames(output, W, H);
    expect(tenBitShare(out10)).toBeGreaterThan(0.6);

    const plainPath = path.join(dir, 'plain.mov');
    await ffmpeg(['-i', sourcePath, '-map', '0:v', '-c:v', 'prores_ks', '-profile:v', '3', '-vendor', 'apl0', '-pix_fmt', 'yuv422p10le', plainPath]);
    expectBlurredExactly(await readGray8Of10(sourcePath), await readGray8Of10(output), await readGray8Of10(plainPath), W, H, regionAt);
  });

  it('H.264 keeps a 10-bit source 10-bit (High 10)', async () => {
    const source = await probeVideo(await hevc10());
    const output = path.join(dir, 'avc10.mkv');
    const project = projectFor(source, 'h264');
    project.exportSettings.preset = 'ultrafast';
    await renderProject(project, output);
    expect(videoOf(await ffprobeJson(output))).toMatchObject({ codec_name: 'h264', profile: 'High 10', pix_fmt: 'yuv420p10le', width: W, height: H });
  });

  it('refuses ProRes in anything but .mov before any work, and writes nothing', async () => {
    const source = await probeVideo(await hevc10());
    const err = await errorOf(renderProject(projectFor(source, 'prores'), path.join(dir, 'prores.mp4')));
    expect(err).toMatchObject({ code: 'OUTPUT_UNSUPPORTED', message: expect.stringContaining('.mov') });
    expect(existsSync(path.join(dir, 'prores.mp4'))).toBe(false);
  });
});

describe('rotated sources', () => {
  let dir: string;
  let sourcePath: string;
  let source: Project['source'];
  // Display is 240x320 (upright); the region is given in display coordinates, as the editor shows it.
  const box = (n: number): Rect => ({ x: 30 + (n - 5) * 2, y: 40, width: 80, height: 70 });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-rotated-'));
    sourcePath = await rotated();
    source = await probeVideo(sourcePath);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('mov/mp4: the picture stays as coded, the master reports the same rotation, and the blur lands where the upright picture shows the face', async () => {
    expect(source).toMatchObject({ width: H, height: W });
    const output = path.join(dir, 'rotated.mp4');
    const result = await renderProject(projectFor(source, 'h264', box), output);
    expect(result.rotation).toBe('tagged');
    const [srcProbe, outProbe] = [await ffprobeJson(sourcePath), await ffprobeJson(output)];
    const rotationOf = (probe: any) => videoOf(probe).side_data_list?.find((d: any) => d.rotation !== undefined)?.rotation;
    expect(rotationOf(outProbe)).toBe(rotationOf(srcProbe));
    expect(rotationOf(outProbe)).toBeDefined();
    expect(videoOf(outProbe)).toMatchObject({ width: W, height: H, nb_frames: String(FRAMES) });
    // Decoded upright (ffmpeg applies the matrix), master and source line up, blurred only in the box.
    const plainPath = path.join(dir, 'plain.mp4');
    await ffmpeg(['-i', sourcePath, '-map', '0:v', '-c:v', 'libx264', '-preset', 'fast', '-crf', '18', plainPath]);
    expectBlurredExactly(await readGrayFrames(sourcePath, H, W), await readGrayFrames(output, H, W), await readGrayFrames(plainPath, H, W), H, W, box);
    expect(readdirSync(dir).sort()).toEqual(['plain.mp4', 'rotated.mp4']);
  });

  it('Matroska (no rotation tag): the picture is turned upright instead', async () => {
    const output = path.join(dir, 'rotated.mkv');
    const result = await renderProject(projectFor(source, 'h264', box), output);
    expect(result.rotation).toBe('baked');
    const video = videoOf(await ffprobeJson(output));
    expect(video).toMatchObject({ width: H, height: W });
    expect(video.side_data_list ?? []).toEqual([]);
    const src = await readGrayFrames(sourcePath, H, W);
    const out = await readGrayFrames(output, H, W);
    const face = inner(box(20));
    expect(highFrequencyEnergy(out[20], H, face)).toBeLessThan(highFrequencyEnergy(src[20], H, face) * 0.15);
    const away = { x: 0, y: 200, width: H, height: 100 };
    expect(meanAbsDiff(src[20], out[20], H, away)).toBeLessThan(4);
  });
});

/** Textured picture (detail for the blur to remove) at 25 fps for 1.6 s, as a device would record it. */
const TEXTURE = `color=s=${W}x${H}:r=25:d=1.6,format=yuv420p,geq=lum='128+90*sin((X+T*40)/2.2)*sin(Y/2.7)':cb='128+40*sin(X/9)':cr=128`;
const TONE = 'sine=frequency=440:sample_rate=48000:duration=1.6';

describe('sources whose audio an .mp4 master cannot hold as it is: converted to AAC, not refused', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-convert-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const kinds = [
    { name: 'VP9 + Opus WebM (a browser or call recording)', ext: 'webm', args: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-b:v', '2M', '-c:a', 'libopus'], audio: 'opus' },
    { name: 'MJPEG + PCM AVI (a cheap dashcam)', ext: 'avi', args: ['-c:v', 'mjpeg', '-q:v', '3', '-pix_fmt', 'yuvj420p', '-c:a', 'pcm_s16le'], audio: 'pcm_s16le' },
  ];
  for (const kind of kinds) {
    it(`${kind.name}: an H.264 + AAC master, every frame, the audio's length kept, the conversion in the result, the region blurred`, async () => {
      const sourcePath = await generatedClip(`convert-${kind.ext}`, ['-f', 'lavfi', '-i', TEXTURE, '-f', 'lavfi', '-i', TONE, '-map', '0:v', '-map', '1:a', ...kind.args], kind.ext);
      const source = await probeVideo(sourcePath);
      expect(source.audioStreams.map((a) => a.codec)).toEqual([kind.audio]);
      const output = path.join(dir, `${kind.ext}.mp4`);
      const result = await renderProject(projectFor(source, 'h264'), output);
      expect(result.audio).toEqual([{ audioIndex: 0, mode: 'convert', codec: 'aac', spans: [] }]);
      const probe = await ffprobeJson(output);
      expect(videoOf(probe)).toMatchObject({ codec_name: 'h264', width: W, height: H, nb_frames: String(FRAMES) });
      const [audio] = audioOf(probe);
      expect(audio.codec_name).toBe('aac');
      expect(Number(audio.duration)).toBeCloseTo(1.6, 1);
      const [src, out] = await Promise.all([readGrayFrames(sourcePath, W, H), readGrayFrames(output, W, H)]);
      const ratio = highFrequencyEnergy(out[15], W, inner(regionAt(15))) / highFrequencyEnergy(src[15], W, inner(regionAt(15)));
      expect(ratio).toBeLessThan(0.1);
    });
  }
});

describe('transport streams (dashcams record MPEG-TS; AVCHD cameras M2TS), which the bundled ffprobe crashes on', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-ts-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const kinds = [
    { name: 'MPEG-TS, H.264 + AAC', ext: 'ts', args: ['-c:a', 'aac', '-f', 'mpegts'], container: 'mpegts', audio: 'aac' },
    { name: 'M2TS, H.264 + AC-3', ext: 'm2ts', args: ['-c:a', 'ac3', '-mpegts_m2ts_mode', '1', '-f', 'mpegts'], container: 'mpegts (m2ts)', audio: 'ac3' },
  ];
  for (const kind of kinds) {
    it(`${kind.name}: probed (frames, rate, length, start), every frame in the master, the audio copied, the region blurred`, async () => {
      const sourcePath = await generatedClip(
        `transport-${kind.ext}`,
        ['-f', 'lavfi', '-i', TEXTURE, '-f', 'lavfi', '-i', TONE, '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '16', ...kind.args],
        kind.ext,
      );
      const source = await probeVideo(sourcePath);
      expect(source).toMatchObject({ container: kind.container, videoCodec: 'h264', width: W, height: H, frameRate: { num: 25, den: 1 }, frameCount: FRAMES });
      expect(source.durationSeconds).toBeCloseTo(1.6, 2);
      // Transport streams start their clock late (1.4 s here): the master starts at 0 all the same.
      expect(source.videoStartSeconds).toBeGreaterThan(1);
      expect(source.audioStreams.map((a) => a.codec)).toEqual([kind.audio]);
      const output = path.join(dir, `${kind.ext}.mp4`);
      const result = await renderProject(projectFor(source, 'h264'), output);
      expect(result.audio).toEqual([{ audioIndex: 0, mode: 'copy', codec: kind.audio, spans: [] }]);
      const probe = await ffprobeJson(output);
      expect(videoOf(probe)).toMatchObject({ codec_name: 'h264', width: W, height: H, nb_frames: String(FRAMES) });
      expect(audioOf(probe).map((s: { codec_name: string }) => s.codec_name)).toEqual([kind.audio]);
      const plainPath = path.join(dir, `${kind.ext}.plain.mp4`);
      await ffmpeg(['-i', sourcePath, '-map', '0:v', '-c:v', 'libx264', '-preset', 'fast', '-crf', '18', plainPath]);
      expectBlurredExactly(await readGrayFrames(sourcePath, W, H), await readGrayFrames(output, W, H), await readGrayFrames(plainPath, W, H), W, H, regionAt);
    });
  }
  it('a transport stream longer than ffprobe reads for its header (12 s) is probed to the end: ffprobe stopping early does not stall the copy', async () => {
    const sourcePath = await generatedClip(
      'transport-long',
      ['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=12', '-f', 'lavfi', '-i', 'sine=d=12', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '16', '-c:a', 'aac', '-f', 'mpegts'],
      'ts',
    );
    const source = await probeVideo(sourcePath);
    expect(source).toMatchObject({ container: 'mpegts', frameCount: 300, frameRate: { num: 25, den: 1 } });
    expect(source.durationSeconds).toBeCloseTo(12, 2);
  });
});
