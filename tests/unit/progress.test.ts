import { describe, expect, it } from 'vitest';
import { FfmpegProgressParser, formatDuration, progressFromFrames } from '../../core/progress';
import { describeMediaFailure, formatCommandLine } from '../../electron/main/media/ffmpeg';

describe('FfmpegProgressParser', () => {
  it('emits one block per progress= line, across chunk boundaries', () => {
    const parser = new FfmpegProgressParser();
    expect(parser.push('frame=10\nfps=25.0\nout_time_us=400000\nprog')).toEqual([]);
    expect(parser.push('ress=continue\nframe=20\nfps=N/A\n')).toEqual([{ frame: 10, fps: 25, outTimeSeconds: 0.4, done: false }]);
    expect(parser.push('out_time_ms=800000\nprogress=end\n')).toEqual([{ frame: 20, fps: null, outTimeSeconds: 0.8, done: true }]);
  });

  it('ignores garbage and negative times', () => {
    const parser = new FfmpegProgressParser();
    expect(parser.push('hello\n=x\nframe=abc\nout_time_us=-5000\nprogress=continue\r\n')).toEqual([
      { frame: null, fps: null, outTimeSeconds: 0, done: false },
    ]);
  });
});

describe('progressFromFrames', () => {
  it('computes ratio, pace and ETA', () => {
    expect(progressFromFrames(50, 200, 2)).toEqual({ frame: 50, fps: 25, ratio: 0.25, etaSeconds: 6 });
  });
  it('clamps the ratio and has no ETA before any pace', () => {
    expect(progressFromFrames(0, 200, 0)).toEqual({ frame: 0, fps: 0, ratio: 0, etaSeconds: null });
    expect(progressFromFrames(250, 200, 10).ratio).toBe(1);
    expect(progressFromFrames(250, 200, 10).etaSeconds).toBe(0);
  });
  it('formats durations', () => {
    expect(formatDuration(5)).toBe('0:05');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});

describe('describeMediaFailure', () => {
  it('turns ffmpeg stderr into coded, readable errors', () => {
    expect(describeMediaFailure('encoding the master', 'av_interleaved_write_frame(): No space left on device\nConversion failed!\n', 1).code).toBe('DISK_FULL');
    const corrupt = describeMediaFailure('reading x.mp4', '/tmp/x.mp4: Invalid data found when processing input\n', 1);
    expect(corrupt.code).toBe('SOURCE_UNREADABLE');
    expect(corrupt.message).toMatch(/reading x\.mp4 failed: the file is corrupt/);
    expect(describeMediaFailure('reading x.mp4', '[mov,mp4] moov atom not found\n', 1).code).toBe('SOURCE_UNREADABLE');
    const other = describeMediaFailure('encoding', 'line one\nSomething odd happened\nConversion failed!\n', 1);
    expect(other.code).toBe('FFMPEG_FAILED');
    expect(other.message).toBe('encoding failed (exit code 1): Something odd happened');
  });
  it('names the part of ffmpeg that refused and what it said, not the closing summary', () => {
    const oddSize = describeMediaFailure(
      'encoding the master',
      '[libx264 @ 0x16fb9840] width not divisible by 2 (1279x719)\nError initializing output stream 0:0 -- Error while opening encoder for output stream #0:0 - maybe incorrect parameters such as bit_rate, rate, width or height\n',
      1,
    );
    expect(oddSize.message).toBe('encoding the master failed (exit code 1): [libx264] width not divisible by 2 (1279x719)');
    const opus = describeMediaFailure(
      'encoding the master',
      "[mp4 @ 0xab02cc0] opus in MP4 support is experimental, add '-strict -2' if you want to use it.\nCould not write header for output file #0 (incorrect codec parameters ?): Experimental feature\nError initializing output stream 0:0 -- \n",
      1,
    );
    expect(opus.message).toMatch(/: \[mp4\] opus in MP4 support is experimental/);
  });
  it('quotes command lines for logs', () => {
    expect(formatCommandLine('/bin/ffmpeg', ['-i', 'my clip.mp4', "it's", '-crf', '18'])).toBe(`/bin/ffmpeg -i 'my clip.mp4' 'it'\\''s' -crf 18`);
  });
});
