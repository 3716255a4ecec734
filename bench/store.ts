// Store benchmark (not a test): the library at team scale, on both back ends. Prints numbers for
// SQLite (a temp library file) and PostgreSQL (S2CAP_TEST_PG_URL, or a throwaway cluster started
// with scripts/pg-test-cluster.sh when PostgreSQL is installed; "skipped: …" otherwise):
//   1. insert 2,000 tracks' rows as an import does (one transaction per file),
//   2. list/filter/sort a 20,000-track library (median and p95 ms per query shape; target < 50 ms
//      on SQLite),
//   3. append 10,000 caption revisions through the captions repository,
//   4. claim 1,000 jobs from two processes (jobs/s, and that every job was claimed exactly once),
//   5. the annotation queue at 20,000 tracks × 3 segments (suggestions, revisions, stale spans;
//      median and p95 ms per page for each order and common filters), and the Stats rows + numbers.
// Sizes shrink with BENCH_IMPORT_TRACKS, BENCH_LIST_TRACKS, BENCH_QUERY_REPS, BENCH_REVISIONS,
// BENCH_JOBS, BENCH_QUEUE_SEGMENTS (per track; 0 skips part 5); BENCH_BACKENDS=sqlite (or postgres)
// runs one back end.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { QueueQuery } from '../src/shared/annotation';
import type { TrackQuery } from '../src/shared/types';
import { computeStudioStats } from '../src/core/metrics/studioStats';
import { openStore, type Store } from '../src/core/store/store';
import { createPgTestDb } from '../src/core/testing/pgTestDb';
import { seedQueue } from '../src/core/testing/seedQueue';
import { seedTracks } from '../src/core/testing/seedTracks';

const env = (name: string, dflt: number) => Number(process.env[name] ?? dflt);
const IMPORT_TRACKS = env('BENCH_IMPORT_TRACKS', 2000);
const LIST_TRACKS = Math.max(env('BENCH_LIST_TRACKS', 20_000), IMPORT_TRACKS);
const REPS = env('BENCH_QUERY_REPS', 30);
const REVISIONS = env('BENCH_REVISIONS', 10_000);
const JOBS = env('BENCH_JOBS', 1000);
const QUEUE_SEGMENTS = env('BENCH_QUEUE_SEGMENTS', 3);
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'sqlite,postgres').split(',');
const ROOT = path.resolve(import.meta.dirname, '..');

const QUERIES: [string, TrackQuery][] = [
  ['first page, artist order', {}],
  [`page at offset ${Math.floor(LIST_TRACKS / 2)}, by title`, { offset: Math.floor(LIST_TRACKS / 2), sort: 'title' }],
  ['by duration, descending', { sort: 'duration', dir: 'desc' }],
  ['status filter, newest first', { status: ['reviewed'], sort: 'addedAt', dir: 'desc' }],
  ['search a title word', { q: 'dawn' }],
  ['search caption text', { q: 'breathy' }],
  ['search with no match', { q: 'zzz-no-such-track' }],
];

const QUEUE_QUERIES: [string, QueueQuery][] = [
  ['import order, first page', {}],
  ['import order, deep page', { offset: Math.floor((LIST_TRACKS * QUEUE_SEGMENTS) / 2) }],
  ['lowest confidence first', { order: 'confidence' }],
  ['unreviewed first', { order: 'unreviewed' }],
  ['by artist', { order: 'artist' }],
  ['status suggested+stale', { status: ['suggested', 'stale'], order: 'confidence' }],
  ['status approved, one annotator', { status: ['approved'], annotator: 'ana' }],
  ['model filter', { model: 'bench@1.0.0' }],
  ['search caption/title text', { q: 'breathy' }],
  ['reviewable', { reviewable: true }],
];

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const fmt = (n: number) => n.toFixed(n < 10 ? 2 : 1);

async function timed<T>(label: string, fn: () => Promise<T>, per?: { n: number; unit: string }): Promise<T> {
  const t0 = process.hrtime.bigint();
  const out = await fn();
  const took = ms(t0);
  console.log(`  ${label}: ${fmt(took / 1000)} s${per ? ` (${Math.round((per.n / took) * 1000)} ${per.unit}/s)` : ''}`);
  return out;
}

/** The job race: JOBS queued jobs, two processes claim until none is left. */
async function claimRace(store: Store, target: string): Promise<void> {
  await store.transaction(async (tx) => {
    for (let i = 0; i < JOBS; i++) await tx.jobs.create('bench', { i });
  });
  const children = ['a', 'b'].map((name) =>
    spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'storeClaimChild.ts'), target, `bench:${name}`], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  const lines = children.map((c) => readline.createInterface({ input: c.stdout! })[Symbol.asyncIterator]());
  for (const l of lines) if ((await l.next()).value !== 'ready') throw new Error('a claim process did not start');
  const t0 = process.hrtime.bigint();
  for (const c of children) c.stdin!.end('go\n');
  const claimed = await Promise.all(lines.map(async (l) => JSON.parse((await l.next()).value as string) as string[]));
  const took = ms(t0);
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
  const all = claimed.flat();
  const once = new Set(all).size === all.length && all.length === JOBS;
  const done = (await store.jobs.list(['done'])).length;
  console.log(
    `  claim ${JOBS} jobs from two processes: ${fmt(took / 1000)} s (${Math.round((JOBS / took) * 1000)} jobs/s; ` +
      `split ${claimed.map((c) => c.length).join(' + ')}; ${once && done === JOBS ? 'every job claimed exactly once' : `WRONG: ${all.length} claims, ${new Set(all).size} distinct, ${done} done`})`,
  );
  if (!once || done !== JOBS) process.exitCode = 1;
}

async function bench(name: string, target: string): Promise<void> {
  console.log(`\n${name} (${target.replace(/\/\/[^@]*@/, '//')})`);
  const store = await openStore(target);
  try {
    await timed(`insert ${IMPORT_TRACKS} tracks, one transaction per file`, () => seedTracks(store, IMPORT_TRACKS, { perFile: true }), { n: IMPORT_TRACKS, unit: 'tracks' });
    await timed(`grow to ${LIST_TRACKS} tracks (batches of 500)`, () => seedTracks(store, LIST_TRACKS - IMPORT_TRACKS, { from: IMPORT_TRACKS + 1 }));
    console.log(`  list/filter/sort ${await store.tracks.count()} tracks, ${REPS} runs each (median / p95 ms):`);
    for (const [label, q] of QUERIES) {
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < REPS + 2; i++) {
        const t0 = process.hrtime.bigint();
        total = (await store.tracks.query(q)).total;
        if (i >= 2) times.push(ms(t0)); // two warm-up runs
      }
      times.sort((a, b) => a - b);
      console.log(`    ${label.padEnd(34)} ${fmt(pct(times, 50)).padStart(7)} / ${fmt(pct(times, 95)).padStart(7)}   (${total} match)`);
    }
    const segments = await store.transaction(async (tx) => {
      const ids: number[] = [];
      for (const t of (await tx.tracks.query({ limit: 100 })).tracks) ids.push((await tx.segments.insert(t.id, 0, 10)).id);
      return ids;
    });
    await timed(
      `append ${REVISIONS} caption revisions (captions repository, ${segments.length} segments)`,
      async () => {
        for (let i = 0; i < REVISIONS; i++) await store.captions.append({ segmentId: segments[i % segments.length]!, text: `revision ${i}: a warm voice`, author: 'bench', source: 'human' });
      },
      { n: REVISIONS, unit: 'revisions' },
    );
    await claimRace(store, target);
    if (QUEUE_SEGMENTS > 0) await queueBench(store);
  } finally {
    await store.close();
  }
}

/** Median and p95 ms of `fn` over REPS runs (after two warm-up runs), and its last result. */
async function repeat<T>(fn: () => Promise<T>): Promise<{ p50: number; p95: number; last: T }> {
  const times: number[] = [];
  let last!: T;
  for (let i = 0; i < REPS + 2; i++) {
    const t0 = process.hrtime.bigint();
    last = await fn();
    if (i >= 2) times.push(ms(t0));
  }
  times.sort((a, b) => a - b);
  return { p50: pct(times, 50), p95: pct(times, 95), last };
}

/** Part 5: the annotation queue and the Stats numbers over every track's segments. */
async function queueBench(store: Store): Promise<void> {
  const segments = await timed(`seed ${QUEUE_SEGMENTS} segments per track with suggestions and revisions`, () => seedQueue(store, { perTrack: QUEUE_SEGMENTS }));
  console.log(`  queue pages of 100 over ${segments} segments, ${REPS} runs each (median / p95 ms):`);
  for (const [label, q] of QUEUE_QUERIES) {
    const r = await repeat(() => store.transaction((tx) => tx.queue.page(q, 'bo'), { write: false }));
    console.log(`    ${label.padEnd(34)} ${fmt(r.p50).padStart(7)} / ${fmt(r.p95).padStart(7)}   (${r.last.total} match)`);
  }
  const t0 = process.hrtime.bigint();
  const rows = await store.transaction((tx) => tx.stats.rows(), { write: false });
  const read = ms(t0);
  const stats = computeStudioStats(rows);
  console.log(`  stats: rows read in ${fmt(read)} ms, numbers in ${fmt(ms(t0) - read)} ms (${rows.revisions.length} revisions, ${stats.totals.approved} approved)`);
}

/** A PostgreSQL server URL and how to stop it, or the reason there is none. */
function postgresServer(): { url: string; stop(): void } | string {
  if (process.env.S2CAP_TEST_PG_URL) return { url: process.env.S2CAP_TEST_PG_URL, stop: () => {} };
  const script = path.join(ROOT, 'scripts', 'pg-test-cluster.sh');
  try {
    execFileSync('bash', [script, 'bindir'], { stdio: 'ignore' });
  } catch {
    return 'S2CAP_TEST_PG_URL is not set and no PostgreSQL binaries were found (Debian: apt-get install postgresql)';
  }
  const out = execFileSync('bash', [script, 'start', '--watch', String(process.pid)], { encoding: 'utf8' });
  const vars = Object.fromEntries(out.trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));
  return { url: vars.S2CAP_TEST_PG_URL!, stop: () => execFileSync('bash', [script, 'stop', vars.S2CAP_TEST_PG_DIR!], { stdio: 'ignore' }) };
}

console.log(`store benchmark on ${os.cpus().length} cores: ${IMPORT_TRACKS} imports, ${LIST_TRACKS} tracks listed, ${REVISIONS} revisions, ${JOBS} jobs`);
if (BACKENDS.includes('sqlite')) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's2cap-bench-store-'));
  try {
    await bench('SQLite', path.join(dir, 'bench.s2cap.db'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
if (BACKENDS.includes('postgres')) {
  const server = postgresServer();
  if (typeof server === 'string') console.log(`\nPostgreSQL skipped: ${server}`);
  else {
    process.env.S2CAP_TEST_PG_URL = server.url;
    const db = await createPgTestDb();
    try {
      await bench('PostgreSQL', db.url);
    } finally {
      await db.drop().catch(() => {});
      server.stop();
    }
  }
}
