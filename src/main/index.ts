// Electron main process: opens the library, wires the StudioApi to IPC, and creates a locked-down
// window (context isolation, sandbox, CSP, no navigation, no new windows). All studio logic
// lives in src/core; this file only connects it to Electron.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createStudio, type Studio } from '../core/studio';
import { RENDERER_CSP } from '../shared/csp';
import type { ImportDialogKind } from '../shared/desktop';
import { createMediaHandler, MEDIA_SCHEME } from './mediaProtocol';
import { buildMenu } from './menu';
import { closeStudioOnQuit } from './quit';
import { forwardStudioEvents, registerDesktopIpc, registerStudioIpc } from './ipc';
import { isExternalLink, makeTrustedUrlCheck } from './security';
import { desktopStudioOptions } from './studioOptions';

const here = path.dirname(fileURLToPath(import.meta.url));
const devUrl = process.env.ELECTRON_RENDERER_URL;
const appUrl = devUrl ?? pathToFileURL(path.join(here, '../renderer/index.html')).href;
const isTrustedUrl = makeTrustedUrlCheck(appUrl);

// Must happen before `ready`: media URLs behave like https (fetch, Range, streaming).
protocol.registerSchemesAsPrivileged([
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: true } },
]);

let studio: Studio | undefined;
let mainWindow: BrowserWindow | undefined;

async function chooseImportPaths(kind: ImportDialogKind): Promise<string[]> {
  const opts: Electron.OpenDialogOptions =
    kind === 'folder'
      ? { title: 'Import a folder of music', properties: ['openDirectory', 'multiSelections'] }
      : {
          title: 'Import audio files',
          properties: ['openFile', 'multiSelections'],
          filters: [{ name: 'Audio', extensions: ['wav', 'flac', 'mp3', 'ogg', 'oga', 'opus', 'm4a', 'aac', 'mp4'] }],
        };
  const res = mainWindow ? await dialog.showOpenDialog(mainWindow, opts) : await dialog.showOpenDialog(opts);
  return res.canceled ? [] : res.filePaths;
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'S2Cap Studio',
    show: false,
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: true,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(appUrl);
  return win;
}

function lockDown(): void {
  // Dev mode needs Vite's HMR socket; the packaged app gets the strict policy only.
  const csp = devUrl ? RENDERER_CSP.replace("connect-src 'self'", `connect-src 'self' ws: ${new URL(devUrl).origin}`) : RENDERER_CSP;
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, cb) => cb(false));
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (e, url) => {
      if (!isTrustedUrl(url)) e.preventDefault();
    });
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isExternalLink(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

async function importFromMenu(kind: ImportDialogKind): Promise<void> {
  const paths = await chooseImportPaths(kind);
  // The report reaches the window through the importFinished event.
  if (paths.length && studio) await studio.importPaths({ paths });
}

app.whenReady().then(async () => {
  lockDown();
  try {
    // The same library as the CLI's for the same environment (S2CAP_DB, S2CAP_HOME; see core/dataDir).
    studio = await createStudio(desktopStudioOptions(process.env, { packaged: app.isPackaged, resourcesPath: process.resourcesPath, appDir: here }));
  } catch (err) {
    dialog.showErrorBox('S2Cap Studio cannot open its library', (err as Error).message);
    app.exit(1);
    return;
  }
  const opened = studio;
  protocol.handle(MEDIA_SCHEME, createMediaHandler((kind, id) => opened.media(kind, id)));
  registerStudioIpc(ipcMain, opened, { isTrustedUrl });
  registerDesktopIpc(ipcMain, { chooseImportPaths }, { isTrustedUrl });
  forwardStudioEvents(opened.events, (channel, payload) => {
    for (const w of BrowserWindow.getAllWindows()) w.webContents.send(channel, payload);
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenu({ importFiles: () => importFromMenu('files'), importFolder: () => importFromMenu('folder') })));
  mainWindow = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
// Quit waits for the studio to close (the running job back in the queue, the library closed).
closeStudioOnQuit(app, () => studio?.close());
