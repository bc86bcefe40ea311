/**
 * `npm run bench`: Blurline against plain ffmpeg on the same generated 1080p clip (a real face
 * moving over a test pattern, with audio). Prints figures and ratios measured in this one run;
 * it asserts nothing, since wall-clock times depend on the machine.
 *
 * The render is timed with plans of 0, 1, 6 and 24 face-sized moving regions per frame (how its
 * cost grows with the number of regions; the blur alone is also timed, in JavaScript and in the
 * WebAssembly kernel the render uses), and with the plan detection made. Following a
 * marked plate across 300 frames of 1080p is timed against real time (the clip's 30 fps).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { anonymiseYuvFrame, yuv420FrameSize, YUV420_8BIT } from '../core/anonymise';
import { createYuvAnonymiser } from '../core/anonymiseKernel';
import { createProject } from '../core/project';
import { buildRenderPlan } from '../core/renderPlan';
import { findBinary, REPO_ROOT } from '../electron/main/media/binaries';
import { ffmpegVersion } from '../electron/main/media/ffmpeg';
import { detectToProject, renderProject, type DetectResult } from '../electron/main/pipeline';
import { probeVideo } from '../electron/main/media/probe';
import { ffmpeg, generatedClip, samplePath } from '../tests/helpers/media';
import { keyframe, track } from '../tests/helpers/projects';
import { coverage, plateClip } from '../tests/helpers/plateClip';
import { followRegion } from '../electron/main/detect/followRegion';
import { followedKeyframes, followedSpan, type FollowDirection } from '../core/regionFollow';
import { trackBoxAt } from '../core/tracks';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const FPS = 30;
const FRAMES = SECONDS * FPS;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, (performance.now() - start) / 1000];
}

const source = await generatedClip(`bench-1080p-${SECONDS}s`, [
  '-f', 'lavfi', '-i', `testsrc2=s=1920x1080:r=${FPS}:d=${SECONDS}`,
  '-loop', '1', '-framerate', String(FPS), '-i', samplePath(1),
  '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${SECONDS}`,
  '-filter_complex', `[1:v]crop=265:330:370:310,scale=300:374[face];[0:v][face]overlay=x='100+5*n':y=300:eval=frame:shortest=1,format=yuv420p[v]`,
  '-map', '[v]', '-map', '2:a', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-c:a', 'aac', '-t', String(SECONDS),
]);
const work = mkdtempSync(path.join(os.tmpdir(), 'blurline-bench-'));
const crf = 18;
const preset = 'medium';

const [, decodeSeconds] = await timed(() => ffmpeg(['-i', source, '-map', '0:v:0', '-f', 'null', '-']));
const plainReencode = (input = source) =>
  ffmpeg(['-i', input, '-map', '0:v:0', '-map', '0:a?', '-c:v', 'libx264', '-preset', preset, '-crf', String(crf), '-pix_fmt', 'yuv420p', '-c:a', 'copy', '-y', path.join(work, 'plain.mp4')]);
const info = await probeVideo(source);
const regionCounts = [0, 1, 6, 24];
/** Faces 160x200 (240x300 blurred with padding) drifting across the frame in a 6x4 grid. */
function projectWithRegions(count: number) {
  const project = createProject(info);
  project.exportSettings = { ...project.exportSettings, crf, preset };
  project.tracks = Array.from({ length: count }, (_, i) => {
    const x = 40 + (i % 6) * 300;
    const y = 20 + Math.floor(i / 6) * 260;
    return track(`t${i}`, [keyframe(0, { x, y, width: 160, height: 200 }), keyframe(FRAMES - 1, { x: x + 60, y: y + 20, width: 160, height: 200 })]);
  });
  return project;
}
// Rounds of the plain re-encode and each render in turn, keeping each one's best: on a small
// machine one run can be slowed by anything else that wakes up, and in turns a slow spell hits all alike.
// Each master is also re-encoded plainly: x264 spends more on the blurred picture itself (moving
// feathered edges), a cost of the content that any tool blurring these regions would pay.
let plainEncodeSeconds = Infinity;
const best = new Map<number, number>();
const bestOfMaster = new Map<number, number>();
const keepBest = (map: Map<number, number>, key: number, seconds: number) => map.set(key, Math.min(map.get(key) ?? Infinity, seconds));
for (let round = 0; round < 2; round++) {
  plainEncodeSeconds = Math.min(plainEncodeSeconds, (await timed(plainReencode))[1]);
  for (const count of regionCounts) {
    const master = path.join(work, `regions-${count}.mp4`);
    keepBest(best, count, (await timed(() => renderProject(projectWithRegions(count), master, { overwrite: true })))[1]);
    keepBest(bestOfMaster, count, (await timed(() => plainReencode(master)))[1]);
  }
}
const byRegionCount = regionCounts.map((regions) => ({
  regions,
  seconds: best.get(regions)!,
  ratioToPlainReencode: best.get(regions)! / plainEncodeSeconds,
  plainReencodeOfMasterSeconds: bestOfMaster.get(regions)!,
  ratioToPlainReencodeOfMaster: best.get(regions)! / bestOfMaster.get(regions)!,
}));

// The blur alone, in this process: CPU milliseconds per region on 1080p frames, JavaScript against the WebAssembly kernel.
function blurCpuMsPerRegion(anonymise: typeof anonymiseYuvFrame, count: number): number {
  const plan = buildRenderPlan(projectWithRegions(count));
  const frame = new Uint8Array(yuv420FrameSize(1920, 1080)).map((_, i) => (i * 2654435761) >>> 24);
  const start = process.cpuUsage().user;
  for (const { regions } of plan.frames) anonymise(frame, YUV420_8BIT, 1920, 1080, regions);
  return (process.cpuUsage().user - start) / 1000 / (plan.frames.length * count);
}
const kernel = createYuvAnonymiser();
// Once each unmeasured, so the JavaScript's first figure is not its compile time.
blurCpuMsPerRegion(anonymiseYuvFrame, 1);
blurCpuMsPerRegion(kernel, 1);
const blurCost = [1, 6, 24].map((count) => ({ regions: count, javascriptMs: blurCpuMsPerRegion(anonymiseYuvFrame, count), kernelMs: blurCpuMsPerRegion(kernel, count) }));
const [detected, detectSeconds] = await timed(() =>
  detectToProject(source, { preset: 'thorough' }),
);
const [tinyDetected, tinySeconds] = await timed(() =>
  detectToProject(source, { preset: 'fast' }),
);
const [rendered, renderSeconds] = await timed(() => renderProject(detected.project, path.join(work, 'master.mp4')));

// Following a marked plate across 300 frames of 1080p: forward from the first frame (one decoder),
// and both ways from the middle (two decoders at once); real time is the clip's 30 fps.
const FOLLOW_FRAMES = 300;
const plate = await plateClip({ width: 1920, height: 1080, frames: FOLLOW_FRAMES, plateWidth: [170, 460] });
const plateSource = await probeVideo(plate.path);
const [, plateDecodeSeconds] = await timed(() => ffmpeg(['-i', plate.path, '-map', '0:v:0', '-f', 'null', '-']));
const followRuns = [
  { label: 'forward from frame 0', frame: 0, directions: ['forward'] as FollowDirection[] },
  { label: 'both ways from frame 150', frame: 150, directions: ['forward', 'backward'] as FollowDirection[] },
];
const follows = [];
for (const run of followRuns) {
  const [result, seconds] = await timed(() => followRegion({ source: plateSource, frame: run.frame, box: plate.plate[run.frame], directions: run.directions }));
  const span = followedSpan(result);
  const frames = span.last - span.first + 1;
  const covered = plate.plate.filter((b, n) => n >= span.first && n <= span.last && coverage(trackBoxAt({ keyframes: followedKeyframes(result) }, n)!, b) >= 0.95).length;
  follows.push({ ...run, seconds, frames, fps: frames / seconds, ratioToRealTime: frames / FPS / seconds, coveredFrames: covered });
}
rmSync(work, { recursive: true, force: true });

function analysisFigures(run: DetectResult, seconds: number) {
  return {
    seconds,
    fps: run.framesAnalysed / run.analyseSeconds,
    faces: run.faces,
    tracks: run.project.tracks.length,
    ratioToPlainDecode: run.analyseSeconds / decodeSeconds,
  };
}

const results = {
  clip: { width: 1920, height: 1080, fps: FPS, frames: FRAMES, audio: 'aac' },
  ffmpeg: { binary: findBinary('ffmpeg').path, version: await ffmpegVersion() },
  cpus: os.cpus().length,
  plainDecode: { seconds: decodeSeconds, fps: FRAMES / decodeSeconds },
  plainReencode: { seconds: plainEncodeSeconds, fps: FRAMES / plainEncodeSeconds, crf, preset },
  renderByRegionsPerFrame: byRegionCount,
  blurCpuMsPerRegion: blurCost,
  blurlineRender: {
    seconds: renderSeconds,
    fps: FRAMES / renderSeconds,
    regions: rendered.plannedRegions,
    ratioToPlainReencode: renderSeconds / plainEncodeSeconds,
  },
  follow: { clip: '1920x1080, 300 frames, a plate growing 170 → 460 px', plainDecodeSeconds: plateDecodeSeconds, runs: follows },
  analysisThorough: analysisFigures(detected, detectSeconds),
  analysisFast: analysisFigures(tinyDetected, tinySeconds),
};

const f = (n: number) => n.toFixed(2);
console.log(`\nBlurline benchmark — ${FRAMES} frames of 1920x1080 @ ${FPS} fps with audio, ${results.cpus} CPUs`);
console.log(`ffmpeg: ${results.ffmpeg.version}\n`);
console.log('step                           seconds      fps   ratio  (ratio to a plain re-encode of the master itself)');
console.log(`plain ffmpeg decode            ${f(decodeSeconds).padStart(7)}  ${f(results.plainDecode.fps).padStart(7)}    1.00`);
console.log(`plain ffmpeg re-encode         ${f(plainEncodeSeconds).padStart(7)}  ${f(results.plainReencode.fps).padStart(7)}    1.00`);
for (const row of byRegionCount) {
  const label = `render, ${row.regions} regions per frame`.padEnd(31);
  console.log(`${label}${f(row.seconds).padStart(7)}  ${f(FRAMES / row.seconds).padStart(7)}  ${f(row.ratioToPlainReencode).padStart(6)}  (${f(row.ratioToPlainReencodeOfMaster)}: ${f(row.plainReencodeOfMasterSeconds)} s)`);
}
for (const row of blurCost) {
  console.log(`blur alone, ${row.regions} per frame: ${f(row.javascriptMs)} ms per region in JavaScript, ${f(row.kernelMs)} ms in the kernel (×${f(row.javascriptMs / row.kernelMs)}), CPU time`);
}
console.log(`${'render, detected plan'.padEnd(31)}${f(renderSeconds).padStart(7)}  ${f(results.blurlineRender.fps).padStart(7)}  ${f(results.blurlineRender.ratioToPlainReencode).padStart(6)}  (vs re-encode; ${rendered.plannedRegions} regions blurred)`);
console.log(`analysis, thorough              ${f(detectSeconds).padStart(7)}  ${f(results.analysisThorough.fps).padStart(7)}  ${f(results.analysisThorough.ratioToPlainDecode).padStart(6)}  (vs decode; ${detected.faces} faces, ${results.analysisThorough.tracks} tracks)`);
console.log(`analysis, fast                 ${f(tinySeconds).padStart(7)}  ${f(results.analysisFast.fps).padStart(7)}  ${f(results.analysisFast.ratioToPlainDecode).padStart(6)}  (vs decode; ${tinyDetected.faces} faces, ${results.analysisFast.tracks} tracks)`);
for (const run of follows) {
  console.log(
    `${`follow a plate, ${run.label}`.padEnd(31)}${f(run.seconds).padStart(7)}  ${f(run.fps).padStart(7)}  ${f(run.ratioToRealTime).padStart(6)}  (× real time; ${run.frames} frames, ${run.coveredFrames} covered ≥95 %; plain decode ${f(plateDecodeSeconds)} s)`,
  );
}
const out = path.join(REPO_ROOT, 'bench/results');
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, 'render-bench.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten: bench/results/render-bench.json`);
