// StudioClient over the Electron preload bridge (`window.studio`).
import { COMMAND_NAMES, type StudioApi } from '../../../shared/api';
import type { StudioBridge } from '../../../shared/bridge';
import { unwrap, type Envelope } from '../../../shared/errors';
import type { StudioClient } from './types';

export function createIpcClient(bridge: StudioBridge): StudioClient {
  const api = Object.fromEntries(
    COMMAND_NAMES.map((name) => [name, async (input: unknown) => unwrap((await bridge.invoke(name, input)) as Envelope<unknown>)]),
  ) as unknown as StudioApi;
  return {
    ...api,
    mode: 'desktop',
    canPickPaths: true,
    on: (event, handler) => bridge.on(event, handler),
    choosePaths: (kind) => bridge.desktop.chooseImportPaths(kind),
    mediaUrl: (source) => `s2cap-media://${source.kind}/${source.id}`,
    async importFiles(files, onFile, opts) {
      const paths = files.map((f) => bridge.desktop.pathForFile(f)).filter(Boolean);
      const off = bridge.on('importProgress', (p) => onFile?.(p.done, p.total));
      try {
        return await api.importPaths({ paths, allowTruncated: opts?.allowTruncated });
      } finally {
        off();
      }
    },
  };
}
