import { generatedClip } from '../helpers/media';

/** Clips for the main-process tests: the containers and timestamp patterns seeks get wrong. */

/**
 * H.264 with B-frames and short GOPs in MP4 (an edit list shifts its timestamps), with AAC audio:
 * four seconds, or as many as asked (a render job's leak check searches every frame of its master).
 */
export const bframesClip = (seconds = 4) =>
  generatedClip(seconds === 4 ? 'main-bframes' : `main-bframes-${seconds}s`, [
    '-f', 'lavfi', '-i', `testsrc2=s=320x240:r=25:d=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-bf', '3', '-g', '12', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-shortest',
  ]);

/** Variable frame rate: a jump, a stretch of slower frames and jitter (a phone's timestamps). */
export const vfrClip = () =>
  generatedClip('main-vfr', [
    '-f', 'lavfi', '-i', "testsrc2=s=320x240:r=25:d=4,settb=1/1000,setpts='N*40+if(gt(N,30),370,0)+if(gt(N,60),11*(N-60),0)+if(eq(mod(N,7),3),13,0)'",
    '-vsync', 'passthrough', '-c:v', 'libx264', '-preset', 'veryfast', '-bf', '2', '-g', '15', '-pix_fmt', 'yuv420p',
  ]);

/** The same kind of stream in Matroska. */
export const mkvClip = () =>
  generatedClip('main-mkv', ['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=30:d=3', '-c:v', 'libx264', '-preset', 'veryfast', '-bf', '2', '-g', '20', '-pix_fmt', 'yuv420p'], 'mkv');

/** MPEG-2 in a program stream: no seek index, and Chromium cannot play it (needs a proxy). */
export const mpegPsClip = () =>
  generatedClip('main-mpeg2', ['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=30000/1001:d=3', '-c:v', 'mpeg2video', '-q:v', '3', '-g', '15', '-bf', '2'], 'mpg');

/** A 720p clip long enough to cancel its render half way. */
export const longClip = () =>
  generatedClip('main-long', ['-f', 'lavfi', '-i', 'testsrc2=s=1280x720:r=25:d=12', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']);

export const audioOnlyClip = () =>
  generatedClip('main-audio-only', ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac'], 'm4a');

/** What dashcams record: H.264 with B-frames in MPEG-TS, with AAC; its clock starts anywhere (here at 600 s). */
export const transportStreamClip = () =>
  generatedClip('main-ts', [
    '-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=30:d=4',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=4',
    '-c:v', 'libx264', '-preset', 'veryfast', '-bf', '2', '-g', '18', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest',
    '-output_ts_offset', '600',
  ], 'ts');
