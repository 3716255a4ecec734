// METEOR 1.5 and SPICE 1.0, run the way pycocoevalcap v1.2 runs them (meteor/meteor.py,
// spice/spice.py), but only where a Java runtime and the jar exist: S2CAP_METEOR_JAR names
// meteor-1.5.jar (with its data/ beside it), S2CAP_SPICE_JAR names spice-1.0.jar (with its lib/).
// Both are Java programs with no JavaScript port, so they are driven as child processes; without
// them the scores stay null and `unavailable` says why — never an estimate.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface JavaScore {
  corpus: number | null;
  perItem: number[] | null;
  /** Why the score is null. */
  unavailable?: string;
}

export interface TokenizedItem {
  id: string;
  candidate: string;
  references: string[];
}

function javaMissing(): string | null {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return r.error ? 'no Java runtime on PATH' : null;
}

function jarFrom(env: NodeJS.ProcessEnv, name: string): { jar?: string; why?: string } {
  const jar = env[name];
  if (!jar) return { why: `${name} is not set` };
  if (!existsSync(jar)) return { why: `${name}=${jar} does not exist` };
  return { jar };
}

/** METEOR 1.5 (`-l en -norm`, stdio protocol as pycocoevalcap's wrapper). */
export function meteor(items: TokenizedItem[], env: NodeJS.ProcessEnv = process.env): JavaScore {
  const { jar, why } = jarFrom(env, 'S2CAP_METEOR_JAR');
  const noJava = jar ? javaMissing() : null;
  if (!jar || noJava) return { corpus: null, perItem: null, unavailable: `METEOR: ${why ?? noJava}` };
  // Each SCORE line answers with a stats line; the EVAL line with the per-item scores and the total.
  const scoreLines = items.map((it) => {
    const hyp = it.candidate.replaceAll('|||', '').replaceAll('  ', ' ');
    return ['SCORE', it.references.join(' ||| '), hyp].join(' ||| ');
  });
  const run1 = spawnSync('java', ['-jar', '-Xmx2G', jar, '-', '-', '-stdio', '-l', 'en', '-norm'], {
    cwd: path.dirname(jar),
    input: scoreLines.join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (run1.status !== 0) return { corpus: null, perItem: null, unavailable: `METEOR: ${jar} failed: ${run1.stderr.trim().split('\n').pop()}` };
  const stats = run1.stdout.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const evalLine = `EVAL ||| ${stats.slice(0, items.length).join(' ||| ')}\n`;
  const run2 = spawnSync('java', ['-jar', '-Xmx2G', jar, '-', '-', '-stdio', '-l', 'en', '-norm'], {
    cwd: path.dirname(jar),
    input: evalLine,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const nums = run2.stdout.split('\n').map((l) => l.trim()).filter((l) => l.length > 0).map(Number);
  if (run2.status !== 0 || nums.length !== items.length + 1 || nums.some((x) => !Number.isFinite(x))) {
    return { corpus: null, perItem: null, unavailable: `METEOR: ${jar} gave unreadable output` };
  }
  return { corpus: nums[items.length]!, perItem: nums.slice(0, items.length) };
}

/** SPICE 1.0 (`-subset -silent`, mean of the per-item "All" F-scores as pycocoevalcap's wrapper). */
export function spice(items: TokenizedItem[], env: NodeJS.ProcessEnv = process.env): JavaScore {
  const { jar, why } = jarFrom(env, 'S2CAP_SPICE_JAR');
  const noJava = jar ? javaMissing() : null;
  if (!jar || noJava) return { corpus: null, perItem: null, unavailable: `SPICE: ${why ?? noJava}` };
  const dir = mkdtempSync(path.join(os.tmpdir(), 's2cap-spice-'));
  try {
    const input = path.join(dir, 'in.json');
    const output = path.join(dir, 'out.json');
    writeFileSync(input, JSON.stringify(items.map((it) => ({ image_id: it.id, test: it.candidate, refs: it.references }))));
    const run = spawnSync('java', ['-jar', '-Xmx8G', jar, input, '-cache', path.join(dir, 'cache'), '-out', output, '-subset', '-silent'], {
      cwd: path.dirname(jar),
      encoding: 'utf8',
    });
    if (run.status !== 0 || !existsSync(output)) {
      return { corpus: null, perItem: null, unavailable: `SPICE: ${jar} failed: ${(run.stderr ?? '').trim().split('\n').pop()}` };
    }
    const results = JSON.parse(readFileSync(output, 'utf8')) as { image_id: string; scores: { All: { f: unknown } } }[];
    const byId = new Map(results.map((r) => [String(r.image_id), Number(r.scores.All.f)]));
    const perItem = items.map((it) => byId.get(it.id) ?? Number.NaN);
    return { corpus: perItem.reduce((a, b) => a + b, 0) / perItem.length, perItem };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
