import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as Ort from 'onnxruntime-node';
import type { FaceDetector } from '../../../core/detection';
import { BlurlineError } from '../../../core/errors';
import {
  createOnnxModelDetector,
  float32Outputs,
  loadOnnxFaceModel,
  type OnnxFaceFormat,
  type OnnxFaceModel,
  type OnnxModelInput,
} from '../../../core/onnxFaceModels';

export interface OnnxDetectorSettings {
  /** Threads one detection may use (default: onnxruntime's, one per core); a pool of workers gives each one. */
  threads?: number;
  /** The SHA-256 the file must have (the one recorded when it was chosen): a changed file is refused. */
  sha256?: string;
}

/** A user's model file, as checked and recorded. */
export interface OnnxModelFile {
  /** Absolute path. */
  file: string;
  sha256: string;
  format: OnnxFaceFormat;
}

interface LoadedModel extends OnnxModelFile {
  ort: typeof Ort;
  session: Ort.InferenceSession;
  model: OnnxFaceModel;
}

let runtime: Promise<typeof Ort> | null = null;
/** onnxruntime-node (a native library), loaded the first time a user's model is: runs without one never load it. */
const onnxRuntime = () => (runtime ??= import('onnxruntime-node'));

async function loadModel(modelFile: string, settings: OnnxDetectorSettings): Promise<LoadedModel> {
  const file = path.resolve(modelFile);
  const name = path.basename(file);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BlurlineError('DETECTOR_MODEL_INVALID', code === 'ENOENT' ? `detector model not found: ${modelFile}` : `cannot read the detector model ${modelFile} (${code})`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (settings.sha256 && settings.sha256 !== sha256) {
    throw new BlurlineError('DETECTOR_MODEL_INVALID', `${name} has changed since it was chosen (SHA-256 ${sha256}, expected ${settings.sha256})`);
  }
  const ort = await onnxRuntime();
  const options: Ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    ...(settings.threads ? { intraOpNumThreads: settings.threads, interOpNumThreads: 1 } : {}),
  };
  try {
    const { session, model } = await loadOnnxFaceModel(bytes, (b) => ort.InferenceSession.create(b, options), (s) => s.release());
    return { file, sha256, format: model.format, ort, session, model };
  } catch (err) {
    throw err instanceof BlurlineError
      ? new BlurlineError(err.code, `${name}: ${err.message}`)
      : new BlurlineError('DETECTOR_MODEL_INVALID', `${name} is not an ONNX model onnxruntime can load: ${(err as Error).message}`);
  }
}

/**
 * Checks that a file is a face model Blurline can run and says what it is (before a run names
 * it); with `sha256`, also that it is still the file that was chosen.
 */
export async function inspectOnnxFaceModel(modelFile: string, sha256?: string): Promise<OnnxModelFile> {
  const loaded = await loadModel(modelFile, { sha256 });
  await loaded.session.release();
  return { file: loaded.file, sha256: loaded.sha256, format: loaded.format };
}

/**
 * A user's own ONNX face model (YuNet, SCRFD or CenterFace) on onnxruntime-node's CPU backend,
 * loaded once. A missing file, a file that is not ONNX, a model of no known format and a file
 * that no longer has the expected SHA-256 are refused with DETECTOR_MODEL_INVALID; a failure
 * while detecting is DETECTOR_FAILED.
 */
export async function createOnnxFaceDetector(modelFile: string, minConfidence: number, settings: OnnxDetectorSettings = {}): Promise<FaceDetector> {
  const { file, ort, session, model } = await loadModel(modelFile, settings);
  const run = async (input: OnnxModelInput) => float32Outputs(await session.run({ [model.inputName]: new ort.Tensor('float32', input.data, input.dims) }));
  return createOnnxModelDetector(model, run, path.basename(file), minConfidence, () => void session.release());
}
