// `s2cap queue` (one page of the annotation queue, in the order and with the filters an annotator
// picks) and `s2cap stats` (per annotator, per model, agreement): the queryQueue and getStats
// commands from the command line, as JSON with --json or as readable tables.
import { parseCommandInput } from '../core/api/schemas';
import type { Studio } from '../core/studio';
import type { QueuePage, QueueQuery, StudioStats } from '../shared/annotation';
import { formatDuration } from '../shared/format';
import { parseCommandArgs, UsageError } from './args';
import type { CliIo, LibraryFlags } from './main';

export const QUEUE_OPTIONS = {
  order: { type: 'string' },
  status: { type: 'string' },
  model: { type: 'string' },
  annotator: { type: 'string' },
  search: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  track: { type: 'string' },
  reviewable: { type: 'boolean', default: false },
  limit: { type: 'string' },
  offset: { type: 'string' },
} as const;

export const STATS_OPTIONS = { since: { type: 'string' }, until: { type: 'string' } } as const;

export interface QueueCliDeps {
  open: (where: LibraryFlags) => Promise<Studio>;
  help: () => void;
}

function wholeNumber(raw: string | undefined, flag: string, min = 0): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag} must be a whole number${min ? ` of at least ${min}` : ''}, got "${raw}"`);
  return n;
}

/** Validated as the server validates it, so the CLI refuses what a client would be refused. */
function checked<K extends 'queryQueue' | 'getStats'>(name: K, input: object, cmd: string) {
  try {
    return parseCommandInput(name, input);
  } catch (err) {
    throw new UsageError(`${cmd}: ${(err as Error).message}`);
  }
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function formatQueue(page: QueuePage): string {
  const lines = page.items.map((i) =>
    [
      i.segmentId,
      i.state.padEnd(11),
      i.confidenceLevel === null ? '-' : `${i.confidenceLevel}/5`,
      clip(i.trackTitle ?? i.fileName, 28).padEnd(28),
      `${formatDuration(i.startSec)}–${formatDuration(i.endSec)}`,
      i.annotator ?? '-',
      clip(JSON.stringify(i.text ?? ''), 60),
    ].join('\t'),
  );
  const range = page.items.length ? `${page.offset + 1}–${page.offset + page.items.length} of ${page.total}` : `0 of ${page.total}`;
  return [...lines, `${range} segments`].join('\n');
}

const num = (x: number | null, digits = 2) => (x === null ? '-' : Number.isInteger(x) ? String(x) : x.toFixed(digits));
const share = (x: number | null) => (x === null ? '-' : `${Math.round(x * 100)}%`);

export function formatStats(s: StudioStats): string {
  const t = s.totals;
  const out = [`segments ${t.segments}, suggested ${t.suggested}, approved ${t.approved}, drafts ${t.drafts}, flagged ${t.flagged}, rejected ${t.rejected}`, ''];
  out.push('annotator\tapproved\trevisions\tmean word edits\tunchanged\tmedian s');
  for (const a of s.annotators) out.push([a.name, a.approved, a.revisions, num(a.meanWordEdits), share(a.acceptedUnchanged), num(a.medianSeconds, 1)].join('\t'));
  if (!s.annotators.length) out.push('(no revisions yet)');
  out.push('', 'model\tsuggestions\tapproved\tmean word edits\tunchanged\tmedian s');
  for (const m of s.models) out.push([m.model, m.suggestions, m.approved, num(m.meanWordEdits), share(m.acceptedUnchanged), num(m.medianSeconds, 1)].join('\t'));
  if (!s.models.length) out.push('(no suggestions yet)');
  if (s.agreement.length) {
    out.push('', 'agreement\tsegments\tmean word edits\tnormalised');
    for (const g of s.agreement) out.push([`${g.a} / ${g.b}`, g.segments, num(g.meanWordEdits), num(g.meanNormalized, 3)].join('\t'));
  }
  return out.join('\n');
}

export async function cmdQueue(argv: string[], io: CliIo, deps: QueueCliDeps): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(argv, QUEUE_OPTIONS);
  if (v.help) return deps.help(), 0;
  if (positionals.length) throw new UsageError(`queue takes no arguments, got "${positionals[0]}"`);
  const query: QueueQuery = checked(
    'queryQueue',
    {
      ...(v.order !== undefined ? { order: v.order } : {}),
      ...(v.status !== undefined ? { status: v.status.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
      ...(v.model !== undefined ? { model: v.model } : {}),
      ...(v.annotator !== undefined ? { annotator: v.annotator } : {}),
      ...(v.search !== undefined ? { q: v.search } : {}),
      ...(v.since !== undefined ? { since: v.since } : {}),
      ...(v.until !== undefined ? { until: v.until } : {}),
      ...(v.track !== undefined ? { trackId: wholeNumber(v.track, 'track', 1) } : {}),
      ...(v.reviewable ? { reviewable: true } : {}),
      ...(v.limit !== undefined ? { limit: wholeNumber(v.limit, 'limit', 1) } : {}),
      ...(v.offset !== undefined ? { offset: wholeNumber(v.offset, 'offset') } : {}),
    },
    'queue',
  );
  const studio = await deps.open(v);
  try {
    const page = await studio.queryQueue(query);
    io.out(v.json ? JSON.stringify(page) : formatQueue(page));
    return 0;
  } finally {
    await studio.close();
  }
}

export async function cmdStats(argv: string[], io: CliIo, deps: QueueCliDeps): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(argv, STATS_OPTIONS);
  if (v.help) return deps.help(), 0;
  if (positionals.length) throw new UsageError(`stats takes no arguments, got "${positionals[0]}"`);
  const input = checked('getStats', { ...(v.since !== undefined ? { since: v.since } : {}), ...(v.until !== undefined ? { until: v.until } : {}) }, 'stats');
  const studio = await deps.open(v);
  try {
    const stats = await studio.getStats(input);
    io.out(v.json ? JSON.stringify(stats) : formatStats(stats));
    return 0;
  } finally {
    await studio.close();
  }
}
