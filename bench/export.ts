// Export benchmark (not a test): how long `s2cap export` takes at dataset scale. Seeds a SQLite
// library with BENCH_EXPORT_SEGMENTS approved segments (default 10,000: 1,000 tracks × 10, each
// with a pack's or the built-in suggestion, two thirds edited) through the store, then times each
// case below end to end (query, rows, writer, hashing + fsync, manifest, rename) and prints
// segments/s. To add a format, add a case to CASES: it gets the seeded library and a fresh output
// folder, and may seed what else it needs (audio files) in `prepare`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExportReport, ExportRequest } from '../src/shared/dataset';
import { runExport } from '../src/core/export/runExport';
import { openStore, type Store } from '../src/core/store/store';
import { seedExport } from '../src/core/testing/seedExport';

const SEGMENTS = Number(process.env.BENCH_EXPORT_SEGMENTS ?? 10_000);
const PER_TRACK = 10;

export interface ExportBenchCase {
  name: string;
  /** Optional set-up on the seeded library, not timed. */
  prepare?(store: Store, dir: string): Promise<void>;
  request(out: string): ExportRequest;
}

const CASES: ExportBenchCase[] = [
  { name: 'jsonl', request: (out) => ({ format: 'jsonl', out }) },
  { name: 'csv', request: (out) => ({ format: 'csv', out }) },
  { name: 'pairs', request: (out) => ({ format: 'pairs', out }) },
  { name: 'label-studio', request: (out) => ({ format: 'label-studio', out }) },
];

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's2cap-bench-export-'));
  const only = process.env.BENCH_EXPORT_CASES?.split(',');
  try {
    const store = await openStore(path.join(dir, 'lib.db'));
    let t0 = process.hrtime.bigint();
    await seedExport(store, { tracks: Math.ceil(SEGMENTS / PER_TRACK), perTrack: PER_TRACK, batch: 100 });
    console.log(`seeded ${SEGMENTS} approved segments (${Math.ceil(SEGMENTS / PER_TRACK)} tracks) in ${(ms(t0) / 1000).toFixed(1)} s`);
    for (const c of CASES.filter((c) => !only || only.includes(c.name))) {
      await c.prepare?.(store, dir);
      const out = path.join(dir, `out-${c.name}`);
      t0 = process.hrtime.bigint();
      const report: ExportReport = await runExport(store, c.request(out));
      const took = ms(t0);
      const n = report.manifest.counts.total;
      const bytes = Object.keys(report.manifest.files).reduce((b, f) => b + fs.statSync(path.join(out, f)).size, 0);
      console.log(`export ${c.name.padEnd(13)} ${String(n).padStart(6)} segments  ${(took / 1000).toFixed(2)} s  (${Math.round((n / took) * 1000)} segments/s, ${(bytes / 1e6).toFixed(1)} MB)`);
    }
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
