// A folder as Hugging Face Optimum writes it (config.json, generation_config.json,
// tokenizer.json, the ONNX files) installs as it is: model.json is derived from the files
// present, and every assumption made is reported to the user.
import fs from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../../../shared/errors';
import { sha256File } from '../../library/hash';
import { manifestSchema, type PackManifest } from './manifest';

export interface Derived {
  manifest: PackManifest;
  assumptions: string[];
}

const exists = (p: string) => fs.access(p).then(() => true, () => false);

export async function deriveManifest(dir: string): Promise<Derived> {
  const names = await fs.readdir(dir);
  const has = (f: string) => names.includes(f);
  const assumptions = ['model.json was missing: derived it from the files present (Optimum layout)'];
  if (!has('encoder_model.onnx')) {
    throw new StudioError('BAD_REQUEST', `${path.basename(dir)}: no model.json and no encoder_model.onnx: not a pack or an Optimum export`);
  }
  if (!has('decoder_model_merged.onnx') && !(has('decoder_model.onnx') && has('decoder_with_past_model.onnx'))) {
    throw new StudioError('BAD_REQUEST', `${path.basename(dir)}: needs decoder_model_merged.onnx, or decoder_model.onnx with decoder_with_past_model.onnx`);
  }
  if (!has('tokenizer.json')) throw new StudioError('BAD_REQUEST', `${path.basename(dir)}: no tokenizer.json`);

  const config = has('config.json') ? JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8')) : {};
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
    await fs.writeFile(path.join(dir, 'generation_config.json'), JSON.stringify(gen, null, 1));
    names.push('generation_config.json');
    assumptions.push(`generation_config.json was missing: wrote one from config.json (${JSON.stringify(gen)})`);
  }
  const rawName = String(config._name_or_path ?? path.basename(path.resolve(dir)));
  const name = rawName.split('/').pop()!.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64) || 'captioner';
  assumptions.push(`name "${name}" from ${config._name_or_path ? 'config.json' : 'the folder name'}; version 0.0.0; license unknown`);
  if (config.model_type) assumptions.push(`role captioner (model_type ${config.model_type})`);

  const files: Record<string, { sha256: string }> = {};
  for (const f of names.sort()) {
    const p = path.join(dir, f);
    if (f !== 'model.json' && (await fs.stat(p)).isFile() && (await exists(p))) files[f] = { sha256: await sha256File(p) };
  }
  const merged = has('decoder_model_merged.onnx');
  const split = has('decoder_model.onnx') && has('decoder_with_past_model.onnx');
  const manifest = manifestSchema.parse({
    format: 1,
    name,
    version: '0.0.0',
    roles: ['captioner'],
    description: 'Derived from an Optimum ONNX export',
    sources: config._name_or_path ? [String(config._name_or_path)] : [],
    files,
    captioner: {
      encoder: 'encoder_model.onnx',
      // Every layout present is listed; the captioner prefers the split pair when it has both.
      ...(merged ? { decoderMerged: 'decoder_model_merged.onnx' } : {}),
      ...(split ? { decoder: 'decoder_model.onnx', decoderWithPast: 'decoder_with_past_model.onnx' } : {}),
      tokenizer: 'tokenizer.json',
      ...(names.includes('tokenizer_config.json') ? { tokenizerConfig: 'tokenizer_config.json' } : {}),
      generationConfig: 'generation_config.json',
    },
  });
  return { manifest, assumptions };
}
