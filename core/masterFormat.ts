import type { YuvLayout } from './anonymise';
import { BlurlineError } from './errors';
import type { AudioRedaction, AudioStreamInfo, ExportSettings, FrameRange, MasterCodec, Rational, SourceInfo } from './project';
import type { RenderRegion } from './renderPlan';

/**
 * What a master is made of, as pure data and ffmpeg arguments: the codec preset, the one raw
 * pixel format used from decoder to encoder, colour tags, rotation, timecode, the frame clock,
 * the audio (copied or redacted) and the side streams. The render (electron/main/media/render.ts)
 * only runs what this module decides; everything here is testable without ffmpeg.
 */

// ---------------------------------------------------------------------------------------------
// Pixel formats and codec presets

export type RawYuvFormat = 'yuv420p' | 'yuv422p' | 'yuv420p10le' | 'yuv422p10le';

/** The raw formats Blurline blurs, with the FourCC ffmpeg's rawvideo decoder knows them by. */
export const RAW_YUV_FORMATS: Record<RawYuvFormat, YuvLayout & { fourcc: string }> = {
  yuv420p: { chroma: '420', bitDepth: 8, fourcc: 'I420' },
  yuv422p: { chroma: '422', bitDepth: 8, fourcc: 'Y42B' },
  yuv420p10le: { chroma: '420', bitDepth: 10, fourcc: 'Y3\x0b\x0a' },
  yuv422p10le: { chroma: '422', bitDepth: 10, fourcc: 'Y3\x0a\x0a' },
};

export function rawYuvFormat(layout: YuvLayout): RawYuvFormat {
  return `yuv${layout.chroma}p${layout.bitDepth === 10 ? '10le' : ''}` as RawYuvFormat;
}

/** Bits per sample and chroma subsampling of an ffmpeg pixel format name (unknown names read as 8-bit). */
export function describePixelFormat(pixFmt: string): { bitDepth: number; chroma: '420' | '422' | '444' | 'other' } {
  // p010, p210 …: depth in the name; yuv420p10le, gray12le, rgb48le …: a number before the endianness.
  const named = /^p[0-4](10|12|16)/.exec(pixFmt);
  const suffix = /(\d+)(?:le|be)$/.exec(pixFmt);
  const bitDepth = named ? Number(named[1]) : suffix ? Math.min(16, Number(suffix[1])) : 8;
  let chroma: '420' | '422' | '444' | 'other' = 'other';
  const yuv = /^yuva?j?(420|422|444)/.exec(pixFmt);
  if (yuv) chroma = yuv[1] as '420' | '422' | '444';
  else if (/^(nv12|nv21|p010|p016)/.test(pixFmt)) chroma = '420';
  else if (/^(nv16|nv20|p210|p216)/.test(pixFmt)) chroma = '422';
  else if (/^(nv24|nv42|p410|p416|gbr|rgb|bgr|argb|abgr|rgba|bgra|0rgb|0bgr|rgb0|bgr0)/.test(pixFmt)) chroma = '444';
  return { bitDepth, chroma };
}

export interface MasterFormat {
  codec: MasterCodec;
  label: string;
  /**
   * What the decoder writes, Blurline blurs and the encoder reads: one format end to end, so
   * nothing is converted after the blur.
   */
  pixelFormat: RawYuvFormat;
  layout: YuvLayout;
}

/** ffmpeg muxers each codec may be written to. */
export const MASTER_MUXERS: Record<MasterCodec, readonly string[]> = {
  h264: ['mp4', 'mov', 'matroska'],
  h265: ['mp4', 'mov', 'matroska'],
  prores: ['mov'],
};

/** The container a codec's master gets when nobody chose one: ProRes only goes into .mov. */
export function masterExtension(codec: MasterCodec): '.mov' | '.mp4' {
  return codec === 'prores' ? '.mov' : '.mp4';
}

export const MASTER_CODEC_LABELS: Record<MasterCodec, string> = {
  h264: 'H.264',
  h265: 'H.265 (HEVC)',
  prores: 'ProRes 422 HQ',
};

/**
 * The master's pixel format for a codec and a source. Deeper than 8 bits stays 10-bit (12- and
 * 16-bit sources are written as 10-bit); 4:2:2 stays 4:2:2 in H.264/H.265, everything else is
 * 4:2:0 there; ProRes 422 HQ is always 10-bit 4:2:2 (an 8-bit source is widened, not changed).
 */
export function masterFormatFor(codec: MasterCodec, sourcePixelFormat: string): MasterFormat {
  const source = describePixelFormat(sourcePixelFormat);
  const layout: YuvLayout =
    codec === 'prores'
      ? { chroma: '422', bitDepth: 10 }
      : { chroma: source.chroma === '422' ? '422' : '420', bitDepth: source.bitDepth > 8 ? 10 : 8 };
  return {
    codec,
    label: MASTER_CODEC_LABELS[codec],
    pixelFormat: rawYuvFormat(layout),
    layout,
  };
}

/** Refuses a container the codec cannot (or should not) go into, naming what would work. */
export function checkMasterContainer(codec: MasterCodec, muxer: string, extension: string): void {
  if (MASTER_MUXERS[codec].includes(muxer)) return;
  const label = MASTER_CODEC_LABELS[codec];
  throw new BlurlineError(
    'OUTPUT_UNSUPPORTED',
    codec === 'prores'
      ? `${label} masters are written as QuickTime .mov (for the NLE round-trip), not "${extension}": name the output .mov`
      : `${label} cannot be written to "${extension}": use .mp4, .mov or .mkv`,
  );
}

/** Pixels added at the right and bottom edges of every frame. */
export interface EdgePadding {
  right: number;
  bottom: number;
}

/**
 * 4:2:0 and 4:2:2 pictures need an even width, 4:2:0 an even height too, so an odd-sized source
 * (a 1279×719 screen capture) is padded by one pixel at the right or bottom, its last column or
 * row repeated: nothing of the picture is lost and no black line appears. Null when none is needed.
 */
export function evenSizePadding(layout: YuvLayout, width: number, height: number): EdgePadding | null {
  const right = width % 2;
  const bottom = layout.chroma === '420' ? height % 2 : 0;
  return right || bottom ? { right, bottom } : null;
}

/** The ffmpeg filter that pads as `evenSizePadding` says, smearing the edge pixels outwards. */
export function edgePaddingFilter({ right, bottom }: EdgePadding): string {
  return `pad=iw+${right}:ih+${bottom}:0:0,fillborders=right=${right}:bottom=${bottom}:mode=smear`;
}

/** Video encoder arguments for the preset. */
export function videoEncoderArgs(format: MasterFormat, settings: Pick<ExportSettings, 'crf' | 'preset'>, muxer: string): string[] {
  const pixFmt = ['-pix_fmt', format.pixelFormat];
  switch (format.codec) {
    case 'h264':
      return ['-c:v', 'libx264', '-preset', settings.preset, '-crf', String(settings.crf), ...pixFmt];
    case 'h265':
      return [
        '-c:v', 'libx265', '-preset', settings.preset, '-crf', String(settings.crf), ...pixFmt,
        '-x265-params', 'log-level=error',
        // Apple players and NLEs open HEVC in mp4/mov only under the hvc1 sample entry.
        ...(muxer === 'mp4' || muxer === 'mov' ? ['-tag:v', 'hvc1'] : []),
      ];
    case 'prores':
      // Profile 3 is 422 HQ; the apl0 vendor is what Final Cut and Resolve expect to see.
      return ['-c:v', 'prores_ks', '-profile:v', '3', '-vendor', 'apl0', ...pixFmt];
  }
}

// ---------------------------------------------------------------------------------------------
// Colour, rotation, timecode

/** The source video stream's colour description as ffprobe names it. */
export interface ColourTags {
  range?: string;
  space?: string;
  transfer?: string;
  primaries?: string;
}

/** Values this ffmpeg build accepts for each option; anything else (unknown, reserved, gbr) is left unset. */
const COLOUR_VALUES = {
  range: ['tv', 'pc'],
  space: ['bt709', 'fcc', 'bt470bg', 'smpte170m', 'smpte240m', 'ycgco', 'bt2020nc', 'bt2020c', 'smpte2085', 'chroma-derived-nc', 'chroma-derived-c', 'ictcp'],
  transfer: [
    'bt709', 'gamma22', 'gamma28', 'smpte170m', 'smpte240m', 'linear', 'log100', 'log316', 'iec61966-2-4', 'bt1361e',
    'iec61966-2-1', 'bt2020-10', 'bt2020-12', 'smpte2084', 'smpte428', 'arib-std-b67',
  ],
  primaries: ['bt709', 'bt470m', 'bt470bg', 'smpte170m', 'smpte240m', 'film', 'bt2020', 'smpte428', 'smpte431', 'smpte432'],
};

/**
 * Encoder options that tag the master with the source's colour description. A full-range
 * `yuvj…` source is converted to limited range by the decode to `yuv…`, so it is tagged tv.
 */
export function colourArgs(tags: ColourTags, sourcePixelFormat: string): string[] {
  const range = sourcePixelFormat.startsWith('yuvj') ? 'tv' : tags.range;
  const args: string[] = [];
  const add = (option: string, value: string | undefined, allowed: string[]) => {
    if (value && allowed.includes(value)) args.push(option, value);
  };
  add('-color_range', range, COLOUR_VALUES.range);
  add('-colorspace', tags.space, COLOUR_VALUES.space);
  add('-color_trc', tags.transfer, COLOUR_VALUES.transfer);
  add('-color_primaries', tags.primaries, COLOUR_VALUES.primaries);
  return args;
}

/**
 * Moves regions from display orientation (the plan's) to the coded orientation of a source whose
 * picture is rotated `rotation` degrees clockwise for display. Boxes map exactly (quarter turns),
 * so an ellipse stays the same ellipse on the same pixels.
 */
export function regionsToCoded(regions: readonly RenderRegion[], rotation: SourceInfo['rotation'], displayWidth: number, displayHeight: number): RenderRegion[] {
  if (rotation === 0) return regions as RenderRegion[];
  return regions.map((region) => {
    const { x, y, width: w, height: h } = region.box;
    const box =
      rotation === 90
        ? { x: y, y: displayWidth - x - w, width: h, height: w }
        : rotation === 180
          ? { x: displayWidth - x - w, y: displayHeight - y - h, width: w, height: h }
          : { x: displayHeight - y - h, y: x, width: h, height: w };
    return { ...region, box };
  });
}

/**
 * The `rotate` stream tag to give this ffmpeg build (2018) so the master carries the source's
 * display matrix: its mov muxer writes the matrix for `rotate=N` that its demuxer reads back as
 * 360 − N, so the tag is the counter-clockwise angle.
 */
export function rotateTagFor(rotation: SourceInfo['rotation']): string {
  return String((360 - rotation) % 360);
}

const TIMECODE = /^(\d{1,2}):(\d{2}):(\d{2})([:;.,])(\d{2,3})$/;

/**
 * The timecode `frames` frames after `timecode` (SMPTE HH:MM:SS:FF, or HH:MM:SS;FF drop-frame at
 * 29.97/59.94), wrapping at 24 hours. Null for text that is not a timecode.
 */
export function offsetTimecode(timecode: string, frames: number, rate: Rational): string | null {
  const m = TIMECODE.exec(timecode.trim());
  if (!m) return null;
  const fps = Math.max(1, Math.round(rate.num / rate.den));
  const dropFrame = m[4] === ';' || m[4] === ',';
  // Drop-frame skips frame numbers 0 and 1 (0–3 at 59.94) each minute except every tenth.
  const drop = dropFrame ? Math.round(fps / 15) : 0;
  const [h, min, s, f] = [m[1], m[2], m[3], m[5]].map(Number);
  const totalMinutes = 60 * h + min;
  const day = 24 * 3600 * fps - (dropFrame ? drop * (24 * 60 - 24 * 6) : 0);
  let n = ((h * 3600 + min * 60 + s) * fps + f - drop * (totalMinutes - Math.floor(totalMinutes / 10)) + frames) % day;
  if (n < 0) n += day;
  if (dropFrame) {
    const per10 = fps * 600 - drop * 9;
    const perMinute = fps * 60 - drop;
    const tens = Math.floor(n / per10);
    const rest = n % per10;
    n += drop * 9 * tens + (rest > drop ? drop * Math.floor((rest - drop) / perMinute) : 0);
  }
  const pad = (v: number) => String(v).padStart(2, '0');
  const ff = n % fps;
  const ss = Math.floor(n / fps) % 60;
  const mm = Math.floor(n / fps / 60) % 60;
  const hh = Math.floor(n / fps / 3600) % 24;
  return `${pad(hh)}:${pad(mm)}:${pad(ss)}${dropFrame ? ';' : ':'}${pad(ff)}`;
}

// ---------------------------------------------------------------------------------------------
// The frame clock: each exported frame's timestamp

/** Presentation timestamps of the source's frames in output order (from the packet index). */
export interface FrameTimeline {
  timeBase: Rational;
  /** Ticks of timeBase, sorted. */
  pts: number[];
  /** Seconds: the file's start (ffmpeg measures -ss and input offsets from it). */
  fileStartSeconds: number;
  /** Indices of the frames whose packets are keyframes (decoding can start there), ascending. */
  keyframes: number[];
}

/**
 * Which frame of a timeline a decoded frame is, by its timestamp (ticks of the timeline's base):
 * the entry with that time, else the nearest one within half a frame; null when none is.
 */
export function timelineIndexOf(timeline: FrameTimeline, pts: number): number | null {
  const times = timeline.pts;
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < pts) lo = mid + 1;
    else hi = mid;
  }
  // lo: the first entry at or after pts (or the last); its predecessor may be nearer.
  const best = lo > 0 && Math.abs(times[lo - 1] - pts) < Math.abs(times[lo] - pts) ? lo - 1 : lo;
  if (times[best] === pts) return best;
  const spacing = times.length > 1 ? (times[times.length - 1] - times[0]) / (times.length - 1) : Infinity;
  return Math.abs(times[best] - pts) < spacing / 2 ? best : null;
}

/** Seconds from the file's start of frame `i` of a timeline (ffmpeg measures -ss from there). */
export function frameSeconds(timeline: FrameTimeline, i: number): number {
  return (timeline.pts[i] * timeline.timeBase.num) / timeline.timeBase.den - timeline.fileStartSeconds;
}

/** Where a decode of frames from `start` on seeks to (`seconds`, for ffmpeg's -ss) and the frame it lands on. */
export interface RangeSeek {
  seconds: number;
  frame: number;
}

/**
 * How a decode reaches frame `start` without decoding every frame before it. A container with a
 * seek index (`exact`) lands on `start` itself. Others (MPEG-TS and -PS) seek by timestamp to the
 * nearest packet, which need not be a keyframe: the seek goes to the keyframe at or before
 * `start`, and the frames from there to `start` are decoded and dropped by their timestamps.
 * The time is halfway between the frame and the one before it, so rounding cannot decide which
 * side a frame falls on. Null: decode from the first frame.
 */
export function rangeSeek(timeline: FrameTimeline, start: number, exact: boolean): RangeSeek | null {
  if (start <= 0 || start >= timeline.pts.length) return null;
  let frame = start;
  if (!exact) {
    const before = timeline.keyframes.filter((k) => k <= start);
    frame = before.length ? before[before.length - 1] : 0;
    if (frame === 0) return null;
  }
  return { frame, seconds: (frameSeconds(timeline, frame - 1) + frameSeconds(timeline, frame)) / 2 };
}

export interface MasterClock {
  /** Source frames first..last are exported. */
  first: number;
  last: number;
  /** Seconds from the file's start to the first exported frame. */
  startSeconds: number;
  /** The decode reaches frame first by a seek (`rangeSeek` on the timeline); false from frame 0 or without real timestamps. */
  seeks: boolean;
  /** Seconds from the file's start to the end of the last exported frame; null when the export runs to the source's end. */
  endSeconds: number | null;
  /** True when the source's frames are not evenly spaced and the master keeps their own timestamps. */
  variable: boolean;
  /** mov/mp4 video timescale that holds every timestamp exactly. */
  timescale: number;
  /**
   * The encoder's rate, whose inverse is its time base: the frame rate for a constant-rate master,
   * the source's time base inverted for a variable one (a coarser time base would round timestamps).
   */
  encoderRate: Rational;
  /** Nominal (CFR) or last (VFR) frame duration, ns. */
  frameDurationNs: number;
  /** Time of master frame k after master frame 0, ns. */
  offsetNs(k: number): number;
}

/** ffmpeg's own choice of a track timescale for a frame rate: the numerator doubled up to at least 10000. */
function timescaleForRate(rate: Rational): number {
  let t = rate.num;
  while (t < 10000) t *= 2;
  return t;
}

/**
 * The frames to export and their timestamps. A source whose frames sit on the nominal frame grid
 * (within half a tick of its time base) gets exact grid timestamps, as a constant-rate master; any
 * other gets its own timestamps (variable frame rate kept). Without a trustworthy timeline the
 * grid starts at the video stream's start time.
 */
export function masterClock(
  source: Pick<SourceInfo, 'frameRate' | 'frameCount' | 'videoStartSeconds'>,
  timeline: FrameTimeline | null,
  range: FrameRange | null,
): MasterClock {
  const { frameRate, frameCount } = source;
  const first = range?.first ?? 0;
  const last = range?.last ?? frameCount - 1;
  if (first > last || last >= frameCount) {
    throw new BlurlineError('PROJECT_INVALID', `the export range ${first}–${last} is outside the source's frames 0–${frameCount - 1}`);
  }
  const nominal = frameRate.den / frameRate.num;
  const usable = timeline && timeline.pts.length > 1 && Math.abs(timeline.pts.length - frameCount) <= 1 ? timeline : null;
  const toSeconds = (t: FrameTimeline, ticks: number) => (ticks * t.timeBase.num) / t.timeBase.den;
  let variable = false;
  if (usable) {
    const tick = usable.timeBase.num / usable.timeBase.den;
    const p0 = usable.pts[0];
    variable = usable.pts.some((p, i) => Math.abs(toSeconds(usable, p - p0) - i * nominal) > tick / 2 + 1e-9);
  }
  const gridStart = usable ? toSeconds(usable, usable.pts[0]) - usable.fileStartSeconds : source.videoStartSeconds;
  const lastDuration = variable && usable ? toSeconds(usable, usable.pts.at(-1)! - usable.pts.at(-2)!) : nominal;
  const timeOf = (i: number): number => {
    if (variable && usable) {
      const n = usable.pts.length;
      if (i < n) return toSeconds(usable, usable.pts[i]) - usable.fileStartSeconds;
      return toSeconds(usable, usable.pts[n - 1]) - usable.fileStartSeconds + (i - n + 1) * lastDuration;
    }
    return gridStart + i * nominal;
  };
  const startSeconds = timeOf(first);
  const frameDurationNs = Math.round((variable && last + 1 < frameCount ? timeOf(last + 1) - timeOf(last) : lastDuration) * 1e9);
  return {
    first,
    last,
    startSeconds,
    seeks: first > 0 && usable !== null,
    endSeconds: last === frameCount - 1 ? null : timeOf(last + 1),
    variable,
    timescale: variable && usable ? usable.timeBase.den : timescaleForRate(frameRate),
    encoderRate: variable && usable ? { num: usable.timeBase.den, den: usable.timeBase.num } : frameRate,
    frameDurationNs,
    offsetNs: (k) =>
      variable && usable
        ? first + k < usable.pts.length
          ? Math.round(toSeconds(usable, usable.pts[first + k] - usable.pts[first]) * 1e9)
          : Math.round((timeOf(first + k) - startSeconds) * 1e9)
        : Math.round((k * frameRate.den * 1e9) / frameRate.num),
  };
}

// ---------------------------------------------------------------------------------------------
// Audio: copied bit for bit, or re-encoded with its redactions

/** Level of the bleep tone: 0.1 of full scale, −20 dBFS. */
export const BLEEP_AMPLITUDE = 0.1;
export const BLEEP_HZ = 1000;

export interface AudioPlan {
  audioIndex: number;
  /**
   * copy: packets unchanged; redact: decoded, redacted, encoded with `encoderArgs`; convert:
   * re-encoded unredacted, because the master's container cannot hold the source's codec.
   */
  mode: 'copy' | 'redact' | 'convert';
  /** Output codec (the source's when copied). */
  codec: string;
  /** Options for this output audio stream, without the stream specifier (`-c`, `-b`). */
  encoderArgs: string[];
  /** aeval expression (per sample, t in master seconds) when redacted. */
  expression: string | null;
  /** The redactions applied, in master seconds, for the audit report. */
  spans: { id: string; mode: AudioRedaction['mode']; label: string; startSeconds: number; endSeconds: number }[];
}

const num = (v: number) => v.toFixed(6);

/**
 * One aeval expression for all of a stream's spans: muted spans give 0, bleeped spans a 1 kHz
 * tone, and every other sample is its input value exactly (so PCM outside the spans is unchanged).
 */
export function redactionExpression(spans: readonly { mode: AudioRedaction['mode']; startSeconds: number; endSeconds: number }[]): string {
  const inside = (mode: AudioRedaction['mode']) =>
    spans
      .filter((s) => s.mode === mode)
      .map((s) => `between(t,${num(s.startSeconds)},${num(s.endSeconds)})`)
      .join('+');
  let expr = 'val(ch)';
  const bleep = inside('bleep');
  if (bleep) expr = `if(${bleep},${BLEEP_AMPLITUDE}*sin(2*PI*${BLEEP_HZ}*t),${expr})`;
  const mute = inside('mute');
  if (mute) expr = `if(${mute},0,${expr})`;
  return expr;
}

/**
 * Audio codecs each muxer takes by copy with this ffmpeg. Its mp4 muxer refuses PCM and calls
 * Opus and FLAC experimental; Matroska takes any.
 */
const MP4_AUDIO = ['aac', 'mp3', 'mp2', 'ac3', 'eac3', 'alac'];
const AUDIO_COPY_BY_MUXER: Record<string, (codec: string) => boolean> = {
  mp4: (codec) => MP4_AUDIO.includes(codec),
  mov: (codec) => MP4_AUDIO.includes(codec) || codec.startsWith('pcm_'),
  matroska: () => true,
};

export function muxerTakesAudio(muxer: string, codec: string): boolean {
  return (AUDIO_COPY_BY_MUXER[muxer] ?? AUDIO_COPY_BY_MUXER.mp4)(codec);
}

const aacFor = (stream: AudioStreamInfo) => ({ codec: 'aac', args: ['-c', 'aac', '-b', `${Math.min(512, 128 * Math.max(1, stream.channels))}k`] });

/**
 * Encoder for a redacted stream: PCM stays the same PCM where the container holds it (untouched
 * samples bit-identical), anything else becomes AAC at a high bitrate.
 */
function redactedCodec(stream: AudioStreamInfo, muxer: string): { codec: string; args: string[] } {
  if (stream.codec.startsWith('pcm_') && muxerTakesAudio(muxer, stream.codec)) return { codec: stream.codec, args: ['-c', stream.codec] };
  return aacFor(stream);
}

/**
 * What happens to each audio stream. Redactions (on the source's timeline, seconds from the
 * file's start) apply to every audio stream; a stream is re-encoded only when one overlaps the
 * exported span, or when the container cannot hold its codec (PCM or Opus into .mp4: AAC, said
 * in the result and the audit report).
 */
export function planAudio(
  streams: readonly AudioStreamInfo[],
  redactions: readonly AudioRedaction[],
  span: { startSeconds: number; endSeconds: number | null },
  muxer: string,
): AudioPlan[] {
  const end = span.endSeconds ?? Infinity;
  const spans = redactions
    .filter((r) => r.endSeconds > span.startSeconds && r.startSeconds < end)
    .map((r) => ({
      id: r.id,
      mode: r.mode,
      label: r.label,
      startSeconds: Math.max(0, r.startSeconds - span.startSeconds),
      endSeconds: Math.min(end, r.endSeconds) - span.startSeconds,
    }));
  return streams.map((stream) => {
    if (!spans.length) {
      if (muxerTakesAudio(muxer, stream.codec)) return { audioIndex: stream.audioIndex, mode: 'copy', codec: stream.codec, encoderArgs: ['-c', 'copy'], expression: null, spans: [] };
      const { codec, args } = aacFor(stream);
      return { audioIndex: stream.audioIndex, mode: 'convert', codec, encoderArgs: args, expression: null, spans: [] };
    }
    const { codec, args } = redactedCodec(stream, muxer);
    return { audioIndex: stream.audioIndex, mode: 'redact', codec, encoderArgs: args, expression: redactionExpression(spans), spans };
  });
}

// ---------------------------------------------------------------------------------------------
// Subtitle and data streams, metadata

export interface SideStream {
  /** Container stream index in the source. */
  index: number;
  type: 'subtitle' | 'data';
  codec: string;
  tag: string;
}

/** Subtitle codecs each muxer can take by copy with this ffmpeg; data streams go into mov/mp4 only. */
const SUBTITLES_BY_MUXER: Record<string, string[]> = {
  mov: ['mov_text'],
  mp4: ['mov_text', 'dvd_subtitle'],
  matroska: ['subrip', 'ass', 'ssa', 'webvtt', 'dvd_subtitle', 'hdmv_pgs_subtitle', 'dvb_subtitle'],
};

/**
 * Which subtitle/data streams (telemetry such as GoPro GPMF, dashcam GPS text tracks) the master
 * keeps: none when stripping metadata; otherwise those the container can hold. The timecode track
 * (tmcd) is never copied: the master gets its own from the source's timecode.
 */
export function planSideStreams(streams: readonly SideStream[], muxer: string, keep: boolean): { kept: SideStream[]; dropped: { stream: SideStream; reason: string }[] } {
  const kept: SideStream[] = [];
  const dropped: { stream: SideStream; reason: string }[] = [];
  for (const stream of streams) {
    if (stream.tag === 'tmcd') continue;
    const what = `${stream.type} stream ${stream.index} (${stream.codec || stream.tag})`;
    if (!keep) dropped.push({ stream, reason: `${what}: metadata stripped` });
    else if (stream.type === 'data' ? muxer === 'mov' || muxer === 'mp4' : (SUBTITLES_BY_MUXER[muxer] ?? []).includes(stream.codec)) kept.push(stream);
    else dropped.push({ stream, reason: `${what}: the ${muxer} container cannot hold it` });
  }
  return { kept, dropped };
}
