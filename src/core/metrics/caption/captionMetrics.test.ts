// The caption metrics against pycocoevalcap v1.2: tokenization against its PTBTokenizer's recorded
// output and the scores against values its own scorers computed (scripts/metrics-reference.py
// wrote test/fixtures/metrics/tokenized.json and expected.json).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bleu } from './bleu';
import { ciderD } from './ciderD';
import { captionMetrics, ptbTokenize } from './index';
import { rougeL } from './rougeL';

const DIR = path.resolve(__dirname, '../../../../test/fixtures/metrics');
const jsonl = <T>(f: string): T[] =>
  readFileSync(path.join(DIR, f), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
const candidates = new Map(jsonl<{ id: string; caption: string }>('candidates.jsonl').map((c) => [c.id, c.caption]));
const references = new Map(jsonl<{ id: string; captions: string[] }>('references.jsonl').map((r) => [r.id, r.captions]));
const tokenized = JSON.parse(readFileSync(path.join(DIR, 'tokenized.json'), 'utf8')) as {
  candidates: Record<string, string>;
  references: Record<string, string[]>;
};
type Scores = { bleu_1: number; bleu_2: number; bleu_3: number; bleu_4: number; rouge_l: number; cider_d: number };
const expected = JSON.parse(readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as {
  corpus: Scores;
  per_item: (Scores & { id: string })[];
};
const TOL = 1e-4;

describe('caption metrics equal pycocoevalcap v1.2', () => {
  it('tokenizes every fixture caption as its PTBTokenizer did', () => {
    for (const [id, caption] of candidates) expect([id, ptbTokenize(caption)]).toEqual([id, tokenized.candidates[id]]);
    for (const [id, caps] of references) expect([id, caps.map(ptbTokenize)]).toEqual([id, tokenized.references[id]]);
  });

  it('scores the recorded tokenized text as its scorers did (corpus and per item)', () => {
    const items = [...candidates.keys()].map((id) => ({ candidate: tokenized.candidates[id]!, references: tokenized.references[id]! }));
    const b = bleu(items);
    const r = rougeL(items);
    const c = ciderD(items);
    const e = expected.corpus;
    expect(b.corpus[0]).toBeCloseTo(e.bleu_1, 9);
    b.corpus.forEach((v, k) => expect(Math.abs(v - [e.bleu_1, e.bleu_2, e.bleu_3, e.bleu_4][k]!)).toBeLessThan(TOL));
    expect(Math.abs(r.corpus - e.rouge_l)).toBeLessThan(TOL);
    expect(Math.abs(c.corpus - e.cider_d)).toBeLessThan(TOL);
    expected.per_item.forEach((p, i) => {
      const got = [b.perItem[i]![0], b.perItem[i]![1], b.perItem[i]![2], b.perItem[i]![3], r.perItem[i], c.perItem[i]];
      const want = [p.bleu_1, p.bleu_2, p.bleu_3, p.bleu_4, p.rouge_l, p.cider_d];
      got.forEach((g, k) => expect([p.id, k, Math.abs(g! - want[k]!) < TOL]).toEqual([p.id, k, true]));
    });
  });

  it('captionMetrics on the raw captions gives the same numbers, METEOR/SPICE unavailable without jars', () => {
    const m = captionMetrics(candidates, references, { env: {} });
    const e = expected.corpus;
    for (const k of ['bleu_1', 'bleu_2', 'bleu_3', 'bleu_4', 'rouge_l', 'cider_d'] as const) {
      expect([k, Math.abs(m[k] - e[k]) < TOL]).toEqual([k, true]);
    }
    expect(m.per_item.map((p) => p.id)).toEqual(expected.per_item.map((p) => p.id));
    m.per_item.forEach((p, i) => {
      expect(Math.abs(p.cider_d - expected.per_item[i]!.cider_d)).toBeLessThan(TOL);
      expect(Math.abs(p.bleu_4 - expected.per_item[i]!.bleu_4)).toBeLessThan(TOL);
      expect(Math.abs(p.rouge_l - expected.per_item[i]!.rouge_l)).toBeLessThan(TOL);
    });
    expect(m.meteor).toBeNull();
    expect(m.spice).toBeNull();
    expect(m.spider).toBeNull();
    expect(m.unavailable).toBe('METEOR: S2CAP_METEOR_JAR is not set; SPICE: S2CAP_SPICE_JAR is not set');
    const missingJar = captionMetrics({ a: 'a song' }, { a: ['a song'] }, { env: { S2CAP_SPICE_JAR: '/nonexistent/spice-1.0.jar' } });
    expect(missingJar.unavailable).toContain('S2CAP_SPICE_JAR=/nonexistent/spice-1.0.jar does not exist');
  });

  it('a candidate equal to its only reference scores 1 on BLEU and ROUGE-L', () => {
    const m = captionMetrics({ x: 'A man sings a slow song.', y: 'A woman sings loudly.' }, { x: ['a man sings a slow song'], y: ['a choir hums'] }, { skipJava: true });
    expect(m.per_item[0]!.bleu_4).toBeCloseTo(1, 6);
    expect(m.per_item[0]!.rouge_l).toBe(1);
    expect(m.per_item[1]!.bleu_4).toBeLessThan(1e-3);
  });

  it('refuses candidates without references, naming them, and an empty set', () => {
    expect(() => captionMetrics({ a: 'x', b: 'y' }, { a: ['x'], b: [] }, { skipJava: true })).toThrow('no reference caption for 1 id(s): b');
    expect(() => captionMetrics(new Map(), new Map(), { skipJava: true })).toThrow('no candidate captions to score');
  });
});
