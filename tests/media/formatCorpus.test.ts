import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IpcResult, JobSnapshot } from '../../electron/shared/contract';
import { createTestHost, type TestHost } from '../../electron/main/ipc/testHost';
import { detectToProject, renderProject } from '../../electron/main/pipeline';
import { probeVideo } from '../../electron/main/media/probe';
import { ffprobeJson, generatedClip, highFrequencyEnergy, meanAbsDiff, readGrayFrames, samplePath, withGpsTracks, type Rect } from '../helpers/media';

/**
 * The kinds of file real devices write, each made with a real face on a moving test pattern and
 * taken through what a user does: opened in the editor (its exact-index frame server, and a
 * playable proxy where Chromium cannot play it), analysed, and rendered to a master whose face
 * is blurred, with every frame and every audio stream kept.
 */

interface Kind {
  name: string;
  ext: string;
  width?: number;
  height?: number;
  fps?: number;
  frames?: number;
  /** The stored picture is the upright one turned this far back, and tagged to be turned (a phone held upright). */
  rotation?: 90 | 270;
  /** Two fields a frame, top first, made from pictures at twice the rate. */
  interlaced?: boolean;
  /** ffmpeg arguments after the picture (its filters end in `[v]`) and the tone: mapping, codecs, muxer. */
  encode: string[];
  audio?: boolean;
  /** Filters after the face is drawn (a variable frame rate). */
  after?: string;
  /** The pattern's pixel format, when 4:2:0 cannot hold the size. */
  pixelFormat?: string;
  then?: (file: string) => Promise<string>;
}

const AAC = ['-c:a', 'aac', '-b:a', '96k'];
const X264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20'];

const KINDS: Kind[] = [
  { name: 'MPEG-TS, H.264 + AAC (dashcam)', ext: 'ts', encode: [...X264, ...AAC, '-f', 'mpegts'] },
  { name: 'M2TS, H.264 + AC-3 (AVCHD camcorder)', ext: 'm2ts', encode: [...X264, '-c:a', 'ac3', '-mpegts_m2ts_mode', '1', '-f', 'mpegts'] },
  { name: 'AVI, MJPEG + PCM (cheap dashcam)', ext: 'avi', encode: ['-c:v', 'mjpeg', '-q:v', '3', '-pix_fmt', 'yuvj420p', '-c:a', 'pcm_s16le'] },
  { name: 'MOV, HEVC 8-bit, turned 90° (phone)', ext: 'mov', rotation: 90, encode: ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-tag:v', 'hvc1', ...AAC] },
  {
    name: 'MOV, HEVC 10-bit, turned 270° (phone HDR)',
    ext: 'mov',
    rotation: 270,
    encode: ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-pix_fmt', 'yuv420p10le', '-tag:v', 'hvc1', ...AAC],
  },
  { name: 'WebM, VP9 + Opus (browser or call recording)', ext: 'webm', encode: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1M', '-c:a', 'libopus'] },
  { name: 'MKV, AV1 + Opus (newer phones and screen recorders)', ext: 'mkv', encode: ['-c:v', 'libaom-av1', '-cpu-used', '8', '-crf', '30', '-b:v', '0', '-strict', 'experimental', '-c:a', 'libopus'] },
  { name: 'MPEG-2 program stream + MP2 (DVD camcorder)', ext: 'mpg', encode: ['-c:v', 'mpeg2video', '-q:v', '3', '-c:a', 'mp2', '-f', 'mpeg'] },
  { name: 'DV PAL + PCM (tape camcorder)', ext: 'dv', width: 720, height: 576, encode: ['-c:v', 'dvvideo', '-pix_fmt', 'yuv420p', '-c:a', 'pcm_s16le', '-ac', '2', '-f', 'dv'] },
  {
    name: 'MOV, ProRes 422 HQ 10-bit + 24-bit PCM (cinema camera)',
    ext: 'mov',
    encode: ['-c:v', 'prores_ks', '-profile:v', '3', '-pix_fmt', 'yuv422p10le', '-c:a', 'pcm_s24le'],
  },
  {
    name: 'MXF OP1a, interlaced MPEG-2 4:2:2 + PCM (broadcast camera)',
    ext: 'mxf',
    width: 720,
    height: 576,
    interlaced: true,
    encode: ['-c:v', 'mpeg2video', '-pix_fmt', 'yuv422p', '-flags', '+ilme+ildct', '-top', '1', '-b:v', '20M', '-c:a', 'pcm_s16le', '-f', 'mxf'],
  },
  { name: 'MKV, H.264 4:2:2 10-bit (broadcast)', ext: 'mkv', encode: [...X264, '-pix_fmt', 'yuv422p10le', ...AAC] },
  { name: 'MP4, H.264 at 60 fps (action camera)', ext: 'mp4', fps: 60, frames: 24, encode: [...X264, ...AAC] },
  {
    name: 'MP4, H.264, variable frame rate (phone)',
    ext: 'mp4',
    frames: 14,
    after: ",settb=1/1000,setpts='N*40+if(gt(N,6),25,0)+if(eq(mod(N,3),1),9,0)'",
    encode: ['-vsync', 'passthrough', ...X264, ...AAC],
  },
  { name: 'MP4, H.264 4:4:4, odd size 321×241', ext: 'mp4', width: 321, height: 241, pixelFormat: 'yuv444p', encode: [...X264, '-pix_fmt', 'yuv444p', ...AAC] },
  { name: 'MOV, H.264 + AAC with GPS and GoPro telemetry tracks (action camera)', ext: 'mov', encode: [...X264, ...AAC], then: withGpsTracks },
  { name: 'FLV, H.264 + AAC (stream capture)', ext: 'flv', encode: [...X264, ...AAC, '-f', 'flv'] },
  {
    name: '3GP, H.263 + AMR-NB (old phone)',
    ext: '3gp',
    width: 176,
    height: 144,
    encode: ['-c:v', 'h263', '-q:v', '3', '-c:a', 'libopencore_amrnb', '-ar', '8000', '-ac', '1', '-b:a', '12.2k'],
  },
  { name: 'WMV, WMV8 + WMA (old body camera)', ext: 'wmv', encode: ['-c:v', 'wmv2', '-q:v', '3', '-c:a', 'wmav2', '-f', 'asf'] },
  { name: 'AVI, MPEG-4 Part 2 + MP3 (old compact camera)', ext: 'avi', encode: ['-c:v', 'mpeg4', '-q:v', '3', '-c:a', 'libmp3lame', '-b:a', '96k'] },
  { name: 'MP4, H.264 without audio (CCTV export)', ext: 'mp4', audio: false, encode: X264 },
];

/** Sample 1's face, with hair and shoulders: its crop and the face inside it. */
const PHOTO_CROP = { x: 370, y: 310, width: 265, height: 330 };
const FACE_IN_PHOTO = { x: 35 / 212, y: 36 / 264, width: 142 / 212, height: 191 / 264 };

function layout(kind: Kind) {
  const width = kind.width ?? 320;
  const height = kind.height ?? 240;
  const photoHeight = 2 * Math.round(height * 0.3);
  const photoWidth = 2 * Math.round((photoHeight * PHOTO_CROP.width) / PHOTO_CROP.height / 2);
  const photo = { x: Math.round((width - photoWidth) / 2), y: Math.round((height - photoHeight) / 2), width: photoWidth, height: photoHeight };
  const face: Rect = {
    x: Math.round(photo.x + FACE_IN_PHOTO.x * photoWidth),
    y: Math.round(photo.y + FACE_IN_PHOTO.y * photoHeight),
    width: Math.round(FACE_IN_PHOTO.width * photoWidth),
    height: Math.round(FACE_IN_PHOTO.height * photoHeight),
  };
  return { width, height, fps: kind.fps ?? 25, frames: kind.frames ?? 10, photo, face };
}

async function clipOf(kind: Kind): Promise<string> {
  const { width, height, fps, frames, photo } = layout(kind);
  // The tone outlasts the picture: DV carries its sound inside the video frames.
  const seconds = frames / fps + 1;
  const rate = kind.interlaced ? 2 * fps : fps;
  const interlace = kind.interlaced ? ',tinterlace=interleave_top,fieldorder=tff' : '';
  const turn = kind.rotation === 90 ? ',transpose=1' : kind.rotation === 270 ? ',transpose=2' : '';
  const audio = kind.audio ?? true;
  const name = `corpus-${kind.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
  const file = await generatedClip(
    name,
    [
      '-f', 'lavfi', '-i', `testsrc2=s=${width}x${height}:r=${rate}:d=${frames / fps}${kind.pixelFormat ? `,format=${kind.pixelFormat}` : ''}`,
      '-loop', '1', '-framerate', String(rate), '-i', samplePath(1),
      ...(audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`] : []),
      '-filter_complex',
      `[1:v]crop=${PHOTO_CROP.width}:${PHOTO_CROP.height}:${PHOTO_CROP.x}:${PHOTO_CROP.y},scale=${photo.width}:${photo.height}[face];` +
        `[0:v][face]overlay=x=${photo.x}:y=${photo.y}:shortest=1${kind.after ?? ''}${interlace}${turn}[v]`,
      '-map', '[v]', ...(audio ? ['-map', '2:a'] : []),
      // The pattern's length ends the picture: -frames:v would cut off the sound a TS muxer still holds.
      ...kind.encode,
    ],
    kind.ext,
  );
  // This ffmpeg tags the rotation only when copying.
  const tagged = kind.rotation ? await generatedClip(`${name}-turned`, ['-i', file, '-map', '0', '-c', 'copy', '-metadata:s:v:0', `rotate=${kind.rotation}`], kind.ext) : file;
  return kind.then ? kind.then(tagged) : tagged;
}

function value<T>(result: IpcResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.code}: ${result.message}`);
  return result.value;
}

function grayOf(rgb: Uint8Array): Uint8Array {
  const gray = new Uint8Array(rgb.length / 3);
  for (let i = 0; i < gray.length; i++) gray[i] = Math.round(0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2]);
  return gray;
}

let tmp: string;
let host: TestHost;
const jobs = new Map<string, JobSnapshot>();
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'blurline-corpus-'));
  host = await createTestHost({ userDataDir: path.join(tmp, 'userData') });
  host.onEvent((event, payload) => {
    const job = payload as JobSnapshot;
    if (event === 'job' && job.status !== 'running') jobs.set(job.jobId, job);
  });
});
afterAll(async () => {
  await host.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function finished(jobId: string): Promise<JobSnapshot> {
  for (;;) {
    const job = jobs.get(jobId);
    if (job) return job;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe(`format corpus: ${KINDS.length} kinds of file from real devices, each opened in the editor and anonymised end to end`, () => {
  for (const kind of KINDS) {
    it(kind.name, async () => {
      const { width, height, face } = layout(kind);
      const file = await clipOf(kind);
      // How many frames the file holds, as ffmpeg decodes it on its own (DV and MXF muxers keep
      // fewer than asked when the sound runs short of a frame).
      const sourceFrames = await readGrayFrames(file, width, height);
      const frames = sourceFrames.length;
      expect(frames).toBeGreaterThanOrEqual(6);
      const source = await probeVideo(file);
      expect(source).toMatchObject({ width, height, frameCount: frames });
      // Which quarter turn a tag means differs between ffmpeg builds; the picture is upright either way.
      if (kind.rotation) expect([90, 270]).toContain(source.rotation);
      else expect(source.rotation).toBe(0);
      expect(source.audioStreams).toHaveLength(kind.audio === false ? 0 : 1);

      // The editor: the frame server gives frame k itself (closer to the source's frame k than to
      // its neighbours), and a source Chromium cannot play gets a proxy with every frame.
      const opened = value(await host.handlers.openVideo(file));
      if (opened.proxyJobId) {
        const proxy = await finished(opened.proxyJobId);
        expect(proxy, proxy.error?.message).toMatchObject({ status: 'done', playbackUrl: expect.any(String) });
        const counted = await ffprobeJson(proxy.outputPath!, ['-count_frames', '-select_streams', 'v:0', '-show_streams']);
        expect(Number(counted.streams[0].nb_read_frames)).toBe(frames);
      } else {
        expect(opened.playbackUrl).toEqual(expect.any(String));
      }
      const k = Math.floor(frames / 2);
      const served = await fetch(`${opened.framesUrl}?start=${k}&count=1&width=${width - (width % 2)}`);
      const servedWidth = width - (width % 2);
      const servedHeight = Number(served.headers.get('x-frame-height'));
      const gray = grayOf(new Uint8Array(await served.arrayBuffer()));
      if (servedWidth === width && servedHeight === height) {
        const diffs = [k - 1, k, k + 1].map((i) => meanAbsDiff(gray, sourceFrames[i], width, { x: 0, y: 0, width, height }));
        expect(diffs[1]).toBeLessThan(Math.min(diffs[0], diffs[2]));
      } else {
        expect(gray.length).toBe(servedWidth * servedHeight);
      }

      // The master: the face found and blurred on every frame; frames and audio kept.
      const { project } = await detectToProject(file, { preset: 'fast' });
      expect(project.tracks.length).toBeGreaterThan(0);
      const output = path.join(tmp, `${path.basename(file)}.master.mp4`);
      const result = await renderProject(project, output);
      const master = await probeVideo(output);
      expect(master.frameCount).toBe(frames);
      expect(master.audioStreams).toHaveLength(source.audioStreams.length);
      const masterWidth = width + (result.padding?.right ?? 0);
      const masterHeight = height + (result.padding?.bottom ?? 0);
      const masterFrames = await readGrayFrames(output, masterWidth, masterHeight);
      expect(masterFrames).toHaveLength(frames);
      const crop = (f: Uint8Array, w: number) => {
        const out = new Uint8Array(width * height);
        for (let y = 0; y < height; y++) out.set(f.subarray(y * w, y * w + width), y * width);
        return out;
      };
      const inner: Rect = { x: face.x + Math.round(face.width * 0.15), y: face.y + Math.round(face.height * 0.15), width: Math.round(face.width * 0.7), height: Math.round(face.height * 0.7) };
      const cell = Math.max(1, Math.round(face.width / 48));
      for (let i = 0; i < frames; i++) {
        const before = highFrequencyEnergy(sourceFrames[i], width, inner, 'rect', cell);
        const after = highFrequencyEnergy(crop(masterFrames[i], masterWidth), width, inner, 'rect', cell);
        expect(after / before, `frame ${i}`).toBeLessThan(0.25);
      }
    });
  }
});
