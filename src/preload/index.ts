// Preload of the studio window: exposes `window.studio` (see shared/bridge.ts) through
// contextBridge. Runs sandboxed, so it is bundled to one CommonJS file.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createStudioBridge } from './bridge';

contextBridge.exposeInMainWorld(
  'studio',
  createStudioBridge({ ipc: ipcRenderer, pathForFile: (file) => webUtils.getPathForFile(file) }),
);
