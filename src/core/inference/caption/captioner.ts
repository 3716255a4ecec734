// A loaded captioner pack: encoder once per segment (batched), then the decoding loop with a KV
// cache, greedy or beam search per generation_config.json. Returns text, the mean token
// log-prob (confidence), per-token log-probs, the providers that ran, and timings.
import path from 'node:path';
import ort from 'onnxruntime-node';
import type { Tokenizer } from '@huggingface/tokenizers';
import { AST_FRAMES, AST_MEL_BINS } from '../features/fbank';
import type { CaptionerSpec } from '../packs/manifest';
import { openSession, type Ep, type EpChoice } from '../providers';
import { loadGenerationConfig, parseGenerationConfig, type GenerationConfig } from './generationConfig';
import { OnnxDecoder, type DecoderSessions } from './onnxDecoder';
import { generate } from './search';
import { decodeCaption, loadTokenizer } from './tokenizer';

export interface CaptionOptions {
  /** Overrides generation_config.json's num_beams (1 = greedy). */
  numBeams?: number;
}

export interface Caption {
  text: string;
  /** Mean token log-prob: higher is more confident; the review queue sorts on it. */
  score: number;
  tokens: number[];
  tokenLogprobs: number[];
}

export interface CaptionBatch {
  captions: Caption[];
  ep: { encoder: Ep; decoder: Ep };
  fallbacks: string[];
  ms: { encoder: number; decoder: number; total: number };
}

export interface LoadOptions {
  encoderEp?: EpChoice;
  decoderEp?: EpChoice;
  threads?: number;
  /**
   * Which decoder graphs to use when a pack has both: `auto` takes the split pair (the merged
   * graph passes the whole cross-attention cache in and out at every step, which measured
   * several times slower for a BART-base decoder on CPU), else the merged one.
   */
  decoder?: 'auto' | 'merged' | 'split';
}

export class Captioner {
  private constructor(
    private readonly encoder: ort.InferenceSession,
    private readonly decoders: { merged?: DecoderSessions; split?: DecoderSessions },
    private readonly tokenizer: Tokenizer,
    readonly generation: GenerationConfig,
    readonly ep: { encoder: Ep; decoder: Ep },
    readonly fallbacks: string[],
  ) {}

  static async load(dir: string, spec: CaptionerSpec, opts: LoadOptions = {}): Promise<Captioner> {
    const enc = await openSession(path.join(dir, spec.encoder), { ep: opts.encoderEp ?? 'auto', kind: 'encoder', threads: opts.threads });
    const decOpts = { ep: opts.decoderEp ?? 'auto', kind: 'decoder' as const, threads: opts.threads };
    const fallbacks = [...enc.fallbacks];
    let decoderEp: Ep = 'cpu';
    const decoders: { merged?: DecoderSessions; split?: DecoderSessions } = {};
    const hasSplit = !!(spec.decoder && spec.decoderWithPast);
    const want = opts.decoder ?? 'auto';
    const useSplit = want === 'split' || (want === 'auto' && hasSplit);
    if (useSplit && !hasSplit) throw new Error('this pack has no decoder_model.onnx + decoder_with_past_model.onnx pair');
    if (!useSplit && !spec.decoderMerged) throw new Error('this pack has no decoder_model_merged.onnx');
    if (!useSplit) {
      const m = await openSession(path.join(dir, spec.decoderMerged!), decOpts);
      decoders.merged = { merged: m.session };
      decoderEp = m.ep;
      fallbacks.push(...m.fallbacks);
    }
    if (useSplit) {
      const first = await openSession(path.join(dir, spec.decoder!), decOpts);
      const withPast = await openSession(path.join(dir, spec.decoderWithPast!), decOpts);
      decoders.split = { first: first.session, withPast: withPast.session };
      decoderEp = withPast.ep;
      fallbacks.push(...first.fallbacks, ...withPast.fallbacks);
    }
    const tokenizer = await loadTokenizer(dir, spec);
    // Inline settings come from a bare Optimum export run from its folder (see packs/derive.ts).
    const generation = spec.generation ? parseGenerationConfig(spec.generation) : await loadGenerationConfig(path.join(dir, spec.generationConfig));
    return new Captioner(enc.session, decoders, tokenizer, generation, { encoder: enc.ep, decoder: decoderEp }, fallbacks);
  }

  /** Captions a batch of segments, each given as AST features [1024 × 128]. */
  async caption(features: Float32Array[], opts: CaptionOptions = {}): Promise<CaptionBatch> {
    const t0 = performance.now();
    const items = features.length;
    const input = new Float32Array(items * AST_FRAMES * AST_MEL_BINS);
    features.forEach((f, i) => input.set(f, i * AST_FRAMES * AST_MEL_BINS));
    const out = await this.encoder.run({ input_values: new ort.Tensor('float32', input, [items, AST_FRAMES, AST_MEL_BINS]) });
    const hidden = out.last_hidden_state!;
    const [, seq, width] = hidden.dims as [number, number, number];
    const t1 = performance.now();

    const beams = Math.max(1, opts.numBeams ?? this.generation.num_beams);
    const sessions = (this.decoders.split ?? this.decoders.merged)!;
    const decoder = new OnnxDecoder(sessions, { data: hidden.data as Float32Array, items, seq, width }, beams);
    const results = await generate(decoder, items, this.generation, beams);
    const t2 = performance.now();
    const captions = results.map((r) => ({
      text: decodeCaption(this.tokenizer, r.tokens),
      score: r.meanLogprob,
      tokens: r.tokens,
      tokenLogprobs: r.tokenLogprobs,
    }));
    return { captions, ep: this.ep, fallbacks: this.fallbacks, ms: { encoder: t1 - t0, decoder: t2 - t1, total: t2 - t0 } };
  }
}
