import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeFrames } from '../../electron/main/media/decode';
import { probeVideo, transportStreamKind } from '../../electron/main/media/probe';
import { generatedClip, sha256 } from '../helpers/media';
import { errorOf } from '../helpers/errors';

/** Luma of frame N is N*8 (mod 256), losslessly coded: decoded pixels tell the frame's index. */
const indexedClip = () =>
  generatedClip('indexed-ffv1', [
    '-f', 'lavfi', '-i', "color=c=black:s=64x48:r=25:d=2,format=yuv420p,geq=lum='mod(N*8,256)':cb=128:cr=128",
    '-c:v', 'ffv1',
  ], 'mkv');

const ntscTwoAudio = () =>
  generatedClip('ntsc-two-audio', [
    '-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=30000/1001:d=2',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=2',
    '-f', 'lavfi', '-i', 'sine=frequency=880:sample_rate=44100:duration=2',
    '-map', '0:v', '-map', '1:a', '-map', '2:a',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac:a:1', '2',
    '-metadata:s:a:0', 'language=eng', '-metadata:s:a:1', 'language=fre',
  ]);

/** A phone-style clip: landscape pixels with a display matrix that turns them upright. */
const rotatedClip = async () => {
  const plain = await generatedClip('unrotated', ['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']);
  // Remuxing with a rotate tag writes the display matrix (re-encoding would drop it).
  return generatedClip('rotated-90', ['-i', plain, '-c', 'copy', '-metadata:s:v:0', 'rotate=90']);
};

const audioOnly = () =>
  generatedClip('audio-only', ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac'], 'm4a');

describe('probeVideo', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'blurline-probe-'));
  });

  it('reads size, exact frame rate, frame count, hash and every audio stream', async () => {
    const file = await ntscTwoAudio();
    const info = await probeVideo(file);
    expect(info).toMatchObject({
      path: file,
      width: 320,
      height: 240,
      frameRate: { num: 30000, den: 1001 },
      frameCount: 60,
      rotation: 0,
      videoCodec: 'h264',
      pixelFormat: 'yuv420p',
      sha256: sha256(file),
      sizeBytes: readFileSync(file).length,
    });
    expect(info.durationSeconds).toBeCloseTo(2.002, 2);
    expect(info.audioStreams).toEqual([
      expect.objectContaining({ audioIndex: 0, codec: 'aac', sampleRate: 48000, language: 'eng' }),
      expect.objectContaining({ audioIndex: 1, codec: 'aac', sampleRate: 44100, channels: 2, language: 'fre' }),
    ]);
  });

  it('counts frames when the container has no count (Matroska)', async () => {
    const info = await probeVideo(await indexedClip());
    expect(info.frameCount).toBe(50);
    expect(info.audioStreams).toEqual([]);
  });

  it('reports rotation and the display size', async () => {
    const info = await probeVideo(await rotatedClip());
    // Which quarter turn the tag means differs between ffmpeg builds; either way the picture is upright at 240x320.
    expect([90, 270]).toContain(info.rotation);
    expect([info.width, info.height]).toEqual([240, 320]);
  });

  it('explains a missing file, an empty file, a corrupt file and a file without video', async () => {
    expect(await errorOf(probeVideo(path.join(tmp, 'nope.mp4')))).toMatchObject({ code: 'SOURCE_NOT_FOUND', message: expect.stringContaining('not found') });
    writeFileSync(path.join(tmp, 'empty.mp4'), '');
    expect((await errorOf(probeVideo(path.join(tmp, 'empty.mp4')))).code).toBe('SOURCE_UNREADABLE');
    writeFileSync(path.join(tmp, 'garbage.mp4'), Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 251)));
    expect(await errorOf(probeVideo(path.join(tmp, 'garbage.mp4')))).toMatchObject({
      code: 'SOURCE_UNREADABLE',
      message: expect.stringMatching(/garbage\.mp4.*corrupt/),
    });
    expect(await errorOf(probeVideo(await audioOnly()))).toMatchObject({ code: 'NO_VIDEO_STREAM', message: expect.stringContaining('has: audio') });
  });

  it('explains a truncated file whose index was cut off', async () => {
    // Without faststart the index (moov) is at the end: cutting the file removes it.
    const whole = readFileSync(await ntscTwoAudio());
    const cut = path.join(tmp, 'cut.mp4');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    expect((await errorOf(probeVideo(cut))).code).toBe('SOURCE_UNREADABLE');
  });

  it('never writes to the source', async () => {
    const copy = path.join(tmp, 'copy.mp4');
    copyFileSync(await ntscTwoAudio(), copy);
    const before = sha256(copy);
    await probeVideo(copy);
    expect(sha256(copy)).toBe(before);
  });
});

describe('transportStreamKind', () => {
  const packets = (size: number, syncAt: number, count = 5) => {
    const bytes = new Uint8Array(size * count).fill(0x11);
    for (let k = 0; k < count; k++) bytes[k * size + syncAt] = 0x47;
    return bytes;
  };

  it('tells MPEG-TS (188-byte packets) and M2TS (192, a timestamp first) by their sync bytes, and nothing else', () => {
    expect(transportStreamKind(packets(188, 0))).toBe('mpegts');
    expect(transportStreamKind(packets(192, 4))).toBe('mpegts (m2ts)');
    expect(transportStreamKind(packets(188, 0, 3))).toBeNull();
    const broken = packets(188, 0);
    broken[3 * 188] = 0;
    expect(transportStreamKind(broken)).toBeNull();
    // An mp4 starts with its ftyp box.
    expect(transportStreamKind(new Uint8Array([0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, ...new Array(1000).fill(0)]))).toBeNull();
  });
});

describe('decodeFrames', () => {
  it('yields every frame with its exact index (yuv420p at source size)', async () => {
    const file = await indexedClip();
    const seen: number[] = [];
    for await (const frame of decodeFrames(file, { pixelFormat: 'yuv420p', sourceWidth: 64, sourceHeight: 48 })) {
      expect(frame.data.length).toBe(64 * 48 * 1.5);
      expect(frame.data[20 * 64 + 30]).toBe((frame.index * 8) % 256);
      seen.push(frame.index);
    }
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('scales to an even width for analysis, in RGB', async () => {
    const file = await indexedClip();
    let count = 0;
    for await (const frame of decodeFrames(file, { pixelFormat: 'rgb24', sourceWidth: 64, sourceHeight: 48, width: 33 })) {
      expect([frame.width, frame.height]).toEqual([34, 26]);
      expect(frame.data.length).toBe(34 * 26 * 3);
      count++;
    }
    expect(count).toBe(50);
  });

  it('decodes rotated sources upright at the display size', async () => {
    const file = await rotatedClip();
    const info = await probeVideo(file);
    let count = 0;
    for await (const frame of decodeFrames(file, { pixelFormat: 'yuv420p', sourceWidth: info.width, sourceHeight: info.height })) {
      expect([frame.width, frame.height]).toEqual([240, 320]);
      count++;
    }
    expect(count).toBe(25);
  });

  it('stops ffmpeg when the consumer stops early, and on cancel', async () => {
    const file = await indexedClip();
    for await (const frame of decodeFrames(file, { pixelFormat: 'yuv420p', sourceWidth: 64, sourceHeight: 48 })) {
      if (frame.index === 3) break;
    }
    const controller = new AbortController();
    const err = await errorOf(
      (async () => {
        for await (const frame of decodeFrames(file, { pixelFormat: 'yuv420p', sourceWidth: 64, sourceHeight: 48, signal: controller.signal })) {
          if (frame.index === 2) controller.abort();
        }
      })(),
    );
    expect(err.code).toBe('CANCELLED');
  });
});
