// PostgreSQL for tests: each test file gets a fresh database on the throwaway cluster that the
// vitest globalSetup (pgGlobalSetup.ts) started, or on the server S2CAP_TEST_PG_URL names, and
// drops it afterwards. Where no PostgreSQL exists the PostgreSQL tests are skipped with the
// reason printed — except under CI (CI=true or S2CAP_REQUIRE_PG=1), where its absence fails.
// (Test scaffolding: the only SQL here is CREATE/DROP DATABASE on the test server.)
import crypto from 'node:crypto';
import pg from 'pg';

export interface PgTestDb {
  /** postgres:// URL of the fresh, empty database. */
  url: string;
  name: string;
  /** Drops the database (ending any connection still open to it). */
  drop(): Promise<void>;
}

/** True where PostgreSQL must be present (CI): its absence is then a failure, not a skip. */
export function pgRequired(): boolean {
  return process.env.CI === 'true' || process.env.S2CAP_REQUIRE_PG === '1';
}

/** The test server's admin URL, or null when there is none (see pgSkipReason). */
export function pgTestUrl(): string | null {
  const url = process.env.S2CAP_TEST_PG_URL;
  if (url) return url;
  if (pgRequired()) throw new Error(`PostgreSQL is required here (CI) but absent: ${pgSkipReason()}`);
  return null;
}

/** Why PostgreSQL tests are skipped in this run. */
export function pgSkipReason(): string {
  return (
    process.env.S2CAP_TEST_PG_SKIP ||
    'S2CAP_TEST_PG_URL is not set and no test cluster was started (install postgresql; Debian: apt-get install postgresql)'
  );
}

const warned = new Set<string>();

/** Whether PostgreSQL tests run; prints the reason once per label when they are skipped. */
export function hasPg(label = 'PostgreSQL tests'): boolean {
  if (pgTestUrl()) return true;
  if (!warned.has(label)) {
    warned.add(label);
    console.warn(`${label} skipped: ${pgSkipReason()}`);
  }
  return false;
}

/** Creates an empty database `s2cap_test_<random>` on the test server. */
export async function createPgTestDb(): Promise<PgTestDb> {
  const admin = pgTestUrl();
  if (!admin) throw new Error(`no PostgreSQL for tests: ${pgSkipReason()}`);
  const name = `s2cap_test_${crypto.randomBytes(6).toString('hex')}`;
  await withAdmin(admin, (c) => c.query(`CREATE DATABASE ${name}`));
  const u = new URL(admin);
  u.pathname = `/${name}`;
  let dropped = false;
  return {
    url: u.toString(),
    name,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await withAdmin(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
