// Finds an installed Electron binary without triggering Electron 45's download-on-first-use
// (requiring the `electron` package would start one).
import fs from 'node:fs';
import path from 'node:path';

export const ELECTRON_SKIP_REASON =
  'no Electron binary in node_modules/electron/dist (Electron 45 downloads it on first launch, which needs the internet); ' +
  'install it with `npx install-electron` or set ELECTRON_OVERRIDE_DIST_PATH, then `npm run rebuild:electron`';

export function electronBinary(root: string): string | null {
  const pkg = path.join(root, 'node_modules', 'electron');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pathTxt = path.join(pkg, 'path.txt');
  const rel = fs.existsSync(pathTxt) ? fs.readFileSync(pathTxt, 'utf8').trim() : process.platform === 'win32' ? 'electron.exe' : 'electron';
  const bin = override ? path.join(override, rel) : path.join(pkg, 'dist', rel);
  return fs.existsSync(bin) ? bin : null;
}
