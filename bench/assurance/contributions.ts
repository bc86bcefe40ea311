import { isBlazeFaceModel } from '../../core/blazeFace';
import type { DiscoveryLevel } from '../../core/faceAnalysis';
import { DETECTION_PRESETS, scheduleWithout, type DetectionPreset } from '../../core/presets';
import { falseBlurShareOf, hiddenShare } from './pixelCheck';
import type { RealMethodResult } from './realRun';

/**
 * What each part of `thorough` adds, measured on the same clips: a part it has by taking it away
 * (the preset whole against the preset without it), a candidate part by putting it in (the
 * preset with it against the preset alone). A part that adds nothing is a cost without a benefit.
 */
export interface PresetVariant {
  /** Short, file-name safe: masters are named after it. */
  name: string;
  /** The part, in words. */
  part: string;
  /** True when the variant is the preset plus the part; false when it is the preset without it. */
  adds: boolean;
  preset: DetectionPreset;
  /** The reference model joins as the user's own detector (`--detector-model`). */
  referenceModel?: boolean;
}

const withoutLevels = (preset: DetectionPreset, drop: (level: DiscoveryLevel) => boolean): DetectionPreset => ({
  ...preset,
  schedule: { ...preset.schedule, discovery: preset.schedule.discovery.filter((level) => !drop(level)) },
});

const withSchedule = (preset: DetectionPreset, change: Partial<DetectionPreset['schedule']>): DetectionPreset => ({
  ...preset,
  schedule: { ...preset.schedule, ...change },
});

const upright = (level: DiscoveryLevel) => !level.turn;

export function thoroughParts(): PresetVariant[] {
  const base = DETECTION_PRESETS.thorough;
  const { schedule } = base;
  const without = (name: string, part: string, preset: DetectionPreset): PresetVariant => ({ name, part, adds: false, preset });
  return [
    without('no-ssd', 'SSD search of the quarter-size frame', withoutLevels(base, (l) => upright(l) && l.detector.model === 'ssd-mobilenet-v1')),
    without('no-tiny-half', 'Tiny search of the half-size frame', withoutLevels(base, (l) => l.detector.model === 'tiny-face-detector' && l.shrink === 2)),
    without('no-native', 'Tiny search of native-size strips', withoutLevels(base, (l) => l.detector.model === 'tiny-face-detector' && l.shrink === 1)),
    without('no-turned', 'SSD search of the frame turned 90/180/270°', withoutLevels(base, (l) => !upright(l))),
    without('no-blazeface', 'BlazeFace search of the whole frame, and its second look', { ...base, schedule: scheduleWithout(schedule, isBlazeFaceModel) }),
    without('no-confirm', 'the second look (without it every candidate is a track)', withSchedule(base, { confirm: null })),
    without('roi-every-6', 'known faces re-found every frame, not every 6th', withSchedule(base, { roi: { ...schedule.roi, everyFrames: 6 } })),
    without('no-backtrack', 'the backwards search from where a face is found', withSchedule(base, { backtrackFrames: 0 })),
    without('no-margins', '3-frame margins before and after a track', withSchedule(base, { tracker: { ...schedule.tracker, preRollFrames: 0, postRollFrames: 0 } })),
    without('no-persons', 'the person safety net', withSchedule(base, { persons: null })),
    { name: 'with-model', part: 'the reference model as the user\'s own detector', adds: true, preset: base, referenceModel: true },
  ];
}

const points = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}`;

/**
 * What each part adds to the preset (the first method): points of face-frames hidden per
 * bucket and of false blur, frames of worst gap, tracks, and the analysis time it costs.
 * `results` holds the preset first, then one result per variant, in order.
 */
export function formatContributionTable(results: readonly RealMethodResult[], variants: readonly PresetVariant[]): string {
  const [base, ...rest] = results;
  if (!base) return '';
  const header = ['part'.padEnd(14), 'all', 'large', 'medium', 'small', 'worst gap', 'false blur', 'tracks', 'time', '  what'];
  const lines = [header.map((h, i) => (i === 0 || i === header.length - 1 ? h : h.padStart(10))).join(' ')];
  const secondsPerFrame = (m: RealMethodResult) => m.analyseSeconds / m.framesAnalysed;
  rest.forEach((m, i) => {
    const variant = variants[i];
    // With the part minus without it.
    const [withPart, withoutPart] = variant.adds ? [m, base] : [base, m];
    const hidden = (bucket: 'all' | 'large' | 'medium' | 'small') =>
      points(hiddenShare(withPart.score.buckets[bucket]) - hiddenShare(withoutPart.score.buckets[bucket]));
    const cells = [
      hidden('all'),
      hidden('large'),
      hidden('medium'),
      hidden('small'),
      `${withPart.score.worstGap - withoutPart.score.worstGap} fr`,
      points(falseBlurShareOf(withPart.score) - falseBlurShareOf(withoutPart.score)),
      withPart.tracks && withoutPart.tracks ? String(withPart.tracks.tracks - withoutPart.tracks.tracks) : '—',
      `${((secondsPerFrame(withPart) / secondsPerFrame(withoutPart) - 1) * 100).toFixed(0)}%`,
    ];
    lines.push([variant.name.padEnd(14), ...cells.map((c) => c.padStart(10)), `  ${variant.part}`].join(' '));
  });
  lines.push(
    `each row: what the part adds to ${base.method} (with it minus without it): points of face-frames hidden by size,`,
    'frames of worst gap, points of false blur (of textured cells), tracks, and the extra analysis time it costs.',
  );
  return lines.join('\n');
}
