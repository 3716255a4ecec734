// The work of each job kind, run by JobRunner (jobRunner.ts) once it has claimed a job: separation
// (stems into a fresh run folder, registered in one transaction with the job's 'done') and
// captioning (a captioner pack's captions with the segments' measured attributes beside them, or
// the built-in suggester's). Results are recorded only through JobWork.commit, so a job cancelled
// or taken over elsewhere records nothing. Caption jobs run in jobs/captionBatch (a captioner
// pack's job as a group of one, or batched across tracks with the jobs that share its model run),
// which plans them with planCaption and records each one's captions with recordCaptions here.
import type { MeasuredAttribute } from '../../shared/attributes';
import { StudioError } from '../../shared/errors';
import type { Segment, Track } from '../../shared/types';
import { measuringArgs } from '../analysisService';
import { BUILTIN_SEPARATOR } from '../builtin/centerSeparator';
import { BUILTIN_SUGGESTER } from '../builtin/suggest';
import { newRunDir, removeReplacedStemFiles, removeRunDir, sweepStemLeftovers } from '../stemFiles';
import type { Captioner } from '../inference/caption/captioner';
import type { SegmentCaption } from '../inference/caption/captionFiles';
import type { LoadedPack } from '../inference/packs/registry';
import type { Repositories } from '../store/store';
import type { NewSuggestion } from '../store/suggestions';
import type { JobPayload, JobRunnerDeps } from './jobRunner';

/** What a job's work gets from the runner. */
export interface JobWork {
  d: JobRunnerDeps;
  run: { id: string; owner: string; abort: AbortController };
  onProgress(fraction: number, detail?: string): void;
  /** Records results and marks the job done in one transaction, only while the job is still this claim's. */
  commit<T>(summary: string, fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /** Keeps provider fallbacks (and what was left out) on the job. */
  noteFallbacks(fallbacks: readonly string[] | undefined): void;
}

/** A separation job: stems to a fresh run folder, registered in one transaction, then the replaced files removed. */
export async function separateJob(w: JobWork, p: JobPayload): Promise<string> {
  const { run, onProgress } = w;
  const { signal } = run.abort;
  const track = await w.d.store.tracks.require(p.trackId);
  const pack = await w.d.packs.choose('separator', p.pack);
  const packRow = pack ? await w.d.packs.upsertRow(pack.manifest, pack.dir) : null;
  const by = pack ? `${pack.manifest.name}@${pack.manifest.version}` : 'built-in';
  // New stems go to a fresh run folder; the track's current stems stay untouched until the new
  // set is complete and registered in one transaction, and only then are their files removed.
  await sweepStemLeftovers(w.d.store, w.d.dataDir, track.id);
  const outDir = newRunDir(w.d.dataDir, track.id, by, run.id, run.owner);
  const discard = (err: unknown): never => {
    removeRunDir(w.d.dataDir, outDir); // cancelled, failed or not registered: never seen
    throw err;
  };
  const res = await w.d.pool
    .run('separate', { dir: pack?.dir ?? null, spec: pack?.manifest.separator ?? null, ep: p.ep, file: track.path, outDir, shifts: p.shifts }, { signal, onProgress })
    .catch(discard);
  const durationSec = res.frames / res.sampleRate;
  w.noteFallbacks(res.fallbacks);
  const who = pack ? pack.manifest.name : `the ${BUILTIN_SEPARATOR} (classical vocal isolation; install a separator pack for model stems)`;
  const summary = `${res.stems.length} stems by ${who} on ${res.ep} in ${(res.ms / 1000).toFixed(1)} s`;
  let replaced: string[] = [];
  try {
    replaced = await w.commit(summary, async (tx) => {
      const { unreferenced } = await tx.stems.replace(track.id, res.stems.map((s) => ({ name: s.name, path: s.path, packId: packRow, ep: res.ep, durationSec })));
      await tx.tracks.advanceStatus(track.id, ['imported'], 'separated');
      return unreferenced;
    });
  } catch (err) {
    discard(err);
  }
  // Committed: the replaced files, and run folders no stem refers to any more, can go.
  removeReplacedStemFiles(w.d.dataDir, replaced);
  await sweepStemLeftovers(w.d.store, w.d.dataDir, track.id);
  w.d.events.emit('trackChanged', { trackId: track.id, what: 'stems' });
  w.d.events.emit('libraryChanged', { reason: 'update' });
  return summary;
}

/** What a caption job captions: its track, the segments asked for, and the captioner pack (null: the built-in suggester). */
export interface CaptionPlan {
  track: Track;
  segments: Segment[];
  pack: LoadedPack | null;
}

/**
 * Reads what a caption job will caption; throws (the job fails with the reason) when it has nothing
 * to caption. `choose`: how the payload's pack is found (default: the registry; a caller planning
 * several jobs shares one lookup per pack).
 */
export async function planCaption(d: JobRunnerDeps, p: JobPayload, choose = (ref: string | null | undefined) => d.packs.choose('captioner', ref)): Promise<CaptionPlan> {
  const track = await d.store.tracks.require(p.trackId);
  const segments = (await d.store.segments.list(track.id)).filter((s) => !p.segmentIds?.length || p.segmentIds.includes(s.id));
  if (!segments.length) throw new StudioError('BAD_REQUEST', 'this track has no segments to caption: add some (5–30 s) first');
  return { track, segments, pack: await choose(p.pack) };
}

/**
 * Records a captioner's captions of a plan's segments (run alone, or batched with other jobs' in
 * jobs/captionBatch), with the segments' measured attributes beside them; returns the job's summary.
 */
export async function recordCaptions(
  w: JobWork,
  plan: CaptionPlan,
  res: { captions: SegmentCaption[]; ep: Captioner['ep']; fallbacks: string[] },
  /** Said after the summary: the run's captions/s, and what the job was batched with. */
  note?: string,
): Promise<string> {
  const { run, onProgress } = w;
  const { signal } = run.abort;
  const { track, segments } = plan;
  const pack = plan.pack!;
  const packId = await w.d.packs.upsertRow(pack.manifest, pack.dir);
  const ep = `encoder ${res.ep.encoder}, decoder ${res.ep.decoder}`;
  w.noteFallbacks(res.fallbacks);
  // The segments' measured attributes go beside the model's captions, so the annotator can check
  // one against the other (a caption saying "slow" over a 150 BPM measurement).
  // Measuring is evidence beside the captions, not part of them: if it fails (an unreadable stem,
  // say) the captions are still recorded and the job says what was left out.
  let measured: MeasuredAttribute[][] = [];
  try {
    measured = await w.d.pool.run('measure', { ...(await measuringArgs(w.d.store, track, segments)), segments }, { signal, onProgress: (f, d) => onProgress(CAPTION_SHARE + f * (1 - CAPTION_SHARE), d) });
  } catch (e) {
    if (signal.aborted) throw e;
    w.noteFallbacks([`attributes not measured: ${e instanceof Error ? e.message : String(e)}`]);
  }
  const summary = `${plural(segments.length, 'suggestion')} by ${pack.manifest.name} (${ep})${note ? ` · ${note}` : ''}`;
  await recordSuggestions(w, track, summary, res.captions.map((c, i) => ({ ...c, ...madeFor(segments[i]!), packId, ep, attributes: measured[i] })));
  return summary;
}

/** No captioner installed: measured attributes and a template sentence (see core/builtin). */
export async function captionBuiltin(w: JobWork, track: Track, segments: Segment[]): Promise<string> {
  const { run, onProgress } = w;
  const { signal } = run.abort;
  const res = await w.d.pool.run('suggestBuiltin', { ...(await measuringArgs(w.d.store, track, segments)), genre: track.genre, segments }, { signal, onProgress });
  const summary = `${plural(segments.length, 'suggestion')} by the ${BUILTIN_SUGGESTER} (measured attributes; install a captioner pack for model captions)`;
  await recordSuggestions(
    w,
    track,
    summary,
    res.map((r, i) => ({ text: r.text, score: r.score, ms: r.ms, ...madeFor(segments[i]!), tokenLogprobs: [], packId: null, ep: 'measured on cpu', attributes: r.attributes, tagged: track.genre ? { genre: track.genre.toLowerCase() } : undefined })),
  );
  return summary;
}

/** Stores suggestions (and the segments' measured attributes) and marks the track captioned, in one transaction. */
async function recordSuggestions(
  w: JobWork,
  track: Track,
  summary: string,
  /** `tagged`: words the built-in suggester took from the file's tags (its genre), kept as before for the editor's chips. */
  rows: (NewSuggestion & { attributes?: MeasuredAttribute[]; tagged?: Record<string, string> })[],
): Promise<void> {
  await w.commit(summary, async (tx) => {
    for (const { attributes, tagged, ...s } of rows) {
      await tx.suggestions.insert(s);
      if (attributes) await tx.attributes.insert(s, 'measured', attributes);
      if (tagged) await tx.attributes.insert(s, 'measured', tagged);
    }
    await tx.tracks.advanceStatus(track.id, ['imported', 'separated'], 'captioned');
  });
  w.d.events.emit('trackChanged', { trackId: track.id, what: 'segments' });
  w.d.events.emit('libraryChanged', { reason: 'update' });
}

/** The segment and the span the job read: a suggestion is stale once the segment's span differs. */
const madeFor = (s: Segment) => ({ segmentId: s.id, startSec: s.startSec, endSec: s.endSec });
/** The share of a pack caption job's progress bar the captioning takes (measuring the attributes the rest). */
export const CAPTION_SHARE = 0.85;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
