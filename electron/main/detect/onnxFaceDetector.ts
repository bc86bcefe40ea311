import { access } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { FaceDetector } from '../../../core/detection';
import { BlurlineError } from '../../../core/errors';
import { recogniseOnnxFaceModel, type OnnxModelSignature, type OnnxOutput } from '../../../core/onnxFaceModels';

export interface OnnxDetectorSettings {
  /** Threads one detection may use (default: onnxruntime's, one per core); a pool of workers gives each one. */
  threads?: number;
}

/** What a session says about its tensors, in the core's terms. */
export function signatureOf(session: Pick<ort.InferenceSession, 'inputMetadata' | 'outputMetadata'>): OnnxModelSignature {
  const tensors = (metadata: readonly ort.InferenceSession.ValueMetadata[]) => metadata.map((m) => ({ name: m.name, shape: m.isTensor ? m.shape : [] }));
  return { inputs: tensors(session.inputMetadata), outputs: tensors(session.outputMetadata) };
}

/**
 * A user's own ONNX face model (YuNet, SCRFD or CenterFace) on onnxruntime-node's CPU backend,
 * loaded once. A missing file, a file that is not ONNX and a model of no known format are
 * refused with DETECTOR_MODEL_INVALID; a failure while detecting is DETECTOR_FAILED.
 */
export async function createOnnxFaceDetector(modelFile: string, minConfidence: number, settings: OnnxDetectorSettings = {}): Promise<FaceDetector> {
  const name = path.basename(modelFile);
  try {
    await access(modelFile);
  } catch {
    throw new BlurlineError('DETECTOR_MODEL_INVALID', `detector model not found: ${modelFile}`);
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelFile, {
      executionProviders: ['cpu'],
      ...(settings.threads ? { intraOpNumThreads: settings.threads, interOpNumThreads: 1 } : {}),
    });
  } catch (err) {
    throw new BlurlineError('DETECTOR_MODEL_INVALID', `${name} is not an ONNX model onnxruntime can load: ${(err as Error).message}`);
  }
  let model;
  try {
    model = recogniseOnnxFaceModel(signatureOf(session));
  } catch (err) {
    await session.release();
    throw err instanceof BlurlineError ? new BlurlineError(err.code, `${name}: ${err.message}`) : err;
  }
  return {
    description: `${name} (${model.format})@${minConfidence}`,
    minConfidence,
    async detect(frame) {
      const input = model.prepare(frame);
      let results: ort.InferenceSession.OnnxValueMapType;
      try {
        results = await session.run({ [model.inputName]: new ort.Tensor('float32', input.data, input.dims) });
      } catch (err) {
        throw new BlurlineError('DETECTOR_FAILED', `${name} failed on a ${frame.width}×${frame.height} frame: ${(err as Error).message}`);
      }
      const outputs: Record<string, OnnxOutput> = {};
      for (const [key, tensor] of Object.entries(results)) {
        if (tensor.type === 'float32') outputs[key] = { data: tensor.data as Float32Array, dims: tensor.dims };
      }
      return model.decode(outputs, input, minConfidence);
    },
    dispose() {
      void session.release();
    },
  };
}
