// The Export view's form logic: the request it sends, what it refuses before sending, the
// remembered form read back defensively, and the numbers of the progress bar and the result.
import { describe, expect, it } from 'vitest';
import type { ExportReport } from '../../shared/dataset';
import { parseRoute, routeHash } from './composables/useRoute';
import { defaultExportForm, EXPORT_FORM_STORAGE_KEY, exportSummary, progressFraction, readExportForm, toExportRequest, writeExportForm, type ExportForm } from './exportForm';

const form = (o: Partial<ExportForm> = {}): ExportForm => ({ ...defaultExportForm(), out: '/data/exports/a', ...o });

function memoryStorage(init: Record<string, string> = {}) {
  const m = new Map(Object.entries(init));
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), map: m };
}

describe('toExportRequest', () => {
  it('the default form asks for approved captions as JSONL with the default splits left out', () => {
    expect(toExportRequest(form())).toEqual({ ok: true, request: { format: 'jsonl', out: '/data/exports/a', status: ['approved'] } });
  });

  it('carries every chosen field, trimmed, statuses in contract order, ratios from percentages', () => {
    const r = toExportRequest(
      form({ format: 'audiofolder', out: '  /x/y ', statuses: ['flagged', 'approved'], annotator: ' ana ', pack: 'cap@1.0', since: '/x/old/manifest.json', force: true, splits: ['70', '20', '10'], sampleRate: 'original', vocals: true }),
    );
    expect(r).toEqual({
      ok: true,
      request: { format: 'audiofolder', out: '/x/y', status: ['approved', 'flagged'], annotator: 'ana', pack: 'cap@1.0', since: '/x/old/manifest.json', force: true, splits: [0.7, 0.2, 0.1], sampleRate: 'original', vocals: true },
    });
  });

  it('audio options go only with audiofolder; 16 kHz is sent as a number', () => {
    const jsonl = toExportRequest(form({ sampleRate: 'original', vocals: true }));
    expect(jsonl.ok && 'sampleRate' in jsonl.request).toBe(false);
    expect(jsonl.ok && 'vocals' in jsonl.request).toBe(false);
    const af = toExportRequest(form({ format: 'audiofolder' }));
    expect(af.ok && af.request.sampleRate).toBe(16000);
  });

  it('refuses a missing folder, no status, and split shares that are not percentages or do not add up', () => {
    expect(toExportRequest(form({ out: '  ' }))).toMatchObject({ ok: false, message: expect.stringContaining('folder') });
    expect(toExportRequest(form({ statuses: [] }))).toMatchObject({ ok: false, message: expect.stringContaining('status') });
    expect(toExportRequest(form({ splits: ['80', 'ten', '10'] }))).toMatchObject({ ok: false, message: 'The validation share "ten" is not a percentage from 0 to 100.' });
    expect(toExportRequest(form({ splits: ['-1', '50', '51'] }))).toMatchObject({ ok: false, message: expect.stringContaining('train share "-1"') });
    expect(toExportRequest(form({ splits: ['0', '0', '0'] }))).toMatchObject({ ok: false, message: 'The split shares cannot all be 0.' });
    expect(toExportRequest(form({ splits: ['80', '10', '5'] }))).toMatchObject({ ok: false, message: 'The split shares add up to 95 %, not 100 %.' });
    expect(toExportRequest(form({ splits: ['100', '0', '0'] }))).toMatchObject({ ok: true, request: { splits: [1, 0, 0] } });
  });
});

describe('the remembered form', () => {
  it('round-trips everything but force', () => {
    const s = memoryStorage();
    const f = form({ format: 'csv', statuses: ['draft', 'approved'], annotator: 'ana', pack: 'built-in', splits: ['60', '20', '20'], since: '/m.json', force: true });
    expect(writeExportForm(s, f)).toBe(true);
    expect(readExportForm(s)).toEqual({ ...f, force: false });
  });

  it('falls back field by field on what it cannot use, and to the default on unreadable JSON', () => {
    const bad = memoryStorage({ [EXPORT_FORM_STORAGE_KEY]: JSON.stringify({ format: 'zip', out: 7, statuses: ['approved', 'lost'], splits: ['1', '2'], sampleRate: 44100, vocals: 'yes', annotator: 'bo' }) });
    expect(readExportForm(bad)).toEqual({ ...defaultExportForm(), annotator: 'bo' });
    expect(readExportForm(memoryStorage({ [EXPORT_FORM_STORAGE_KEY]: '{not json' }))).toEqual(defaultExportForm());
    expect(readExportForm(null)).toEqual(defaultExportForm());
  });

  it('a storage that refuses to write is reported, not thrown', () => {
    const full = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(writeExportForm(full, form())).toBe(false);
  });
});

describe('progress and result', () => {
  it('the bar is indeterminate until a total is known, full when done', () => {
    expect(progressFraction(null)).toBeNull();
    expect(progressFraction({ exportId: 'a', phase: 'query', done: 0, total: 0 })).toBeNull();
    expect(progressFraction({ exportId: 'a', phase: 'write', done: 3, total: 12 })).toBe(0.25);
    expect(progressFraction({ exportId: 'a', phase: 'audio', done: 20, total: 12 })).toBe(1);
    expect(progressFraction({ exportId: 'a', phase: 'done', done: 0, total: 0 })).toBe(1);
  });

  it('counts per split (all three, in order) and per status present; files besides the manifest', () => {
    const report: ExportReport = {
      out: '/x',
      skipped: [],
      manifest: {
        schemaVersion: 1,
        studioVersion: '0',
        format: 'jsonl',
        createdAt: '2024-01-01T00:00:00.000Z',
        query: { format: 'jsonl' },
        maxRevisionId: 9,
        counts: { total: 5, bySplit: { train: 4, test: 1 } as never, byStatus: { flagged: 1, approved: 4 } },
        packs: ['cap@1'],
        files: { 'data.jsonl': 'ab' },
      },
    };
    expect(exportSummary(report)).toEqual({
      total: 5,
      splits: [{ name: 'train', count: 4 }, { name: 'validation', count: 0 }, { name: 'test', count: 1 }],
      statuses: [{ name: 'approved', count: 4 }, { name: 'flagged', count: 1 }],
      files: 1,
      packs: ['cap@1'],
    });
  });
});

describe('the export route', () => {
  it('#/export opens the Export view and back', () => {
    expect(parseRoute('#/export')).toEqual({ name: 'export' });
    expect(routeHash({ name: 'export' })).toBe('#/export');
  });
});
