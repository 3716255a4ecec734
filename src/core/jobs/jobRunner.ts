// Runs separation and captioning jobs one at a time on the DSP worker. Jobs are rows first
// (so a crash or quit leaves them queued, and they resume on the next start), then work; results
// land in the library (stems, suggestions) with the pack and provider that produced them, and
// any provider fallback is kept on the job. Job rows are written through JobWrites, so a library
// that another process holds locked delays the records but never throws into a worker callback.
import { StudioError } from '../../shared/errors';
import type { Job, JobKind } from '../../shared/types';
import type { StudioEventHub } from '../events';
import type { PackRegistry } from '../inference/packs/registry';
import type { EpSettings } from '../inference/runtime';
import type { Db } from '../store/db';
import { withBusyRetry, writeTransaction } from '../store/busyRetry';
import { createJob, getJob, listJobs, requeueInterruptedJobs, type JobPatch, type JobRecord } from '../store/jobs';
import { listSegments } from '../store/segments';
import { insertAttributes } from '../store/attributes';
import { BUILTIN_SEPARATOR } from '../builtin/centerSeparator';
import { BUILTIN_SUGGESTER } from '../builtin/suggest';
import type { Segment, Track } from '../../shared/types';
import { listStems, replaceStems } from '../store/stems';
import { newRunDir, removeReplacedStemFiles, removeRunDir, sweepStemLeftovers } from '../stemFiles';
import { insertSuggestion } from '../store/suggestions';
import { requireTrack, setTrackStatus } from '../store/tracks';
import type { WorkerPool } from '../worker/pool';
import { JobWrites } from './jobWrites';

export interface JobPayload {
  trackId: number;
  pack?: string | null;
  ep: EpSettings;
  shifts?: number;
  segmentIds?: number[];
  numBeams?: number;
}

export interface JobRunnerDeps {
  db: Db;
  events: StudioEventHub;
  pool: WorkerPool;
  packs: PackRegistry;
  dataDir: string;
}

export function toJob(r: JobRecord): Job {
  return {
    id: r.id,
    kind: r.kind as JobKind,
    status: r.status,
    trackId: (r.payload as JobPayload).trackId,
    progress: r.progress,
    detail: r.detail,
    error: r.error,
    fallbacks: (r.result as JobResult | null)?.fallbacks ?? [],
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** What a job keeps in its `result` column. */
interface JobResult {
  /** Providers that could not run a model, and why ("webgpu: no adapter found"). */
  fallbacks?: string[];
}

interface RunningJob {
  id: string;
  abort: AbortController;
  fallbacks: string[];
  done?: Promise<void>;
}

export class JobRunner {
  private running: RunningJob | null = null;
  private pumping = false;
  private stopped = false;
  /** Aborted by stop(): retries of writes give up then. */
  private readonly lifetime = new AbortController();
  private readonly writes: JobWrites;

  constructor(private readonly d: JobRunnerDeps) {
    this.writes = new JobWrites(d.db, (rec) => d.events.emit('jobUpdated', toJob(rec)), this.lifetime.signal);
  }

  /**
   * Re-queues what a crash interrupted and starts working through the queue; resolves with how
   * many were re-queued. Waits (without blocking) while another process holds the library, and
   * never rejects: a library that cannot be written is reported and the queue is not started.
   */
  async start(): Promise<number> {
    try {
      const n = await withBusyRetry(() => requeueInterruptedJobs(this.d.db), { maxWaitMs: Infinity, signal: this.lifetime.signal });
      void this.pump();
      return n;
    } catch (err) {
      if (!this.stopped) console.error(`[s2cap] job queue not started: ${(err as Error).message.split('\n')[0]}`);
      return 0;
    }
  }

  async enqueue(kind: JobKind, payload: JobPayload): Promise<Job> {
    const job = toJob(await withBusyRetry(() => createJob(this.d.db, kind, payload), { maxWaitMs: 30_000 }));
    this.d.events.emit('jobUpdated', job);
    void this.pump();
    return job;
  }

  async cancel(id: string): Promise<Job> {
    const rec = getJob(this.d.db, id);
    if (!rec) throw new StudioError('NOT_FOUND', `no job ${id}`);
    if (rec.status === 'queued') {
      const cancelled = await this.writes.transition(id, { status: 'cancelled', detail: 'cancelled before it started' }, { from: 'queued', maxWaitMs: 30_000 });
      if (cancelled) return toJob(cancelled);
    }
    if (this.running?.id === id) this.running.abort.abort();
    return toJob(getJob(this.d.db, id)!);
  }

  list(trackId?: number): Job[] {
    return listJobs(this.d.db)
      .map(toJob)
      .filter((j) => trackId === undefined || j.trackId === trackId)
      .reverse();
  }

  /** Stops taking new jobs and cancels the running one (it stays resumable: back to queued). */
  async stop(): Promise<void> {
    this.stopped = true;
    const r = this.running;
    if (r) {
      r.abort.abort('shutdown');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([r.done?.catch(() => {}), new Promise((res) => (timer = setTimeout(res, 5000)))]);
      clearTimeout(timer);
    }
    // Whatever could not be recorded by now stays 'running' in the library and resumes on next start.
    this.lifetime.abort(new Error('the job runner stopped before the library could be written'));
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.stopped) return;
    this.pumping = true;
    // Start on a later turn: whoever queued the job gets it back (and can listen) before it runs.
    await new Promise((r) => setImmediate(r));
    try {
      for (;;) {
        if (this.stopped) return;
        const next = listJobs(this.d.db, ['queued'])[0];
        if (!next) return;
        await this.runOne(next);
      }
    } catch (err) {
      // The library cannot be read or a job cannot even be marked running: say so and try later,
      // rather than spinning on the same job or letting the rejection take the process down.
      if (this.stopped) return;
      console.error(`[s2cap] job queue paused: ${(err as Error).message.split('\n')[0]}; retrying in 5 s`);
      setTimeout(() => void this.pump(), 5000).unref();
    } finally {
      this.pumping = false;
    }
  }

  private runOne(rec: JobRecord): Promise<void> {
    const run: RunningJob = { id: rec.id, abort: new AbortController(), fallbacks: [] };
    this.running = run;
    run.done = this.work(rec, run).finally(() => {
      if (this.running === run) this.running = null;
    });
    return run.done;
  }

  private async work(rec: JobRecord, run: RunningJob): Promise<void> {
    const { abort } = run;
    // Claim it (only if still queued: it may have been cancelled meanwhile). Retried while another
    // process holds the library; throws only if the library cannot be written at all.
    const claimed = await this.writes.transition(rec.id, { status: 'running', progress: 0, detail: 'starting', error: null, result: null }, { from: 'queued' });
    if (!claimed) return;
    let last = 0;
    const onProgress = (fraction: number, detail?: string) => {
      const now = Date.now();
      if (now - last < 200 && fraction < 1) return;
      last = now;
      this.writes.progress(rec.id, fraction, detail ?? null);
    };
    let end: JobPatch;
    try {
      const payload = rec.payload as JobPayload;
      const summary = rec.kind === 'separate' ? await this.separate(payload, abort.signal, onProgress) : await this.caption(payload, abort.signal, onProgress);
      end = { status: 'done', progress: 1, detail: summary };
    } catch (err) {
      if (abort.signal.aborted) {
        const shutdown = abort.signal.reason === 'shutdown';
        end = shutdown ? { status: 'queued', detail: 'interrupted; resumes on next start' } : { status: 'cancelled', detail: 'cancelled' };
      } else {
        const msg = (err as Error).message.split('\n')[0]!;
        end = { status: 'failed', error: msg, detail: msg };
      }
    }
    if (run.fallbacks.length) end.result = { fallbacks: [...new Set(run.fallbacks)] } satisfies JobResult;
    try {
      await this.writes.transition(rec.id, end);
    } catch (err) {
      // Only when the runner stopped or the library broke: the row stays 'running' and the job
      // runs again on next start. Listeners still learn how it ended.
      const why = (err as Error).message.split('\n')[0]!;
      console.error(`[s2cap] job ${rec.id}: could not record "${end.status}": ${why}`);
      this.d.events.emit('jobUpdated', {
        ...toJob({ ...rec, ...end, result: end.result ?? null } as JobRecord),
        detail: `${end.detail ?? end.status} (not recorded in the library: ${why})`,
        updatedAt: new Date().toISOString(),
      });
    }
  }

  /** Provider fallbacks a task reported, kept on the running job. */
  private noteFallbacks(fallbacks: readonly string[] | undefined): void {
    if (fallbacks?.length) this.running?.fallbacks.push(...fallbacks);
  }

  /** Runs a write transaction that reads first: IMMEDIATE, retried while another process writes. */
  private commit<T>(fn: () => T): Promise<T> {
    return writeTransaction(this.d.db, fn, { signal: this.lifetime.signal });
  }

  private async separate(p: JobPayload, signal: AbortSignal, onProgress: (f: number, d?: string) => void): Promise<string> {
    const track = requireTrack(this.d.db, p.trackId);
    const pack = await this.d.packs.choose('separator', p.pack);
    const packRow = pack ? await withBusyRetry(() => this.d.packs.upsertRow(pack.manifest, pack.dir)) : null;
    const by = pack ? `${pack.manifest.name}@${pack.manifest.version}` : 'built-in';
    // New stems go to a fresh run folder; the track's current stems stay untouched until the new
    // set is complete and registered in one transaction, and only then are their files removed.
    sweepStemLeftovers(this.d.db, this.d.dataDir, track.id);
    const outDir = newRunDir(this.d.dataDir, track.id, by);
    const discard = (err: unknown): never => {
      removeRunDir(this.d.dataDir, outDir); // cancelled, failed or not registered: never seen
      throw err;
    };
    const res = await this.d.pool
      .run('separate', { dir: pack?.dir ?? null, spec: pack?.manifest.separator ?? null, ep: p.ep, file: track.path, outDir, shifts: p.shifts }, { signal, onProgress })
      .catch(discard);
    const durationSec = res.frames / res.sampleRate;
    this.noteFallbacks(res.fallbacks);
    let replaced: string[] = [];
    try {
      replaced = await this.commit(() => {
        const { unreferenced } = replaceStems(this.d.db, track.id, res.stems.map((s) => ({ name: s.name, path: s.path, packId: packRow, ep: res.ep, durationSec })));
        if (track.status === 'imported') setTrackStatus(this.d.db, track.id, 'separated');
        return unreferenced;
      });
    } catch (err) {
      discard(err);
    }
    // Committed: the replaced files, and run folders no stem refers to any more, can go.
    removeReplacedStemFiles(this.d.dataDir, replaced);
    sweepStemLeftovers(this.d.db, this.d.dataDir, track.id);
    this.d.events.emit('trackChanged', { trackId: track.id, what: 'stems' });
    this.d.events.emit('libraryChanged', { reason: 'update' });
    const who = pack ? pack.manifest.name : `the ${BUILTIN_SEPARATOR} (centre-channel isolation; install a separator pack for model stems)`;
    return `${res.stems.length} stems by ${who} on ${res.ep} in ${(res.ms / 1000).toFixed(1)} s`;
  }

  private async caption(p: JobPayload, signal: AbortSignal, onProgress: (f: number, d?: string) => void): Promise<string> {
    const track = requireTrack(this.d.db, p.trackId);
    const segments = listSegments(this.d.db, track.id).filter((s) => !p.segmentIds?.length || p.segmentIds.includes(s.id));
    if (!segments.length) throw new StudioError('BAD_REQUEST', 'this track has no segments to caption: add some (5–30 s) first');
    const pack = await this.d.packs.choose('captioner', p.pack);
    if (!pack) return this.captionBuiltin(track, segments, signal, onProgress);
    const packId = await withBusyRetry(() => this.d.packs.upsertRow(pack.manifest, pack.dir));
    const res = await this.d.pool.run(
      'caption',
      { dir: pack.dir, spec: pack.manifest.captioner!, ep: p.ep, file: track.path, segments, numBeams: p.numBeams },
      { signal, onProgress },
    );
    const ep = `encoder ${res.ep.encoder}, decoder ${res.ep.decoder}`;
    this.noteFallbacks(res.fallbacks);
    await this.recordSuggestions(track, res.captions.map((c, i) => ({ ...c, ...madeFor(segments[i]!), packId, ep })));
    return `${plural(segments.length, 'suggestion')} by ${pack.manifest.name} (${ep})`;
  }

  /** No captioner installed: measured attributes and a template sentence (see core/builtin). */
  private async captionBuiltin(track: Track, segments: Segment[], signal: AbortSignal, onProgress: (f: number, d?: string) => void): Promise<string> {
    const vocals = listStems(this.d.db, track.id).find((s) => s.name === 'vocals');
    const res = await this.d.pool.run(
      'suggestBuiltin',
      { file: track.path, vocalsFile: vocals?.path ?? null, genre: track.genre, segments },
      { signal, onProgress },
    );
    await this.recordSuggestions(
      track,
      res.map((r, i) => ({ ...r, ...madeFor(segments[i]!), score: null, tokenLogprobs: [], packId: null, ep: 'measured on cpu', attributes: { ...r.words, ...r.measured } })),
    );
    return `${plural(segments.length, 'suggestion')} by the ${BUILTIN_SUGGESTER} (measured attributes; install a captioner pack for model captions)`;
  }

  /** Stores suggestions (and any measured attributes) and marks the track captioned, in one transaction. */
  private async recordSuggestions(track: Track, rows: (Parameters<typeof insertSuggestion>[1] & { attributes?: Record<string, string | number | null> })[]): Promise<void> {
    await this.commit(() => {
      for (const { attributes, ...s } of rows) {
        insertSuggestion(this.d.db, s);
        if (attributes) insertAttributes(this.d.db, s, 'measured', attributes);
      }
      if (track.status === 'imported' || track.status === 'separated') setTrackStatus(this.d.db, track.id, 'captioned');
    });
    this.d.events.emit('trackChanged', { trackId: track.id, what: 'segments' });
    this.d.events.emit('libraryChanged', { reason: 'update' });
  }
}

/** The segment and the span the job read: a suggestion is stale once the segment's span differs. */
const madeFor = (s: Segment) => ({ segmentId: s.id, startSec: s.startSec, endSec: s.endSec });
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
