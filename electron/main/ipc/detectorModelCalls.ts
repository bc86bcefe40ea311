import { BlurlineError } from '../../../core/errors';
import type { BlurlineCalls, DetectorModelInfo, DetectorModelSetting } from '../../shared/contract';
import { inspectOnnxFaceModel } from '../detect/onnxFaceDetector';
import { ipcCall } from './calls';
import type { FeatureDeps } from './handlers';

/**
 * The user's own detector model, a setting kept in the user-data store: chosen with a dialog and
 * checked here (onnxruntime-node loads it and its outputs must be a known format) before it is
 * remembered; served to the renderer's detection workers under its SHA-256 only once checked.
 */
export function detectorModelCalls({ dialogs, store, media }: FeatureDeps) {
  /** The remembered model as it is now: usable, or why not (gone, damaged, changed since chosen). */
  async function recheck(model: DetectorModelInfo): Promise<DetectorModelSetting> {
    try {
      await inspectOnnxFaceModel(model.file, model.sha256);
      media.addDetectorModel(model.file, model.sha256);
      return { model, problem: null };
    } catch (err) {
      if (err instanceof BlurlineError) return { model, problem: err.message };
      throw err;
    }
  }

  return {
    detectorModel: ipcCall([], [], async () => {
      const { detectorModel } = await store.settings();
      return detectorModel && recheck(detectorModel);
    }),

    chooseDetectorModel: ipcCall([], [], async (): Promise<DetectorModelSetting | null> => {
      const file = await dialogs.chooseDetectorModel();
      if (!file) return null;
      // A file that is not a supported model fails here, with why, and is not remembered.
      const model = await inspectOnnxFaceModel(file);
      await store.changeSettings({ detectorModel: model });
      media.addDetectorModel(model.file, model.sha256);
      return { model, problem: null };
    }),

    removeDetectorModel: ipcCall([], [], async () => {
      await store.changeSettings({ detectorModel: null });
    }),
  } satisfies Partial<BlurlineCalls>;
}
