// What only the desktop shell can do (native dialogs, real paths of dropped files). Kept apart
// from StudioApi because browser mode has no equivalent: there the renderer uploads instead.

export type ImportDialogKind = 'files' | 'folder';

export interface DesktopBridge {
  /** Opens the native picker; resolves to the chosen absolute paths ([] when cancelled). */
  chooseImportPaths(kind: ImportDialogKind): Promise<string[]>;
  /** The absolute path behind a File dropped onto the window (Electron's webUtils). */
  pathForFile(file: File): string;
}

export const DESKTOP_CHANNELS = {
  chooseImportPaths: 'desktop:chooseImportPaths',
} as const;
