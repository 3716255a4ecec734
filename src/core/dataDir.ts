// Where a library lives by default. Matches Electron's app.getPath('userData') for the product
// name, so the desktop app, `s2cap serve` and the CLI open the same library without flags.
import os from 'node:os';
import path from 'node:path';

export const PRODUCT_NAME = 'S2Cap Studio';
export const DEFAULT_DB_NAME = 'library.s2cap.db';

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
