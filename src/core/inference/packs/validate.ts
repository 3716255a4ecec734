// Checks a pack folder before the studio trusts it: model.json well-formed, only regular files,
// each listed with its checksum, every ONNX graph (int8 counterparts too) with the tensors its role needs (names, types, ranks), the
// tokenizer and generation config readable. All problems are collected; the first is the message.
import fs from 'node:fs/promises';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { StudioError } from '../../../shared/errors';
import { loadGenerationConfig, parseGenerationConfig } from '../caption/generationConfig';
import { loadTokenizer } from '../caption/tokenizer';
import { checkTensors, countLayers, decoderRules, ENCODER_INPUTS, ENCODER_OUTPUTS, metadataOf, type TensorRule } from './contract';
import { parseManifest, type PackManifest, type SeparatorSpec } from './manifest';
import { scanPackFolder, sha256NoFollow, unlisted } from './packFiles';

/** Reads and parses model.json (never through a link); errors name `label`, the path the user gave. */
export async function readManifest(dir: string, label = dir): Promise<PackManifest> {
  const file = path.join(dir, 'model.json');
  const st = await fs.lstat(file).catch(() => null);
  if (!st) throw new StudioError('BAD_REQUEST', `${label}: no model.json`);
  if (!st.isFile()) throw new StudioError('BAD_REQUEST', `${label}: model.json is ${st.isSymbolicLink() ? 'a symbolic link: packs may not contain links' : 'not a regular file'}`);
  return parseManifestText(await fs.readFile(file, 'utf8'), label);
}

export function parseManifestText(raw: string, label: string): PackManifest {
  try {
    return parseManifest(JSON.parse(raw));
  } catch (err) {
    throw new StudioError('BAD_REQUEST', `${label}: ${(err as Error).message}`);
  }
}

export interface ValidateOptions {
  /** Hash every file against model.json (default true). */
  checksums?: boolean;
  /** A manifest already read or derived (else model.json is read from the folder). */
  manifest?: PackManifest;
  /** The path as the user gave it, for messages (default: dir). */
  label?: string;
}

/**
 * Validates a pack folder in place; resolves to its manifest or throws one line naming the first
 * problem: links, sub-folders or files model.json does not list, missing files, checksums, then
 * the ONNX graphs' tensors, the tokenizer and the generation config.
 */
export async function validatePack(dir: string, opts: ValidateOptions = {}): Promise<PackManifest> {
  const label = opts.label ?? dir;
  const m = opts.manifest ?? (await readManifest(dir, label));
  const scan = await scanPackFolder(dir);
  const problems: string[] = [...scan.problems, ...unlisted(scan, m.files)];
  const inlineGeneration = !!m.captioner?.generation;
  const referenced = [
    ...Object.entries(m.captioner ?? {})
      .filter(([k, v]) => typeof v === 'string' && !(k === 'generationConfig' && inlineGeneration))
      .map(([, v]) => v as string),
    ...Object.values(m.captioner?.quantized ?? {}),
    ...(m.separator ? [m.separator.model] : []),
  ];
  for (const f of referenced) if (!m.files[f]) problems.push(`model.json refers to ${f} but does not list it under files`);
  for (const [f, { sha256 }] of Object.entries(m.files)) {
    if (!scan.files.has(f)) {
      if (!scan.problems.some((p) => p.startsWith(`${f} `))) problems.push(`missing file ${f}`);
      continue;
    }
    if (opts.checksums !== false && (await sha256NoFollow(path.join(dir, f))) !== sha256) problems.push(`${f}: checksum does not match model.json`);
  }
  if (problems.length === 0) {
    if (m.captioner) problems.push(...(await checkCaptioner(dir, m)));
    if (m.separator) problems.push(...(await checkSeparator(dir, m.separator)));
  }
  if (problems.length) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    // onnxruntime and the tokenizer name full paths: say them about the path the user gave.
    const first = problems[0]!.split(path.resolve(dir)).join(label);
    throw new StudioError('BAD_REQUEST', `${label}: pack ${m.name}@${m.version} refused: ${first}${more}`);
  }
  return m;
}

async function graph(dir: string, file: string, inputs: TensorRule[], outputs: TensorRule[]): Promise<{ problems: string[]; session: ort.InferenceSession | null }> {
  try {
    const session = await ort.InferenceSession.create(path.join(dir, file), { executionProviders: ['cpu'] });
    return {
      session,
      problems: [...checkTensors(file, 'input', metadataOf(session, 'input'), inputs), ...checkTensors(file, 'output', metadataOf(session, 'output'), outputs)],
    };
  } catch (err) {
    return { session: null, problems: [`${file}: not a loadable ONNX model (${(err as Error).message.split('\n')[0]})`] };
  }
}

async function checkCaptioner(dir: string, m: PackManifest): Promise<string[]> {
  const c = m.captioner!;
  const problems: string[] = [];
  const enc = await graph(dir, c.encoder, ENCODER_INPUTS, ENCODER_OUTPUTS);
  problems.push(...enc.problems);
  const width = (s: ort.InferenceSession | null, name: string, side: 'input' | 'output') =>
    s ? metadataOf(s, side).find((x) => x.name === name)?.shape?.at(-1) : undefined;
  const encWidth = width(enc.session, 'last_hidden_state', 'output');
  const checkDecoder = async (file: string, variant: 'merged' | 'first' | 'withPast') => {
    const probe = await ort.InferenceSession.create(path.join(dir, file), { executionProviders: ['cpu'] }).catch(() => null);
    const names = probe ? [...probe.inputNames, ...probe.outputNames] : [];
    const layers = Math.max(countLayers(names, 'past_key_values'), countLayers(names, 'present'));
    if (probe && layers === 0) return [`${file}: no past_key_values.{i}/present.{i} cache tensors found`];
    const rules = decoderRules(variant, layers);
    const g = await graph(dir, file, rules.inputs, rules.outputs);
    const decWidth = width(g.session, 'encoder_hidden_states', 'input');
    if (typeof encWidth === 'number' && typeof decWidth === 'number' && encWidth !== decWidth) {
      g.problems.push(`encoder width ${encWidth} ≠ decoder width ${decWidth}: the projection between them belongs inside the encoder graph`);
    }
    return g.problems;
  };
  // Every decoder graph the pack lists is checked: the captioner may run either layout.
  if (c.decoderMerged) problems.push(...(await checkDecoder(c.decoderMerged, 'merged')));
  if (c.decoder && c.decoderWithPast) {
    problems.push(...(await checkDecoder(c.decoder, 'first')));
    problems.push(...(await checkDecoder(c.decoderWithPast, 'withPast')));
  }
  // int8 counterparts stand in for their float graphs on CPU: the same tensors are required.
  const q = c.quantized ?? {};
  if (q.encoder) problems.push(...(await graph(dir, q.encoder, ENCODER_INPUTS, ENCODER_OUTPUTS)).problems);
  if (q.decoderMerged) problems.push(...(await checkDecoder(q.decoderMerged, 'merged')));
  if (q.decoder) problems.push(...(await checkDecoder(q.decoder, 'first')));
  if (q.decoderWithPast) problems.push(...(await checkDecoder(q.decoderWithPast, 'withPast')));
  try {
    await loadTokenizer(dir, c);
  } catch (err) {
    problems.push(`${c.tokenizer}: ${(err as Error).message}`);
  }
  try {
    if (c.generation) parseGenerationConfig(c.generation);
    else await loadGenerationConfig(path.join(dir, c.generationConfig));
  } catch (err) {
    problems.push(`${c.generation ? 'derived generation config' : c.generationConfig}: ${(err as Error).message}`);
  }
  return problems;
}

async function checkSeparator(dir: string, s: SeparatorSpec): Promise<string[]> {
  const S = s.sources.length;
  const L = s.segmentSamples;
  const need = (side: 'inputs' | 'outputs', key: string) => s[side][key] ?? `(model.json separator.${side}.${key} is missing)`;
  if (s.kind === 'waveform') {
    const g = await graph(dir, s.model, [{ name: need('inputs', 'waveform'), type: 'float32', rank: 3, dims: [null, 2, L] }], [
      { name: need('outputs', 'stems'), type: 'float32', rank: 4, dims: [null, S, 2, L] },
    ]);
    return g.problems;
  }
  const g = await graph(
    dir,
    s.model,
    [
      { name: need('inputs', 'waveform'), type: 'float32', rank: 3, dims: [null, 2, L] },
      { name: need('inputs', 'spectrogram'), type: 'float32', rank: 4, dims: [null, 4, 2048, null] },
    ],
    [{ name: need('outputs', 'time'), type: 'float32', rank: 4, dims: [null, S, 2, L] }],
  );
  const freq = g.session ? metadataOf(g.session, 'output').find((x) => x.name === s.outputs.frequency) : undefined;
  if (g.session && !freq) g.problems.push(`${s.model}: missing output tensor "${s.outputs.frequency}"`);
  else if (freq?.shape && freq.shape.length !== 4 && freq.shape.length !== 5) {
    g.problems.push(`${s.model}: output "${s.outputs.frequency}" has rank ${freq.shape.length}, expected 5 ([1,S,4,2048,T]) or 4 ([1,S·4,2048,T])`);
  }
  return g.problems;
}
