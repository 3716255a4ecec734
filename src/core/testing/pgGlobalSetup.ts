// vitest globalSetup: gives the run a PostgreSQL server. Where S2CAP_TEST_PG_URL is already set
// (a server of your own) it is used as it is; otherwise, where PostgreSQL's binaries exist, a
// throwaway cluster is started (scripts/pg-test-cluster.sh: initdb + pg_ctl on a free port, as an
// unprivileged user) and stopped after the run — also if the run is killed (--watch). Without
// the binaries, PostgreSQL tests are skipped with the reason (S2CAP_TEST_PG_SKIP) — under CI
// that is a failure (see pgTestDb.ts).
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pgRequired } from './pgTestDb';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../scripts/pg-test-cluster.sh');
/** pg-test-cluster.sh's exit status when PostgreSQL is not installed. */
const NOT_INSTALLED = 3;

export default function setup(): (() => void) | undefined {
  if (process.env.S2CAP_TEST_PG_URL) return undefined;
  let out: string;
  try {
    out = execFileSync('bash', [SCRIPT, 'start', '--watch', String(process.pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { status?: number; stderr?: string; message: string };
    const reason = (e.stderr || e.message).trim().split('\n').pop() ?? e.message;
    if (e.status !== NOT_INSTALLED) throw new Error(`cannot start the PostgreSQL test cluster: ${reason}`);
    if (pgRequired()) throw new Error(`PostgreSQL is required here (CI) but not installed: ${reason}`);
    process.env.S2CAP_TEST_PG_SKIP = reason;
    console.warn(`PostgreSQL tests will be skipped: ${reason}`);
    return undefined;
  }
  const vars = Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
  const url = vars.S2CAP_TEST_PG_URL;
  const dir = vars.S2CAP_TEST_PG_DIR;
  if (!url || !dir) throw new Error(`pg-test-cluster.sh printed no URL: ${out}`);
  process.env.S2CAP_TEST_PG_URL = url;
  return () => {
    delete process.env.S2CAP_TEST_PG_URL;
    // Already gone (stopped by its --watch, or by hand): nothing is left to stop.
    if (!fs.existsSync(dir)) return;
    execFileSync('bash', [SCRIPT, 'stop', dir], { stdio: 'inherit' });
  };
}
