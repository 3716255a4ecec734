// Builds `window.studio` from the contract. Kept free of the `electron` import (the preload's
// index.ts injects ipcRenderer and webUtils) so the wiring is unit-tested without Electron.
import { COMMAND_NAMES, commandChannel, eventChannel, isCommandName, isEventName, type EventName } from '../shared/api';
import type { BridgeCommands, StudioBridge } from '../shared/bridge';
import { DESKTOP_CHANNELS, type ImportDialogKind } from '../shared/desktop';
import type { Envelope } from '../shared/errors';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export interface BridgeDeps {
  ipc: IpcRendererLike;
  pathForFile: (file: File) => string;
}

const refused = (message: string): Envelope<never> => ({ ok: false, error: { code: 'NOT_FOUND', message } });

export function createStudioBridge({ ipc, pathForFile }: BridgeDeps): StudioBridge {
  const invoke = async (name: string, input?: unknown): Promise<Envelope<unknown>> => {
    if (!isCommandName(name)) return refused(`unknown command: ${String(name)}`);
    return (await ipc.invoke(commandChannel(name), input)) as Envelope<unknown>;
  };
  const commands = Object.fromEntries(
    COMMAND_NAMES.map((name) => [name, (input: unknown) => invoke(name, input)]),
  ) as unknown as BridgeCommands;

  return {
    commands,
    invoke,
    on(event: EventName, handler: (payload: never) => void) {
      if (!isEventName(event)) throw new Error(`unknown event: ${String(event)}`);
      // Never hand the IpcRendererEvent (which carries `sender`) to the page.
      const listener = (_e: unknown, payload: unknown) => handler(payload as never);
      ipc.on(eventChannel(event), listener);
      return () => void ipc.removeListener(eventChannel(event), listener);
    },
    desktop: {
      chooseImportPaths: (kind: ImportDialogKind) => ipc.invoke(DESKTOP_CHANNELS.chooseImportPaths, kind) as Promise<string[]>,
      pathForFile,
    },
  };
}
