// `s2cap serve` as started from the command line: the library keeps its token across restarts (an
// open tab keeps working), --token / S2CAP_TOKEN set it, --new-token rotates it; a checkout without
// out/renderer gets the browser app built instead of "no renderer is served here".
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStudio } from '../core/studio';
import { tempDir } from '../core/testing/tmp';
import { TOKEN_FILE } from '../server/tokenStore';
import { runCaptured } from './runCaptured';
import { buildRenderer, rendererPlan } from './rendererBuild';
import { startServe, type Serving } from './serveCommand';

const ROOT = path.resolve(__dirname, '../..');

let tmp: ReturnType<typeof tempDir>;
let db: string;
let serving: Serving | null = null;
beforeEach(() => {
  tmp = tempDir();
  db = path.join(tmp.dir, 'team.s2cap.db');
});
afterEach(async () => {
  await serving?.stop();
  serving = null;
  tmp.cleanup();
});

async function serve(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  serving = await startServe([...args, '--db', db, '--port', '0', '--allow-path', tmp.dir], { out: (s) => out.push(s), err: (s) => err.push(s) }, {
    open: (where) => createStudio({ dbPath: where.db!, runJobs: false }),
    help: () => undefined,
    env,
  });
  const token = new URL(serving!.server.openUrl).searchParams.get('token')!;
  return { token, out: out.join('\n'), err: err.join('\n'), serving: serving! };
}

async function restart(args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  await serving?.stop();
  serving = null;
  return serve(args, env);
}

async function tracksStatus(s: Serving, token: string): Promise<number> {
  return (await fetch(`${s.server.url}api/tracks`, { headers: { authorization: `Bearer ${token}` } })).status;
}

describe('serve token', () => {
  it('keeps the library token across restarts, so an open tab keeps working', async () => {
    const first = await serve([]);
    expect(first.out).toMatch(/token made for this library, kept across restarts/);
    const file = path.join(first.serving.studio.dataDir, TOKEN_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = await restart();
    expect(second.token).toBe(first.token);
    expect(second.out).toMatch(/the library keeps this token across restarts; --new-token replaces it/);
    expect(await tracksStatus(second.serving, first.token)).toBe(200);
  });

  it('rotates with --new-token and sets with --token or S2CAP_TOKEN', async () => {
    const first = await serve([]);
    const rotated = await restart(['--new-token']);
    expect(rotated.token).not.toBe(first.token);
    expect(await tracksStatus(rotated.serving, first.token)).toBe(401);
    expect((await restart()).token).toBe(rotated.token);

    const set = await restart(['--token', 'team-secret-0123456789']);
    expect(set.token).toBe('team-secret-0123456789');
    expect((await restart()).token).toBe('team-secret-0123456789');
    expect((await restart([], { S2CAP_TOKEN: 'from-the-environment-42' })).token).toBe('from-the-environment-42');
    // The flag wins over the environment.
    expect((await restart(['--token', 'flag-beats-env-0123456'], { S2CAP_TOKEN: 'from-the-environment-42' })).token).toBe('flag-beats-env-0123456');
  });

  it.each([
    [['--token', 'short'], /--token: a token needs 16 to 256 characters/],
    [['--token', 'team-secret-0123456789', '--new-token'], /either --token \(or S2CAP_TOKEN\) or --new-token, not both/],
  ])('%j fails with one line before anything starts', async (args, msg) => {
    const r = await runCaptured('serve', ...args, '--db', db, '--port', '0');
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toEqual([expect.stringMatching(msg)]);
  });

  it('refuses an --allow-path that is not a folder, and closes the library again', async () => {
    await expect(serve(['--allow-path', '/definitely/not/here'])).rejects.toThrow(/--allow-path \/definitely\/not\/here: not a folder/);
    serving = null;
    // The library was closed: it opens again at once.
    const again = await createStudio({ dbPath: db, runJobs: false });
    await again.close();
  });

  it('says which server paths browser clients may use', async () => {
    const r = await serve([]);
    expect(r.out).toContain(`Server paths: files under ${tmp.dir}`);
    expect(r.serving.server.allowedPaths).toEqual([tmp.dir]);
  });
});

describe('serve renderer', () => {
  it('decides to build only when out/renderer is missing and the checkout can build it', () => {
    const built = path.join(tmp.dir, 'built');
    fs.mkdirSync(built);
    fs.writeFileSync(path.join(built, 'index.html'), '<!doctype html>');
    expect(rendererPlan(ROOT, built)).toBe('ready');
    expect(rendererPlan(ROOT, path.join(tmp.dir, 'missing'))).toBe('build');
    // An installed package without build tools or sources: API only, no attempt.
    expect(rendererPlan(tmp.dir)).toBe('unavailable');
  });

  it('builds the browser app into place', async () => {
    const out = path.join(tmp.dir, 'out', 'renderer');
    fs.mkdirSync(path.dirname(out));
    await buildRenderer(ROOT, out);
    const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(html).toMatch(/<script type="module"[^>]+src="\.?\/?assets\/index-[^"]+\.js"/);
    expect(fs.readdirSync(path.join(out, 'assets')).some((f) => f.endsWith('.js'))).toBe(true);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['renderer']); // no build folder left behind
    expect(rendererPlan(ROOT, out)).toBe('ready');
  }, 120_000);
});
