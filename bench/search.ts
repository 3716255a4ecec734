// Search-loop benchmark (not a test): what greedy and beam search cost in JavaScript alone, per
// caption, over a BART-sized vocabulary (50,265) with a model that answers instantly (pre-made
// random logits), so the numbers are the loop's own: normalising, processing and choosing
// candidates. The onnxruntime share is in bench/inference.ts. Prints numbers.
import os from 'node:os';
import { parseGenerationConfig } from '../src/core/inference/caption/generationConfig';
import { generate, type StepModel } from '../src/core/inference/caption/search';

const V = 50265;
const TOKENS = 23;
const POOL = 64;

let seed = 7;
const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
// Logits shaped like a language model's: a few likely tokens over a broad low floor.
const rows = Array.from({ length: POOL }, () => {
  const r = Float32Array.from({ length: V }, () => rnd() * 4 - 8);
  for (let i = 0; i < 20; i++) r[Math.floor(rnd() * V)] = 2 + rnd() * 6;
  r[2] = -30; // EOS never wins: every caption is TOKENS long
  return r;
});

class InstantModel implements StepModel {
  private n = 0;
  async step(last: number[]): Promise<Float32Array[]> {
    return last.map(() => rows[this.n++ % POOL]!);
  }
  select(): void {}
}

const cfg = parseGenerationConfig({
  decoder_start_token_id: 2,
  eos_token_id: 2,
  forced_bos_token_id: 0,
  max_length: TOKENS + 1,
  no_repeat_ngram_size: 3,
  length_penalty: 1,
  early_stopping: true,
});

async function time(items: number, beams: number): Promise<number> {
  const runs = beams > 1 ? 5 : 10;
  await generate(new InstantModel(), items, cfg, beams);
  const t0 = performance.now();
  for (let r = 0; r < runs; r++) await generate(new InstantModel(), items, cfg, beams);
  return (performance.now() - t0) / (runs * items);
}

console.log(`# search loop on ${os.cpus()[0]?.model}, vocabulary ${V}, ${TOKENS} tokens per caption, no model time`);
const greedy = await time(1, 1);
console.log(`search  batch 1 greedy : ${greedy.toFixed(1)} ms/caption (${(greedy / TOKENS).toFixed(2)} ms/token)`);
for (const [items, beams] of [[1, 4], [4, 4]] as const) {
  const ms = await time(items, beams);
  console.log(`search  batch ${items} ${beams} beams: ${ms.toFixed(1)} ms/caption (${(ms / TOKENS).toFixed(2)} ms/token, ${(ms / greedy).toFixed(2)}× greedy)`);
}
