// The captioner's tokenizer, from the pack's tokenizer.json (Hugging Face format) through
// @huggingface/tokenizers, the maintained JS implementation of the same library.
import fs from 'node:fs/promises';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import type { CaptionerSpec } from '../packs/manifest';

export async function loadTokenizer(dir: string, spec: Pick<CaptionerSpec, 'tokenizer' | 'tokenizerConfig'>): Promise<Tokenizer> {
  const json = JSON.parse(await fs.readFile(path.join(dir, spec.tokenizer), 'utf8'));
  if (!json?.model) throw new Error('not a Hugging Face tokenizer.json (no "model")');
  const config = spec.tokenizerConfig ? JSON.parse(await fs.readFile(path.join(dir, spec.tokenizerConfig), 'utf8')) : {};
  return new Tokenizer(json, config);
}

export function decodeCaption(tok: Tokenizer, ids: number[]): string {
  return tok.decode(ids, { skip_special_tokens: true }).trim();
}
