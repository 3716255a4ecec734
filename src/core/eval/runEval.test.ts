// `s2cap eval`'s core on a real library: three imported recordings (12 s, made from the audio
// fixtures with ffmpeg), approved and draft captions; evaluated with the built-in suggester and
// with the tiny ONNX fixture pack run from its folder (every track in one model run). What is
// checked is the plumbing: which segments are references (status, the export's split by track
// hash), that candidates and references are paired by id, that nothing is written as a
// suggestion or revision, and the history record. The metric values themselves are verified in
// metrics/caption.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SPLIT_NAMES, type SplitName } from '../../shared/dataset';
import type { Track } from '../../shared/types';
import { exportRowId } from '../export/exportRows';
import { DEFAULT_SPLITS, normaliseSplits, splitOf } from '../export/splits';
import { createStudio, studioStore, type Studio } from '../studio';
import { fixture, tempDir } from '../testing/tmp';
import { WorkerPool } from '../worker/pool';
import { TASKS } from '../worker/tasks';
import { EVAL_HISTORY_KEY } from './evalHistory';

const PACK = path.resolve(__dirname, '../../../test/fixtures/packs/tiny-captioner');
const tmp = tempDir();
let studio: Studio;
let tracks: Track[];
/** Approved segments by track id, and one draft segment. */
const approved = new Map<number, number[]>();
let draftSegment: number;
/** The segment whose approved caption is exactly what the built-in suggester says of it. */
let exactSegment: number;

/** 12 s of `src` looped, at `volume` (a different volume is a different recording, by hash). */
function longFile(name: string, src: string, volume = 1): string {
  const out = path.join(tmp.dir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-stream_loop', '-1', '-i', fixture(src), '-t', '12', '-af', `volume=${volume}`, '-c:a', 'pcm_s16le', out]);
  return out;
}

/** Segment id → its track's content hash (for the export row ids). */
const shaOf = new Map<number, string>();
const rowId = (segmentId: number) => exportRowId(shaOf.get(segmentId)!, segmentId);

async function counts(): Promise<{ suggestions: number; revisions: number[] }> {
  let suggestions = 0;
  const revisions: number[] = [];
  for (const t of tracks) {
    const d = await studio.openTrack({ id: t.id });
    suggestions += d.suggestions.length;
    for (const s of d.segments) revisions.push((await studio.captionHistory({ segmentId: s.id })).length);
  }
  return { suggestions, revisions };
}

beforeAll(async () => {
  const files = [longFile('aria12.wav', 'aria.wav'), longFile('lullaby12.wav', 'lullaby.wav'), longFile('aria-soft12.wav', 'aria.wav', 0.5)];
  studio = await createStudio({ dbPath: path.join(tmp.dir, 'lib.db'), runJobs: false });
  const report = await studio.importPaths({ paths: files });
  expect(report.failed).toEqual([]);
  tracks = await studio.listTracks();
  expect(tracks).toHaveLength(3);
  for (const [i, t] of tracks.entries()) {
    const a = await studio.createSegment({ trackId: t.id, startSec: 0, endSec: 6 });
    const b = await studio.createSegment({ trackId: t.id, startSec: 6, endSec: 12 });
    shaOf.set(a.id, t.sha256).set(b.id, t.sha256);
    await studio.saveCaption({ segmentId: a.id, text: `A calm ${i} voice sings softly over a quiet piano.`, status: 'approved', parentId: null, author: 'ana' });
    approved.set(t.id, [a.id]);
    if (i === 0) {
      // b: approved with exactly the built-in suggester's caption of it.
      const [exact] = await TASKS.suggestBuiltin({ file: t.path, vocalsFile: null, genre: t.genre, segments: [b] }, { signal: new AbortController().signal, progress: () => {} });
      await studio.saveCaption({ segmentId: b.id, text: exact!.text, status: 'approved', parentId: null, author: 'ana' });
      approved.get(t.id)!.push(b.id);
      exactSegment = b.id;
    } else if (i === 1) {
      await studio.saveCaption({ segmentId: b.id, text: 'Not finished yet.', status: 'draft', parentId: null, author: 'bo' });
      draftSegment = b.id;
    }
    // track 3's second segment has no caption at all
  }
}, 60_000);
afterAll(async () => {
  await studio?.close();
  tmp.cleanup();
});

const approvedIds = () => tracks.flatMap((t) => approved.get(t.id)!.map((s) => rowId(s))).sort();

describe('runEval', () => {
  it('the built-in suggester captions every approved segment and nothing else; pairs by id; writes no suggestion or revision; records the run', async () => {
    const before = await counts();
    const res = await studio.evaluate({ pack: 'built-in' });
    expect(res.skipped).toEqual([]);
    expect(res.items.map((i) => i.id).sort()).toEqual(approvedIds());
    expect(res.record).toMatchObject({ pack: 'built-in', fixture: false, split: 'all', status: ['approved'], numBeams: null, n: 4 });
    expect(res.metrics.per_item.map((p) => p.id).sort()).toEqual(approvedIds());
    for (const i of res.items) expect(i.candidate).toMatch(/voice/);
    // The segment whose reference is the suggester's own sentence scores as identical.
    const exact = res.items.find((i) => i.segmentId === exactSegment)!;
    expect(exact.candidate).toBe(exact.reference);
    expect(res.metrics.per_item.find((p) => p.id === exact.id)!.rouge_l).toBeCloseTo(1, 6);
    // Evaluation leaves annotation state alone.
    expect(await counts()).toEqual(before);
    expect(before.suggestions).toBe(0);
    // The record (without per-item scores) is kept.
    const history = await studio.listEvals();
    expect(history.at(-1)).toEqual(res.record);
    expect('per_item' in history.at(-1)!.metrics).toBe(false);
  });

  it('--status takes draft heads as references too', async () => {
    const res = await studio.evaluate({ pack: 'built-in', status: ['approved', 'draft'] });
    expect(res.items.map((i) => i.id).sort()).toEqual([...approvedIds(), rowId(draftSegment)].sort());
    expect(res.items.find((i) => i.segmentId === draftSegment)!.reference).toBe('Not finished yet.');
  });

  it('--split keeps the segments of tracks the export puts in that split; an empty split is refused with the reason', async () => {
    const ratios = normaliseSplits(DEFAULT_SPLITS);
    const bySplit = new Map<SplitName, string[]>(SPLIT_NAMES.map((s) => [s, []]));
    for (const t of tracks) bySplit.get(splitOf(t.sha256, ratios))!.push(...approved.get(t.id)!.map((s) => rowId(s)));
    for (const split of SPLIT_NAMES) {
      const want = bySplit.get(split)!.sort();
      if (!want.length) {
        await expect(studio.evaluate({ pack: 'built-in', split })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(`the ${split} split`) });
        continue;
      }
      const res = await studio.evaluate({ pack: 'built-in', split });
      expect(res.items.map((i) => i.id).sort()).toEqual(want);
      expect(res.record).toMatchObject({ split, n: want.length });
    }
  });

  it('a captioner pack run from its folder (the tiny ONNX fixture): its id, fixture flag and beams recorded; no suggestion written', async () => {
    const before = await counts();
    const res = await studio.evaluate({ pack: PACK, numBeams: 2 });
    expect(res.record).toMatchObject({ pack: 'tiny-captioner@1.0.0', fixture: true, numBeams: 2, n: 4, split: 'all' });
    expect(res.items.map((i) => i.id).sort()).toEqual(approvedIds());
    expect(res.items.every((i) => typeof i.candidate === 'string')).toBe(true);
    expect(await counts()).toEqual(before);
    expect((await studio.listEvals()).map((r) => r.pack).at(-1)).toBe('tiny-captioner@1.0.0');
  });

  it('an unknown pack is refused before anything runs; nothing is recorded', async () => {
    const n = (await studio.listEvals()).length;
    await expect(studio.evaluate({ pack: 'nope@1' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await studio.listEvals()).toHaveLength(n);
  });

  it('a track whose file is gone is listed as skipped; the other tracks are still scored', async () => {
    const gone = tracks[1]!;
    const moved = `${gone.path}.moved`;
    fs.renameSync(gone.path, moved);
    try {
      const res = await studio.evaluate({ pack: 'built-in' });
      expect(res.skipped).toHaveLength(1);
      expect(res.skipped[0]).toContain(gone.path);
      expect(res.items.map((i) => i.id).sort()).toEqual(approvedIds().filter((id) => !id.startsWith(gone.sha256.slice(0, 12))));
    } finally {
      fs.renameSync(moved, gone.path);
    }
  });

  it('with a captioner pack, every track is captioned in one model run; a track whose file is gone is skipped alone', async () => {
    const gone = tracks[1]!;
    const moved = `${gone.path}.moved`;
    fs.renameSync(gone.path, moved);
    const run = vi.spyOn(WorkerPool.prototype, 'run');
    try {
      const res = await studio.evaluate({ pack: PACK, numBeams: 1 });
      expect(run.mock.calls.map(([task, args]) => [task, (args as { files: { file: string }[] }).files.map((f) => f.file).sort()])).toEqual([
        ['captionFiles', tracks.map((t) => t.path).sort()],
      ]);
      expect(res.skipped).toHaveLength(1);
      expect(res.skipped[0]).toMatch(new RegExp(`^${gone.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*${path.basename(gone.path)}.* \\(1 segment left out\\)$`));
      const kept = approvedIds().filter((id) => !id.startsWith(gone.sha256.slice(0, 12)));
      expect(res.items.map((i) => i.id).sort()).toEqual(kept);
      expect(res.items.every((i) => i.candidate.length > 0)).toBe(true);
    } finally {
      run.mockRestore();
      fs.renameSync(moved, gone.path);
    }
  });

  it('with a captioner pack, a run that fails part-way keeps what it captioned before and lists the rest with the reason', async () => {
    const real = WorkerPool.prototype.run;
    const run = vi.spyOn(WorkerPool.prototype, 'run').mockImplementation(async function (this: WorkerPool, task, args, opts) {
      let delivered = 0;
      // The real run, of which only the first file's captions arrive before the worker dies.
      await real.call(this, task, args, { ...opts, onPartial: (v) => void ('file' in (v as object) && delivered++ === 0 && opts?.onPartial?.(v)) });
      throw new Error('the background worker exited unexpectedly (code 134)');
    } as typeof real);
    try {
      const res = await studio.evaluate({ pack: PACK, numBeams: 1 });
      const files = (run.mock.calls[0]![1] as { files: { file: string }[] }).files.map((f) => f.file);
      const first = tracks.find((t) => t.path === files[0])!;
      expect(res.items.map((i) => i.id).sort()).toEqual(approved.get(first.id)!.map((s) => rowId(s)).sort());
      expect(res.skipped).toHaveLength(tracks.length - 1);
      expect(res.skipped.every((s) => /: the background worker exited unexpectedly \(code 134\) \(\d segments? left out\)$/.test(s))).toBe(true);
    } finally {
      run.mockRestore();
    }
  });

  it('the history is one setting of the library, appended in order', async () => {
    const stored = await studioStore(studio).settings.get<unknown[]>(EVAL_HISTORY_KEY);
    expect(stored).toEqual(await studio.listEvals());
    const times = (await studio.listEvals()).map((r) => Date.parse(r.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});
