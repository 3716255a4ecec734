// `s2cap serve` right after `npm install` served no app ("no renderer is served here"), because
// only `npm run build` made out/renderer. Now serve builds the renderer itself when it is missing
// and the build tools are there (a checkout): the renderer target of electron.vite.config.ts only,
// in a child process run in the checkout (the config resolves paths from there), into a temporary
// folder renamed into place, so two servers starting at once never see half a build. It takes
// about a second (measured 0.7 s in process on 2 cores); an installed package ships out/renderer.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type RendererPlan = 'ready' | 'build' | 'unavailable';

const BUILD_SCRIPT = `
import { resolveConfig } from 'electron-vite';
import { build } from 'vite';
process.env.NODE_ENV_ELECTRON_VITE = 'production';
const cfg = await resolveConfig({ root: process.cwd(), logLevel: 'error', build: { outDir: process.argv[1] } }, 'build', 'production');
if (!cfg.config || !cfg.config.renderer) throw new Error('electron.vite.config.ts has no renderer target');
await build(cfg.config.renderer);
`;

/** What serve should do about the renderer in `outDir` (default: root/out/renderer). */
export function rendererPlan(root: string, outDir = path.join(root, 'out', 'renderer')): RendererPlan {
  if (fs.existsSync(path.join(outDir, 'index.html'))) return 'ready';
  const canBuild =
    fs.existsSync(path.join(root, 'electron.vite.config.ts')) &&
    fs.existsSync(path.join(root, 'src', 'renderer', 'index.html')) &&
    fs.existsSync(path.join(root, 'node_modules', 'electron-vite', 'package.json')) &&
    fs.existsSync(path.join(root, 'node_modules', 'vite', 'package.json'));
  return canBuild ? 'build' : 'unavailable';
}

/** Builds the renderer of the checkout at `root` into `outDir`; throws one line on failure. */
export async function buildRenderer(root: string, outDir = path.join(root, 'out', 'renderer')): Promise<void> {
  const work = path.join(path.dirname(outDir), `.renderer-build-${crypto.randomUUID()}`);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', BUILD_SCRIPT, work], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let log = '';
      child.stdout.on('data', (d) => (log += d));
      child.stderr.on('data', (d) => (log += d));
      child.once('error', reject);
      child.once('exit', (code) => {
        const last = log.trim().split('\n').filter(Boolean).find((l) => /error/i.test(l)) ?? log.trim().split('\n').pop() ?? '';
        if (code === 0) resolve();
        else reject(new Error(`building the browser app failed (exit ${code}): ${last.trim()}`));
      });
    });
    const built = path.join(work, 'renderer');
    if (!fs.existsSync(path.join(built, 'index.html'))) throw new Error('building the browser app produced no index.html');
    // A half-removed earlier build (no index.html) is replaced.
    if (!fs.existsSync(path.join(outDir, 'index.html'))) fs.rmSync(outDir, { recursive: true, force: true });
    try {
      fs.renameSync(built, outDir);
    } catch (err) {
      // Another server finished first: keep its build.
      if (!fs.existsSync(path.join(outDir, 'index.html'))) throw err;
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
