import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { createYuvAnonymiser } from '../../../core/anonymiseKernel';
import { BlurlineError, CancelledError } from '../../../core/errors';
import {
  checkMasterContainer,
  colourArgs,
  edgePaddingFilter,
  evenSizePadding,
  masterClock,
  masterFormatFor,
  offsetTimecode,
  planAudio,
  planSideStreams,
  rangeSeek,
  RAW_YUV_FORMATS,
  regionsToCoded,
  rotateTagFor,
  videoEncoderArgs,
  type AudioPlan,
  type EdgePadding,
  type MasterClock,
  type MasterFormat,
  type SideStream,
} from '../../../core/masterFormat';
import type { AudioRedaction, ExportSettings, FrameRange, MasterCodec, SourceInfo } from '../../../core/project';
import { planForRange, type RenderPlan } from '../../../core/renderPlan';
import { decodeFramesFrom, frameByteSize } from './decode';
import { FramePool } from '../../../core/rawFrames';
import { findBinary } from './binaries';
import { formatCommandLine, runFfprobeJson, SOURCE_PROBE_ARGS, spawnMedia } from './ffmpeg';
import { probeRenderInputs, sha256File, type RenderInputs } from './probe';
import { progressFromFrames, type JobProgress } from '../../../core/progress';

export interface RenderRequest {
  source: SourceInfo;
  plan: RenderPlan;
  outputPath: string;
  settings: ExportSettings;
  /** Spans of the source's audio to mute or bleep (seconds from the file's start). */
  audioRedactions?: readonly AudioRedaction[];
  /** Replace an existing file at outputPath (only ever by rename, after a complete render). */
  overwrite?: boolean;
}

export interface RenderOptions {
  onProgress?: (progress: JobProgress) => void;
  signal?: AbortSignal;
}

export interface RenderResult {
  outputPath: string;
  frames: number;
  regionsApplied: number;
  elapsedSeconds: number;
  /** The encoder's command line, for the audit trail. */
  ffmpegCommand: string;
  /** The second pass that restores the source's rotation tag (stream copy), when there was one. */
  remuxCommand: string | null;
  videoCodec: MasterCodec;
  /** The master's pixel format (also the format the blur ran on). */
  pixelFormat: string;
  /** Source frames exported (inclusive); master frame 0 is source frame `first`. */
  range: FrameRange;
  /** The source's frames were unevenly spaced and the master keeps their timestamps. */
  variableFrameRate: boolean;
  /** Rotation kept as a tag on the unrotated picture, or baked into the picture (Matroska), or none. */
  rotation: 'none' | 'tagged' | 'baked';
  /** Edge pixels repeated to make an odd-sized picture even (what 4:2:0 and 4:2:2 need), or null. */
  padding: EdgePadding | null;
  /** Source frames the decoder could not decode (damaged packets): the frame before stands in for each. */
  repeatedFrames: number[];
  /** Each audio stream: copied, or re-encoded with its redactions (times in master seconds). */
  audio: Pick<AudioPlan, 'audioIndex' | 'mode' | 'codec' | 'spans'>[];
  /** Subtitle/data streams copied into the master (source stream indices). */
  keptStreams: number[];
  /** Subtitle/data streams left out, and why. */
  droppedStreams: string[];
}

const MUXERS: Record<string, string> = { '.mp4': 'mp4', '.m4v': 'mp4', '.mov': 'mov', '.mkv': 'matroska' };

/** Real path of a file that may not exist yet (its folder must). */
function canonicalPath(file: string): string {
  const dir = realpathSync(path.dirname(file));
  return path.join(dir, path.basename(file));
}

/**
 * Checks an output path before any work: a supported container (for the codec), an existing folder, not the
 * source (by path or, for links, by inode), and no existing file unless overwrite was asked for.
 */
export function checkOutputPath(
  sourcePath: string,
  outputPath: string,
  overwrite = false,
  codec: MasterCodec = 'h264',
): { absolute: string; muxer: string } {
  const absolute = path.resolve(outputPath);
  const muxer = MUXERS[path.extname(absolute).toLowerCase()];
  if (!muxer) {
    throw new BlurlineError('OUTPUT_UNSUPPORTED', `unsupported output type "${path.extname(absolute) || '(none)'}": use .mp4, .mov, .m4v or .mkv`);
  }
  checkMasterContainer(codec, muxer, path.extname(absolute));
  let dirOk = false;
  try {
    dirOk = statSync(path.dirname(absolute)).isDirectory();
  } catch {
    dirOk = false;
  }
  if (!dirOk) throw new BlurlineError('OUTPUT_DIR_MISSING', `output folder does not exist: ${path.dirname(absolute)}`);
  try {
    accessSync(path.dirname(absolute), constants.W_OK);
  } catch {
    throw new BlurlineError('PERMISSION_DENIED', `cannot write in ${path.dirname(absolute)}: permission denied (a read-only folder or drive?)`);
  }
  const sameAsSource = () => {
    if (canonicalPath(absolute) === canonicalPath(path.resolve(sourcePath))) return true;
    try {
      const a = statSync(absolute);
      const b = statSync(sourcePath);
      return a.dev === b.dev && a.ino === b.ino;
    } catch {
      return false;
    }
  };
  if (sameAsSource()) {
    throw new BlurlineError('OUTPUT_IS_SOURCE', `the output path is the source video (${sourcePath}); choose another file name — the source is never overwritten`);
  }
  let exists = false;
  try {
    statSync(absolute);
    exists = true;
  } catch {
    exists = false;
  }
  if (exists && !overwrite) throw new BlurlineError('OUTPUT_EXISTS', `output already exists: ${absolute} (use overwrite to replace it)`);
  return { absolute, muxer };
}

/** Fails with SOURCE_CHANGED when the file at the source path is no longer the one the project was made from. */
export async function verifySourceUnchanged(source: SourceInfo, signal?: AbortSignal): Promise<void> {
  let size: number;
  try {
    size = (await stat(source.path)).size;
  } catch {
    throw new BlurlineError('SOURCE_NOT_FOUND', `source video not found: ${source.path}`);
  }
  if (size !== source.sizeBytes || (await sha256File(source.path, signal)) !== source.sha256) {
    throw new BlurlineError(
      'SOURCE_CHANGED',
      `the source video has changed since the project was made (${source.path}); its tracks may not match — re-run detection`,
    );
  }
}

/**
 * Matroska framing for raw frames on the encoder's stdin: unlike a rawvideo pipe (constant rate
 * by construction) each frame carries its own timestamp, so variable frame rate survives. One
 * track of V_UNCOMPRESSED frames (the pixel format named by its FourCC), timestamps in
 * nanoseconds, one cluster per frame.
 */
const EBML_UNKNOWN_SIZE = Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

function ebmlSize(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  b[0] = 0x01;
  return b;
}

function ebml(id: number, body: Buffer): Buffer {
  const idBytes = Buffer.from(id.toString(16).padStart(id > 0xffffff ? 8 : id > 0xffff ? 6 : id > 0xff ? 4 : 2, '0'), 'hex');
  return Buffer.concat([idBytes, ebmlSize(body.length), body]);
}

function ebmlUint(id: number, value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(value));
  return ebml(id, b);
}

export function matroskaRawHeader(fourcc: string, width: number, height: number, frameDurationNs: number): Buffer {
  const header = ebml(0x1a45dfa3, Buffer.concat([ebml(0x4282, Buffer.from('matroska')), ebmlUint(0x4287, 4), ebmlUint(0x4285, 2)]));
  const info = ebml(0x1549a966, ebmlUint(0x2ad7b1, 1));
  const video = ebml(0xe0, Buffer.concat([ebmlUint(0xb0, width), ebmlUint(0xba, height), ebml(0x2eb524, Buffer.from(fourcc, 'latin1'))]));
  const track = ebml(
    0xae,
    Buffer.concat([
      ebmlUint(0xd7, 1),
      ebmlUint(0x73c5, 1),
      ebmlUint(0x83, 1),
      ebml(0x86, Buffer.from('V_UNCOMPRESSED')),
      ...(frameDurationNs > 0 ? [ebmlUint(0x23e383, frameDurationNs)] : []),
      video,
    ]),
  );
  return Buffer.concat([header, Buffer.from([0x18, 0x53, 0x80, 0x67]), EBML_UNKNOWN_SIZE, info, ebml(0x1654ae6b, track)]);
}

/** Everything of a cluster before the frame's bytes: the frame follows as the SimpleBlock's payload. */
export function matroskaFrameHeader(timestampNs: number, frameBytes: number): Buffer {
  const timecode = ebmlUint(0xe7, timestampNs);
  const blockHead = Buffer.concat([Buffer.from([0xa3]), ebmlSize(4 + frameBytes), Buffer.from([0x81, 0x00, 0x00, 0x80])]);
  return Buffer.concat([Buffer.from([0x1f, 0x43, 0xb6, 0x75]), ebmlSize(timecode.length + blockHead.length + frameBytes), timecode, blockHead]);
}

/** Everything the encoder command is built from. */
export interface EncodePlan {
  source: SourceInfo;
  settings: ExportSettings;
  format: MasterFormat;
  clock: MasterClock;
  audio: AudioPlan[];
  sideStreams: SideStream[];
  inputs: Pick<RenderInputs, 'colour' | 'timecode'>;
  muxer: string;
  /** A second pass (stream copy) follows to add the rotation tag; this pass then writes no timecode. */
  remuxFollows: boolean;
  /** Edge pixels added to an odd-sized picture (in the orientation the frames are encoded in). */
  padding: EdgePadding | null;
}

const isMp4Family = (muxer: string) => muxer === 'mp4' || muxer === 'mov';

/** `-c`, `-b` … pairs for one output stream, given its specifier (a:1, s:0 …). */
function perStream(args: readonly string[], specifier: string): string[] {
  return args.flatMap((a, i) => (i % 2 === 0 ? [`${a}:${specifier}`] : [a]));
}

/** Timecode of master frame 0: the source's, moved on by the range's first frame. */
function masterTimecode(plan: Pick<EncodePlan, 'inputs' | 'clock' | 'source'>): string | null {
  const tc = plan.inputs.timecode;
  return tc ? offsetTimecode(tc, plan.clock.first, plan.source.frameRate) : null;
}

/** Metadata that ends the file: the timecode and mov/mp4 finishing flags (also used by the rotation pass). */
function finishingArgs(plan: EncodePlan): string[] {
  const args: string[] = [];
  const timecode = masterTimecode(plan);
  if (timecode) args.push(...(isMp4Family(plan.muxer) ? ['-timecode', timecode] : ['-metadata:s:v:0', `timecode=${timecode}`]));
  if (isMp4Family(plan.muxer)) {
    const colr = colourArgs(plan.inputs.colour, plan.source.pixelFormat).length ? '+write_colr' : '';
    args.push('-movflags', `+faststart${colr}`);
  }
  return args;
}

/**
 * Encoder arguments: raw frames with timestamps on stdin (Matroska), the source as the second
 * input for audio (cut to the range; redacted streams through aeval) and, when kept, subtitle and
 * data streams; tags and side streams stripped by default.
 */
export function encoderArgs(plan: EncodePlan, outputPath: string): string[] {
  const { source, settings, format, clock, muxer } = plan;
  // Master frame 0 sits at the source's time for it: from frame 0 the video keeps its offset
  // against the (uncut) audio; a range cuts the source input to start at its first frame.
  const cutStart = clock.first > 0;
  const args = [
    '-hide_banner', '-v', 'error',
    ...(!cutStart && clock.startSeconds ? ['-itsoffset', clock.startSeconds.toFixed(6)] : []),
    '-f', 'matroska', '-i', 'pipe:0',
    ...(cutStart ? ['-ss', clock.startSeconds.toFixed(6)] : []),
    ...(clock.endSeconds !== null ? ['-t', (clock.endSeconds - (cutStart ? clock.startSeconds : 0)).toFixed(6)] : []),
    ...SOURCE_PROBE_ARGS,
    '-i', source.path,
  ];
  const graphs = plan.audio
    .filter((a) => a.expression)
    .map((a) => `[1:a:${a.audioIndex}]aeval=exprs='${a.expression}':channel_layout=same[redacted${a.audioIndex}]`);
  if (graphs.length) args.push('-filter_complex', graphs.join(';'));
  args.push('-map', '0:v:0');
  if (plan.padding) args.push('-vf', edgePaddingFilter(plan.padding));
  for (const a of plan.audio) args.push('-map', a.expression ? `[redacted${a.audioIndex}]` : `1:a:${a.audioIndex}`);
  for (const s of plan.sideStreams) args.push('-map', `1:${s.index}`);
  args.push(...videoEncoderArgs(format, settings, muxer), ...colourArgs(plan.inputs.colour, source.pixelFormat));
  plan.audio.forEach((a, k) => args.push(...perStream(a.encoderArgs, `a:${k}`)));
  if (plan.sideStreams.length) args.push('-c:s', 'copy', '-c:d', 'copy');

  if (settings.stripMetadata) {
    // No container or stream tags from the source, and none naming the writing software.
    args.push('-map_metadata', '-1', '-map_chapters', '-1', '-fflags', '+bitexact');
  } else {
    // Global and per-stream tags from the source (naming any stream turns off ffmpeg's automatic copy).
    args.push('-map_metadata', '1', '-map_metadata:s:v:0', '1:s:v:0');
    plan.audio.forEach((a, k) => args.push(`-map_metadata:s:a:${k}`, `1:s:a:${a.audioIndex}`));
    plan.sideStreams.forEach((s, k) => args.push(`-map_metadata:s:${1 + plan.audio.length + k}`, `1:s:${s.index}`));
  }
  // Language tags are not identifying and editors need them to tell audio tracks apart.
  plan.audio.forEach((a, k) => {
    const language = source.audioStreams.find((s) => s.audioIndex === a.audioIndex)?.language;
    if (language) args.push(`-metadata:s:a:${k}`, `language=${language}`);
  });
  // The rotation and timecode are written explicitly, never from copied tags.
  args.push('-metadata:s:v:0', 'rotate=', '-metadata:s:v:0', 'timecode=');
  if (!plan.remuxFollows) args.push(...finishingArgs(plan));
  // Every frame as it comes, at its own time: the encoder's time base is fine enough for each.
  args.push('-r', `${clock.encoderRate.num}/${clock.encoderRate.den}`, '-vsync', 'passthrough', '-max_muxing_queue_size', '4096');
  if (isMp4Family(muxer)) args.push('-video_track_timescale', String(clock.timescale));
  args.push('-f', muxer, '-y', outputPath);
  return args;
}

/** The rotation pass: a stream copy that adds the display matrix (this ffmpeg drops it when encoding). */
export function rotationRemuxArgs(plan: EncodePlan, encodedPath: string, outputPath: string): string[] {
  return [
    '-hide_banner', '-v', 'error',
    '-i', encodedPath,
    '-map', '0', '-c', 'copy',
    ...(plan.settings.stripMetadata ? ['-fflags', '+bitexact'] : []),
    '-metadata:s:v:0', `rotate=${rotateTagFor(plan.source.rotation)}`,
    ...finishingArgs(plan),
    '-f', plan.muxer, '-y', outputPath,
  ];
}

/** A box of an ISO-BMFF (mp4/mov) file: its type and where it starts, its payload starts and it ends. */
interface IsoBox {
  type: string;
  start: number;
  body: number;
  end: number;
}

function* isoBoxes(buf: Buffer, start: number, end: number): Generator<IsoBox> {
  let at = start;
  while (at + 8 <= end) {
    let size = buf.readUInt32BE(at);
    let body = at + 8;
    if (size === 1) {
      size = Number(buf.readBigUInt64BE(at + 8));
      body = at + 16;
    } else if (size === 0) size = end - at;
    if (size < body - at || at + size > end) return;
    yield { type: buf.toString('latin1', at + 4, at + 8), start: at, body, end: at + size };
    at += size;
  }
}

const childBox = (buf: Buffer, parent: IsoBox, type: string) => [...isoBoxes(buf, parent.body, parent.end)].find((b) => b.type === type);

/** Reads or adds to a version-dependent 32/64-bit field. */
function addToField(buf: Buffer, at: number, wide: boolean, delta: number): number {
  const value = (wide ? Number(buf.readBigUInt64BE(at)) : buf.readUInt32BE(at)) + delta;
  if (wide) buf.writeBigUInt64BE(BigInt(value), at);
  else buf.writeUInt32BE(value, at);
  return value;
}

/**
 * Gives the video track's last sample its duration in a moov box (in place). This ffmpeg's mov
 * muxer knows no duration for the last frame when the encoder's time base is finer than 1 ms (a
 * variable-rate master keeps the source's fine time base), writes 0, and ends the edit list at
 * that frame's start, so players drop it. Returns whether anything was changed.
 */
export function patchLastVideoSampleDuration(moov: Buffer, durationSeconds: number): boolean {
  const root: IsoBox = { type: 'moov', start: 0, body: 8, end: moov.length };
  const mvhd = childBox(moov, root, 'mvhd');
  if (!mvhd) return false;
  const mvhdWide = moov[mvhd.body] === 1;
  const movieScale = moov.readUInt32BE(mvhd.body + (mvhdWide ? 20 : 12));
  for (const trak of isoBoxes(moov, root.body, root.end)) {
    if (trak.type !== 'trak') continue;
    const mdia = childBox(moov, trak, 'mdia');
    const hdlr = mdia && childBox(moov, mdia, 'hdlr');
    if (!mdia || !hdlr || moov.toString('latin1', hdlr.body + 8, hdlr.body + 12) !== 'vide') continue;
    const stbl = [childBox(moov, mdia, 'minf')].map((minf) => minf && childBox(moov, minf, 'stbl'))[0];
    const stts = stbl && childBox(moov, stbl, 'stts');
    const mdhd = childBox(moov, mdia, 'mdhd');
    const tkhd = childBox(moov, trak, 'tkhd');
    if (!stts || !mdhd || !tkhd) return false;
    const entries = moov.readUInt32BE(stts.body + 4);
    const last = stts.body + 8 + (entries - 1) * 8;
    if (entries === 0 || moov.readUInt32BE(last) !== 1 || moov.readUInt32BE(last + 4) !== 0) return false;
    const mdhdWide = moov[mdhd.body] === 1;
    const trackScale = moov.readUInt32BE(mdhd.body + (mdhdWide ? 20 : 12));
    const trackDelta = Math.round(durationSeconds * trackScale);
    const movieDelta = Math.round(durationSeconds * movieScale);
    moov.writeUInt32BE(trackDelta, last + 4);
    addToField(moov, mdhd.body + (mdhdWide ? 24 : 16), mdhdWide, trackDelta);
    const tkhdWide = moov[tkhd.body] === 1;
    const trackDuration = addToField(moov, tkhd.body + (tkhdWide ? 28 : 20), tkhdWide, movieDelta);
    const elst = [childBox(moov, trak, 'edts')].map((edts) => edts && childBox(moov, edts, 'elst'))[0];
    if (elst && moov.readUInt32BE(elst.body + 4) > 0) {
      const elstWide = moov[elst.body] === 1;
      const lastEdit = elst.body + 8 + (moov.readUInt32BE(elst.body + 4) - 1) * (elstWide ? 20 : 12);
      addToField(moov, lastEdit, elstWide, movieDelta);
    }
    const movieDurationAt = mvhd.body + (mvhdWide ? 24 : 16);
    const movieDuration = mvhdWide ? Number(moov.readBigUInt64BE(movieDurationAt)) : moov.readUInt32BE(movieDurationAt);
    if (trackDuration > movieDuration) addToField(moov, movieDurationAt, mvhdWide, trackDuration - movieDuration);
    return true;
  }
  return false;
}

/** Finds the file's moov box (reading only box headers elsewhere) and applies patchLastVideoSampleDuration to it. */
async function fixLastFrameDuration(file: string, durationSeconds: number): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(16);
    for (let at = 0; at + 8 <= size; ) {
      await handle.read(head, 0, 16, at);
      let boxSize = head.readUInt32BE(0);
      if (boxSize === 1) boxSize = Number(head.readBigUInt64BE(8));
      else if (boxSize === 0) boxSize = size - at;
      if (boxSize < 8) return;
      if (head.toString('latin1', 4, 8) === 'moov' && head.readUInt32BE(0) !== 1) {
        const moov = Buffer.alloc(boxSize);
        await handle.read(moov, 0, boxSize, at);
        if (patchLastVideoSampleDuration(moov, durationSeconds)) await handle.write(moov, 0, boxSize, at);
        return;
      }
      at += boxSize;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Reads the finished temp file back before it may become the master: every frame written and
 * every audio stream must be there, so a silently broken file is never published.
 */
export async function verifyMaster(file: string, expectedFrames: number, expectedAudioStreams: number): Promise<void> {
  const fail = (why: string) => new BlurlineError('FFMPEG_FAILED', `the written master is incomplete (${why}); it was not saved`);
  let probe: { streams?: { codec_type?: string; nb_read_packets?: string }[] };
  try {
    probe = (await runFfprobeJson(['-count_packets', '-show_entries', 'stream=codec_type,nb_read_packets', file], 'checking the master')) as typeof probe;
  } catch (err) {
    throw fail((err as Error).message);
  }
  const streams = probe.streams ?? [];
  const videoPackets = Number(streams.find((s) => s.codec_type === 'video')?.nb_read_packets ?? 0);
  if (videoPackets !== expectedFrames) throw fail(`${videoPackets} of ${expectedFrames} frames`);
  const audio = streams.filter((s) => s.codec_type === 'audio').length;
  if (audio !== expectedAudioStreams) throw fail(`${audio} of ${expectedAudioStreams} audio streams`);
}

/** A write to a pipe whose reader has gone. */
function isBrokenPipe(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/** A source that decodes to clearly fewer frames than its header claims is truncated or damaged. */
function missingFrameTolerance(frameCount: number): number {
  return Math.max(1, Math.ceil(frameCount * 0.01));
}

/**
 * Renders the anonymised master: decodes the source (or the range), blurs exactly the plan's
 * regions on exactly their frames, and encodes to a temp file beside the output that is renamed
 * into place only after ffmpeg succeeded and the file was read back. A rotated source is blurred
 * in its coded orientation and keeps its rotation tag (Matroska, which has no such tag, gets the
 * picture turned upright instead). The source is only ever opened for reading.
 */
export async function renderVideo(request: RenderRequest, options: RenderOptions = {}): Promise<RenderResult> {
  const { source, settings } = request;
  const { absolute, muxer } = checkOutputPath(source.path, request.outputPath, request.overwrite, settings.videoCodec);
  if (request.plan.width !== source.width || request.plan.height !== source.height) {
    throw new BlurlineError('PROJECT_INVALID', `render plan is ${request.plan.width}x${request.plan.height} but the source is ${source.width}x${source.height}`);
  }
  const format = masterFormatFor(settings.videoCodec, source.pixelFormat);
  const inputs = await probeRenderInputs(source, options.signal);
  const clock = masterClock(source, inputs.timeline, settings.range);
  const audio = planAudio(source.audioStreams, request.audioRedactions ?? [], clock, muxer);
  const side = planSideStreams(inputs.sideStreams, muxer, !settings.stripMetadata);
  const rotation: RenderResult['rotation'] = source.rotation === 0 ? 'none' : muxer === 'matroska' ? 'baked' : 'tagged';
  // Tagged rotation: frames stay as coded, so the plan's upright boxes are turned to match.
  const coded = rotation === 'tagged';
  const swap = coded && (source.rotation === 90 || source.rotation === 270);
  const width = swap ? source.height : source.width;
  const height = swap ? source.width : source.height;
  const plan: EncodePlan = {
    source, settings, format, clock, audio, muxer,
    sideStreams: side.kept,
    inputs,
    remuxFollows: coded,
    padding: evenSizePadding(format.layout, width, height),
  };
  const expectedFrames = clock.last - clock.first + 1;
  const framePlan = planForRange(request.plan, settings.range);

  const temp = (tag: string) =>
    path.join(path.dirname(absolute), `.${path.basename(absolute)}.${tag}-${randomBytes(4).toString('hex')}${path.extname(absolute)}`);
  const tempPath = temp('partial');
  const encodedPath = plan.remuxFollows ? temp('encoded') : tempPath;
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const args = encoderArgs(plan, encodedPath);
  const encoder = spawnMedia(args, {
    task: 'encoding the master',
    stdin: true,
    signal: options.signal,
    onProgress: (block) => {
      if (block.frame !== null && options.onProgress) options.onProgress(progressFromFrames(block.frame, expectedFrames, elapsed()));
    },
  });
  const stdin = encoder.child.stdin!;
  let frames = 0;
  let regionsApplied = 0;
  const repeatedFrames: number[] = [];
  let remuxArgs: string[] | null = null;
  const anonymiseYuvFrame = createYuvAnonymiser();
  const pool = new FramePool(frameByteSize(format.pixelFormat, width, height));
  try {
    const byFrame = new Map(
      framePlan.frames.map((f) => [f.frame, coded ? regionsToCoded(f.regions, source.rotation, source.width, source.height) : f.regions]),
    );
    // A source that seeks exactly lands on the range's first frame; a transport or program stream on the keyframe before it.
    const seek = clock.seeks && inputs.timeline ? rangeSeek(inputs.timeline, clock.first, inputs.seekable) : null;
    const decoded = decodeFramesFrom(source.path, {
      pixelFormat: format.pixelFormat,
      sourceWidth: width,
      sourceHeight: height,
      autorotate: !coded,
      startFrame: clock.first,
      maxFrames: expectedFrames,
      timeline: inputs.timeline,
      pool,
      signal: options.signal,
    }, seek);
    // Resolves never; rejects as soon as the encoder exits, so a write waiting for 'drain' cannot hang.
    const encoderGone = encoder.done.then(() => {
      throw new BlurlineError('FFMPEG_FAILED', 'the encoder stopped before all frames were written');
    });
    encoderGone.catch(() => {});
    const write = async (chunk: Uint8Array, written?: () => void) => {
      if (!stdin.write(chunk, written)) await Promise.race([once(stdin, 'drain'), encoderGone]);
    };
    await write(matroskaRawHeader(RAW_YUV_FORMATS[format.pixelFormat].fourcc, width, height, clock.frameDurationNs));
    // A frame's buffer goes back to the pool once the pipe has taken its bytes.
    const writeFrame = async (k: number, data: Uint8Array) => {
      stdin.write(matroskaFrameHeader(clock.offsetNs(k), data.length));
      pool.hold(data);
      await write(data, () => pool.release(data));
      frames++;
    };
    let decodedFrames = 0;
    let previous: Uint8Array | null = null;
    for await (const frame of decoded) {
      const k = frame.index - clock.first;
      if (k >= expectedFrames) break;
      decodedFrames++;
      const regions = byFrame.get(k);
      if (regions) {
        anonymiseYuvFrame(frame.data, format.layout, frame.width, frame.height, regions);
        regionsApplied += regions.length;
      }
      // A frame the decoder could not decode keeps its place: the (already blurred) frame next to
      // it stands in, so every later frame stays on its own time and index.
      for (let missing = frames; missing < k; missing++) {
        repeatedFrames.push(clock.first + missing);
        await writeFrame(missing, previous ?? frame.data);
      }
      await writeFrame(k, frame.data);
      if (previous) pool.release(previous);
      previous = frame.data;
    }
    stdin.end();
    await encoder.done;
    if (decodedFrames < expectedFrames - missingFrameTolerance(expectedFrames)) {
      throw new BlurlineError(
        'SOURCE_TRUNCATED',
        `the source decoded to ${decodedFrames} of the ${expectedFrames} frames to export: it is truncated or damaged, so no master was written`,
      );
    }
    // A variable-rate mov/mp4 master: give its last frame the duration the muxer could not know.
    if (clock.variable && isMp4Family(muxer)) await fixLastFrameDuration(encodedPath, clock.frameDurationNs / 1e9);
    if (plan.remuxFollows) {
      remuxArgs = rotationRemuxArgs(plan, encodedPath, tempPath);
      await spawnMedia(remuxArgs, { task: 'writing the rotation tag', signal: options.signal }).done;
      await unlink(encodedPath);
    }
    await verifyMaster(tempPath, frames, audio.length);
    // A cancel that arrives as the last frame is encoded still cancels: nothing is published.
    if (options.signal?.aborted) throw new CancelledError('encoding the master');
    await rename(tempPath, absolute);
  } catch (caught) {
    encoder.stop();
    const encoderFailure = await encoder.done.then(
      () => null,
      (failure: unknown) => failure,
    );
    await Promise.all([unlink(tempPath).catch(() => {}), unlink(encodedPath).catch(() => {})]);
    // Writing to an encoder that has exited fails with EPIPE; its exit says why, in ffmpeg's words.
    const err = isBrokenPipe(caught) && encoderFailure instanceof BlurlineError ? encoderFailure : caught;
    // Errors name the file the user asked for, not our temp names.
    if (err instanceof BlurlineError) err.message = err.message.split(tempPath).join(absolute).split(encodedPath).join(absolute);
    throw err;
  }
  options.onProgress?.(progressFromFrames(expectedFrames, expectedFrames, elapsed()));
  const ffmpeg = findBinary('ffmpeg').path;
  return {
    outputPath: absolute,
    frames,
    regionsApplied,
    elapsedSeconds: elapsed(),
    ffmpegCommand: formatCommandLine(ffmpeg, args),
    remuxCommand: remuxArgs ? formatCommandLine(ffmpeg, remuxArgs) : null,
    videoCodec: settings.videoCodec,
    pixelFormat: format.pixelFormat,
    range: { first: clock.first, last: clock.last },
    variableFrameRate: clock.variable,
    rotation,
    padding: plan.padding,
    repeatedFrames,
    audio: audio.map(({ audioIndex, mode, codec, spans }) => ({ audioIndex, mode, codec, spans })),
    keptStreams: side.kept.map((s) => s.index),
    droppedStreams: side.dropped.map((d) => d.reason),
  };
}
