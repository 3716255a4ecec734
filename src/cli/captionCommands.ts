// `s2cap captions`: one segment's caption from the command line, for scripts and tests — show it
// (head revision, suggestion, state), save a revision on top of the head (or of a named parent,
// refused when someone saved in between, printing the current head), and list its history. Goes
// through the StudioApi commands like every other transport.
import { parseCommandInput } from '../core/api/schemas';
import type { Studio } from '../core/studio';
import type { CaptionRevision, CaptionStatus, SegmentCaption } from '../shared/annotation';
import { StudioError } from '../shared/errors';
import { formatDuration } from '../shared/format';
import { parseCommandArgs, UsageError } from './args';
import type { CliIo, LibraryFlags } from './main';

export const CAPTION_OPTIONS = {
  status: { type: 'string' },
  author: { type: 'string' },
  parent: { type: 'string' },
  note: { type: 'string' },
} as const;

export interface CaptionCliDeps {
  open: (where: LibraryFlags) => Promise<Studio>;
  help: () => void;
}

const USAGE = 'usage: s2cap captions SEGMENT | captions set SEGMENT TEXT [--status S] [--author NAME] [--parent REV] [--note TEXT] | captions history SEGMENT';

function positiveId(raw: string | undefined, what: string): number {
  const n = Number(raw);
  if (!raw || !Number.isInteger(n) || n <= 0) throw new UsageError(`expected a ${what} id, got "${raw ?? ''}"`);
  return n;
}

const quoted = (text: string) => JSON.stringify(text.replace(/\s+/g, ' '));

/** One revision on one line: id, status, review, author, time, text. */
export function formatRevision(r: CaptionRevision): string {
  const review = r.review === 'pending' ? '' : ` ${r.review === 'accepted' ? 'accepted' : 'sent back'}`;
  const restored = r.restoredFrom ? ` (restored from ${r.restoredFrom})` : '';
  const note = r.note ? ` — note: ${quoted(r.note)}` : '';
  return `revision ${r.id} ${r.status}${review} by ${r.author} at ${r.createdAt}${restored}: ${quoted(r.text)}${note}`;
}

export function formatCaption(c: SegmentCaption): string {
  const s = c.segment;
  const lines = [`segment ${s.id} of track ${c.track.id} (${c.track.title ?? c.track.fileName}) ${formatDuration(s.startSec)}–${formatDuration(s.endSec)}: ${c.state}`];
  lines.push(c.head ? `head: ${formatRevision(c.head)}` : 'head: none (no caption saved yet)');
  if (c.suggestion) {
    const g = c.suggestion;
    const conf = c.confidence ? `, score ${c.confidence.score.toFixed(3)}, confidence ${c.confidence.level}/5 (${c.confidence.percentile}th percentile)` : '';
    lines.push(`suggestion ${g.id} by ${g.pack ?? 'built-in'}${conf}${g.stale ? ', stale (made for another span)' : ''}: ${quoted(g.text)}`);
  } else lines.push('suggestion: none');
  return lines.join('\n');
}

function parseParent(raw: string): number | null {
  if (raw === 'none') return null;
  return positiveId(raw, '--parent revision');
}

async function setCaption(studio: Studio, args: string[], v: { status?: string; author?: string; parent?: string; note?: string; json: boolean }, out: (s: string) => void) {
  const [, rawSeg, text, extra] = args;
  if (text === undefined || extra !== undefined) throw new UsageError(`captions set takes SEGMENT and TEXT (quote the text); ${USAGE}`);
  const segmentId = positiveId(rawSeg, 'segment');
  const current = await studio.getCaption({ segmentId });
  // Without --parent the save goes on top of the head read just now (still refused if one lands in between).
  const parentId = v.parent === undefined ? (current.head?.id ?? null) : parseParent(v.parent);
  let input;
  try {
    input = parseCommandInput('saveCaption', {
      segmentId,
      text,
      status: (v.status ?? 'draft') as CaptionStatus,
      parentId,
      ...(current.suggestion && !current.suggestion.stale ? { suggestionId: current.suggestion.id } : {}),
      ...(v.note !== undefined ? { note: v.note } : {}),
      ...(v.author !== undefined ? { author: v.author } : {}),
    });
  } catch (err) {
    throw new UsageError(`captions set: ${(err as Error).message}`);
  }
  try {
    const rev = await studio.saveCaption(input);
    out(v.json ? JSON.stringify(rev) : `saved ${formatRevision(rev)}`);
  } catch (err) {
    if (!(err instanceof StudioError) || err.code !== 'CONFLICT') throw err;
    const head = (await studio.getCaption({ segmentId })).head;
    throw new StudioError('CONFLICT', `${err.message}; current: ${head ? formatRevision(head) : 'none'}`);
  }
}

/** s2cap captions SEGMENT | captions set SEGMENT TEXT [...] | captions history SEGMENT */
export async function cmdCaptions(argv: string[], io: CliIo, deps: CaptionCliDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, CAPTION_OPTIONS);
  if (values.help) return deps.help(), 0;
  const [first] = positionals;
  if (first === undefined) throw new UsageError(USAGE);
  const sub = first === 'set' || first === 'history' ? first : 'show';
  const flagged = (['status', 'author', 'parent', 'note'] as const).filter((f) => values[f] !== undefined);
  if (sub !== 'set' && flagged.length) throw new UsageError(`--${flagged[0]} goes with "captions set"; ${USAGE}`);
  if (sub !== 'set' && positionals.length > (sub === 'show' ? 1 : 2)) throw new UsageError(USAGE);
  const studio = await deps.open(values);
  try {
    if (sub === 'set') await setCaption(studio, positionals, values, io.out);
    else if (sub === 'history') {
      const revs = await studio.captionHistory({ segmentId: positiveId(positionals[1], 'segment') });
      io.out(values.json ? JSON.stringify(revs) : revs.length ? revs.map(formatRevision).join('\n') : 'no revisions');
    } else {
      const c = await studio.getCaption({ segmentId: positiveId(first, 'segment') });
      io.out(values.json ? JSON.stringify(c) : formatCaption(c));
    }
    return 0;
  } finally {
    await studio.close();
  }
}
