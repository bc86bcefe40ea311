import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, type Project } from '../../core/project';
import { probeVideo } from '../../electron/main/media/probe';
import { renderProject } from '../../electron/main/pipeline';
import { ffprobeJson, generatedClip, streamPacketsMd5, withGpsTracks } from '../helpers/media';

/**
 * Side streams and tags: by default a master holds video, audio and its timecode track only, and
 * no tag from the source but the audio language; with metadata kept, GPS subtitle and telemetry
 * data streams are copied where the container can hold them.
 */

const IDENTIFYING = ['Crash scene', '+40.7128', 'Dashcam SN', '2025-03-01', 'DashCam', 'GoPro', 'GPS', 'N40.71'];

/** A dashcam-like .mov: video, AAC audio (eng), a timecode track, a GPS subtitle track, GPMF-like telemetry, identifying tags. */
const dashcamClip = async () =>
  withGpsTracks(
    await generatedClip('streams-source', [
      '-f', 'lavfi', '-i', `color=s=160x120:r=25:d=2,format=yuv420p,geq=lum='128+90*sin((X+T*40)/2.2)*sin(Y/2.7)':cb=128:cr=128`,
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=2',
      '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '16', '-c:a', 'aac',
      '-timecode', '01:00:00:00',
      '-metadata', 'title=Crash scene', '-metadata', 'location=+40.7128-074.0060/', '-metadata', 'comment=Dashcam SN 9981',
      '-metadata', 'creation_time=2025-03-01T08:30:00Z', '-metadata:s:v:0', 'handler_name=DashCam Video', '-metadata:s:a:0', 'language=eng',
    ], 'mov'),
  );

/** Tags the muxer writes itself (structure, generic handler names, the timecode), none from the source. */
const STRUCTURAL_FORMAT_TAGS = ['major_brand', 'minor_version', 'compatible_brands'];
const GENERIC_STREAM_TAGS: Record<string, (v: string) => boolean> = {
  language: (v) => ['und', 'eng'].includes(v),
  handler_name: (v) => ['VideoHandler', 'SoundHandler', 'TimeCodeHandler'].includes(v),
  vendor_id: () => true,
  // The encoder library's name without a version (mov writes it into the sample description).
  encoder: (v) => /^Lavc [\w]+$/.test(v),
  timecode: (v) => v === '01:00:00:00',
};

describe('side streams and metadata', () => {
  let dir: string;
  let sourcePath: string;
  let project: Project;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-streams-'));
    sourcePath = await dashcamClip();
    project = createProject(await probeVideo(sourcePath));
    project.exportSettings.preset = 'ultrafast';
    const source = await ffprobeJson(sourcePath, ['-show_streams']);
    // The fixture really has what a dashcam/GoPro file has.
    expect(source.streams.map((s: any) => [s.codec_type, s.codec_tag_string])).toEqual([
      ['video', 'avc1'], ['audio', 'mp4a'], ['data', 'tmcd'], ['subtitle', 'text'], ['data', 'gpmd'],
    ]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const ext of ['mov', 'mp4']) {
    it(`strips by default (.${ext}): video, audio and the timecode track only; no tag from the source but the audio language`, async () => {
      const output = path.join(dir, `stripped.${ext}`);
      const result = await renderProject(project, output);
      expect(result.droppedStreams).toEqual(['subtitle stream 3 (mov_text): metadata stripped', 'data stream 4 (bin_data): metadata stripped']);
      const probe = await ffprobeJson(output);
      expect(probe.streams.map((s: any) => [s.codec_type, s.codec_tag_string])).toEqual([['video', 'avc1'], ['audio', 'mp4a'], ['data', 'tmcd']]);
      expect(probe.streams[1].tags.language).toBe('eng');
      expect(Object.keys(probe.format.tags ?? {}).filter((k) => !STRUCTURAL_FORMAT_TAGS.includes(k))).toEqual([]);
      for (const stream of probe.streams) {
        for (const [key, value] of Object.entries(stream.tags ?? {})) {
          expect(GENERIC_STREAM_TAGS[key]?.(value as string), `stream ${stream.index} tag ${key}=${value}`).toBe(true);
        }
      }
      const text = JSON.stringify(probe);
      for (const leak of IDENTIFYING) expect(text).not.toContain(leak);
    });
  }

  it('keeps GPS subtitle and telemetry streams (copied, packet for packet) and the tags when asked', async () => {
    const output = path.join(dir, 'kept.mov');
    const result = await renderProject({ ...project, exportSettings: { ...project.exportSettings, stripMetadata: false } }, output);
    expect(result.keptStreams).toEqual([3, 4]);
    const probe = await ffprobeJson(output, ['-show_format', '-show_streams', '-count_packets']);
    const side = probe.streams.filter((s: any) => s.codec_type === 'subtitle' || s.codec_tag_string === 'gpmd');
    expect(side.map((s: any) => [s.codec_type, s.codec_name, s.codec_tag_string, s.nb_read_packets, s.tags.handler_name])).toEqual([
      ['subtitle', 'mov_text', 'text', '2', 'DashCam GPS'],
      ['data', 'bin_data', 'gpmd', '2', 'GoPro MET'],
    ]);
    const index = (tag: string) => probe.streams.findIndex((s: any) => s.codec_tag_string === tag);
    expect(await streamPacketsMd5(output, `0:${index('gpmd')}`)).toBe(await streamPacketsMd5(sourcePath, '0:4'));
    expect(probe.format.tags).toMatchObject({ title: 'Crash scene', location: '+40.7128-074.0060/' });
    expect(probe.streams.filter((s: any) => s.codec_tag_string === 'tmcd')).toHaveLength(1);
  });

  it('keeps tags but leaves out streams Matroska cannot hold, and says so', async () => {
    const output = path.join(dir, 'kept.mkv');
    const result = await renderProject({ ...project, exportSettings: { ...project.exportSettings, stripMetadata: false } }, output);
    expect(result.droppedStreams).toEqual([
      'subtitle stream 3 (mov_text): the matroska container cannot hold it',
      'data stream 4 (bin_data): the matroska container cannot hold it',
    ]);
    const probe = await ffprobeJson(output);
    expect(probe.streams.map((s: any) => s.codec_type)).toEqual(['video', 'audio']);
    expect(probe.format.tags.title ?? probe.format.tags.TITLE).toBe('Crash scene');
  });
});
