// Caption metrics for the studio (`s2cap metrics`, `s2cap eval`): pycocoevalcap v1.2's
// tokenization, BLEU-1..4, ROUGE-L and CIDEr-D computed in TypeScript (to 1e-4 of pycocoevalcap,
// tested against values it produced on test/fixtures/metrics), METEOR/SPICE through their jars
// when present. One entry point so every caller scores captions the same way.
import type { CaptionMetrics } from '../../../shared/dataset';
import { bleu } from './bleu';
import { ciderD } from './ciderD';
import { meteor, spice, type TokenizedItem } from './javaMetrics';
import { ptbTokenize } from './ptbTokenize';
import { rougeL } from './rougeL';

export { ptbTokenize } from './ptbTokenize';

type Candidates = Map<string, string> | Record<string, string>;
type References = Map<string, string[]> | Record<string, string[]>;

export interface CaptionMetricsOptions {
  /** Where S2CAP_METEOR_JAR / S2CAP_SPICE_JAR are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Skip METEOR/SPICE even when their jars exist (they take seconds to start). */
  skipJava?: boolean;
}

const entries = <T>(m: Map<string, T> | Record<string, T>): [string, T][] =>
  m instanceof Map ? [...m.entries()] : Object.entries(m);

/**
 * Scores candidate captions against reference captions by id. Every candidate id needs at least
 * one reference (throws, naming them, otherwise); references without a candidate are ignored.
 * Raw text in: both sides are tokenized as pycocoevalcap's PTBTokenizer does.
 */
export function captionMetrics(candidates: Candidates, references: References, options: CaptionMetricsOptions = {}): CaptionMetrics {
  const refs = new Map(entries(references));
  const cands = entries(candidates);
  if (cands.length === 0) throw new Error('no candidate captions to score');
  const missing = cands.filter(([id]) => (refs.get(id)?.length ?? 0) === 0).map(([id]) => id);
  if (missing.length > 0) {
    throw new Error(`no reference caption for ${missing.length} id(s): ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
  }
  const items: TokenizedItem[] = cands.map(([id, caption]) => ({
    id,
    candidate: ptbTokenize(caption),
    references: refs.get(id)!.map(ptbTokenize),
  }));
  const b = bleu(items);
  const r = rougeL(items);
  const c = ciderD(items);
  const env = options.env ?? process.env;
  const m = options.skipJava ? { corpus: null, unavailable: 'METEOR: not run (skipped)' } : meteor(items, env);
  const s = options.skipJava ? { corpus: null, unavailable: 'SPICE: not run (skipped)' } : spice(items, env);
  const unavailable = [m.unavailable, s.unavailable].filter((u): u is string => u !== undefined);
  return {
    bleu_1: b.corpus[0],
    bleu_2: b.corpus[1],
    bleu_3: b.corpus[2],
    bleu_4: b.corpus[3],
    rouge_l: r.corpus,
    cider_d: c.corpus,
    meteor: m.corpus,
    spice: s.corpus,
    spider: s.corpus === null ? null : (c.corpus + s.corpus) / 2,
    ...(unavailable.length > 0 ? { unavailable: unavailable.join('; ') } : {}),
    per_item: items.map((it, i) => ({ id: it.id, bleu_4: b.perItem[i]![3]!, rouge_l: r.perItem[i]!, cider_d: c.perItem[i]! })),
  };
}
