// Wires the StudioApi to ipcMain: one handler per command in the contract, each checking that the
// call comes from the studio's own page and validating the payload before core sees it.
// Kept free of the `electron` import so it is unit-tested against the contract.
import { dispatch } from '../core/api/dispatch';
import type { StudioEventHub } from '../core/events';
import { COMMAND_NAMES, commandChannel, eventChannel, type StudioApi } from '../shared/api';
import { DESKTOP_CHANNELS, type ImportDialogKind } from '../shared/desktop';
import type { Envelope } from '../shared/errors';

export interface IpcEventLike {
  senderFrame?: { url: string } | null;
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface IpcOptions {
  /** True for URLs of the studio's own renderer; anything else is refused. */
  isTrustedUrl: (url: string) => boolean;
}

const untrusted: Envelope<never> = { ok: false, error: { code: 'UNAUTHORIZED', message: 'IPC refused: not the studio window' } };

/** Registers every StudioApi command; returns a function that removes them again. */
export function registerStudioIpc(ipcMain: IpcMainLike, api: StudioApi, opts: IpcOptions): () => void {
  for (const name of COMMAND_NAMES) {
    ipcMain.handle(commandChannel(name), async (event, payload) => {
      if (!isTrusted(event, opts)) return untrusted;
      return dispatch(api, name, payload);
    });
  }
  return () => COMMAND_NAMES.forEach((name) => ipcMain.removeHandler(commandChannel(name)));
}

export interface DesktopHandlers {
  chooseImportPaths(kind: ImportDialogKind): Promise<string[]>;
}

export function registerDesktopIpc(ipcMain: IpcMainLike, handlers: DesktopHandlers, opts: IpcOptions): () => void {
  ipcMain.handle(DESKTOP_CHANNELS.chooseImportPaths, async (event, kind) => {
    if (!isTrusted(event, opts)) throw new Error('IPC refused: not the studio window');
    if (kind !== 'files' && kind !== 'folder') throw new Error(`invalid dialog kind: ${String(kind)} (valid: files, folder)`);
    return handlers.chooseImportPaths(kind);
  });
  return () => ipcMain.removeHandler(DESKTOP_CHANNELS.chooseImportPaths);
}

/** Forwards every core event to the windows through `send`; returns the unsubscribe. */
export function forwardStudioEvents(events: StudioEventHub, send: (channel: string, payload: unknown) => void): () => void {
  return events.onAny((event, payload) => send(eventChannel(event), payload));
}

function isTrusted(event: IpcEventLike, opts: IpcOptions): boolean {
  const url = event.senderFrame?.url;
  return typeof url === 'string' && opts.isTrustedUrl(url);
}
