// `s2cap metrics`: the fixture set scores as pycocoevalcap did; bad lines are reported with their
// line numbers and skipped, ids without a reference are reported and left out.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaptionMetrics } from '../shared/dataset';
import { runCaptured } from './runCaptured';

const FIX = path.resolve(__dirname, '../../test/fixtures/metrics');
const expected = JSON.parse(readFileSync(path.join(FIX, 'expected.json'), 'utf8')) as { corpus: Record<string, number> };

describe('s2cap metrics', () => {
  it('prints one JSON object with the pycocoevalcap values for the fixture set', async () => {
    const r = await runCaptured('metrics', '--candidates', path.join(FIX, 'candidates.jsonl'), '--references', path.join(FIX, 'references.jsonl'), '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const m = JSON.parse(r.out) as CaptionMetrics;
    for (const k of ['bleu_1', 'bleu_2', 'bleu_3', 'bleu_4', 'rouge_l', 'cider_d'] as const) {
      expect(Math.abs(m[k] - expected.corpus[k]!)).toBeLessThan(1e-4);
    }
    expect(m.per_item).toHaveLength(31);
    expect(Object.keys(m)).toEqual(expect.arrayContaining(['meteor', 'spice', 'spider', 'per_item']));
  });

  it('reports malformed lines with line numbers and ids without a reference, and scores the rest', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 's2cap-metrics-'));
    const c = path.join(dir, 'c.jsonl');
    const ref = path.join(dir, 'r.jsonl');
    writeFileSync(c, ['{"id":"a","caption":"A man sings a slow song."}', '{"id":"b","caption":', '', '{"id":"z","caption":"orphan"}', '{"caption":"no id"}', '{"id":"a","caption":"again"}'].join('\n'));
    writeFileSync(ref, ['{"id":"a","captions":["a man sings a slow song"]}', '{"id":"b","captions":"not a list"}', '[1,2]'].join('\n'));
    const r = await runCaptured('metrics', '--candidates', c, '--references', ref);
    expect(r.code).toBe(0);
    expect(r.err.split('\n')).toEqual([
      expect.stringMatching(/c\.jsonl:2: not JSON .*; line skipped$/),
      `${c}:5: no "id" (a non-empty string or a number); line skipped`,
      `${c}:6: id a repeats an earlier candidate; line skipped`,
      `${ref}:2: "captions" of b is not a non-empty list of strings; line skipped`,
      `${ref}:3: not a JSON object; line skipped`,
      `${c}: 1 id(s) without a reference, left out: z`,
    ]);
    const m = JSON.parse(r.out) as CaptionMetrics;
    expect(m.per_item.map((p) => p.id)).toEqual(['a']);
    expect(m.rouge_l).toBe(1);
  });

  it('reads files that start with a byte order mark (as Windows tools write them)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 's2cap-metrics-'));
    const c = path.join(dir, 'c.jsonl');
    const ref = path.join(dir, 'r.jsonl');
    writeFileSync(c, '\uFEFF{"id":"a","caption":"A man sings a slow song."}\r\n');
    writeFileSync(ref, '\uFEFF{"id":"a","captions":["a man sings a slow song"]}\r\n');
    const r = await runCaptured('metrics', '--candidates', c, '--references', ref);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as CaptionMetrics).rouge_l).toBe(1);
  });

  it('fails with one line when a file is missing or nothing can be scored', async () => {
    const missing = await runCaptured('metrics', '--candidates', '/nonexistent/c.jsonl', '--references', path.join(FIX, 'references.jsonl'));
    expect(missing.code).not.toBe(0);
    expect(missing.err).toBe('s2cap: --candidates /nonexistent/c.jsonl: no such file');
    const none = await runCaptured('metrics', '--candidates', path.join(FIX, 'candidates.jsonl'), '--references', '/dev/null');
    expect(none.code).not.toBe(0);
    expect(none.err.split('\n').pop()).toContain('no candidate has a reference in /dev/null');
  });
});
