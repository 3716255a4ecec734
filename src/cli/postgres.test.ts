// Every `s2cap` command opens a PostgreSQL library the way it opens a file: `--db postgres://…`
// or S2CAP_DB=postgres://…, its data folder recorded in the library (--data-dir or the default
// under S2CAP_HOME), and `serve` serves it. An unreachable server is one line, without a password.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultPgDataDir } from '../core/dataDir';
import { createPgTestDb, hasPg, type PgTestDb } from '../core/testing/pgTestDb';
import { FIXTURE_AUDIO, tempDir } from '../core/testing/tmp';
import { runCaptured } from './runCaptured';

const ROOT = path.resolve(__dirname, '../..');
const SAVED = { S2CAP_DB: process.env.S2CAP_DB, S2CAP_HOME: process.env.S2CAP_HOME, S2CAP_DATA_DIR: process.env.S2CAP_DATA_DIR };

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
  process.env.S2CAP_HOME = path.join(tmp.dir, 'home');
  delete process.env.S2CAP_DB;
  delete process.env.S2CAP_DATA_DIR;
});
afterEach(() => {
  for (const [k, v] of Object.entries(SAVED)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  tmp.cleanup();
});

it('an unreachable PostgreSQL server is one line naming the library without its password', async () => {
  const r = await runCaptured('list', '--db', 'postgres://ann:secret@127.0.0.1:1/team');
  expect(r.code).toBe(1);
  expect(r.err).toBe('s2cap: cannot open library postgres://ann@127.0.0.1:1/team: connection refused');
});

describe.skipIf(!hasPg('CLI on PostgreSQL'))('s2cap on a PostgreSQL library', () => {
  let pg: PgTestDb;
  beforeEach(async () => {
    pg = await createPgTestDb();
  });
  afterEach(async () => {
    await pg.drop();
  });

  it('--db postgres://… imports and lists; the data folder is the default one, recorded in the library', async () => {
    const imported = await runCaptured('import', path.join(FIXTURE_AUDIO, 'aria.wav'), '--db', pg.url, '--json');
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.out).imported).toHaveLength(1);
    const dataDir = defaultPgDataDir(pg.url);
    expect(dataDir.startsWith(path.join(tmp.dir, 'home', 'libraries') + path.sep)).toBe(true);
    expect(imported.err).toContain(`keeps its files in ${dataDir}`);
    expect(fs.statSync(dataDir).isDirectory()).toBe(true);
    const listed = await runCaptured('list', '--db', pg.url, '--json');
    expect(listed.code).toBe(0);
    expect(listed.err).toBe('');
    expect(JSON.parse(listed.out).map((t: { fileName: string }) => t.fileName)).toEqual(['aria.wav']);
  });

  it('S2CAP_DB=postgres://… and --data-dir: the given folder is recorded and found again by the next command', async () => {
    process.env.S2CAP_DB = pg.url;
    const dir = path.join(tmp.dir, 'team-files');
    expect((await runCaptured('import', path.join(FIXTURE_AUDIO, 'aria.wav'), '--data-dir', dir)).code).toBe(0);
    expect(fs.statSync(dir).isDirectory()).toBe(true);
    const listed = await runCaptured('list', '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.out)).toHaveLength(1);
    expect(fs.existsSync(defaultPgDataDir(pg.url))).toBe(false);
  });

  it('serve --db postgres://… serves the library, shown without its password, and says which data folder it uses', async () => {
    expect((await runCaptured('import', path.join(FIXTURE_AUDIO, 'aria.wav'), '--db', pg.url)).code).toBe(0);
    // The test server trusts local connections, so a password in the URL is accepted and unused.
    const withPassword = new URL(pg.url);
    withPassword.password = 'sekrit-pw';
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/s2cap.js'), 'serve', '--db', withPassword.toString(), '--port', '0', '--json'], {
      cwd: ROOT,
      env: { ...process.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        readline.createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
      });
      const info = JSON.parse(line) as { url: string; openUrl: string; db: string; dataDir: string };
      expect(info.db).toBe(pg.url);
      expect(info.dataDir).toBe(defaultPgDataDir(pg.url));
      const token = new URL(info.openUrl).searchParams.get('token')!;
      const res = await fetch(`${info.url}api/tracks`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(JSON.stringify(await res.json())).toContain('aria.wav');
      const rpc = await fetch(`${info.url}api/rpc/getInfo`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: 'null' });
      const about = JSON.stringify(await rpc.json());
      expect(about).toContain(`"dbPath":"${pg.url}"`);
      expect(about + line + stderr).not.toContain('sekrit-pw');
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});
