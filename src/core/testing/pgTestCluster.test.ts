// scripts/pg-test-cluster.sh, the throwaway server behind the PostgreSQL tests: it serves on
// 127.0.0.1 only, never as root, and leaves nothing behind — on `stop`, and when the process it
// watches dies without stopping it (a killed test run).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { pgRequired } from './pgTestDb';

const SCRIPT = path.resolve(__dirname, '../../../scripts/pg-test-cluster.sh');

function start(...args: string[]): { url: string; dir: string } {
  return startIn(process.env, ...args);
}

function startIn(env: NodeJS.ProcessEnv, ...args: string[]): { url: string; dir: string } {
  const out = execFileSync('bash', [SCRIPT, 'start', ...args], { encoding: 'utf8', env });
  const url = /^S2CAP_TEST_PG_URL=(.+)$/m.exec(out)?.[1];
  const dir = /^S2CAP_TEST_PG_DIR=(.+)$/m.exec(out)?.[1];
  if (!url || !dir) throw new Error(`no URL/folder in: ${out}`);
  return { url, dir };
}

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cond();
}

/** Whether PostgreSQL's binaries are here (a server named by S2CAP_TEST_PG_URL may be elsewhere). */
function haveBinaries(): boolean {
  try {
    execFileSync('bash', [SCRIPT, 'bindir'], { stdio: 'pipe' });
    return true;
  } catch (err) {
    const reason = String((err as { stderr?: Buffer }).stderr ?? err).trim();
    if (pgRequired()) throw new Error(`PostgreSQL is required here (CI) but not installed: ${reason}`);
    console.warn(`pgTestCluster.test.ts skipped: ${reason}`);
    return false;
  }
}

describe.skipIf(!haveBinaries())('pg-test-cluster.sh', () => {
  it('serves on 127.0.0.1 only, not as root, and stop removes server and folder', async () => {
    const { url, dir } = start();
    const pidFile = path.join(dir, 'data', 'postmaster.pid');
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    try {
      expect(new URL(url).hostname).toBe('127.0.0.1');
      const [row] = await query<{ listen: string; dir: string }>(
        url,
        `SELECT current_setting('listen_addresses') AS listen, current_setting('data_directory') AS dir`,
      );
      expect(row).toEqual({ listen: '127.0.0.1', dir: path.join(dir, 'data') });
      const uid = Number(/^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      expect(uid).not.toBe(0);
    } finally {
      execFileSync('bash', [SCRIPT, 'stop', dir]);
    }
    expect(fs.existsSync(dir)).toBe(false);
    expect(await until(() => !alive(pid), 5000)).toBe(true);
  });

  it('--watch stops the cluster once the watched process is gone', async () => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    const { url, dir } = start('--watch', String(child.pid));
    expect(await query(url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    child.kill('SIGKILL');
    expect(await until(() => !fs.existsSync(dir), 10_000)).toBe(true);
  });

  it('makes its folder under S2CAP_PG_TMPDIR (a CI run stops only the clusters in its own folder)', async () => {
    const base = fs.mkdtempSync('/tmp/s2cap-ci-test-');
    try {
      fs.chmodSync(base, 0o711); // as root the server runs as nobody, which must reach its folder
      const { url, dir } = startIn({ ...process.env, S2CAP_PG_TMPDIR: base });
      try {
        expect(path.dirname(dir)).toBe(base);
        expect(await query(url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
      } finally {
        execFileSync('bash', [SCRIPT, 'stop', dir]);
      }
      expect(fs.readdirSync(base)).toEqual([]);
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });

  it('stop refuses a folder that is not a test cluster', () => {
    const dir = fs.mkdtempSync('/tmp/not-a-cluster-');
    try {
      expect(() => execFileSync('bash', [SCRIPT, 'stop', dir], { stdio: 'pipe' })).toThrow(/not a test cluster folder/);
      expect(fs.existsSync(dir)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
