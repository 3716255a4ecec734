// A loaded captioner pack: encoder once per segment (batched), then the decoding loop with a KV
// cache, greedy or beam search per generation_config.json. Returns text, the mean token
// log-prob (confidence), per-token log-probs, the providers that ran, and timings. With `int8`, a
// graph that runs on CPU is opened from the pack's quantized counterpart when it has one, and the
// provider is then reported as "cpu int8".
import path from 'node:path';
import ort from 'onnxruntime-node';
import type { Tokenizer } from '@huggingface/tokenizers';
import { AST_FRAMES, AST_MEL_BINS } from '../features/fbank';
import type { CaptionerSpec, QuantizableRole } from '../packs/manifest';
import { openSession, type Ep, type EpChoice } from '../providers';
import { loadGenerationConfig, parseGenerationConfig, type GenerationConfig } from './generationConfig';
import { OnnxDecoder, type DecoderSessions } from './onnxDecoder';
import { generate } from './search';
import { decodeCaption, loadTokenizer } from './tokenizer';

export interface CaptionOptions {
  /** Overrides generation_config.json's num_beams (1 = greedy). */
  numBeams?: number;
  /** Stops every caption by this many tokens (a calibration run times a few decoder steps, see inference/calibration). */
  maxLength?: number;
}

export interface Caption {
  text: string;
  /** Mean token log-prob: higher is more confident; the review queue sorts on it. */
  score: number;
  tokens: number[];
  tokenLogprobs: number[];
}

/** Where a model ran: a provider, or "cpu int8" when its int8 counterpart ran on CPU. */
export type RanOn = Ep | 'cpu int8';

export interface CaptionBatch {
  captions: Caption[];
  ep: { encoder: RanOn; decoder: RanOn };
  fallbacks: string[];
  ms: { encoder: number; decoder: number; total: number };
}

export interface LoadOptions {
  encoderEp?: EpChoice;
  decoderEp?: EpChoice;
  threads?: number;
  /** Run CPU sessions from the pack's int8 (`*_quantized.onnx`) graphs where it has them. */
  int8?: boolean;
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
    readonly ep: { encoder: RanOn; decoder: RanOn },
    readonly fallbacks: string[],
  ) {}

  static async load(dir: string, spec: CaptionerSpec, opts: LoadOptions = {}): Promise<Captioner> {
    const q = { ...(opts.int8 ? spec.quantized : {}) };
    // The split pair runs int8 only as a pair, so "cpu int8" says what ran every step.
    if (!(q.decoder && q.decoderWithPast)) delete q.decoder, delete q.decoderWithPast;
    const open = (role: QuantizableRole, ep: EpChoice, kind: 'encoder' | 'decoder') => {
      const cpuFile = q[role] ? path.join(dir, q[role]!) : undefined;
      return openSession(path.join(dir, spec[role]!), { ep, kind, threads: opts.threads, cpuFile }).then((s) => ({ ...s, int8: !!cpuFile && s.file === cpuFile }));
    };
    const ranOn = (...sessions: { ep: Ep; int8: boolean }[]): RanOn => (sessions.every((x) => x.int8) ? 'cpu int8' : sessions.at(-1)!.ep);
    const enc = await open('encoder', opts.encoderEp ?? 'auto', 'encoder');
    const decoderChoice = opts.decoderEp ?? 'auto';
    const fallbacks = [...enc.fallbacks];
    let decoderEp: RanOn = 'cpu';
    const decoders: { merged?: DecoderSessions; split?: DecoderSessions } = {};
    const hasSplit = !!(spec.decoder && spec.decoderWithPast);
    const want = opts.decoder ?? 'auto';
    const useSplit = want === 'split' || (want === 'auto' && hasSplit);
    if (useSplit && !hasSplit) throw new Error('this pack has no decoder_model.onnx + decoder_with_past_model.onnx pair');
    if (!useSplit && !spec.decoderMerged) throw new Error('this pack has no decoder_model_merged.onnx');
    if (!useSplit) {
      const m = await open('decoderMerged', decoderChoice, 'decoder');
      decoders.merged = { merged: m.session };
      decoderEp = ranOn(m);
      fallbacks.push(...m.fallbacks);
    }
    if (useSplit) {
      const first = await open('decoder', decoderChoice, 'decoder');
      const withPast = await open('decoderWithPast', decoderChoice, 'decoder');
      decoders.split = { first: first.session, withPast: withPast.session };
      decoderEp = ranOn(first, withPast);
      fallbacks.push(...first.fallbacks, ...withPast.fallbacks);
    }
    const tokenizer = await loadTokenizer(dir, spec);
    // Inline settings come from a bare Optimum export run from its folder (see packs/derive.ts).
    const generation = spec.generation ? parseGenerationConfig(spec.generation) : await loadGenerationConfig(path.join(dir, spec.generationConfig));
    return new Captioner(enc.session, decoders, tokenizer, generation, { encoder: ranOn(enc), decoder: decoderEp }, fallbacks);
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
    const cap = opts.maxLength;
    const cfg = cap ? { ...this.generation, max_length: Math.min(this.generation.max_length, cap), min_length: Math.min(this.generation.min_length, cap) } : this.generation;
    const results = await generate(decoder, items, cfg, beams);
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
