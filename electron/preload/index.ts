import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { exposeBlurlineApi } from './api';

// The sandboxed preload: `window.blurline` and nothing else (bundled to CommonJS by scripts/build-electron.ts).
exposeBlurlineApi(contextBridge, ipcRenderer, (file) => webUtils.getPathForFile(file));
