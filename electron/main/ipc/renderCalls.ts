import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { BlurlineError } from '../../../core/errors';
import type { BlurlineCalls } from '../../shared/contract';
import { assertReadableFile } from '../media/probe';
import { checkOutputPath } from '../media/render';
import { renderProject, type JobStage } from '../pipeline';
import { absolutePath, ipcCall, projectArg } from './calls';
import type { FeatureDeps } from './handlers';

const STAGE_WORDS: Record<JobStage, string> = {
  probe: 'reading the source',
  analyse: 'analysing',
  verify: 'verifying the source',
  render: 'encoding',
};

const startRenderArgs = z.strictObject({
  project: projectArg,
  outputPath: absolutePath,
  overwrite: z.boolean(),
});

/** Fails at once, before a job starts, when the master could not be written where asked. */
async function checkWritableOutput(sourcePath: string, outputPath: string, overwrite: boolean): Promise<void> {
  const { absolute } = checkOutputPath(sourcePath, outputPath, overwrite);
  try {
    await access(path.dirname(absolute), constants.W_OK);
  } catch {
    throw new BlurlineError('PERMISSION_DENIED', `cannot write to the folder ${path.dirname(absolute)}`);
  }
}

/** Export: the path dialog, the render job (the CLI's renderProject), cancel, and revealing the result. */
export function renderCalls({ dialogs, jobs, showItemInFolder }: FeatureDeps) {
  return {
    chooseExportPath: ipcCall(['defaultPath'], [z.string().max(4096).refine((p) => !p.includes('\0'), 'must not contain NUL bytes')], async (defaultPath) => {
      const chosen = await dialogs.chooseExportPath(defaultPath);
      return chosen && (path.extname(chosen) ? chosen : `${chosen}.mp4`);
    }),

    startRender: ipcCall(['args'], [startRenderArgs], async ({ project, outputPath, overwrite }) => {
      await checkWritableOutput(project.source.path, outputPath, overwrite);
      const jobId = jobs.start('render', 'starting', async (job) => {
        const result = await renderProject(project, outputPath, {
          overwrite,
          signal: job.signal,
          onStage: (stage) => job.stage(STAGE_WORDS[stage]),
          onProgress: (_stage, progress) => job.progress(progress),
        });
        return { outputPath: result.outputPath };
      });
      return { jobId };
    }),

    cancelJob: ipcCall(['jobId'], [z.string().min(1).max(100)], async (jobId) => jobs.cancel(jobId)),

    revealFile: ipcCall(['path'], [absolutePath], async (file) => {
      await assertReadableFile(file, 'file');
      showItemInFolder(file);
    }),
  } satisfies Partial<BlurlineCalls>;
}
