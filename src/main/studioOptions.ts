// Which library the desktop app opens, without Electron (so a unit test can hold it against the
// CLI's): the same rule as every `s2cap` command (core/dataDir: S2CAP_DB, S2CAP_HOME, the per-user
// folder, a postgres:// URL in S2CAP_DB, S2CAP_DATA_DIR), and the library's own data folder as core
// derives it; only the bundled packs differ.
import path from 'node:path';
import { libraryLocation } from '../core/dataDir';
import type { StudioOptions } from '../core/studio';

export interface AppPlace {
  /** app.isPackaged */
  packaged: boolean;
  /** process.resourcesPath of the packaged app. */
  resourcesPath: string;
  /** The folder of the built main script (out/main). */
  appDir: string;
}

export function desktopStudioOptions(env: NodeJS.ProcessEnv, where: AppPlace): StudioOptions {
  return {
    ...libraryLocation(undefined, undefined, env),
    bundledPacksDir: where.packaged ? path.join(where.resourcesPath, 'packs') : path.resolve(where.appDir, '../../resources/packs'),
    // Where a PostgreSQL library's data folder came from (recorded, moved, this run only): the log.
    onNotice: (line) => console.warn(`[s2cap] ${line}`),
  };
}
