// `s2cap eval`: captions the library's reference segments with a captioner pack (or the built-in
// suggester) and prints the caption metrics against the references (core/eval/runEval); nothing
// is written as a suggestion, and the run is added to the library's evaluation history, which
// `s2cap eval list` prints (the Stats view charts it).
import { CAPTION_STATUSES, type CaptionStatus } from '../shared/annotation';
import { SPLIT_NAMES, type SplitName } from '../shared/dataset';
import type { EvalRecord } from '../shared/evaluation';
import { captionerName, type EvalResult } from '../core/eval/runEval';
import type { Studio } from '../core/studio';
import { parseCommandArgs, UsageError } from './args';
import type { CliIo, LibraryFlags } from './main';

export const EVAL_OPTIONS = {
  pack: { type: 'string' },
  split: { type: 'string' },
  status: { type: 'string' },
  beams: { type: 'string' },
} as const;

export interface EvalCliDeps {
  open: (where: LibraryFlags) => Promise<Studio>;
  help: () => void;
}

const METRIC_KEYS = ['bleu_1', 'bleu_2', 'bleu_3', 'bleu_4', 'rouge_l', 'cider_d', 'meteor', 'spice', 'spider'] as const;
const fixed = (x: number | null | undefined) => (x === null || x === undefined ? '-' : x.toFixed(4));

export function formatEvalResult(r: EvalResult): string {
  const rec = r.record;
  const out = [
    `${captionerName(rec.pack)} on ${rec.n} segment${rec.n === 1 ? '' : 's'} (${rec.split === 'all' ? 'all splits' : `${rec.split} split`}, ${rec.status.join('/')} captions as references)`,
    '',
  ];
  for (const k of METRIC_KEYS) out.push(`${k.padEnd(8)}\t${fixed(r.metrics[k])}`);
  if (r.metrics.unavailable) out.push(`(${r.metrics.unavailable})`);
  for (const s of r.skipped) out.push(`skipped: ${s}`);
  if (rec.fixture) out.push('note: this pack is a test fixture with random weights; its scores mean nothing');
  return out.join('\n');
}

export function formatEvalHistory(records: EvalRecord[]): string {
  if (!records.length) return 'No evaluations yet. Run one: s2cap eval --pack NAME@VERSION|built-in';
  const head = ['at', 'captioner', 'split', 'n', 'bleu_4', 'rouge_l', 'cider_d'].join('\t');
  const rows = records.map((r) => [r.at, captionerName(r.pack) + (r.fixture ? ' (fixture)' : ''), r.split, r.n, fixed(r.metrics.bleu_4), fixed(r.metrics.rouge_l), fixed(r.metrics.cider_d)].join('\t'));
  return [head, ...rows].join('\n');
}

function parseStatus(raw: string | undefined): CaptionStatus[] | undefined {
  if (raw === undefined) return undefined;
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.find((s) => !CAPTION_STATUSES.includes(s as CaptionStatus));
  if (bad !== undefined || !list.length) throw new UsageError(`--status takes ${CAPTION_STATUSES.join(', ')} (comma-separated), got "${raw}"`);
  return list as CaptionStatus[];
}

function parseSplit(raw: string | undefined): SplitName | undefined {
  if (raw === undefined || raw === 'all') return undefined;
  if (!SPLIT_NAMES.includes(raw as SplitName)) throw new UsageError(`--split takes ${SPLIT_NAMES.join(', ')} or all, got "${raw}"`);
  return raw as SplitName;
}

function parseBeams(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new UsageError(`--beams must be a whole number from 1 to 16, got "${raw}"`);
  return n;
}

export async function cmdEval(argv: string[], io: CliIo, deps: EvalCliDeps): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(argv, EVAL_OPTIONS);
  if (v.help) return deps.help(), 0;
  const [sub, extra] = positionals;
  if (sub !== undefined && sub !== 'list') throw new UsageError(`unknown eval command "${sub}" (eval [--pack P …], eval list)`);
  if (extra !== undefined) throw new UsageError(`eval ${sub} takes no arguments, got "${extra}"`);
  if (sub === 'list') {
    const studio = await deps.open(v);
    try {
      const records = await studio.listEvals();
      io.out(v.json ? JSON.stringify(records) : formatEvalHistory(records));
      return 0;
    } finally {
      await studio.close();
    }
  }
  const opts = { pack: v.pack, split: parseSplit(v.split), status: parseStatus(v.status), numBeams: parseBeams(v.beams) };
  if (opts.pack !== undefined && !opts.pack.trim()) throw new UsageError('--pack needs an installed NAME@VERSION, a pack folder, or built-in');
  const studio = await deps.open(v);
  try {
    const tty = !v.json && process.stderr.isTTY;
    const res = await studio.evaluate({ ...opts, onProgress: (done, total) => tty && process.stderr.write(`\rcaptioning ${done}/${total}\x1b[K`) });
    if (tty) process.stderr.write('\r\x1b[K');
    io.out(v.json ? JSON.stringify({ ...res.record, metrics: res.metrics, items: res.items, skipped: res.skipped }) : formatEvalResult(res));
    return 0;
  } finally {
    await studio.close();
  }
}
