// Incremental export (`--since`) as a state map, on both back ends: a deleted segment, a caption
// sent back to draft and a row filtered out are withdrawn (manifest + withdrawn.jsonl, hashed); a
// segment resized without a new revision is written again with its new span; an unchanged one is
// not; a save whose revision id fell below the earlier maxRevisionId (PostgreSQL commits ids out of
// order) is still written; chained --since exports accumulate the same `exported` a full export
// has; a manifest from before the map falls back to maxRevisionId with a one-line note.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExportFormat, ExportManifest, ExportReport, ExportRow } from '../../shared/dataset';
import { seedExport } from '../testing/seedExport';
import { testStores } from '../testing/testStores';
import { tempDir } from '../testing/tmp';
import type { Store } from '../store/store';
import { runExport } from './runExport';

const tmp = tempDir();
const fresh = (name: string) => path.join(tmp.dir, `${name}-${crypto.randomBytes(4).toString('hex')}`);
const readRows = (dir: string) => fs.readFileSync(path.join(dir, 'data.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ExportRow);
const readWithdrawn = (dir: string) => fs.readFileSync(path.join(dir, 'withdrawn.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id);
const manifestOf = (r: ExportReport) => path.join(r.out, 'manifest.json');
const segOf = (id: string) => Number(id.split('-')[1]);
const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

async function sendBack(store: Store, segmentId: number, status: 'draft' | 'approved' = 'draft', text?: string) {
  const head = (await store.captions.latest(segmentId))!;
  return store.captions.append({ segmentId, text: text ?? head.text, author: 'rev', source: 'human', status, parentId: head.id });
}

describe.each(testStores())('--since as a state map ($name)', (backend) => {
  it.each<ExportFormat>(['jsonl', 'csv', 'pairs', 'label-studio'])('%s: deleted and sent-back segments are withdrawn, a resize is re-exported, unchanged rows are not', async (format) => {
    const { store } = await backend.open();
    const ids = await seedExport(store, { tracks: 3, perTrack: 2 });
    const first = await runExport(store, { format, out: fresh('v1') });
    expect(first.manifest.withdrawn).toEqual([]);
    // pairs leaves out captions that kept their suggestion (every third): the three changed below are edited.
    expect(Object.keys(first.manifest.exported!)).toHaveLength(format === 'pairs' ? 4 : 6);
    const [del, back, resize] = [ids[1]!, ids[2]!, ids[4]!];
    expect(fs.existsSync(path.join(first.out, 'withdrawn.jsonl'))).toBe(false);
    const idOf = (seg: number) => Object.keys(first.manifest.exported!).find((k) => segOf(k) === seg)!;

    await store.segments.delete(del);
    await sendBack(store, back);
    const resized = await store.segments.update(resize, 0.5, 7.25);

    const second = await runExport(store, { format, out: fresh('v2'), since: manifestOf(first) });
    expect(second.manifest.withdrawn).toEqual([idOf(del), idOf(back)].sort());
    expect(readWithdrawn(second.out)).toEqual(second.manifest.withdrawn);
    expect(second.manifest.files['withdrawn.jsonl']).toBe(sha256(path.join(second.out, 'withdrawn.jsonl')));
    // Only the resized segment is written again, with its new span; its revision is the same.
    expect(second.manifest.counts.total).toBe(1);
    const head2 = (await store.captions.latest(resize))!.id;
    expect(second.manifest.exported![idOf(resize)]).toEqual([head2, resized.startSec, resized.endSec]);
    if (format === 'jsonl') expect(readRows(second.out).map((r) => [r.id, r.begin, r.end, r.revision_id])).toEqual([[idOf(resize), 0.5, 7.25, head2]]);
    // The state: the first minus the withdrawn, with the resize.
    const expected = { ...first.manifest.exported! };
    delete expected[idOf(del)];
    delete expected[idOf(back)];
    expected[idOf(resize)] = [head2, 0.5, 7.25];
    expect(second.manifest.exported).toEqual(expected);

    // Nothing changed since: nothing written, nothing withdrawn, the same state.
    const third = await runExport(store, { format, out: fresh('v3'), since: manifestOf(second) });
    expect(third.manifest.counts.total).toBe(0);
    expect(third.manifest.withdrawn).toEqual([]);
    expect(readWithdrawn(third.out)).toEqual([]);
    expect(third.manifest.exported).toEqual(second.manifest.exported);
    expect(third.manifest.maxRevisionId).toBe(second.manifest.maxRevisionId);
  });

  it('chained --since exports accumulate the state a full export has; approved again is written again', async () => {
    const { store } = await backend.open();
    const ids = await seedExport(store, { tracks: 4, perTrack: 2 });
    let last = await runExport(store, { format: 'jsonl', out: fresh('c0') });
    const steps: (() => Promise<unknown>)[] = [
      async () => {
        await sendBack(store, ids[0]!, 'approved', 'revised caption');
        await store.segments.delete(ids[1]!);
      },
      async () => {
        await seedExport(store, { tracks: 1, perTrack: 2, tag: 'later' });
        await sendBack(store, ids[3]!);
        await store.segments.update(ids[4]!, 1, 6);
      },
      async () => {
        await sendBack(store, ids[3]!, 'approved'); // back in
        await store.segments.update(ids[4]!, 1, 5);
      },
    ];
    for (const [n, step] of steps.entries()) {
      await step();
      const next = await runExport(store, { format: 'jsonl', out: fresh(`c${n + 1}`), since: manifestOf(last) });
      const full = await runExport(store, { format: 'jsonl', out: fresh(`full${n + 1}`) });
      expect(next.manifest.exported).toEqual(full.manifest.exported);
      // What a consumer gets by applying the chain: the full export's rows, exactly.
      last = next;
    }
    const written = readRows(last.out).map((r) => segOf(r.id));
    expect(written.sort((a, b) => a - b)).toEqual([ids[3]!, ids[4]!]);
  });

  it('a save whose revision id is below the earlier maxRevisionId (committed late) is still written', async () => {
    const { store } = await backend.open();
    const ids = await seedExport(store, { tracks: 2, perTrack: 2 });
    const first = await runExport(store, { format: 'jsonl', out: fresh('v1') });
    // As if ids[0]'s approved revision had committed after the first export read the library:
    // the earlier export did not see it, though its id is below the earlier maxRevisionId.
    const m = JSON.parse(fs.readFileSync(manifestOf(first), 'utf8')) as ExportManifest;
    const late = Object.keys(m.exported!).find((k) => segOf(k) === ids[0])!;
    expect(m.exported![late]![0]).toBeLessThan(m.maxRevisionId);
    delete m.exported![late];
    const edited = path.join(tmp.dir, `late-${crypto.randomBytes(4).toString('hex')}.json`);
    fs.writeFileSync(edited, JSON.stringify(m));
    const second = await runExport(store, { format: 'jsonl', out: fresh('v2'), since: edited });
    expect(readRows(second.out).map((r) => r.id)).toEqual([late]);
    expect(second.manifest.withdrawn).toEqual([]);
  });

  it('a row filtered out by --annotator is withdrawn', async () => {
    const { store } = await backend.open();
    await seedExport(store, { tracks: 1, perTrack: 2, author: 'ana' });
    const bo = await seedExport(store, { tracks: 1, perTrack: 1, author: 'bo', tag: 'bo' });
    const first = await runExport(store, { format: 'jsonl', out: fresh('v1') });
    const second = await runExport(store, { format: 'jsonl', out: fresh('v2'), since: manifestOf(first), annotator: 'ana' });
    expect(second.manifest.withdrawn!.map(segOf)).toEqual(bo);
    expect(second.manifest.counts.total).toBe(0);
  });

  it('a manifest without `exported` (an older studio) falls back to maxRevisionId, with a one-line note', async () => {
    const { store } = await backend.open();
    const ids = await seedExport(store, { tracks: 2, perTrack: 2 });
    const first = await runExport(store, { format: 'jsonl', out: fresh('v1') });
    const m = JSON.parse(fs.readFileSync(manifestOf(first), 'utf8')) as ExportManifest;
    delete m.exported;
    delete m.withdrawn;
    const old = path.join(tmp.dir, `old-${crypto.randomBytes(4).toString('hex')}.json`);
    fs.writeFileSync(old, JSON.stringify(m));
    await store.segments.update(ids[1]!, 2, 3); // not detectable under the old rule
    await store.segments.delete(ids[2]!);
    await sendBack(store, ids[0]!, 'approved', 'revised caption');
    const second = await runExport(store, { format: 'jsonl', out: fresh('v2'), since: old });
    expect(readRows(second.out).map((r) => [segOf(r.id), r.caption])).toEqual([[ids[0]!, 'revised caption']]);
    expect(second.notes).toHaveLength(1);
    expect(second.notes![0]).toContain(`--since ${old}: `);
    expect(second.notes![0]).toContain(`maxRevisionId ${m.maxRevisionId}`);
    expect(second.notes![0]).not.toContain('\n');
    expect(second.manifest.withdrawn).toEqual([]);
    // It records only what it wrote: the next --since re-sends the rest once, then the chain is exact.
    expect(Object.keys(second.manifest.exported!).map(segOf)).toEqual([ids[0]!]);
    const third = await runExport(store, { format: 'jsonl', out: fresh('v3'), since: manifestOf(second) });
    expect(third.notes).toBeUndefined();
    expect(readRows(third.out).map((r) => segOf(r.id)).sort((a, b) => a - b)).toEqual([ids[1]!, ids[3]!]);
  });
});
