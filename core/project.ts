import { z } from 'zod';
import { BlurlineError } from './errors';
import { ONNX_FACE_FORMATS } from './onnxFaceModels';

/**
 * The project file: everything needed to reproduce a blur pass on one source.
 * Boxes are in source pixels in display orientation (after rotation metadata is applied),
 * frames are 0-based indices in decode order.
 */
export const PROJECT_FORMAT = 'blurline-project';
export const PROJECT_VERSION = 1;

const finite = z.number().finite();
const nonNegInt = z.number().int().nonnegative();

export const rationalSchema = z.object({
  num: z.number().int().positive(),
  den: z.number().int().positive(),
});
export type Rational = z.infer<typeof rationalSchema>;

export const boxSchema = z.object({
  x: finite,
  y: finite,
  width: finite.positive(),
  height: finite.positive(),
});

export const audioStreamSchema = z.object({
  /** Position among the source's audio streams (a:0, a:1, …), not the container index. */
  audioIndex: nonNegInt,
  codec: z.string(),
  channels: nonNegInt,
  sampleRate: nonNegInt,
  durationSeconds: finite.nonnegative().nullable(),
  language: z.string().nullable(),
});
export type AudioStreamInfo = z.infer<typeof audioStreamSchema>;

export const sourceSchema = z.object({
  path: z.string().min(1),
  sizeBytes: nonNegInt,
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex SHA-256'),
  container: z.string(),
  videoCodec: z.string(),
  pixelFormat: z.string(),
  /** Display size: coded size with rotation applied. */
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  frameRate: rationalSchema,
  frameCount: z.number().int().positive(),
  durationSeconds: finite.positive(),
  /** Rotation from the source's display matrix, degrees clockwise (0, 90, 180, 270). */
  rotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]),
  /** Start time of the video stream; the render keeps the same offset against the audio. */
  videoStartSeconds: finite,
  audioStreams: z.array(audioStreamSchema),
});
export type SourceInfo = z.infer<typeof sourceSchema>;

export const blurStyleSchema = z.object({
  type: z.enum(['gaussian', 'pixelate', 'solid']),
  shape: z.enum(['ellipse', 'rect']),
  /** 0.1–3; 1 hides a face beyond recognition. The pixel radius scales with the box size. */
  strength: finite.min(0.1).max(3),
  /** Soft edge outside the padded box, as a fraction of the box's smaller side. */
  feather: finite.min(0).max(1),
  /** Extra margin around the face on each side, as a fraction of the box size. */
  padding: finite.min(0).max(2),
});
export type BlurStyle = z.infer<typeof blurStyleSchema>;

export const DEFAULT_BLUR_STYLE: BlurStyle = {
  type: 'gaussian',
  shape: 'ellipse',
  strength: 1,
  feather: 0.15,
  // 0.25 per side makes the inscribed ellipse contain the whole detected box, corners included
  // (it needs at least (√2 − 1) / 2 ≈ 0.21).
  padding: 0.25,
};

/**
 * Object tracks hide with a box, not an oval: solid by default, since a blurred plate can
 * sometimes be read back (deblurring works on text), and a pixelated one at a strong setting.
 */
export const DEFAULT_OBJECT_STYLE: BlurStyle = { type: 'solid', shape: 'rect', strength: 1, feather: 0, padding: 0.05 };

export const trackKeyframeSchema = z.object({
  frame: nonNegInt,
  box: boxSchema,
  /** Detector confidence for detected keyframes; null for manual ones. */
  confidence: z.number().min(0).max(1).nullable(),
});
export type TrackKeyframe = z.infer<typeof trackKeyframeSchema>;

/**
 * Where a track came from: detection, the editor's hand, the leak check of a rendered master, or
 * the person safety net (`person`: a possible face over the head of a person no face track covers).
 */
export const TRACK_ORIGINS = ['auto', 'manual', 'leak-check', 'person'] as const;

/** What an object track hides: things no detector finds, which the editor marks and Blurline follows. */
export const OBJECT_LABELS = ['plate', 'tattoo', 'badge', 'screen', 'person', 'other'] as const;
export type ObjectLabel = (typeof OBJECT_LABELS)[number];

export const trackSchema = z
  .object({
    id: z.string().min(1),
    origin: z.enum(TRACK_ORIGINS),
    status: z.enum(['pending', 'confirmed', 'rejected']),
    style: blurStyleSchema,
    keyframes: z.array(trackKeyframeSchema).min(1),
    /** Present on object tracks (not faces): what it is and who marked it. The leak check cannot see these. */
    object: z.object({ label: z.enum(OBJECT_LABELS), markedBy: z.string() }).optional(),
  })
  .superRefine((track, ctx) => {
    for (let i = 1; i < track.keyframes.length; i++) {
      if (track.keyframes[i].frame <= track.keyframes[i - 1].frame) {
        ctx.addIssue({
          code: 'custom',
          path: ['keyframes', i, 'frame'],
          message: 'keyframes must be in strictly increasing frame order',
        });
      }
    }
  });
export type Track = z.infer<typeof trackSchema>;
export type TrackStatus = Track['status'];

export const MASTER_CODECS = ['h264', 'h265', 'prores'] as const;
export type MasterCodec = (typeof MASTER_CODECS)[number];

/** An inclusive span of frames (decode-order indices). */
export const frameRangeSchema = z
  .object({ first: nonNegInt, last: nonNegInt })
  .refine((r) => r.last >= r.first, { message: 'last must not be before first' });
export type FrameRange = z.infer<typeof frameRangeSchema>;

export const exportSettingsSchema = z.object({
  /** h264 / h265: CRF-coded delivery masters; prores: ProRes 422 HQ in .mov for NLE round-trip. */
  videoCodec: z.enum(MASTER_CODECS),
  /** x264/x265 constant rate factor: lower is better quality (ProRes ignores it). */
  crf: z.number().int().min(0).max(51),
  preset: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow']),
  /** Drop container/stream tags (GPS, device, creation time) and data/subtitle streams (telemetry, GPS tracks). */
  stripMetadata: z.boolean(),
  /** Export only these frames (null: the whole clip). */
  range: frameRangeSchema.nullable().default(null),
});
export type ExportSettings = z.infer<typeof exportSettingsSchema>;

export const DEFAULT_EXPORT_SETTINGS: ExportSettings = {
  videoCodec: 'h264',
  crf: 18,
  preset: 'medium',
  stripMetadata: true,
  range: null,
};

/** A span of the source's audio to silence or bleep in the master (a name said aloud identifies too). */
export const audioRedactionSchema = z
  .object({
    id: z.string().min(1),
    startSeconds: finite.nonnegative(),
    endSeconds: finite.positive(),
    mode: z.enum(['mute', 'bleep']),
    /** Why, for the audit report ("name of the victim"). */
    label: z.string(),
  })
  .refine((r) => r.endSeconds > r.startSeconds, { message: 'endSeconds must be after startSeconds' });
export type AudioRedaction = z.infer<typeof audioRedactionSchema>;

export const PASS_STATES = ['draft', 'in-review', 'approved', 'changes-requested'] as const;
export type PassState = (typeof PASS_STATES)[number];

export const REVIEW_EVENT_TYPES = [
  'edit',
  'review-started',
  'track-approved',
  'track-sent-back',
  'approval-invalidated',
  'pass-approved',
  'changes-requested',
  'waiver',
] as const;
export type ReviewEventType = (typeof REVIEW_EVENT_TYPES)[number];

/** One entry of the pass's append-only log; the audit report prints them all. */
export const reviewEventSchema = z.object({
  seq: nonNegInt,
  at: z.string(),
  actor: z.string(),
  role: z.enum(['editor', 'reviewer', 'system']),
  type: z.enum(REVIEW_EVENT_TYPES),
  trackIds: z.array(z.string()),
  /** What happened, in words ("Trim track t3", "approved"). */
  detail: z.string(),
  comment: z.string().nullable(),
});
export type ReviewEvent = z.infer<typeof reviewEventSchema>;

export const trackDecisionSchema = z.object({
  decision: z.enum(['approved', 'sent-back']),
  by: z.string(),
  at: z.string(),
  comment: z.string().nullable(),
});
export type TrackDecision = z.infer<typeof trackDecisionSchema>;

export const reviewSchema = z.object({
  state: z.enum(PASS_STATES),
  /** The reviewer's decision on each track, by track id; an edit of a track removes its decision. */
  decisions: z.record(z.string(), trackDecisionSchema),
  /** Frames the reviewer has watched, as merged inclusive ranges in increasing order. */
  watched: z.array(frameRangeSchema),
  events: z.array(reviewEventSchema),
});
export type Review = z.infer<typeof reviewSchema>;

export const EMPTY_REVIEW: Review = { state: 'draft', decisions: {}, watched: [], events: [] };

export const analysisInfoSchema = z.object({
  preset: z.string(),
  detector: z.string(),
  minConfidence: z.number().min(0).max(1),
  analysisWidth: z.number().int().positive(),
  framesAnalysed: nonNegInt,
  /** The user's own detector model that searched beside the built-in ones; absent when none did. */
  detectorModel: z
    .object({
      /** Absolute path when it ran. */
      file: z.string(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      format: z.enum(ONNX_FACE_FORMATS),
    })
    .optional(),
});
export type AnalysisInfo = z.infer<typeof analysisInfoSchema>;

export const projectSchema = z.object({
  format: z.literal(PROJECT_FORMAT),
  version: z.literal(PROJECT_VERSION),
  createdAt: z.string(),
  updatedAt: z.string(),
  source: sourceSchema,
  analysis: analysisInfoSchema.nullable(),
  tracks: z.array(trackSchema),
  exportSettings: exportSettingsSchema,
  audioRedactions: z.array(audioRedactionSchema).default([]),
  review: reviewSchema.default(EMPTY_REVIEW),
  /** Marked graphic by a person (injury, death): the editor opens it in the protective view, paused, sound off. Never changes the export. */
  graphic: z.boolean().default(false),
});
export type Project = z.infer<typeof projectSchema>;

export class ProjectFormatError extends BlurlineError {
  constructor(
    message: string,
    /** Dotted path of the first bad field, e.g. `tracks.0.keyframes.3.box.width`. */
    readonly field: string | null,
  ) {
    super('PROJECT_INVALID', message);
    this.name = 'ProjectFormatError';
  }
}

export function createProject(source: SourceInfo, now: Date = new Date()): Project {
  const stamp = now.toISOString();
  return {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    createdAt: stamp,
    updatedAt: stamp,
    source,
    analysis: null,
    tracks: [],
    exportSettings: { ...DEFAULT_EXPORT_SETTINGS },
    audioRedactions: [],
    review: EMPTY_REVIEW,
    graphic: false,
  };
}

/** Validates parsed JSON as a project; throws ProjectFormatError naming the first bad field. */
export function parseProject(data: unknown): Project {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ProjectFormatError('not a Blurline project: expected a JSON object', null);
  }
  const record = data as Record<string, unknown>;
  if (record.format !== PROJECT_FORMAT) {
    throw new ProjectFormatError(`not a Blurline project: "format" must be "${PROJECT_FORMAT}"`, 'format');
  }
  if (typeof record.version === 'number' && record.version > PROJECT_VERSION) {
    throw new ProjectFormatError(
      `project version ${record.version} is newer than this Blurline understands (${PROJECT_VERSION}); update Blurline`,
      'version',
    );
  }
  const result = projectSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.map(String).join('.');
    throw new ProjectFormatError(`invalid project: ${field || '(root)'}: ${issue.message}`, field || null);
  }
  return result.data;
}

/** Parses project file text; JSON syntax errors become ProjectFormatError too. */
export function parseProjectText(text: string): Project {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ProjectFormatError(`project file is not valid JSON: ${(err as Error).message}`, null);
  }
  return parseProject(data);
}

export function serializeProject(project: Project): string {
  return `${JSON.stringify(project, null, 2)}\n`;
}
