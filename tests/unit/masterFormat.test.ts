import { describe, expect, it } from 'vitest';
import { anonymiseYuv420Frame, anonymiseYuvFrame, yuvFrameSize, type YuvLayout } from '../../core/anonymise';
import {
  checkMasterContainer,
  colourArgs,
  describePixelFormat,
  masterClock,
  masterFormatFor,
  offsetTimecode,
  planAudio,
  planSideStreams,
  rangeSeek,
  redactionExpression,
  regionsToCoded,
  rotateTagFor,
  videoEncoderArgs,
  type FrameTimeline,
} from '../../core/masterFormat';
import type { AudioRedaction, AudioStreamInfo } from '../../core/project';
import type { RenderRegion } from '../../core/renderPlan';

describe('pixel formats and codec presets', () => {
  it('reads bit depth and chroma subsampling from ffmpeg pixel format names', () => {
    const cases: [string, number, string][] = [
      ['yuv420p', 8, '420'],
      ['yuvj420p', 8, '420'],
      ['yuv420p10le', 10, '420'],
      ['yuv422p10le', 10, '422'],
      ['yuv444p12le', 12, '444'],
      ['p010le', 10, '420'],
      ['nv12', 8, '420'],
      ['gbrp10le', 10, '444'],
      ['rgb24', 8, '444'],
      ['gray', 8, 'other'],
    ];
    for (const [name, bitDepth, chroma] of cases) expect(describePixelFormat(name), name).toEqual({ bitDepth, chroma });
  });

  it('keeps 10-bit deep and 4:2:2 as 4:2:2; ProRes is always 10-bit 4:2:2', () => {
    expect(masterFormatFor('h264', 'yuv420p').pixelFormat).toBe('yuv420p');
    expect(masterFormatFor('h264', 'yuvj420p').pixelFormat).toBe('yuv420p');
    expect(masterFormatFor('h264', 'yuv420p10le').pixelFormat).toBe('yuv420p10le');
    expect(masterFormatFor('h265', 'yuv422p10le').pixelFormat).toBe('yuv422p10le');
    expect(masterFormatFor('h265', 'yuv444p12le').pixelFormat).toBe('yuv420p10le');
    expect(masterFormatFor('h265', 'yuv422p').pixelFormat).toBe('yuv422p');
    expect(masterFormatFor('prores', 'yuv420p')).toMatchObject({ pixelFormat: 'yuv422p10le', layout: { chroma: '422', bitDepth: 10 } });
  });

  it('writes ProRes to .mov only, with a message that says so', () => {
    expect(() => checkMasterContainer('prores', 'mov', '.mov')).not.toThrow();
    for (const [muxer, ext] of [['mp4', '.mp4'], ['matroska', '.mkv']]) {
      expect(() => checkMasterContainer('prores', muxer, ext)).toThrow(expect.objectContaining({ code: 'OUTPUT_UNSUPPORTED', message: expect.stringContaining('.mov') }));
    }
    for (const muxer of ['mp4', 'mov', 'matroska']) expect(() => checkMasterContainer('h265', muxer, '.x')).not.toThrow();
  });

  it('builds encoder arguments per codec', () => {
    const settings = { crf: 20, preset: 'slow' as const };
    expect(videoEncoderArgs(masterFormatFor('h264', 'yuv420p10le'), settings, 'mp4')).toEqual([
      '-c:v', 'libx264', '-preset', 'slow', '-crf', '20', '-pix_fmt', 'yuv420p10le',
    ]);
    const hevc = videoEncoderArgs(masterFormatFor('h265', 'yuv420p'), settings, 'mov');
    expect(hevc.join(' ')).toContain('-c:v libx265 -preset slow -crf 20 -pix_fmt yuv420p');
    expect(hevc.join(' ')).toContain('-tag:v hvc1');
    expect(videoEncoderArgs(masterFormatFor('h265', 'yuv420p'), settings, 'matroska')).not.toContain('hvc1');
    expect(videoEncoderArgs(masterFormatFor('prores', 'yuv420p'), settings, 'mov')).toEqual([
      '-c:v', 'prores_ks', '-profile:v', '3', '-vendor', 'apl0', '-pix_fmt', 'yuv422p10le',
    ]);
  });
});

describe('colour, rotation and timecode', () => {
  it('tags the master with the colour description ffprobe gave, dropping unknown values', () => {
    expect(colourArgs({ range: 'tv', space: 'bt2020nc', transfer: 'arib-std-b67', primaries: 'bt2020' }, 'yuv420p10le')).toEqual([
      '-color_range', 'tv', '-colorspace', 'bt2020nc', '-color_trc', 'arib-std-b67', '-color_primaries', 'bt2020',
    ]);
    expect(colourArgs({ space: 'gbr', transfer: 'reserved' }, 'yuv420p')).toEqual([]);
    // The decode to yuv420p turns a full-range yuvj420p source into limited range.
    expect(colourArgs({ range: 'pc', space: 'bt709' }, 'yuvj420p')).toEqual(['-color_range', 'tv', '-colorspace', 'bt709']);
  });

  it('maps regions from the upright picture to the coded one, pixel for pixel', () => {
    const dw = 40;
    const dh = 24;
    // How ffmpeg turns a coded pixel upright for a clockwise display rotation.
    const upright = (rotation: number, x: number, y: number, cw: number, ch: number): [number, number] =>
      rotation === 90 ? [ch - 1 - y, x] : rotation === 180 ? [cw - 1 - x, ch - 1 - y] : [y, cw - 1 - x];
    const region: RenderRegion = { trackId: 't', type: 'gaussian', shape: 'rect', box: { x: 5, y: 3, width: 11, height: 7 }, radius: 2, feather: 0 };
    const inside = (b: RenderRegion['box'], x: number, y: number) => x + 0.5 > b.x && x + 0.5 < b.x + b.width && y + 0.5 > b.y && y + 0.5 < b.y + b.height;
    for (const rotation of [90, 180, 270] as const) {
      const [coded] = regionsToCoded([region], rotation, dw, dh);
      const [cw, ch] = rotation === 180 ? [dw, dh] : [dh, dw];
      let mismatches = 0;
      for (let y = 0; y < ch; y++) {
        for (let x = 0; x < cw; x++) {
          const [ux, uy] = upright(rotation, x, y, cw, ch);
          if (inside(coded.box, x, y) !== inside(region.box, ux, uy)) mismatches++;
        }
      }
      expect(mismatches, `rotation ${rotation}`).toBe(0);
    }
    expect(regionsToCoded([region], 0, dw, dh)[0]).toBe(region);
  });

  it('gives this ffmpeg the rotate tag that writes the source display matrix back', () => {
    expect([90, 180, 270, 0].map((r) => rotateTagFor(r as 0 | 90 | 180 | 270))).toEqual(['270', '180', '90', '0']);
  });

  it('moves a timecode on by whole frames, drop-frame included', () => {
    expect(offsetTimecode('01:02:03:04', 30, { num: 25, den: 1 })).toBe('01:02:04:09');
    expect(offsetTimecode('23:59:59:24', 1, { num: 25, den: 1 })).toBe('00:00:00:00');
    expect(offsetTimecode('00:00:59;29', 1, { num: 30000, den: 1001 })).toBe('00:01:00;02');
    expect(offsetTimecode('00:09:59;29', 1, { num: 30000, den: 1001 })).toBe('00:10:00;00');
    expect(offsetTimecode('00:00:00;00', 17982, { num: 30000, den: 1001 })).toBe('00:10:00;00');
    expect(offsetTimecode('10:00:00:00', 0, { num: 24000, den: 1001 })).toBe('10:00:00:00');
    expect(offsetTimecode('not a timecode', 1, { num: 25, den: 1 })).toBeNull();
  });
});

describe('masterClock', () => {
  const source = { frameRate: { num: 25, den: 1 }, frameCount: 6, videoStartSeconds: 0 };
  const timeline = (pts: number[], den = 12800, start = 0): FrameTimeline => ({ timeBase: { num: 1, den }, pts, fileStartSeconds: start, keyframes: [0] });

  it('puts a constant-rate source on its exact frame grid', () => {
    const clock = masterClock(source, timeline([0, 512, 1024, 1536, 2048, 2560]), null);
    expect(clock).toMatchObject({ first: 0, last: 5, startSeconds: 0, endSeconds: null, seeks: false, variable: false, timescale: 12800 });
    expect([0, 1, 5].map(clock.offsetNs)).toEqual([0, 40e6, 200e6]);
    // 29.97 fps in Matroska's milliseconds is still constant rate: exact 1001/30000 steps.
    const ntsc = masterClock({ ...source, frameRate: { num: 30000, den: 1001 } }, timeline([0, 33, 67, 100, 133, 167], 1000), null);
    expect(ntsc.variable).toBe(false);
    expect(ntsc.timescale).toBe(30000);
    expect(ntsc.offsetNs(3)).toBe(100100000);
  });

  it('keeps the timestamps of a variable-rate source', () => {
    const clock = masterClock({ ...source, frameRate: { num: 20, den: 1 } }, timeline([0, 40, 80, 200, 240, 280], 1000), null);
    expect(clock.variable).toBe(true);
    expect(clock.timescale).toBe(1000);
    expect([0, 3, 5].map(clock.offsetNs)).toEqual([0, 200e6, 280e6]);
  });

  it('cuts a range: start, end and seek point from the frame times, offsets from its first frame', () => {
    const times = timeline([512, 1024, 1536, 2048, 2560, 3072], 12800, 0.04);
    const clock = masterClock(source, times, { first: 2, last: 3 });
    expect(clock.startSeconds).toBeCloseTo(0.08, 9);
    expect(clock.endSeconds).toBeCloseTo(0.16, 9);
    expect(clock.seeks).toBe(true);
    expect(rangeSeek(times, 2, true)?.seconds).toBeCloseTo(0.06, 9);
    expect(clock.offsetNs(1)).toBe(40e6);
    expect(() => masterClock(source, null, { first: 4, last: 6 })).toThrow(expect.objectContaining({ code: 'PROJECT_INVALID' }));
  });

  it('without trustworthy timestamps, runs the grid from the video start and never seeks', () => {
    const clock = masterClock({ ...source, videoStartSeconds: 0.5 }, null, { first: 1, last: 5 });
    expect(clock).toMatchObject({ startSeconds: 0.54, seeks: false, endSeconds: null, variable: false });
  });
});

describe('planAudio', () => {
  const stream = (audioIndex: number, codec: string, channels = 2): AudioStreamInfo => ({
    audioIndex, codec, channels, sampleRate: 48000, durationSeconds: 10, language: null,
  });
  const redaction = (startSeconds: number, endSeconds: number, mode: AudioRedaction['mode'] = 'mute'): AudioRedaction => ({
    id: `r${startSeconds}`, startSeconds, endSeconds, mode, label: 'name said aloud',
  });
  const whole = { startSeconds: 0, endSeconds: null };

  it('copies every stream when nothing is redacted in the exported span', () => {
    const plans = planAudio([stream(0, 'aac'), stream(1, 'pcm_s16le')], [redaction(8, 9)], { startSeconds: 1, endSeconds: 5 }, 'mov');
    expect(plans.map((p) => [p.mode, p.encoderArgs])).toEqual([
      ['copy', ['-c', 'copy']],
      ['copy', ['-c', 'copy']],
    ]);
  });

  it('re-encodes redacted streams: PCM as the same PCM, AAC as AAC at a high rate, anything else as AAC', () => {
    const plans = planAudio([stream(0, 'pcm_s24le'), stream(1, 'aac'), stream(2, 'mp3', 1)], [redaction(1, 2)], whole, 'mov');
    expect(plans.map((p) => [p.mode, p.codec, p.encoderArgs])).toEqual([
      ['redact', 'pcm_s24le', ['-c', 'pcm_s24le']],
      ['redact', 'aac', ['-c', 'aac', '-b', '256k']],
      ['redact', 'aac', ['-c', 'aac', '-b', '128k']],
    ]);
  });

  it('moves redactions into master time and clips them to the range', () => {
    const [plan] = planAudio([stream(0, 'aac')], [redaction(1, 3, 'bleep'), redaction(4.5, 9)], { startSeconds: 2, endSeconds: 5 }, 'mp4');
    expect(plan.spans.map((s) => [s.mode, s.startSeconds, s.endSeconds])).toEqual([
      ['bleep', 0, 1],
      ['mute', 2.5, 3],
    ]);
    expect(plan.expression).toBe('if(between(t,2.500000,3.000000),0,if(between(t,0.000000,1.000000),0.1*sin(2*PI*1000*t),val(ch)))');
  });

  it('joins spans of one kind into one condition', () => {
    expect(redactionExpression([{ mode: 'mute', startSeconds: 1, endSeconds: 2 }, { mode: 'mute', startSeconds: 3, endSeconds: 4 }])).toBe(
      'if(between(t,1.000000,2.000000)+between(t,3.000000,4.000000),0,val(ch))',
    );
  });

  it('converts audio the container cannot hold (PCM and Opus into .mp4) to AAC, and copies what it can', () => {
    const streams = [stream(0, 'pcm_s16le'), stream(1, 'opus'), stream(2, 'aac')];
    expect(planAudio(streams, [], whole, 'mp4').map((a) => [a.mode, a.codec])).toEqual([['convert', 'aac'], ['convert', 'aac'], ['copy', 'aac']]);
    expect(planAudio(streams, [], whole, 'mov').map((a) => [a.mode, a.codec])).toEqual([['copy', 'pcm_s16le'], ['convert', 'aac'], ['copy', 'aac']]);
    expect(planAudio(streams, [], whole, 'matroska').map((a) => a.mode)).toEqual(['copy', 'copy', 'copy']);
    expect(planAudio([stream(0, 'pcm_s16le')], [], whole, 'mp4')[0].encoderArgs).toEqual(['-c', 'aac', '-b', expect.stringMatching(/^\d+k$/)]);
  });

  it('redacts PCM as PCM where the container holds it, as AAC in .mp4', () => {
    const redaction = [{ id: 'r1', mode: 'mute' as const, label: '', startSeconds: 0.5, endSeconds: 1 }];
    expect(planAudio([stream(0, 'pcm_s16le')], redaction, whole, 'mov')[0]).toMatchObject({ mode: 'redact', codec: 'pcm_s16le' });
    expect(planAudio([stream(0, 'pcm_s16le')], redaction, whole, 'mp4')[0]).toMatchObject({ mode: 'redact', codec: 'aac' });
  });
});

describe('planSideStreams', () => {
  const streams = [
    { index: 2, type: 'subtitle' as const, codec: 'mov_text', tag: 'tx3g' },
    { index: 3, type: 'data' as const, codec: 'bin_data', tag: 'gpmd' },
    { index: 4, type: 'data' as const, codec: '', tag: 'tmcd' },
    { index: 5, type: 'subtitle' as const, codec: 'subrip', tag: '' },
  ];

  it('drops every subtitle and data stream when stripping', () => {
    const plan = planSideStreams(streams, 'mov', false);
    expect(plan.kept).toEqual([]);
    expect(plan.dropped.map((d) => d.stream.index)).toEqual([2, 3, 5]);
  });

  it('keeps what the container can hold, never the timecode track (the master writes its own)', () => {
    expect(planSideStreams(streams, 'mov', true).kept.map((s) => s.index)).toEqual([2, 3]);
    const mkv = planSideStreams(streams, 'matroska', true);
    expect(mkv.kept.map((s) => s.index)).toEqual([5]);
    expect(mkv.dropped.map((d) => d.reason)).toEqual([
      'subtitle stream 2 (mov_text): the matroska container cannot hold it',
      'data stream 3 (bin_data): the matroska container cannot hold it',
    ]);
  });
});

describe('anonymiseYuvFrame: 10-bit samples and 4:2:2 chroma', () => {
  const W = 64;
  const H = 48;
  const region: RenderRegion = { trackId: 't', type: 'gaussian', shape: 'rect', box: { x: 16, y: 12, width: 24, height: 20 }, radius: 4, feather: 0 };

  /** A 10-bit frame of fine stripes using values above 255 (so 8-bit handling would show). */
  function frame10(layout: YuvLayout): { bytes: Uint8Array; samples: Uint16Array } {
    const bytes = new Uint8Array(yuvFrameSize(layout, W, H));
    const samples = new Uint16Array(bytes.buffer);
    for (let i = 0; i < samples.length; i++) samples[i] = i % 2 ? 940 : 300;
    return { bytes, samples };
  }

  it('blurs 10-bit 4:2:2 inside the region only, on every plane, within 10-bit range', () => {
    const layout: YuvLayout = { chroma: '422', bitDepth: 10 };
    const { bytes, samples } = frame10(layout);
    const before = samples.slice();
    anonymiseYuvFrame(bytes, layout, W, H, [region]);
    const lumaAt = (x: number, y: number) => samples[y * W + x];
    // Inside: stripes averaged to their mean (620) everywhere away from the box edge.
    for (let y = 16; y < 28; y++) for (let x = 22; x < 34; x++) expect(Math.abs(lumaAt(x, y) - 620)).toBeLessThan(40);
    let changedOutside = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if ((x < 16 || x >= 40 || y < 12 || y >= 32) && samples[y * W + x] !== before[y * W + x]) changedOutside++;
    expect(changedOutside).toBe(0);
    // 4:2:2 chroma planes are half width, full height: the region covers rows 12..31 there too.
    const cw = W / 2;
    const chroma = W * H;
    expect(samples[chroma + 20 * cw + 14]).not.toBe(before[chroma + 20 * cw + 14]);
    expect(samples[chroma + 31 * cw + 14]).not.toBe(before[chroma + 31 * cw + 14]);
    expect(samples[chroma + 33 * cw + 14]).toBe(before[chroma + 33 * cw + 14]);
    expect(Math.max(...samples)).toBeLessThanOrEqual(1023);
  });

  it('fills the solid style with 10-bit black', () => {
    const layout: YuvLayout = { chroma: '420', bitDepth: 10 };
    const { bytes, samples } = frame10(layout);
    anonymiseYuvFrame(bytes, layout, W, H, [{ ...region, type: 'solid' }]);
    expect(samples[20 * W + 20]).toBe(64);
    expect(samples[W * H + 10 * (W / 2) + 10]).toBe(512);
  });

  it('gives a 10-bit frame the 8-bit result scaled by 4 (same geometry), and leaves 8-bit output as before', () => {
    const eight = new Uint8Array(yuvFrameSize({ chroma: '420', bitDepth: 8 }, W, H));
    for (let i = 0; i < eight.length; i++) eight[i] = (i * 37) % 200 + 20;
    const layout: YuvLayout = { chroma: '420', bitDepth: 10 };
    const ten = new Uint8Array(yuvFrameSize(layout, W, H));
    const tenSamples = new Uint16Array(ten.buffer);
    for (let i = 0; i < eight.length; i++) tenSamples[i] = eight[i] * 4;
    const viaGeneric = eight.slice();
    anonymiseYuv420Frame(eight, W, H, [region]);
    anonymiseYuvFrame(viaGeneric, { chroma: '420', bitDepth: 8 }, W, H, [region]);
    anonymiseYuvFrame(ten, layout, W, H, [region]);
    expect(viaGeneric).toEqual(eight);
    let worst = 0;
    for (let i = 0; i < eight.length; i++) worst = Math.max(worst, Math.abs(tenSamples[i] - eight[i] * 4));
    expect(worst).toBeLessThanOrEqual(2);
  });
});
