import type { FaceDetector } from '../../core/detection';
import type { PresetName } from '../../core/presets';
import { YUNET_MODEL } from '../../tests/helpers/media';
import { createOnnxFaceDetector, inspectOnnxFaceModel } from '../../electron/main/detect/onnxFaceDetector';
import type { PresetVariant } from './contributions';
import { falseBlurShareOf, hiddenShare, poolPixelScores, type PixelScore } from './pixelCheck';
import { assessRealClip, type LeakTally, type Method, type RealAssessment, type TrackQuality } from './realAssess';
import { filmRealClip, type RealClipFile } from './realCompose';
import { buildRealSuite, loadDevPhotos, type SuiteScale } from './realSuite';

/** The reference's threshold in the baseline (the anchors README's rule). */
export const BASELINE_THRESHOLD = 0.5;

/** A preset, the preset with the reference model as the user's own detector (`+model`), or the baseline. */
export type RealMethodName = PresetName | `${PresetName}+model` | 'baseline';

export interface RealMethodResult {
  method: string;
  score: PixelScore;
  tracks: TrackQuality | null;
  /** The leak check over the method's masters, when asked for. */
  leaks: LeakTally | null;
  framesAnalysed: number;
  analyseSeconds: number;
}

export interface RealSuiteResult {
  scale: SuiteScale;
  clips: string[];
  methods: RealMethodResult[];
  rows: Omit<RealAssessment, 'master'>[];
}

/** The suite's clips, filmed once per machine. */
export async function filmRealSuite(scale: SuiteScale): Promise<RealClipFile[]> {
  const photos = loadDevPhotos();
  const files: RealClipFile[] = [];
  for (const clip of buildRealSuite(photos, scale)) files.push(await filmRealClip(clip, photos.find((p) => p.file === clip.photo)!));
  return files;
}

/** A named way of hiding faces, or a variant of a preset (see contributions.ts). */
export type RealMethodSpec = RealMethodName | PresetVariant;

export async function methodOf(spec: RealMethodSpec, reference: () => Promise<FaceDetector>): Promise<Method> {
  if (typeof spec !== 'string') {
    return { kind: 'preset', name: spec.name, preset: spec.preset, ...(spec.referenceModel && { detectorModel: await inspectOnnxFaceModel(YUNET_MODEL) }) };
  }
  const name = spec;
  if (name === 'baseline') return { kind: 'single-frame', name, detector: await reference() };
  const [preset, withModel] = name.split('+') as [PresetName, string | undefined];
  return { kind: 'preset', name, preset, ...(withModel && { detectorModel: await inspectOnnxFaceModel(YUNET_MODEL) }) };
}

/** Counts summed field by field over the clips that have them (null when none has). */
function poolCounts<T extends { [K in keyof T]: number }>(list: readonly (T | null)[]): T | null {
  const present = list.filter((t): t is T => t !== null);
  if (present.length === 0) return null;
  return present.reduce((a, b) => Object.fromEntries(Object.keys(a).map((key) => [key, a[key as keyof T] + b[key as keyof T]])) as T);
}

/** Every clip through every method (each method over all clips in turn), pooled per method. */
export async function runRealSuite(
  scale: SuiteScale,
  methods: readonly RealMethodSpec[],
  log: (line: string) => void = () => {},
  options: { leakCheck?: boolean } = {},
): Promise<RealSuiteResult> {
  const clips = await filmRealSuite(scale);
  let detector: Promise<FaceDetector> | null = null;
  const reference = () => (detector ??= createOnnxFaceDetector(YUNET_MODEL, BASELINE_THRESHOLD));
  const rows: RealAssessment[] = [];
  const results: RealMethodResult[] = [];
  for (const spec of methods) {
    const method = await methodOf(spec, reference);
    const { name } = method;
    const own: RealAssessment[] = [];
    for (const clip of clips) {
      const row = await assessRealClip(clip, method, options);
      const leaks = row.leaks ? `, leak check ${row.leaks.onFaces} on faces + ${row.leaks.elsewhere} elsewhere` : '';
      log(`${name.padEnd(12)} ${clip.clip.name.padEnd(58)} ${pct(hiddenShare(row.score.buckets.all))} hidden, gap ${row.score.worstGap}, false blur ${pct(falseBlurShareOf(row.score), 2)}${row.tracks ? `, ${row.tracks.tracks} tracks` : ''}${leaks}, ${row.analyseSeconds.toFixed(1)} s`);
      own.push(row);
    }
    rows.push(...own);
    results.push({
      method: name,
      score: poolPixelScores(own.map((r) => r.score)),
      tracks: poolCounts(own.map((r) => r.tracks)),
      leaks: poolCounts(own.map((r) => r.leaks)),
      framesAnalysed: own.reduce((n, r) => n + r.framesAnalysed, 0),
      analyseSeconds: own.reduce((n, r) => n + r.analyseSeconds, 0),
    });
  }
  return { scale, clips: clips.map((c) => c.clip.name), methods: results, rows: rows.map(({ master: _, ...row }) => row) };
}

const pct = (v: number, digits = 1) => `${(v * 100).toFixed(digits)}%`;

/** The suite's table: hidden share per size bucket, worst gap, false blur, tracks and speed per method. */
export function formatRealTable(result: Pick<RealSuiteResult, 'methods'>): string {
  const header = ['method'.padEnd(14), 'all', 'large ≥48', 'medium', 'small <24', 'worst gap', 'false blur', 'tracks', 'extra', 'face-free', 'fps'];
  const lines = [header.map((h, i) => (i === 0 ? h : h.padStart(10))).join(' ')];
  for (const m of result.methods) {
    const b = m.score.buckets;
    const cells = [
      pct(hiddenShare(b.all)),
      pct(hiddenShare(b.large)),
      pct(hiddenShare(b.medium)),
      pct(hiddenShare(b.small)),
      `${m.score.worstGap} fr`,
      pct(falseBlurShareOf(m.score), 2),
      m.tracks ? String(m.tracks.tracks) : '—',
      m.tracks ? String(m.tracks.extraTracks) : '—',
      m.tracks ? String(m.tracks.faceFreeTracks) : '—',
      (m.framesAnalysed / m.analyseSeconds).toFixed(1),
    ];
    lines.push([m.method.padEnd(14), ...cells.map((c) => c.padStart(10))].join(' '));
  }
  for (const { method, leaks } of result.methods) {
    if (leaks) lines.push(`leak check of ${method}'s masters: ${leaks.findings} findings, ${leaks.onFaces} on annotated faces, ${leaks.elsewhere} elsewhere (${leaks.elsewhereOnCleanMasters} on masters that hid every face)`);
  }
  const all = result.methods[0]?.score.buckets;
  if (all) lines.push(`face-frames: ${all.all.faceFrames} (large ${all.large.faceFrames}, medium ${all.medium.faceFrames}, small ${all.small.faceFrames})`);
  return lines.join('\n');
}
