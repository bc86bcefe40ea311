import type { BrowserWindow, Dialog } from 'electron';
import { VIDEO_EXTENSIONS } from '../export/batch';
import type { HostDialogs } from '../ipc/handlers';

/** The native dialogs behind the handlers' `HostDialogs`, attached to the app window. */

const ALL_FILES = { name: 'All files', extensions: ['*'] };

export function electronDialogs(dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>, window: () => BrowserWindow): HostDialogs {
  const open = async (title: string, filters: Electron.FileFilter[]) => {
    const result = await dialog.showOpenDialog(window(), { title, properties: ['openFile'], filters });
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };
  const save = async (title: string, defaultPath: string, filters: Electron.FileFilter[]) => {
    const result = await dialog.showSaveDialog(window(), { title, defaultPath, filters, properties: ['createDirectory', 'showOverwriteConfirmation'] });
    return result.canceled ? null : (result.filePath ?? null);
  };
  return {
    chooseVideo: () => open('Open Video', [{ name: 'Videos', extensions: VIDEO_EXTENSIONS }, ALL_FILES]),
    chooseFolder: async (title) => {
      const result = await dialog.showOpenDialog(window(), { title, properties: ['openDirectory'] });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    chooseDetectorModel: () => open('Choose a Face Detection Model', [{ name: 'ONNX models', extensions: ['onnx'] }, ALL_FILES]),
    chooseProjectToOpen: () => open('Open Project', [{ name: 'Blurline projects', extensions: ['json'] }, ALL_FILES]),
    chooseProjectSavePath: (defaultPath) => save('Save Project As', defaultPath, [{ name: 'Blurline project', extensions: ['json'] }]),
    chooseExportPath: (defaultPath) =>
      save('Export Blurred Video', defaultPath, [
        { name: 'MP4 video', extensions: ['mp4'] },
        { name: 'QuickTime movie', extensions: ['mov'] },
        { name: 'Matroska video', extensions: ['mkv'] },
      ]),
  };
}
