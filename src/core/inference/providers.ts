// Execution providers: a table of what onnxruntime-node can run on, how `auto` orders them per
// kind of model, and session creation that falls back to CPU with the reason recorded — a GPU
// that fails to start is a note in the result, never a crash.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import ort from 'onnxruntime-node';
import { StudioError } from '../../shared/errors';

export const EP_CHOICES = ['auto', 'cpu', 'webgpu', 'cuda', 'coreml', 'dml'] as const;
export type EpChoice = (typeof EP_CHOICES)[number];
export type Ep = Exclude<EpChoice, 'auto'>;

/** What a model is, because the best provider differs (see DESIGN: a KV-cache decoder is faster on CPU). */
export type ModelKind = 'encoder' | 'decoder' | 'separator';

export function parseEp(raw: string): EpChoice {
  if ((EP_CHOICES as readonly string[]).includes(raw)) return raw as EpChoice;
  throw new StudioError('BAD_REQUEST', `unknown execution provider "${raw}" (valid: ${EP_CHOICES.join(', ')})`);
}

/** Whether onnxruntime-node's CUDA provider library was installed (ONNXRUNTIME_NODE_INSTALL=cuda12). */
export function cudaInstalled(): boolean {
  try {
    const req = createRequire(import.meta.url);
    const bin = path.join(path.dirname(req.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch);
    return fs.existsSync(path.join(bin, process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so'));
  } catch {
    return false;
  }
}

/** Providers to try, in order, for a choice; CPU always last. */
export function providerOrder(choice: EpChoice, kind: ModelKind, platform = process.platform, hasCuda = cudaInstalled()): Ep[] {
  if (choice !== 'auto') return choice === 'cpu' ? ['cpu'] : [choice, 'cpu'];
  // An autoregressive decoder copies its cache across the bus every step on WebGPU (5× slower
  // than CPU measured for BART-base), so `auto` keeps decoders on the CPU.
  if (kind === 'decoder') return ['cpu'];
  const order: Ep[] = ['webgpu'];
  if (hasCuda) order.push('cuda');
  if (platform === 'darwin') order.push('coreml');
  if (platform === 'win32') order.push('dml');
  order.push('cpu');
  return order;
}

export interface SessionOptions {
  ep: EpChoice;
  kind: ModelKind;
  /** CPU threads per session; 0 lets onnxruntime decide. */
  threads?: number;
}

export interface OpenedSession {
  session: ort.InferenceSession;
  /** The provider that actually runs this session. */
  ep: Ep;
  /** Why providers earlier in the order were not used (empty when the first one worked). */
  fallbacks: string[];
}

export async function openSession(file: string, opts: SessionOptions): Promise<OpenedSession> {
  const fallbacks: string[] = [];
  for (const ep of providerOrder(opts.ep, opts.kind)) {
    try {
      const session = await ort.InferenceSession.create(file, {
        executionProviders: [ep],
        graphOptimizationLevel: 'all',
        ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
      });
      return { session, ep, fallbacks };
    } catch (err) {
      const reason = `${ep}: ${firstLine((err as Error).message)}`;
      if (ep === 'cpu') throw new StudioError('UNSUPPORTED', `cannot load ${path.basename(file)}: ${reason}`);
      fallbacks.push(reason);
      console.warn(`[s2cap] ${path.basename(file)}: ${reason}; trying the next provider`);
    }
  }
  throw new StudioError('INTERNAL', 'no execution provider tried');
}

function firstLine(msg: string): string {
  const line = msg.split('\n').find((l) => l.trim()) ?? msg;
  // onnxruntime prefixes messages with source locations; keep what a person can act on.
  return line
    .replace(/^.*?\]\s*/, '')
    .replace(/^\/onnxruntime_src\/\S+\s*/, '')
    .replace(/^.*? was false\.\s*/, '') // drop the C++ assertion text before the human-readable part
    .slice(0, 300);
}
