// A folder as Hugging Face Optimum writes it (config.json, generation_config.json,
// tokenizer.json, the ONNX files) installs as it is: model.json is derived from the files
// present, and every assumption made is reported to the user. Nothing is written into the
// folder: a missing generation_config.json is derived into the manifest (captioner.generation),
// and install writes it into its own copy. Optimum's int8 files (`*_quantized.onnx`) beside the
// float graphs become captioner.quantized. Checksums come from fileDigests: a folder used in place
// is derived again whenever one of its files changes (checkedFolders), and then only the files
// that changed are hashed again.
import fs from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../../../shared/errors';
import { manifestSchema, type PackManifest } from './manifest';
import { cachedSha256 } from './fileDigests';
import { scanPackFolder } from './packFiles';

/** Optimum's float graph files by captioner role. */
const OPTIMUM_GRAPHS = {
  encoder: 'encoder_model.onnx',
  decoderMerged: 'decoder_model_merged.onnx',
  decoder: 'decoder_model.onnx',
  decoderWithPast: 'decoder_with_past_model.onnx',
} as const;

export interface Derived {
  manifest: PackManifest;
  assumptions: string[];
}

export interface DeriveOptions {
  /** The path as the user gave it, for messages. */
  label?: string;
  /** The name to use when config.json has no _name_or_path (default: the folder's name). */
  nameHint?: string;
  /** Where nameHint came from, in words (default: "the folder name"). */
  nameFrom?: string;
}

export async function deriveManifest(dir: string, opts: DeriveOptions = {}): Promise<Derived> {
  const label = opts.label ?? dir;
  const refuse = (why: string) => new StudioError('BAD_REQUEST', `${label}: ${why}`);
  const scan = await scanPackFolder(dir);
  const names = [...scan.files.keys()];
  const has = (f: string) => names.includes(f);
  const assumptions = ['model.json was missing: derived it from the files present (Optimum layout)'];
  if (!has(OPTIMUM_GRAPHS.encoder) && !scan.problems.some((p) => p.startsWith(`${OPTIMUM_GRAPHS.encoder} `))) {
    throw refuse('no model.json and no encoder_model.onnx: not a pack or an Optimum export');
  }
  if (scan.problems.length) throw refuse(scan.problems[0]!);
  const merged = has(OPTIMUM_GRAPHS.decoderMerged);
  const split = has(OPTIMUM_GRAPHS.decoder) && has(OPTIMUM_GRAPHS.decoderWithPast);
  if (!merged && !split) {
    throw refuse('needs decoder_model_merged.onnx, or decoder_model.onnx with decoder_with_past_model.onnx');
  }
  if (!has('tokenizer.json')) throw refuse('no tokenizer.json');

  let config: Record<string, any> = {};
  if (has('config.json')) {
    try {
      config = JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8'));
    } catch (err) {
      throw refuse(`config.json: ${(err as Error).message}`);
    }
  }
  let generation: Record<string, unknown> | undefined;
  if (!has('generation_config.json')) {
    const gen = {
      decoder_start_token_id: config.decoder_start_token_id ?? config.eos_token_id ?? 2,
      bos_token_id: config.bos_token_id ?? 0,
      eos_token_id: config.eos_token_id ?? 2,
      pad_token_id: config.pad_token_id ?? 1,
      forced_bos_token_id: config.forced_bos_token_id ?? null,
      forced_eos_token_id: config.forced_eos_token_id ?? null,
      // As transformers' GenerationConfig.from_model_config: carry the model's settings over.
      num_beams: config.num_beams ?? 1,
      max_length: config.max_length ?? 64,
      ...Object.fromEntries(
        ['min_length', 'no_repeat_ngram_size', 'length_penalty', 'early_stopping'].filter((k) => config[k] != null).map((k) => [k, config[k]]),
      ),
    };
    generation = gen;
    assumptions.push(`generation_config.json was missing: derived one from config.json (${JSON.stringify(gen)})`);
  }
  const rawName = String(config._name_or_path || opts.nameHint || path.basename(path.resolve(dir)));
  const name = rawName.split('/').pop()!.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64) || 'captioner';
  assumptions.push(`name "${name}" from ${config._name_or_path ? 'config.json' : (opts.nameFrom ?? 'the folder name')}; version 0.0.0; license unknown`);
  if (config.model_type) assumptions.push(`role captioner (model_type ${config.model_type})`);

  // Every file found is listed with its checksum, whatever it is: nothing in a pack is unchecked.
  const files: Record<string, { sha256: string }> = {};
  for (const f of names) files[f] = { sha256: await cachedSha256(path.join(dir, f)) };
  // Every layout present is listed; the captioner prefers the split pair when it has both.
  const graphs: Partial<Record<keyof typeof OPTIMUM_GRAPHS, string>> = {
    encoder: OPTIMUM_GRAPHS.encoder,
    ...(merged ? { decoderMerged: OPTIMUM_GRAPHS.decoderMerged } : {}),
    ...(split ? { decoder: OPTIMUM_GRAPHS.decoder, decoderWithPast: OPTIMUM_GRAPHS.decoderWithPast } : {}),
  };
  // Optimum's quantizer writes <graph>_quantized.onnx beside each graph: the int8 option's files,
  // for the graphs listed above (an int8 file whose float graph is not used stays unused).
  const quantized = Object.fromEntries(
    Object.entries(graphs)
      .map(([role, file]) => [role, file.replace(/\.onnx$/, '_quantized.onnx')])
      .filter(([, q]) => has(q!)),
  );
  if (Object.keys(quantized).length) assumptions.push(`int8 graphs for CPU: ${Object.values(quantized).join(', ')} (used when int8 is allowed in the settings)`);
  const manifest = manifestSchema.parse({
    format: 1,
    name,
    version: '0.0.0',
    roles: ['captioner'],
    description: 'Derived from an Optimum ONNX export',
    sources: config._name_or_path ? [String(config._name_or_path)] : [],
    files,
    captioner: {
      ...graphs,
      tokenizer: 'tokenizer.json',
      ...(names.includes('tokenizer_config.json') ? { tokenizerConfig: 'tokenizer_config.json' } : {}),
      generationConfig: 'generation_config.json',
      ...(generation ? { generation } : {}),
      ...(Object.keys(quantized).length ? { quantized } : {}),
    },
  });
  return { manifest, assumptions };
}
