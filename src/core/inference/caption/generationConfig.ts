// generation_config.json as Hugging Face writes it, reduced to what the captioning loop honours.
// Defaults are transformers' defaults, except max_length, which BART-style captioners set.
import fs from 'node:fs/promises';
import { z } from 'zod';

const tokenId = z.number().int().nonnegative();

export const generationSchema = z.object({
  decoder_start_token_id: tokenId,
  bos_token_id: tokenId.nullish(),
  eos_token_id: z.union([tokenId, z.array(tokenId).min(1)]),
  pad_token_id: tokenId.nullish(),
  forced_bos_token_id: tokenId.nullish(),
  forced_eos_token_id: tokenId.nullish(),
  num_beams: z.number().int().min(1).max(64).default(1),
  max_length: z.number().int().min(2).max(1024).default(64),
  min_length: z.number().int().min(0).default(0),
  no_repeat_ngram_size: z.number().int().min(0).default(0),
  repetition_penalty: z.number().positive().default(1),
  bad_words_ids: z.array(z.array(tokenId)).nullish(),
  length_penalty: z.number().default(1),
  early_stopping: z.union([z.boolean(), z.literal('never')]).default(false),
});

export type GenerationConfig = Omit<z.infer<typeof generationSchema>, 'eos_token_id'> & { eos_token_id: number[] };

export function parseGenerationConfig(json: unknown): GenerationConfig {
  const res = generationSchema.safeParse(json);
  if (!res.success) {
    const i = res.error.issues[0]!;
    throw new Error(`${i.path.join('.') || 'root'}: ${i.message}`);
  }
  const eos = res.data.eos_token_id;
  return { ...res.data, eos_token_id: Array.isArray(eos) ? eos : [eos] };
}

export async function loadGenerationConfig(file: string): Promise<GenerationConfig> {
  return parseGenerationConfig(JSON.parse(await fs.readFile(file, 'utf8')));
}
