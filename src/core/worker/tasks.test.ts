// The caption tasks say how far they are while they run (issue 10: the caption job said
// "starting" for its whole run): what they are doing before the first segment, then which segment;
// a captioner's captions cross back to the caller once each.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { parseManifest } from '../inference/packs/manifest';
import { MEASURED_NAMES } from '../../shared/attributes';
import { fixture } from '../testing/tmp';
import { TASKS, type CaptionFilesPartial, type TaskContext } from './tasks';

const PACKS = path.resolve(__dirname, '../../../test/fixtures/packs');

function recorder(): { ctx: TaskContext; steps: { fraction: number; detail?: string }[] } {
  const steps: { fraction: number; detail?: string }[] = [];
  return { ctx: { signal: new AbortController().signal, progress: (fraction, detail) => steps.push({ fraction, detail }) }, steps };
}
const spans = [
  { startSec: 0, endSec: 0.5 },
  { startSec: 0.5, endSec: 1 },
  { startSec: 1, endSec: 1.5 },
];

describe('caption task progress', () => {
  it('the built-in suggester reports reading, then each segment as it goes', async () => {
    const { ctx, steps } = recorder();
    const out = await TASKS.suggestBuiltin({ file: fixture('aria.wav'), vocalsFile: null, genre: null, segments: spans }, ctx);
    expect(out).toHaveLength(3);
    expect(steps.map((s) => s.detail)).toEqual(['reading audio', 'segment 1/3', 'segment 2/3', 'segment 3/3', 'captioned 3/3']);
    expect(steps.map((s) => s.fraction)).toEqual([0, 0, 1 / 3, 2 / 3, 1]);
  });

  it('a captioner pack reports loading and reading, then the segments of each batch; each file\'s captions cross once', async () => {
    const dir = path.join(PACKS, 'tiny-captioner');
    const spec = parseManifest(JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'))).captioner!;
    const { ctx, steps } = recorder();
    const partials: CaptionFilesPartial[] = [];
    ctx.partial = (v) => partials.push(v as CaptionFilesPartial);
    const ep = { encoder: 'cpu', decoder: 'cpu', separator: 'cpu', threads: 1 } as const;
    const files = [
      { file: fixture('aria.wav'), segments: spans },
      { file: fixture('lullaby.wav'), segments: spans.slice(0, 1) },
    ];
    const out = await TASKS.captionFiles({ dir, spec, ep, files, batchSize: 2, numBeams: 1 }, ctx);
    // After each batch: how many are done and the rate so far (features of the next batch are computed while the model runs).
    const details = steps.map((s) => s.detail!.replace(/ · \d+(\.\d+)? captions\/s$/, ' · RATE'));
    expect(details).toEqual(['loading the model', 'reading audio', 'segments 1–2/4', 'captioned 2/4 · RATE', 'segments 3–4/4', 'captioned 4/4 · RATE']);
    const rate = Number(/ · (\S+) captions\/s$/.exec(steps.at(-1)!.detail!)![1]);
    expect(rate).toBeGreaterThan(0);
    // Each file's captions are handed over once, as it is done (a message each); the result only
    // says which providers ran. Counted over everything that crosses back to the caller.
    const outcomes = partials.flatMap((p) => ('file' in p ? [p.file] : []));
    expect(outcomes.map((o) => ('captions' in o ? [o.index, o.captions.length] : o))).toEqual([
      [0, 3],
      [1, 1],
    ]);
    expect(JSON.stringify([...partials, out]).match(/"tokenLogprobs"/g)).toHaveLength(4);
    expect(out).toEqual({ ep: { encoder: 'cpu', decoder: 'cpu' }, fallbacks: [] });
  });

  it('measuring reports reading, then each segment, and returns the twelve attributes per segment', async () => {
    const { ctx, steps } = recorder();
    const out = await TASKS.measure({ file: fixture('aria.wav'), vocalsFile: null, segments: spans }, ctx);
    expect(out.map((a) => a.map((x) => x.name))).toEqual(spans.map(() => [...MEASURED_NAMES]));
    expect(steps.map((s) => s.detail)).toEqual(['reading audio', 'measuring segment 1/3', 'measuring segment 2/3', 'measuring segment 3/3', 'measured 3/3']);
  });

  it('a file that cannot be decoded fails the analysis with its name', async () => {
    const { ctx } = recorder();
    const bad = path.join(PACKS, 'tiny-captioner', 'model.json');
    await expect(TASKS.analyzeTrack({ file: bad, vocalsFile: null }, ctx)).rejects.toThrow(`cannot decode ${bad}: not a recognised audio format`);
  });
});
