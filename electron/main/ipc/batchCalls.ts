import path from 'node:path';
import { z } from 'zod';
import { DETECTION_PRESETS } from '../../../core/presets';
import { MASTER_CODECS } from '../../../core/project';
import type { BlurlineCalls } from '../../shared/contract';
import { inspectOnnxFaceModel } from '../detect/onnxFaceDetector';
import { BatchQueue, listVideos } from '../export/batch';
import { absolutePath, ipcCall } from './calls';
import type { FeatureDeps } from './handlers';

const addArgs = z.strictObject({
  paths: z.array(absolutePath).min(1, 'must name at least one video').max(10_000),
  outputDir: absolutePath,
  preset: z.enum(['thorough', 'fast']),
  codec: z.enum(MASTER_CODECS),
  overwrite: z.boolean(),
});

/**
 * The batch queue: many clips analysed and exported one after another in main. A finished clip's
 * project also becomes the clip's autosave when it has none, so opening the clip in the editor
 * shows its tracks ready for review (an editor's own work on a clip is never replaced).
 */
export function batchCalls({ dialogs, store, emit, eventLog }: FeatureDeps) {
  const queue = new BatchQueue({
    publish: (items) => emit('batch', items),
    isGraphic: (sourcePath) => store.isMarkedGraphic(sourcePath),
    onClipDone: async (project) => {
      if (await store.readAutosave(project.source.path)) return;
      await store.saveAutosave(project);
      eventLog.rememberIfNew(project);
    },
  });
  const calls = {
    chooseBatchFolder: ipcCall([], [], async () => {
      const folder = await dialogs.chooseFolder('Add a Folder of Videos to the Batch');
      return folder ? { folder, videos: await listVideos(folder) } : null;
    }),

    addToBatch: ipcCall(['args'], [addArgs], async ({ paths, outputDir, preset, codec, overwrite }) => {
      // The user's own model searches here as in the editor; one that changed or vanished refuses the batch, saying why.
      const { detectorModel } = await store.settings();
      const model = detectorModel ? await inspectOnnxFaceModel(detectorModel.file, detectorModel.sha256) : undefined;
      return { ids: queue.add(paths.map((p) => path.resolve(p)), outputDir, { preset: DETECTION_PRESETS[preset], detectorModel: model, codec, overwrite }) };
    }),

    cancelBatchItem: ipcCall(['id'], [z.string().min(1).max(100)], async (id) => queue.cancel(id)),

    clearFinishedBatch: ipcCall([], [], async () => queue.clearFinished()),

    batchItems: ipcCall([], [], async () => queue.list()),
  } satisfies Partial<BlurlineCalls>;
  return { calls, close: () => queue.close() };
}
