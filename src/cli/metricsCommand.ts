// `s2cap metrics --candidates C.jsonl --references R.jsonl`: pycocoevalcap's caption metrics
// (core/metrics/caption) for any captioner's output, no library needed. C lines are
// {"id","caption"}, R lines {"id","captions":[...]} (lines repeating an id add references).
// Bad lines are reported with their line numbers on stderr and skipped; ids without a reference
// are reported and left out; the result is one JSON object on stdout.
import { readFileSync } from 'node:fs';
import { captionMetrics } from '../core/metrics/caption';
import { parseCommandArgs, UsageError } from './args';
import type { CliIo } from './main';

const OPTIONS = { candidates: { type: 'string' }, references: { type: 'string' } } as const;

function jsonlLines(file: string, flag: string): string[] {
  try {
    return readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
  } catch (err) {
    throw new UsageError(`${flag} ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

/** Parses JSONL, calling `take` with each object; a line it rejects (returns a reason) is reported. */
function readJsonl(file: string, flag: string, io: CliIo, take: (row: Record<string, unknown>) => string | null): number {
  let bad = 0;
  jsonlLines(file, flag).forEach((line, i) => {
    if (!line.trim()) return;
    let reason: string | null;
    try {
      const row: unknown = JSON.parse(line);
      reason = row && typeof row === 'object' && !Array.isArray(row) ? take(row as Record<string, unknown>) : 'not a JSON object';
    } catch (err) {
      reason = `not JSON (${(err as Error).message.split('\n')[0]})`;
    }
    if (reason) {
      bad++;
      io.err(`${file}:${i + 1}: ${reason}; line skipped`);
    }
  });
  return bad;
}

const idOf = (row: Record<string, unknown>): string | null =>
  typeof row.id === 'string' && row.id !== '' ? row.id : typeof row.id === 'number' ? String(row.id) : null;

export async function cmdMetrics(argv: string[], io: CliIo, help: () => void): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (values.help) {
    help();
    return 0;
  }
  if (positionals.length) throw new UsageError(`metrics takes no positional arguments, got "${positionals[0]}"`);
  if (!values.candidates || !values.references) throw new UsageError('metrics needs --candidates C.jsonl and --references R.jsonl');

  const candidates = new Map<string, string>();
  readJsonl(values.candidates, '--candidates', io, (row) => {
    const id = idOf(row);
    if (id === null) return 'no "id" (a non-empty string or a number)';
    if (typeof row.caption !== 'string') return `"caption" of ${id} is not a string`;
    if (candidates.has(id)) return `id ${id} repeats an earlier candidate`;
    candidates.set(id, row.caption);
    return null;
  });
  const references = new Map<string, string[]>();
  readJsonl(values.references, '--references', io, (row) => {
    const id = idOf(row);
    if (id === null) return 'no "id" (a non-empty string or a number)';
    const caps = row.captions;
    if (!Array.isArray(caps) || caps.length === 0 || !caps.every((c) => typeof c === 'string')) {
      return `"captions" of ${id} is not a non-empty list of strings`;
    }
    references.set(id, [...(references.get(id) ?? []), ...(caps as string[])]);
    return null;
  });

  const scored = new Map([...candidates].filter(([id]) => references.has(id)));
  const unreferenced = [...candidates.keys()].filter((id) => !references.has(id));
  if (unreferenced.length) {
    io.err(`${values.candidates}: ${unreferenced.length} id(s) without a reference, left out: ${unreferenced.slice(0, 10).join(', ')}${unreferenced.length > 10 ? ', …' : ''}`);
  }
  if (scored.size === 0) throw new UsageError(`${values.candidates}: no candidate has a reference in ${values.references}`);
  const metrics = captionMetrics(scored, references);
  io.out(values.json ? JSON.stringify(metrics) : JSON.stringify(metrics, null, 2));
  return 0;
}
