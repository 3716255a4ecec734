// Runs separation and captioning jobs one at a time on the DSP worker. Jobs are rows first
// (so a crash or quit leaves them queued, and they resume on the next start), then work; results
// land in the library (stems, suggestions) with the pack and provider that produced them.
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import type { Job, JobKind } from '../../shared/types';
import type { StudioEventHub } from '../events';
import type { PackRegistry } from '../inference/packs/registry';
import type { EpSettings } from '../inference/runtime';
import type { Db } from '../store/db';
import { createJob, getJob, listJobs, requeueInterruptedJobs, updateJob, type JobRecord } from '../store/jobs';
import { listSegments } from '../store/segments';
import { insertAttributes } from '../store/attributes';
import { BUILTIN_SEPARATOR } from '../builtin/centerSeparator';
import { BUILTIN_SUGGESTER } from '../builtin/suggest';
import type { Segment, Track } from '../../shared/types';
import { listStems, upsertStem } from '../store/stems';
import { insertSuggestion } from '../store/suggestions';
import { requireTrack, setTrackStatus } from '../store/tracks';
import type { WorkerPool } from '../worker/pool';

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
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export class JobRunner {
  private running: { id: string; abort: AbortController; done: Promise<void> } | null = null;
  private pumping = false;
  private stopped = false;

  constructor(private readonly d: JobRunnerDeps) {}

  /** Re-queues what a crash interrupted and starts working through the queue. */
  start(): number {
    const n = requeueInterruptedJobs(this.d.db);
    void this.pump();
    return n;
  }

  enqueue(kind: JobKind, payload: JobPayload): Job {
    const job = toJob(createJob(this.d.db, kind, payload));
    this.d.events.emit('jobUpdated', job);
    void this.pump();
    return job;
  }

  cancel(id: string): Job {
    const rec = getJob(this.d.db, id);
    if (!rec) throw new StudioError('NOT_FOUND', `no job ${id}`);
    if (rec.status === 'queued') return this.update(id, { status: 'cancelled', detail: 'cancelled before it started' });
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
    if (!r) return;
    r.abort.abort('shutdown');
    await Promise.race([r.done, new Promise((res) => setTimeout(res, 5000))]);
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
    } finally {
      this.pumping = false;
    }
  }

  private runOne(rec: JobRecord): Promise<void> {
    const abort = new AbortController();
    const done = this.work(rec, abort);
    this.running = { id: rec.id, abort, done };
    return done;
  }

  private async work(rec: JobRecord, abort: AbortController): Promise<void> {
    this.update(rec.id, { status: 'running', progress: 0, detail: 'starting', error: null });
    let last = 0;
    const onProgress = (fraction: number, detail?: string) => {
      const now = Date.now();
      if (now - last < 200 && fraction < 1) return;
      last = now;
      this.update(rec.id, { progress: fraction, detail: detail ?? null });
    };
    try {
      const payload = rec.payload as JobPayload;
      const summary = rec.kind === 'separate' ? await this.separate(payload, abort.signal, onProgress) : await this.caption(payload, abort.signal, onProgress);
      this.update(rec.id, { status: 'done', progress: 1, detail: summary });
    } catch (err) {
      if (abort.signal.aborted) {
        const shutdown = abort.signal.reason === 'shutdown';
        this.update(rec.id, shutdown ? { status: 'queued', detail: 'interrupted; resumes on next start' } : { status: 'cancelled', detail: 'cancelled' });
      } else {
        const msg = (err as Error).message.split('\n')[0]!;
        this.update(rec.id, { status: 'failed', error: msg, detail: msg });
      }
    } finally {
      this.running = null;
    }
  }

  private async separate(p: JobPayload, signal: AbortSignal, onProgress: (f: number, d?: string) => void): Promise<string> {
    const track = requireTrack(this.d.db, p.trackId);
    const pack = await this.d.packs.choose('separator', p.pack);
    const packRow = pack ? this.d.packs.upsertRow(pack.manifest, pack.dir) : null;
    const by = pack ? `${pack.manifest.name}@${pack.manifest.version}` : 'built-in';
    const outDir = path.join(this.d.dataDir, 'stems', String(track.id), by);
    const res = await this.d.pool.run(
      'separate',
      { dir: pack?.dir ?? null, spec: pack?.manifest.separator ?? null, ep: p.ep, file: track.path, outDir, shifts: p.shifts },
      { signal, onProgress },
    );
    this.d.db.transaction(() => {
      for (const s of res.stems) upsertStem(this.d.db, { trackId: track.id, name: s.name, path: s.path, packId: packRow, ep: res.ep, durationSec: res.frames / res.sampleRate });
      if (track.status === 'imported') setTrackStatus(this.d.db, track.id, 'separated');
    })();
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
    const packId = this.d.packs.upsertRow(pack.manifest, pack.dir);
    const res = await this.d.pool.run(
      'caption',
      { dir: pack.dir, spec: pack.manifest.captioner!, ep: p.ep, file: track.path, segments, numBeams: p.numBeams },
      { signal, onProgress },
    );
    const ep = `encoder ${res.ep.encoder}, decoder ${res.ep.decoder}`;
    this.recordSuggestions(track, res.captions.map((c, i) => ({ ...c, segmentId: segments[i]!.id, packId, ep })));
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
    this.recordSuggestions(
      track,
      res.map((r, i) => ({ ...r, segmentId: segments[i]!.id, score: null, tokenLogprobs: [], packId: null, ep: 'measured on cpu', attributes: { ...r.words, ...r.measured } })),
    );
    return `${plural(segments.length, 'suggestion')} by the ${BUILTIN_SUGGESTER} (measured attributes; install a captioner pack for model captions)`;
  }

  /** Stores suggestions (and any measured attributes) and marks the track captioned, in one transaction. */
  private recordSuggestions(track: Track, rows: (Parameters<typeof insertSuggestion>[1] & { attributes?: Record<string, string | number | null> })[]): void {
    this.d.db.transaction(() => {
      for (const { attributes, ...s } of rows) {
        insertSuggestion(this.d.db, s);
        if (attributes) insertAttributes(this.d.db, s.segmentId, 'measured', attributes);
      }
      if (track.status === 'imported' || track.status === 'separated') setTrackStatus(this.d.db, track.id, 'captioned');
    })();
    this.d.events.emit('trackChanged', { trackId: track.id, what: 'segments' });
    this.d.events.emit('libraryChanged', { reason: 'update' });
  }

  private update(id: string, patch: Parameters<typeof updateJob>[2]): Job {
    const job = toJob(updateJob(this.d.db, id, patch));
    this.d.events.emit('jobUpdated', job);
    return job;
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
