// `s2cap eval`: how well a captioner describes the library's reference segments. The references are
// what an export would write (store/exportQuery: heads with the chosen statuses, approved by
// default — imported dataset captions are approved heads too), split by track hash exactly as the
// export splits them (export/exportRows + export/splits); each reference segment is captioned by a
// pack (installed NAME@VERSION or a folder; every track's segments in one model run) or the
// built-in suggester, on the worker, with the same tasks the caption job runs (worker/tasks.ts) —
// but nothing is recorded as a suggestion: an evaluation never changes a segment's annotation
// state. The captions are scored against the references with the pycocoevalcap metrics
// (metrics/caption) and the run is appended to the library's evaluation history (evalHistory.ts).
import { BUILTIN_SUGGESTER } from '../builtin/suggest';
import type { CaptionStatus } from '../../shared/annotation';
import type { CaptionMetrics, SplitName } from '../../shared/dataset';
import { StudioError } from '../../shared/errors';
import type { EvalRecord } from '../../shared/evaluation';
import { epSettings, readSettings } from '../commands/models';
import { exportRowId, groupByTrack } from '../export/exportRows';
import { DEFAULT_SPLITS, normaliseSplits } from '../export/splits';
import { packId } from '../inference/packs/manifest';
import type { PackRegistry } from '../inference/packs/registry';
import { captionMetrics } from '../metrics/caption';
import { BUILT_IN_MODEL } from '../store/queue';
import type { Store } from '../store/store';
import type { WorkerPool } from '../worker/pool';
import type { CaptionFilesPartial } from '../worker/tasks';
import { appendEval } from './evalHistory';

export interface EvalOptions {
  /** An installed NAME@VERSION, a pack folder, or "built-in"; default the active captioner, else built-in. */
  pack?: string;
  /** Only this split's segments (default: every reference segment). */
  split?: SplitName;
  /** Head statuses taken as references (default approved). */
  status?: CaptionStatus[];
  numBeams?: number;
  signal?: AbortSignal;
  /** Segments captioned so far, of all. */
  onProgress?: (done: number, total: number) => void;
}

export interface EvalItem {
  /** The export row id ("<track sha256 first 12>-<segment id>"). */
  id: string;
  segmentId: number;
  reference: string;
  candidate: string;
}

export interface EvalResult {
  record: EvalRecord;
  metrics: CaptionMetrics;
  items: EvalItem[];
  /** Tracks whose segments could not be captioned, and why ("aria.wav: no such file"); the rest were scored. */
  skipped: string[];
}

export interface EvalDeps {
  store: Store;
  packs: PackRegistry;
  pool: WorkerPool;
}

export async function runEval(d: EvalDeps, o: EvalOptions = {}): Promise<EvalResult> {
  const status = o.status?.length ? o.status : (['approved'] as CaptionStatus[]);
  const pack = o.pack === BUILT_IN_MODEL ? null : await d.packs.choose('captioner', o.pack);
  const label = pack ? packId(pack.manifest) : BUILT_IN_MODEL;
  const sources = await d.store.exports.rows({ status });
  const segmentOf = new Map(sources.map((s) => [exportRowId(s.track.sha256, s.segmentId), s.segmentId]));
  const groups = groupByTrack(sources, normaliseSplits(DEFAULT_SPLITS))
    .map((g) => ({ ...g, rows: o.split ? g.rows.filter((r) => r.split === o.split) : g.rows }))
    .filter((g) => g.rows.length);
  const total = groups.reduce((n, g) => n + g.rows.length, 0);
  const where = `${o.split ? `the ${o.split} split` : 'the library'} (head status ${status.join(' or ')})`;
  if (!total) {
    throw new StudioError(
      'NOT_FOUND',
      sources.length
        ? `no reference captions to evaluate against in ${where}: none of the ${sources.length} reference segments is in it (tracks are split 80/10/10 by content hash); use --split all or a larger library`
        : `no reference captions to evaluate against in ${where}: approve some captions or import a dataset first`,
    );
  }

  const ep = epSettings(await readSettings(d.store));
  const items: EvalItem[] = [];
  const skipped: string[] = [];
  let done = 0;
  o.onProgress?.(0, total);
  const spansOf = (g: (typeof groups)[number]) => g.rows.map((r) => ({ startSec: r.begin, endSec: r.end }));
  // Each group's captions, or why its track could not be captioned (one unreadable track does not
  // sink the run; its segments are left out and listed).
  const texts: (string[] | Error)[] = [];
  const settled = (i: number, out: string[] | Error) => {
    texts[i] = out;
    if (Array.isArray(out)) o.onProgress?.((done += groups[i]!.rows.length), total);
  };
  if (pack) {
    // Every track's segments in one model run, as a batch of caption jobs runs them.
    const files = groups.map((g) => ({ file: g.track.path, segments: spansOf(g) }));
    await d.pool
      .run('captionFiles', { dir: pack.dir, spec: pack.manifest.captioner!, ep, files, numBeams: o.numBeams }, {
        signal: o.signal,
        onPartial: (value) => {
          const v = value as CaptionFilesPartial;
          if ('file' in v) settled(v.file.index, 'error' in v.file ? new Error(v.file.error) : v.file.captions.map((c) => c.text));
        },
      })
      .catch((err: unknown) => {
        if (o.signal?.aborted) throw err;
        // The run stopped (the model would not load, or failed part-way): the tracks captioned
        // before it are scored, the others listed as skipped with its reason.
        for (const i of groups.keys()) if (texts[i] === undefined) texts[i] = err as Error;
      });
  } else {
    for (const [i, g] of groups.entries()) {
      o.signal?.throwIfAborted();
      try {
        const track = await d.store.tracks.get(g.track.id);
        const res = await d.pool.run('suggestBuiltin', { file: g.track.path, vocalsFile: g.vocalsPath, genre: track?.genre ?? null, segments: spansOf(g) }, { signal: o.signal });
        settled(i, res.map((r) => r.text));
      } catch (err) {
        if (o.signal?.aborted) throw err;
        settled(i, err as Error);
      }
    }
  }
  for (const [i, g] of groups.entries()) {
    const out = texts[i] ?? new Error('no captions came back');
    if (out instanceof Error) skipped.push(`${g.track.path}: ${out.message.split('\n')[0]} (${g.rows.length} segment${g.rows.length === 1 ? '' : 's'} left out)`);
    else g.rows.forEach((r, k) => items.push({ id: r.id, segmentId: segmentOf.get(r.id)!, reference: r.caption, candidate: out[k] ?? '' }));
  }
  if (!items.length) throw new StudioError('IO', `no reference segment of ${where} could be captioned: ${skipped[0]}`);

  // One reference per segment: its head caption.
  const metrics = captionMetrics(
    new Map(items.map((i) => [i.id, i.candidate])),
    new Map(items.map((i) => [i.id, [i.reference]])),
  );
  const { per_item: _perItem, ...corpus } = metrics;
  const record: EvalRecord = {
    at: new Date().toISOString(),
    pack: label,
    fixture: pack?.manifest.fixture === true,
    split: o.split ?? 'all',
    status,
    numBeams: pack ? (o.numBeams ?? null) : null,
    n: items.length,
    metrics: corpus,
  };
  await appendEval(d.store, record);
  return { record, metrics, items, skipped };
}

/** How the CLI names the captioner of a record. */
export const captionerName = (pack: string): string => (pack === BUILT_IN_MODEL ? BUILTIN_SUGGESTER : pack);
