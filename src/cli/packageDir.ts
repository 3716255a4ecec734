// Where this checkout or installed package lives, found by walking up to its package.json, so
// the CLI finds resources/ and out/ whether it runs from src/ (tsx) or from a build.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root folder. */
export function packageRoot(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  return undefined;
}

/** A folder of this checkout or installed package, if it exists. */
export function packageDir(rel: string): string | undefined {
  const root = packageRoot();
  const candidate = root && path.join(root, rel);
  return candidate && fs.existsSync(candidate) ? candidate : undefined;
}
