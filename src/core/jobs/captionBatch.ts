// Caption jobs that run a captioner pack (issue 13, item 3). Caption jobs are one per track, and a
// track often has only a few segments, so run one by one the model's batches stay part-empty and
// each job pays for its own start. When the runner claims a caption job for a captioner pack, it
// also claims the queued caption jobs that can share the model run (same pack, same execution
// settings, same number of beams; built-in suggester jobs are not batched), each under its own
// claim owner and heartbeat as if claimed alone, and runs all their segments through ONE worker
// captionFiles call: the model is loaded once and batches mix segments of different tracks. Each
// job's captions come back as soon as its last segment is captioned and are recorded (measured
// attributes beside them, suggestions and 'done' in one transaction) as its own, so a job that is
// cancelled, or whose audio cannot be read, ends alone and the others complete. A job run alone
// (nothing to share with, or a one-shot runner's) is a group of one: the same code end to end.
import { autoProviders } from '../calibrations';
import type { EpSettings } from '../inference/runtime';
import type { JobRecord } from '../store/jobs';
import { packId } from '../inference/packs/manifest';
import { captionsPerSecText, type SegmentCaption } from '../inference/caption/captionFiles';
import type { Captioner } from '../inference/caption/captioner';
import type { LoadedPack } from '../inference/packs/registry';
import { StudioError } from '../../shared/errors';
import type { CaptionFilesPartial } from '../worker/tasks';
import { newClaimOwner } from './jobOwner';
import type { JobPayload, JobRunnerDeps } from './jobRunner';
import { CAPTION_SHARE, captionBuiltin, planCaption, recordCaptions, type CaptionPlan, type JobWork } from './jobWork';
import type { JobWrites } from './jobWrites';

/**
 * At most this many segments in one group: 8 model batches of 4, enough that batches stay full
 * across track boundaries (only the group's last batch may be part-empty) and the model load is
 * spread over many captions, while bounded because the jobs of a group are held 'running' by this
 * process (other processes on the library cannot take them), their audio and features are in
 * memory at once, and a job late in the group waits for the segments before its own.
 */
export const MAX_GROUP_SEGMENTS = 32;
/** At most this many jobs in one group (each one a heartbeat and a transaction of its own). */
export const MAX_GROUP_JOBS = 16;
/** Queued caption jobs looked at when filling a group (oldest first). */
const CANDIDATES = 64;

/** What a group runs for one job: its payload and its plan. */
export interface GroupRun {
  payload: JobPayload;
  plan: CaptionPlan;
}

/** A job claimed into a group, under its own claim owner. */
export interface GroupMember extends GroupRun {
  rec: JobRecord;
  owner: string;
}

type Captioned = { captions: SegmentCaption[]; ep: Captioner['ep']; fallbacks: string[] };

/** What must be equal for two caption jobs to share one model run; null: not batched (the built-in suggester). */
function shareKey(pack: LoadedPack | null, p: JobPayload): string | null {
  if (!pack) return null;
  const { encoder, decoder, threads, int8 } = p.ep;
  return JSON.stringify([pack.dir, packId(pack.manifest), encoder, decoder, threads, !!int8, p.numBeams ?? null]);
}

/**
 * For a caption job just claimed (`first`, by `owner`), claims the queued caption jobs that can
 * share its model run, oldest first, up to the bounds above. Returns the group with `first`
 * leading it (alone when nothing else can join, or when it is not batched — the built-in
 * suggester: run it with its plan), or [] when `first` cannot be planned (it then fails alone
 * with its reason). A candidate that cannot be planned (no segments, its track removed) is left
 * queued to fail on its own.
 */
export async function claimCompanions(d: JobRunnerDeps, writes: JobWrites, first: JobRecord, owner: string): Promise<GroupMember[]> {
  // One lookup per pack for the whole group (an installed pack's files are compared with what
  // install recorded at each lookup).
  const chosen = new Map<string, Promise<LoadedPack | null>>();
  const choose = (ref: string | null | undefined) => {
    const key = ref ?? '';
    if (!chosen.has(key)) chosen.set(key, d.packs.choose('captioner', ref));
    return chosen.get(key)!;
  };
  const plan = await planCaption(d, first.payload as JobPayload, choose).catch(() => null);
  if (!plan) return [];
  const group: GroupMember[] = [{ rec: first, owner, payload: first.payload as JobPayload, plan }];
  const key = shareKey(plan.pack, first.payload as JobPayload);
  if (!key) return group;
  let segments = plan.segments.length;
  try {
    for (const rec of await d.store.jobs.queued('caption', CANDIDATES)) {
      if (group.length >= MAX_GROUP_JOBS || segments >= MAX_GROUP_SEGMENTS) break;
      const p = rec.payload as JobPayload;
      // Its track and segments are read only once it can share the run (its pack: one lookup per ref).
      if (shareKey(await choose(p.pack).catch(() => null), p) !== key) continue;
      const other = await planCaption(d, p, choose).catch(() => null);
      if (!other) continue;
      if (segments + other.segments.length > MAX_GROUP_SEGMENTS) break; // the queue's order is kept
      const mine = newClaimOwner();
      const claimed = await writes.claimQueued(rec.id, mine);
      if (!claimed) continue; // claimed by another process, or cancelled meanwhile
      group.push({ rec: claimed, owner: mine, payload: p, plan: other });
      segments += other.segments.length;
    }
  } catch (err) {
    // The library could not be read or written just now: the group is what was claimed so far.
    console.error(`[s2cap] caption jobs not batched further: ${(err as Error).message.split('\n')[0]}`);
  }
  return group;
}

/** A promise settled from outside, once. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => {}); // a member cancelled before its outcome never awaits it
  return { promise, resolve, reject };
}

/** `p`, or the abort reason as soon as `signal` aborts. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error('cancelled'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * A caption job: a captioner pack's captions with the segments' measured attributes beside them
 * (as a group of one, unless `planned` came with a group), or the built-in suggester's.
 */
export async function captionJob(w: JobWork, p: JobPayload, planned?: CaptionPlan): Promise<string> {
  const plan = planned ?? (await planCaption(w.d, p));
  if (!plan.pack) return captionBuiltin(w, plan.track, plan.segments);
  return new CaptionGroup(w.d, [{ payload: p, plan }]).work(0, w);
}

/**
 * Runs a group's segments through one worker call. `work(i, w)` is member i's job work (the
 * runner runs each member's lifecycle: heartbeat, progress, how it ended); it resolves with the
 * member's summary once its captions are recorded. The worker call starts once every member's
 * work has begun, and is cancelled only when every member is (a cancelled member just stops
 * waiting; its segments' captions are dropped). A group of one is a job run alone: its progress
 * is the run's, and it says nothing of batching.
 */
export class CaptionGroup {
  private readonly outcomes: ReturnType<typeof deferred<Captioned>>[];
  private readonly works: JobWork[] = [];
  /** Members that have shown their own progress (before that, they show the group's). */
  private readonly ownProgress = new Set<number>();
  private readonly shared = new AbortController();
  /** The run's captions/s when each member's last segment was captioned. */
  private readonly rates: number[] = [];
  /** Said after what a member shows: what it was batched with ('' alone). */
  private readonly batched: string;

  constructor(
    private readonly d: JobRunnerDeps,
    private readonly members: GroupRun[],
  ) {
    this.outcomes = members.map(() => deferred<Captioned>());
    const others = members.length - 1;
    this.batched = others ? ` (batched with ${others} other track${others === 1 ? '' : 's'})` : '';
  }

  work(i: number, w: JobWork): Promise<string> {
    this.works[i] = w;
    const all = () => this.works.filter(Boolean).length === this.members.length;
    const { signal } = w.run.abort;
    signal.addEventListener('abort', () => all() && this.works.every((x) => x.run.abort.signal.aborted) && this.shared.abort(signal.reason), { once: true });
    if (all()) void this.start();
    return untilAborted(this.outcomes[i]!.promise, signal).then((res) => {
      const note = `${this.rates[i] ? captionsPerSecText(this.rates[i]) : ''}${this.batched}`.trim();
      return recordCaptions(w, this.members[i]!.plan, res, note || undefined);
    });
  }

  private async start(): Promise<void> {
    const lead = this.members[0]!;
    const p = lead.payload;
    const pack = lead.plan.pack!;
    let ep: EpSettings;
    try {
      // `auto` resolved once for the group (its calibration measured on first use, shown on every member).
      const res = await autoProviders(this.d, pack, p.ep, { signal: this.shared.signal, onProgress: (d) => this.works.forEach((w) => w.onProgress(0, d)) });
      ep = res.ep;
      for (const w of this.works) w.noteFallbacks(res.notes);
    } catch (err) {
      return this.outcomes.forEach((o) => o.reject(err));
    }
    const files = this.members.map((m) => ({ file: m.plan.track.path, segments: m.plan.segments.map((s) => ({ startSec: s.startSec, endSec: s.endSec })) }));
    const { batched } = this;
    const alone = this.members.length === 1;
    // async: a run refused at once (every member cancelled meanwhile) rejects rather than throws.
    const run = async () =>
      this.d.pool.run('captionFiles', { dir: pack.dir, spec: pack.manifest.captioner!, ep, numBeams: p.numBeams, files }, {
        signal: this.shared.signal,
        // Alone, the run's progress is the job's. In a group, until a member's own segments are
        // captioned, it shows what the group is doing.
        onProgress: (f, detail) =>
          this.works.forEach((w, i) => (alone ? w.onProgress(f * CAPTION_SHARE, detail) : this.ownProgress.has(i) || w.onProgress(0, detail && `${detail}${batched}`))),
        onPartial: (value) => {
          const v = value as CaptionFilesPartial;
          if ('file' in v) {
            // Each file's outcome arrives once, here (the run's result only says which providers ran).
            const o = v.file;
            if ('error' in o) return this.outcomes[o.index]!.reject(new StudioError(o.code, o.error));
            return this.outcomes[o.index]!.resolve({ captions: o.captions, ep: v.ep, fallbacks: v.fallbacks });
          }
          const { index, done, of, captionsPerSec } = v.progress;
          this.rates[index] = captionsPerSec;
          if (alone) return; // the run's own progress says the same
          this.ownProgress.add(index);
          this.works[index]!.onProgress((done / of) * CAPTION_SHARE, `captioned ${done}/${of} · ${captionsPerSecText(captionsPerSec)}${batched}`);
        },
      });
    run().then(
      // Every file's outcome came before the run ended; one that did not is a fault, not a hang.
      () => this.outcomes.forEach((o) => o.reject(new StudioError('INTERNAL', 'the captioner ended without this track\'s captions'))),
      (err: unknown) => this.outcomes.forEach((o) => o.reject(err)),
    );
  }
}
