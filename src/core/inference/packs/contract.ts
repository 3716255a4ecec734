// The tensor contract of each model file: names, element types and ranks the studio relies on,
// checked against the ONNX graphs themselves (onnxruntime's input/output metadata), so a wrong
// pack is refused at install with the tensor it lacks, not at the first caption.
import type { InferenceSession } from 'onnxruntime-node';

export interface TensorRule {
  name: string;
  type: 'float32' | 'int64' | 'bool';
  /** Expected rank; with `dims`, static sizes that must match where the model fixes them. */
  rank: number;
  dims?: (number | null)[];
}

interface Meta {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: (number | string)[];
}

export function metadataOf(session: InferenceSession, side: 'input' | 'output'): Meta[] {
  const meta = (side === 'input' ? session.inputMetadata : session.outputMetadata) as unknown as Meta[];
  return meta;
}

/** Returns the problems (empty when the graph satisfies every rule). */
export function checkTensors(file: string, side: 'input' | 'output', meta: Meta[], rules: TensorRule[]): string[] {
  const problems: string[] = [];
  for (const r of rules) {
    const m = meta.find((x) => x.name === r.name);
    if (!m) {
      problems.push(`${file}: missing ${side} tensor "${r.name}" (has: ${meta.map((x) => x.name).join(', ') || 'none'})`);
      continue;
    }
    if (m.type && m.type !== r.type) problems.push(`${file}: ${side} "${r.name}" is ${m.type}, expected ${r.type}`);
    const shape = m.shape ?? [];
    if (shape.length && shape.length !== r.rank) problems.push(`${file}: ${side} "${r.name}" has rank ${shape.length}, expected ${r.rank}`);
    r.dims?.forEach((want, i) => {
      const got = shape[i];
      if (want !== null && typeof got === 'number' && got !== want) {
        problems.push(`${file}: ${side} "${r.name}" dimension ${i} is ${got}, expected ${want}`);
      }
    });
  }
  return problems;
}

/** Number of decoder layers, from past_key_values.{i}.decoder.key inputs or present outputs. */
export function countLayers(names: readonly string[], prefix: 'past_key_values' | 'present'): number {
  let n = 0;
  while (names.includes(`${prefix}.${n}.decoder.key`)) n++;
  return n;
}

export function kvNames(prefix: 'past_key_values' | 'present', layers: number, withEncoder = true): string[] {
  const out: string[] = [];
  for (let i = 0; i < layers; i++) {
    out.push(`${prefix}.${i}.decoder.key`, `${prefix}.${i}.decoder.value`);
    if (withEncoder) out.push(`${prefix}.${i}.encoder.key`, `${prefix}.${i}.encoder.value`);
  }
  return out;
}

const kv = (names: string[]): TensorRule[] => names.map((name) => ({ name, type: 'float32', rank: 4 }));

export const ENCODER_INPUTS: TensorRule[] = [{ name: 'input_values', type: 'float32', rank: 3, dims: [null, 1024, 128] }];
export const ENCODER_OUTPUTS: TensorRule[] = [{ name: 'last_hidden_state', type: 'float32', rank: 3 }];

export function decoderRules(variant: 'merged' | 'first' | 'withPast', layers: number): { inputs: TensorRule[]; outputs: TensorRule[] } {
  const ids: TensorRule = { name: 'input_ids', type: 'int64', rank: 2 };
  const hidden: TensorRule = { name: 'encoder_hidden_states', type: 'float32', rank: 3 };
  const logits: TensorRule = { name: 'logits', type: 'float32', rank: 3 };
  if (variant === 'merged') {
    return {
      inputs: [ids, hidden, ...kv(kvNames('past_key_values', layers)), { name: 'use_cache_branch', type: 'bool', rank: 1 }],
      outputs: [logits, ...kv(kvNames('present', layers))],
    };
  }
  if (variant === 'first') return { inputs: [ids, hidden], outputs: [logits, ...kv(kvNames('present', layers))] };
  return { inputs: [ids, ...kv(kvNames('past_key_values', layers))], outputs: [logits, ...kv(kvNames('present', layers, false))] };
}
