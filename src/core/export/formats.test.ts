// Every format the export framework writes, on both back ends: written from a seeded library,
// read back with the tools a user would use (JSON.parse, csv-parse), compared with the rows the
// jsonl export holds, and the manifest's checksums verified against the files on disk.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { ExportManifest, ExportRow } from '../../shared/dataset';
import { seedExport, SEED_PACK } from '../testing/seedExport';
import { testStores } from '../testing/testStores';
import { tempDir } from '../testing/tmp';
import { CSV_COLUMNS } from './csv';
import type { LabelStudioTask } from './labelStudio';
import { runExport } from './runExport';

const tmp = tempDir();
const out = (name: string) => path.join(tmp.dir, `${name}-${crypto.randomBytes(4).toString('hex')}`);
const readJsonl = <T>(file: string): T[] => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function verifyManifest(dir: string): ExportManifest {
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ExportManifest;
  const onDisk = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
  expect(Object.keys(m.files).sort()).toEqual(onDisk.filter((f) => f !== 'manifest.json').sort());
  for (const [f, h] of Object.entries(m.files)) expect(sha(path.join(dir, f)), f).toBe(h);
  // Nothing but the target in its parent: no temporary folder left.
  expect(fs.readdirSync(path.dirname(dir)).filter((n) => n.includes('.partial-') || n.includes('.old-'))).toEqual([]);
  return m;
}

describe.each(testStores())('export formats ($name)', (backend) => {
  async function seeded() {
    const { store } = await backend.open();
    await seedExport(store, { tracks: 12, perTrack: 3, root: '/music lib' });
    const report = await runExport(store, { format: 'jsonl', out: out('jsonl') });
    return { store, report, rows: readJsonl<ExportRow>(path.join(report.out, 'data.jsonl')) };
  }

  it('jsonl: one row per approved segment, with provenance, and a manifest that verifies', async () => {
    const { report, rows } = await seeded();
    expect(rows).toHaveLength(36);
    const edited = rows.filter((r) => r.edited);
    expect(edited).toHaveLength(24);
    const r0 = rows[0]!;
    expect(r0.id).toBe(`${r0.track_sha256.slice(0, 12)}-${r0.id.split('-')[1]}`);
    expect(r0).toMatchObject({ caption: 'A breathy female voice over piano', suggestion: 'A breathy female voice over piano', suggestion_model: `${SEED_PACK.name}@${SEED_PACK.version}`, edited: false, edit_distance: 0, annotator: 'ana', status: 'approved', attributes: { gender: 'female', tempo: 'mid-tempo' } });
    expect(rows[1]).toMatchObject({ edited: true, edit_distance: 5 }); // raspy→bright, female→male, piano→guitar, +mid, +tempo
    expect(rows[3]!.suggestion_model).toBe('built-in');
    // No track in two splits.
    const splitOfTrack = new Map<string, string>();
    for (const r of rows) expect(splitOfTrack.get(r.track_sha256) ?? splitOfTrack.set(r.track_sha256, r.split).get(r.track_sha256)).toBe(r.split);
    const m = verifyManifest(report.out);
    expect(m).toMatchObject({ schemaVersion: 1, format: 'jsonl', maxRevisionId: Math.max(...rows.map((r) => r.revision_id)), packs: ['built-in', 'seedcap@1.0.0'] });
    expect(m.query).toEqual({ format: 'jsonl', status: ['approved'], splits: [0.8, 0.1, 0.1] });
    expect(m.counts.total).toBe(36);
    expect(m.counts.byStatus).toEqual({ approved: 36 });
    expect(m.counts.bySplit.train + m.counts.bySplit.validation + m.counts.bySplit.test).toBe(36);
    expect(m.counts.bySplit.train).toBe(rows.filter((r) => r.split === 'train').length);
  });

  it('csv: the same rows, read back with csv-parse', async () => {
    const { store, rows } = await seeded();
    const report = await runExport(store, { format: 'csv', out: out('csv') });
    verifyManifest(report.out);
    const text = fs.readFileSync(path.join(report.out, 'data.csv'), 'utf8');
    const records = parse(text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0]!)).toEqual([...CSV_COLUMNS]);
    const back = records.map((c) => ({
      ...c,
      begin: Number(c.begin),
      end: Number(c.end),
      suggestion: c.suggestion || null,
      suggestion_model: c.suggestion_model || null,
      suggestion_score: c.suggestion_score === '' ? null : Number(c.suggestion_score),
      reviewer: c.reviewer || null,
      revision_id: Number(c.revision_id),
      edited: c.edited === 'true',
      edit_distance: c.edit_distance === '' ? null : Number(c.edit_distance),
      attributes: JSON.parse(c.attributes!) as Record<string, string>,
    }));
    expect(back).toEqual(rows);
    expect(text).toContain(',"A bright male voice over guitar, mid-tempo",'); // a comma: quoted
  });

  it('pairs: edited segments only, chosen = caption, rejected = suggestion', async () => {
    const { store, rows } = await seeded();
    const report = await runExport(store, { format: 'pairs', out: out('pairs') });
    const m = verifyManifest(report.out);
    const pairs = readJsonl<Record<string, unknown>>(path.join(report.out, 'pairs.jsonl'));
    const edited = rows.filter((r) => r.edited);
    expect(pairs).toEqual(
      edited.map((r) => ({
        id: r.id,
        audio: { track_sha256: r.track_sha256, source_path: r.source_path, begin: r.begin, end: r.end },
        chosen: r.caption,
        rejected: r.suggestion,
        suggestion_model: r.suggestion_model,
        annotator: r.annotator,
        split: r.split,
      })),
    );
    expect(m.counts.total).toBe(edited.length);
    expect(report.skipped).toEqual([expect.stringMatching(/^caption unchanged from its suggestion: 12 segments \(/)]);
  });

  it('label-studio: one task per track, a region + textarea per segment, suggestions as predictions', async () => {
    const { store, rows } = await seeded();
    const report = await runExport(store, { format: 'label-studio', out: out('ls') });
    verifyManifest(report.out);
    expect(fs.readFileSync(path.join(report.out, 'label_config.xml'), 'utf8')).toContain('<TextArea name="caption" toName="audio"');
    const tasks = JSON.parse(fs.readFileSync(path.join(report.out, 'tasks.json'), 'utf8')) as LabelStudioTask[];
    expect(tasks).toHaveLength(12);
    const t = tasks[0]!;
    const trackRows = rows.filter((r) => r.track_sha256 === t.data.s2cap.track_sha256);
    expect(t.data.audio).toBe(`file:///music%20lib/track-0.wav`);
    const result = t.annotations[0]!.result;
    expect(result).toHaveLength(2 * trackRows.length);
    expect(result[1]).toEqual({ id: trackRows[0]!.id, from_name: 'caption', to_name: 'audio', type: 'textarea', origin: 'manual', original_length: 35, value: { start: 0, end: 8, channel: 0, text: [trackRows[0]!.caption] } });
    expect(result[0]).toMatchObject({ id: trackRows[0]!.id, type: 'labels', from_name: 'labels', value: { start: 0, end: 8, labels: ['Caption'] } });
    const texts = tasks.flatMap((k) => k.annotations[0]!.result.filter((x) => x.type === 'textarea').map((x) => x.value.text![0]));
    expect(texts).toEqual(rows.map((r) => r.caption));
    const pack = t.predictions.find((p) => p.model_version === 'seedcap@1.0.0')!;
    const predicted = pack.result.filter((x) => x.type === 'textarea');
    expect(predicted.map((x) => x.value.text![0])).toEqual(trackRows.filter((r) => r.suggestion_model === 'seedcap@1.0.0').map((r) => r.suggestion));
    expect(pack.score).toBeCloseTo(predicted.reduce((a, x) => a + x.score!, 0) / predicted.length, 9);
    expect(t.data.s2cap.segments.map((s) => s.revision_id)).toEqual(trackRows.map((r) => r.revision_id));
  });
});
