/** Error codes shared by the CLI (exit codes), IPC results (`{ ok: false, code, message }`) and tests. */
export type ErrorCode =
  | 'SOURCE_NOT_FOUND'
  | 'SOURCE_UNREADABLE'
  | 'NO_VIDEO_STREAM'
  | 'SOURCE_TRUNCATED'
  | 'SOURCE_CHANGED'
  | 'OUTPUT_IS_SOURCE'
  | 'OUTPUT_EXISTS'
  | 'OUTPUT_DIR_MISSING'
  | 'OUTPUT_UNSUPPORTED'
  | 'DISK_FULL'
  | 'PERMISSION_DENIED'
  | 'FFMPEG_NOT_FOUND'
  | 'FFMPEG_FAILED'
  | 'PROJECT_INVALID'
  | 'DETECTOR_FAILED'
  /** A user's own detector model file is missing, not ONNX, or of no supported format. */
  | 'DETECTOR_MODEL_INVALID'
  /** A caller (the renderer, over IPC) passed an argument that fails validation. */
  | 'INVALID_ARGUMENT'
  /** A bug: an error that is not a BlurlineError. */
  | 'INTERNAL'
  | 'CANCELLED';

export class BlurlineError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra context for logs and bug reports (e.g. the tail of ffmpeg's stderr). */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'BlurlineError';
  }
}

/** A user's cancel: an outcome the caller reports as such, not a failure. */
export class CancelledError extends BlurlineError {
  constructor(what = 'operation') {
    super('CANCELLED', `${what} cancelled`);
    this.name = 'CancelledError';
  }
}

export function isCancelled(err: unknown): boolean {
  return err instanceof BlurlineError && err.code === 'CANCELLED';
}
