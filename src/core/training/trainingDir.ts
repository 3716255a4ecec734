// Where the retraining recipe's Python package (training/s2cap_train) is, so that a child Python
// can import it through PYTHONPATH. Found by walking up from this module: in a checkout or an
// installed npm package it sits beside package.json (training/), and in a packaged desktop app
// electron-builder ships it as an extraResource (resources/training) next to app.asar, which the
// same walk reaches from app.asar/out/main. No option to thread through: every caller (job, CLI,
// test:python) finds the same folder, and starts its Python with recipeEnv().
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StudioError } from '../../shared/errors';

/** The folder to put on PYTHONPATH (it holds s2cap_train/); throws NOT_FOUND naming where it looked. */
export function trainingDir(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  const looked: string[] = [];
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'training');
    if (fs.existsSync(path.join(candidate, 's2cap_train', '__init__.py'))) return candidate;
    looked.push(candidate);
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new StudioError('NOT_FOUND', `the retraining recipe (training/s2cap_train) is missing from this installation (looked in ${looked.join(', ')})`);
}

/**
 * The environment a child Python runs the recipe in: this process's, with the recipe's folder (after
 * `first`, e.g. its tests/ for the test helpers) put before any PYTHONPATH already set.
 */
export function recipeEnv(first: string[] = []): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONPATH: [...first, trainingDir(), process.env.PYTHONPATH].filter(Boolean).join(path.delimiter) };
}
