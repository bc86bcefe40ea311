import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { SourceInfo } from '../../../core/project';
import { runFfmpeg, SOURCE_PROBE_ARGS } from '../media/ffmpeg';
import { progressFromFrames, type JobProgress } from '../../../core/progress';

/**
 * Playback proxies for sources Chromium cannot play: the same frames with the same timestamps
 * (`-vsync passthrough`, so frame N of the proxy is frame N of the source), H.264 in MP4,
 * at most 960 px wide, cached in the user-data folder by the source's SHA-256.
 */

export const PROXY_MAX_WIDTH = 960;

/** Codecs and pixel formats Chromium decodes everywhere (no platform decoders needed). */
const PLAYABLE: Record<string, RegExp> = {
  h264: /^yuvj?420p$/,
  vp8: /^yuva?420p$/,
  vp9: /^yuv420p$/,
  av1: /^yuv420p$/,
};

/** Containers Chromium demuxes: MP4/QuickTime and WebM (Matroska holding WebM codecs). */
const PLAYABLE_CONTAINERS: [RegExp, readonly string[]][] = [
  [/^mov,mp4/, ['h264', 'vp9', 'av1']],
  [/^matroska,webm/, ['vp8', 'vp9', 'av1']],
];

/** Why the source needs a proxy, or null when Chromium can play it as it is. */
export function proxyReason(source: Pick<SourceInfo, 'container' | 'videoCodec' | 'pixelFormat'>): string | null {
  const codecs = PLAYABLE_CONTAINERS.find(([pattern]) => pattern.test(source.container))?.[1];
  if (!codecs) return `the ${source.container} container does not play in the editor`;
  if (!codecs.includes(source.videoCodec)) return `${source.videoCodec} video does not play in the editor`;
  if (!PLAYABLE[source.videoCodec]?.test(source.pixelFormat)) return `${source.videoCodec} in ${source.pixelFormat} does not play in the editor`;
  return null;
}

export function proxyPath(proxiesDir: string, source: Pick<SourceInfo, 'sha256'>): string {
  return path.join(proxiesDir, `${source.sha256}.mp4`);
}

export function cachedProxy(proxiesDir: string, source: Pick<SourceInfo, 'sha256'>): string | null {
  const file = proxyPath(proxiesDir, source);
  return existsSync(file) ? file : null;
}

/**
 * The editor reads frame n at time n / rate on the proxy, so the proxy's first frame is at 0
 * even where the source's picture starts after its sound or its file (a transport stream's clock
 * starts anywhere): the timestamps are kept (-copyts), the picture moved to start at 0, and the
 * sound moved by the same amount, cut or padded with silence to start there too.
 */
export function proxyArgs(source: SourceInfo, output: string): string[] {
  // The first stream with sound: a stream that carries none (a muted dashcam's) is not listed.
  const sound = source.audioStreams[0];
  return [
    '-hide_banner', '-nostdin', '-v', 'error',
    '-copyts',
    ...SOURCE_PROBE_ARGS,
    '-i', source.path,
    '-map', '0:v:0', ...(sound ? ['-map', `0:a:${sound.audioIndex}`] : []),
    '-vsync', 'passthrough',
    '-vf', `setpts=PTS-STARTPTS,scale=w='min(${PROXY_MAX_WIDTH},trunc(iw/2)*2)':h=-2`,
    '-af', `asetpts=PTS-${source.videoStartSeconds.toFixed(6)}/TB,aresample=async=1:first_pts=0`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '128k',
    '-map_metadata', '-1',
    '-movflags', '+faststart',
    '-f', 'mp4', '-y', output,
  ];
}

/** Encodes the proxy into a temp file and renames it into the cache only when complete. */
export async function makeProxy(
  source: SourceInfo,
  proxiesDir: string,
  options: { signal?: AbortSignal; onProgress?: (progress: JobProgress) => void } = {},
): Promise<string> {
  await mkdir(proxiesDir, { recursive: true });
  const output = proxyPath(proxiesDir, source);
  const temp = path.join(proxiesDir, `.${source.sha256}.${randomBytes(4).toString('hex')}.partial.mp4`);
  const started = performance.now();
  try {
    await runFfmpeg(proxyArgs(source, temp), {
      task: 'making a playable copy',
      signal: options.signal,
      onProgress: (block) => {
        if (block.frame !== null) options.onProgress?.(progressFromFrames(block.frame, source.frameCount, (performance.now() - started) / 1000));
      },
    });
    await rename(temp, output);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw err;
  }
  return output;
}
