import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { BlurlineError, CancelledError } from '../../../core/errors';
import type { ColourTags, FrameTimeline, SideStream } from '../../../core/masterFormat';
import type { AudioStreamInfo, Rational, SourceInfo } from '../../../core/project';
import { runFfmpeg, runFfprobeJson, SOURCE_PROBE_ARGS, spawnMedia } from './ffmpeg';

interface ProbeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  nb_frames?: string;
  nb_read_packets?: string;
  duration?: string;
  start_time?: string;
  channels?: number;
  sample_rate?: string;
  codec_tag_string?: string;
  time_base?: string;
  color_range?: string;
  color_space?: string;
  color_transfer?: string;
  color_primaries?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: { rotation?: number | string }[];
}

interface ProbeResult {
  streams?: ProbeStream[];
  format?: { format_name?: string; duration?: string; start_time?: string; tags?: Record<string, string> };
  packets?: { pts?: number; flags?: string }[];
}

export function parseRational(text: string | undefined): Rational | null {
  if (!text) return null;
  const [n, d = '1'] = text.split('/');
  const num = Number(n);
  const den = Number(d);
  if (!Number.isInteger(num) || !Number.isInteger(den) || num <= 0 || den <= 0) return null;
  return { num, den };
}

function positiveNumber(text: string | undefined): number | null {
  const n = Number(text);
  return text !== undefined && Number.isFinite(n) && n > 0 ? n : null;
}

/** Clockwise display rotation from the display matrix (newer ffprobe) or the `rotate` tag (older). */
export function rotationOf(stream: ProbeStream): SourceInfo['rotation'] {
  const matrix = stream.side_data_list?.find((s) => s.rotation !== undefined)?.rotation;
  // The display matrix states the counter-clockwise angle that corrects the picture.
  const degrees = matrix !== undefined ? -Number(matrix) : Number(stream.tags?.rotate ?? 0);
  const normalised = (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;
  return normalised as SourceInfo['rotation'];
}

/** The stream's frame rate: the average rate when it is a plausible video rate, else the base rate. */
export function frameRateOf(stream: ProbeStream): Rational | null {
  const avg = parseRational(stream.avg_frame_rate);
  const base = parseRational(stream.r_frame_rate);
  if (avg && avg.num / avg.den <= 1000) return avg;
  return base && base.num / base.den <= 1000 ? base : null;
}

/** Streams the file through SHA-256 (constant memory). */
export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  for await (const chunk of stream) {
    if (signal?.aborted) {
      stream.destroy();
      throw new CancelledError('hashing the source');
    }
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

/** Fails with SOURCE_NOT_FOUND unless `file` is an existing regular file; returns its size. */
export async function assertReadableFile(file: string, what = 'source'): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new BlurlineError('SOURCE_NOT_FOUND', `${what} is not a file: ${file}`);
    return info.size;
  } catch (err) {
    if (err instanceof BlurlineError) throw err;
    throw new BlurlineError('SOURCE_NOT_FOUND', `${what} not found: ${file}`);
  }
}

/** Transport-stream packets: 188 bytes (MPEG-TS), or 192 with a 4-byte timestamp first (M2TS/MTS, AVCHD); each starts with 0x47. */
const TS_PACKETS = [
  { size: 188, syncAt: 0, container: 'mpegts' },
  { size: 192, syncAt: 4, container: 'mpegts (m2ts)' },
];
const TS_PACKETS_CHECKED = 5;

/** The transport stream a file's first bytes are, or null (any other container). */
export function transportStreamKind(head: Uint8Array): string | null {
  for (const { size, syncAt, container } of TS_PACKETS) {
    if (head.length < size * TS_PACKETS_CHECKED) continue;
    let synced = true;
    for (let k = 0; k < TS_PACKETS_CHECKED && synced; k++) synced = head[k * size + syncAt] === 0x47;
    if (synced) return container;
  }
  return null;
}

/** The transport stream a file is (from its first packets), or null. */
async function transportStreamOf(file: string): Promise<string | null> {
  const handle = await open(file, 'r');
  try {
    const head = new Uint8Array(192 * TS_PACKETS_CHECKED);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return transportStreamKind(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/**
 * ffprobe over a source (`args` without the file). The bundled ffprobe crashes (SIGSEGV) in its
 * MPEG-TS reader on every transport stream, so those are read through ffmpeg instead, which
 * copies every packet, timestamps kept, into NUT on a pipe that ffprobe reads: the same streams,
 * in the same order, with the same packets and times. Such a probe has no container name of the
 * source and no duration: the callers get the name from `transportStreamOf` and count frames.
 */
async function probeSource(file: string, args: readonly string[], task: string, signal?: AbortSignal): Promise<ProbeResult> {
  if (!(await transportStreamOf(file))) return (await runFfprobeJson([...args, file], task, signal)) as ProbeResult;
  const version = await fileVersion(file);
  const known = silentStreamsSeen.get(version);
  if (known) return probeThroughNut(file, args, known, task, signal);
  try {
    return await probeThroughNut(file, args, [], task, signal);
  } catch (err) {
    // Which of the copy and ffprobe reports first is a race, so the listing decides, not the message.
    if (!(err instanceof BlurlineError) || err instanceof CancelledError) throw err;
    const silent = await silentAudioStreams(file, task, signal).catch(() => []);
    if (silent.length === 0) throw err;
    rememberSilentStreams(version, silent);
    return probeThroughNut(file, args, silent, task, signal);
  }
}

/**
 * Silent audio streams found per file version (path, size, modification time): a source is
 * probed several times (its streams, its packets, its timeline, its render inputs), and finding
 * them costs a failed copy and a listing, each reading up to 50 MB. A changed file is a new key.
 */
const silentStreamsSeen = new Map<string, readonly number[]>();
const SILENT_STREAMS_KEPT = 32;

async function fileVersion(file: string): Promise<string> {
  const { size, mtimeMs } = await stat(file);
  return `${file}\0${size}\0${mtimeMs}`;
}

function rememberSilentStreams(version: string, silent: readonly number[]): void {
  silentStreamsSeen.set(version, silent);
  // Maps keep insertion order: the first key is the one seen longest ago.
  if (silentStreamsSeen.size > SILENT_STREAMS_KEPT) silentStreamsSeen.delete(silentStreamsSeen.keys().next().value!);
}

/**
 * The NUT copy without the `silent` streams (no muxer takes audio without a sample rate), their
 * indices given back: stream numbers in `args` are the source's, and so are those in the result,
 * where each silent stream is listed as audio with no parameters.
 */
async function probeThroughNut(file: string, args: readonly string[], silent: readonly number[], task: string, signal?: AbortSignal): Promise<ProbeResult> {
  const toCopy = (index: number) => index - silent.filter((s) => s < index).length;
  const fromCopy = (index: number) => silent.reduce((i, s) => (s <= i ? i + 1 : i), index);
  const copyArgs = args.map((arg, i) => (args[i - 1] === '-select_streams' && /^\d+$/.test(arg) ? String(toCopy(Number(arg))) : arg));
  const copy = spawnMedia(
    ['-hide_banner', '-v', 'error', ...SOURCE_PROBE_ARGS, '-i', file, '-map', '0', ...silent.flatMap((s) => ['-map', `-0:${s}`]), '-c', 'copy', '-copyts', '-f', 'nut', 'pipe:1'],
    { task, signal },
  );
  const probe = (await runFfprobeJson([...copyArgs, '-i', 'pipe:0'], task, signal, copy)) as ProbeResult;
  if (silent.length === 0 || !probe.streams) return probe;
  const selected = copyArgs.includes('-select_streams');
  const streams = [...probe.streams.map((stream) => ({ ...stream, index: fromCopy(stream.index) })), ...(selected ? [] : silent.map((index) => ({ index, codec_type: 'audio' })))];
  return { ...probe, streams: streams.sort((a, b) => a.index - b.index) };
}

/**
 * Audio streams a transport stream declares whose parameters never show, read from ffmpeg's
 * listing of its input: a dashcam whose microphone is off may still list its audio stream and
 * send no packets on it.
 */
async function silentAudioStreams(file: string, task: string, signal?: AbortSignal): Promise<number[]> {
  const listing = await runFfmpeg(['-hide_banner', ...SOURCE_PROBE_ARGS, '-i', file, '-map', '0:v:0?', '-t', '0', '-f', 'null', '-'], { task, signal });
  return [...listing.matchAll(/^\s*Stream #0:(\d+)\S*: Audio: (.*)$/gm)].filter((m) => !/\d+ Hz/.test(m[2])).map((m) => Number(m[1]));
}

/** The largest picture side Blurline opens: twice 8K, beyond any camera's. */
const MAX_SIDE = 16384;

/** Reads everything Blurline needs to know about a source video. Never writes to it. */
export async function probeVideo(file: string, options: { signal?: AbortSignal } = {}): Promise<SourceInfo> {
  const absolute = path.resolve(file);
  const sizeBytes = await assertReadableFile(absolute);
  if (sizeBytes === 0) throw new BlurlineError('SOURCE_UNREADABLE', `source is an empty file: ${absolute}`);
  const task = `reading ${path.basename(absolute)}`;
  const probe = await probeSource(absolute, ['-show_format', '-show_streams'], task, options.signal);
  const streams = probe.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!video) {
    const kinds = [...new Set(streams.map((s) => s.codec_type ?? 'unknown'))];
    throw new BlurlineError(
      'NO_VIDEO_STREAM',
      `${path.basename(absolute)} has no video stream${kinds.length ? ` (it has: ${kinds.join(', ')})` : ''}`,
    );
  }
  if (!video.width || !video.height) {
    throw new BlurlineError('SOURCE_UNREADABLE', `${path.basename(absolute)}: the video stream has no picture size (corrupt file?)`);
  }
  if (video.width > MAX_SIDE || video.height > MAX_SIDE) {
    // A damaged or hostile header: decoding would try to allocate gigabytes a frame.
    throw new BlurlineError(
      'SOURCE_UNREADABLE',
      `${path.basename(absolute)} declares a ${video.width}×${video.height} picture; Blurline opens at most ${MAX_SIDE} pixels a side (a damaged header?)`,
    );
  }
  const frameRate = frameRateOf(video);
  if (!frameRate) throw new BlurlineError('SOURCE_UNREADABLE', `${path.basename(absolute)}: the video stream has no frame rate`);
  const fps = frameRate.num / frameRate.den;
  let durationSeconds = positiveNumber(video.duration) ?? positiveNumber(probe.format?.duration);

  // Only MP4/QuickTime's sample tables count frames exactly. Matroska and transport streams
  // state none; AVI's header counts the empty chunks that mean "repeat the last frame", which no
  // decoder outputs; program streams only have a length estimated from their rate. Everything else
  // has its packets counted (reads the file, no decoding).
  let frameCount = /^mov,mp4/.test(probe.format?.format_name ?? '') ? positiveNumber(video.nb_frames) : null;
  if (frameCount === null) {
    const counted = await probeSource(absolute, ['-count_packets', '-select_streams', String(video.index), '-show_entries', 'stream=nb_read_packets'], task, options.signal);
    frameCount = positiveNumber(counted.streams?.[0]?.nb_read_packets);
  }
  if (frameCount === null && durationSeconds !== null) frameCount = Math.round(durationSeconds * fps);
  // A transport stream read through a pipe states no duration: its frames at its rate say it.
  if (durationSeconds === null && frameCount !== null) durationSeconds = frameCount / fps;
  if (frameCount === null || durationSeconds === null) {
    throw new BlurlineError('SOURCE_UNREADABLE', `${path.basename(absolute)}: cannot tell the video's length (corrupt or truncated file?)`);
  }

  const rotation = rotationOf(video);
  const swap = rotation === 90 || rotation === 270;
  let audioIndex = 0;
  const audioStreams: AudioStreamInfo[] = streams
    .filter((s) => s.codec_type === 'audio')
    .map((s) => ({
      audioIndex: audioIndex++,
      codec: s.codec_name ?? 'unknown',
      channels: s.channels ?? 0,
      sampleRate: Number(s.sample_rate ?? 0) || 0,
      durationSeconds: positiveNumber(s.duration),
      language: s.tags?.language && s.tags.language !== 'und' ? s.tags.language : null,
    }))
    // A stream declared with no sound in it (a muted dashcam's) has nothing to keep or redact.
    .filter((a) => a.sampleRate > 0 && a.channels > 0);

  return {
    path: absolute,
    sizeBytes,
    sha256: await sha256File(absolute, options.signal),
    container: (await transportStreamOf(absolute)) ?? probe.format?.format_name ?? 'unknown',
    videoCodec: video.codec_name ?? 'unknown',
    pixelFormat: video.pix_fmt ?? 'unknown',
    width: swap ? video.height : video.width,
    height: swap ? video.width : video.height,
    frameRate,
    frameCount: Math.round(frameCount),
    durationSeconds,
    rotation,
    videoStartSeconds: Number(video.start_time ?? 0) || 0,
    audioStreams,
  };
}

/** What a render needs to know beyond SourceInfo, read fresh from the (verified) source. */
export interface RenderInputs {
  colour: ColourTags;
  /** SMPTE timecode of the first frame (tmcd track or stream tag), if any. */
  timecode: string | null;
  /** Subtitle and data streams (GPS tracks, telemetry, timecode). */
  sideStreams: SideStream[];
  /** Every frame's timestamp from the packet index; null when the timestamps cannot be trusted. */
  timeline: FrameTimeline | null;
  /** The demuxer seeks by an index, so `-ss` before `-i` lands exactly (mov/mp4, Matroska). */
  seekable: boolean;
}

/** Containers whose demuxer seeks by an index, so `-ss` before `-i` lands exactly (checked by tests). */
const INDEXED_CONTAINERS = /^(mov,mp4|matroska)/;

export function seeksExactly(container: string): boolean {
  return INDEXED_CONTAINERS.test(container);
}

/**
 * Every frame's timestamp from the packet index (reads the file, decodes nothing): packets sorted
 * by presentation time are the frames in the order the decoder outputs them; packets the
 * demuxer marks discarded (before an edit list's start) never become frames. Null when the
 * timestamps cannot be trusted (missing or repeated). `stream`: an ffprobe stream specifier.
 */
export async function readFrameTimeline(file: string, stream: string, signal?: AbortSignal): Promise<FrameTimeline | null> {
  const probe = await probeSource(file, ['-select_streams', stream, '-show_entries', 'packet=pts,flags:stream=time_base:format=start_time'], `indexing ${path.basename(file)}`, signal);
  const timeBase = parseRational(probe.streams?.[0]?.time_base);
  if (!timeBase) return null;
  const pts: number[] = [];
  const keyPts = new Set<number>();
  for (const packet of probe.packets ?? []) {
    if (packet.flags?.includes('D')) continue;
    if (typeof packet.pts !== 'number') return null;
    pts.push(packet.pts);
    if (packet.flags?.includes('K')) keyPts.add(packet.pts);
  }
  pts.sort((a, b) => a - b);
  for (let i = 1; i < pts.length; i++) if (pts[i] === pts[i - 1]) return null;
  const keyframes = pts.flatMap((t, i) => (keyPts.has(t) ? [i] : []));
  return pts.length ? { timeBase, pts, fileStartSeconds: Number(probe.format?.start_time ?? 0) || 0, keyframes } : null;
}

/**
 * Reads the source's colour tags, timecode, side streams and frame timestamps (the packet index:
 * reads the file, decodes nothing). Packets sorted by presentation time are the frames in the
 * order the decoder outputs them; packets marked discarded never become frames.
 */
export async function probeRenderInputs(source: SourceInfo, signal?: AbortSignal): Promise<RenderInputs> {
  const task = `reading ${path.basename(source.path)}`;
  const info = await probeSource(source.path, ['-show_format', '-show_streams'], task, signal);
  const streams = info.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const known = (v: string | undefined) => (v && v !== 'unknown' ? v : undefined);
  const colour: ColourTags = {
    range: known(video?.color_range),
    space: known(video?.color_space),
    transfer: known(video?.color_transfer),
    primaries: known(video?.color_primaries),
  };
  const timecode =
    video?.tags?.timecode ?? streams.find((s) => s.codec_tag_string === 'tmcd')?.tags?.timecode ?? info.format?.tags?.timecode ?? null;
  const sideStreams: SideStream[] = streams
    .filter((s) => s.codec_type === 'subtitle' || s.codec_type === 'data')
    .map((s) => ({ index: s.index, type: s.codec_type as SideStream['type'], codec: s.codec_name ?? '', tag: s.codec_tag_string ?? '' }));

  const timeline = video ? await readFrameTimeline(source.path, String(video.index), signal) : null;
  return { colour, timecode, sideStreams, timeline, seekable: seeksExactly(source.container) };
}
