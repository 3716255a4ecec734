// Where a library and its files live: ONE rule shared by the desktop app (src/main), `s2cap serve`
// and every CLI command, so all of them open the same default library without flags.
//   library file: --db FILE, else $S2CAP_DB, else $S2CAP_HOME/library.s2cap.db, else
//                 <per-user app folder>/library.s2cap.db (Linux: ~/.config/S2Cap Studio/).
//   its files:    one folder beside it named after it, `team.s2cap.db` → `team.s2cap.data/`
//                 (packs/, stems/, uploads/, cache/, the server token), see libraryDataDir.
//   PostgreSQL:   --db / $S2CAP_DB may be a postgres:// URL; such a library names its data folder
//                 in its settings (core/libraryFolder), first defaultPgDataDir.
//   --data-dir DIR (else $S2CAP_DATA_DIR) names the data folder for one process, for either kind.
// The per-user folder is the one Electron picks for userData for this product name; it is written
// out here (rather than asked of Electron) because the CLI runs without Electron.
import os from 'node:os';
import path from 'node:path';
import { isPostgresUrl } from './store/store';

export const PRODUCT_NAME = 'S2Cap Studio';
export const DEFAULT_DB_NAME = 'library.s2cap.db';
export const DATA_DIR_SUFFIX = '.data';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.S2CAP_HOME) return path.resolve(env.S2CAP_HOME);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', PRODUCT_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), PRODUCT_NAME);
}

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(defaultDataDir(env), DEFAULT_DB_NAME);
}

/** The library to open: an explicit `--db`, else $S2CAP_DB, else the default library (a postgres:// URL as given). */
export function resolveLibraryDb(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const target = flag ?? (env.S2CAP_DB || defaultDbPath(env));
  return isPostgresUrl(target) ? target : path.resolve(target);
}

/** Where one process keeps the library's files when told: `--data-dir`, else $S2CAP_DATA_DIR. */
export function resolveDataDirFlag(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = flag ?? (env.S2CAP_DATA_DIR || undefined);
  return dir === undefined ? undefined : path.resolve(dir);
}

/** The folder a PostgreSQL library gets when it names none and none is given: <home>/libraries/<host>-<port>-<db>.data. */
export function defaultPgDataDir(url: string, env: NodeJS.ProcessEnv = process.env): string {
  let name: string;
  try {
    const u = new URL(url);
    name = [u.hostname || 'localhost', u.port, decodeURIComponent(u.pathname.replace(/^\//, '')) || u.username || 'postgres'].filter(Boolean).join('-');
  } catch {
    name = 'postgres';
  }
  return path.join(defaultDataDir(env), 'libraries', name.replace(/[^\w.-]+/g, '_') + DATA_DIR_SUFFIX);
}

/** The library and data folder options every opener (CLI, serve, desktop) passes to createStudio. */
export function libraryLocation(dbFlag: string | undefined, dataDirFlag: string | undefined, env: NodeJS.ProcessEnv = process.env) {
  const dbPath = resolveLibraryDb(dbFlag, env);
  const dataDir = resolveDataDirFlag(dataDirFlag, env);
  return { dbPath, ...(dataDir ? { dataDir } : {}), ...(isPostgresUrl(dbPath) ? { defaultDataDir: defaultPgDataDir(dbPath, env) } : {}) };
}

/**
 * The folder that holds a library's own files: beside the library file, named after it with its
 * last extension replaced by `.data` (`team.s2cap.db` → `team.s2cap.data`, `notes` → `notes.data`).
 */
export function libraryDataDir(dbPath: string): string {
  const abs = path.resolve(dbPath);
  const { dir, name, base } = path.parse(abs);
  const folder = path.join(dir, (name || base) + DATA_DIR_SUFFIX);
  return folder === abs ? abs + DATA_DIR_SUFFIX : folder;
}
