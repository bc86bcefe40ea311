import path from 'node:path';
import { BlurlineError } from '../../../core/errors';
import type { Project } from '../../../core/project';
import type { BlurlineCalls } from '../../shared/contract';
import { verifySourceUnchanged } from '../media/render';
import { readProjectFile, writeProjectFile } from '../project/projectFile';
import { relinkMovedSource } from '../project/relink';
import { ipcCall, projectArg } from './calls';
import type { FeatureDeps } from './handlers';

export const PROJECT_EXTENSION = '.blurline.json';

/** `clip.mp4` → `clip.blurline.json` beside it: where the CLI's `auto` puts a project too. */
export function defaultProjectPath(project: Project): string {
  const source = project.source.path;
  return path.join(path.dirname(source), `${path.basename(source, path.extname(source))}${PROJECT_EXTENSION}`);
}

/** Whether the file at the project's source path is no longer the one it was made from. */
async function sourceChanged(project: Project): Promise<boolean> {
  try {
    await verifySourceUnchanged(project.source);
    return false;
  } catch (err) {
    if (err instanceof BlurlineError && err.code === 'SOURCE_CHANGED') return true;
    throw err;
  }
}

/** Project files: the autosave beside the app's data, Save As and Open through dialogs. */
export function projectCalls({ dialogs, store, eventLog }: FeatureDeps) {
  return {
    autosaveProject: ipcCall(['project'], [projectArg], async (project) => {
      eventLog.accept(project);
      return { savedAt: (await store.saveAutosave(project)).savedAt };
    }),

    saveProjectAs: ipcCall(['project'], [projectArg], async (project) => {
      // Before the dialog: autosaves may extend the log while it is open.
      eventLog.accept(project);
      const chosen = await dialogs.chooseProjectSavePath(defaultProjectPath(project));
      if (!chosen) return null;
      const file = path.extname(chosen) ? chosen : `${chosen}${PROJECT_EXTENSION}`;
      await writeProjectFile(file, project);
      return file;
    }),

    openProject: ipcCall([], [], async () => {
      const file = await dialogs.chooseProjectToOpen();
      if (!file) return null;
      const { project, relinkedFrom } = await relinkMovedSource(await readProjectFile(file), file);
      eventLog.remember(project);
      return { path: file, project, sourceChanged: await sourceChanged(project), relinkedFrom };
    }),
  } satisfies Partial<BlurlineCalls>;
}
