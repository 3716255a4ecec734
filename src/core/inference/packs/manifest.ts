// model.json: what a model pack is (name, version, roles, files with checksums, where it came
// from, its license) and how its files map onto the studio's contracts (DESIGN.md, model packs).
import { z } from 'zod';
import type { PackTraining } from '../../../shared/types';

const fileName = z.string().min(1).regex(/^[^/\\]+$/, 'a file name inside the pack, not a path');

export const captionerSpec = z
  .object({
    sampleRate: z.literal(16000).default(16000),
    encoder: fileName,
    decoderMerged: fileName.optional(),
    decoder: fileName.optional(),
    decoderWithPast: fileName.optional(),
    tokenizer: fileName,
    tokenizerConfig: fileName.optional(),
    generationConfig: fileName,
    /**
     * generation_config.json's settings inline: set when a bare Optimum export without one is run
     * from its folder (derived in memory, never written into the user's folder). Wins over the file.
     */
    generation: z.record(z.string(), z.unknown()).optional(),
    /**
     * int8 counterparts of the graphs above (Optimum's quantizer: `*_quantized.onnx`, dynamic
     * MatMulInteger), used instead of them for a model that runs on CPU when the user allows int8.
     */
    quantized: z
      .strictObject({ encoder: fileName.optional(), decoderMerged: fileName.optional(), decoder: fileName.optional(), decoderWithPast: fileName.optional() })
      .optional(),
  })
  .refine((c) => c.decoderMerged || (c.decoder && c.decoderWithPast), {
    message: 'a captioner needs decoder_model_merged.onnx, or decoder_model.onnx with decoder_with_past_model.onnx',
  });

/** The float graph roles that may have an int8 counterpart. */
export type QuantizableRole = keyof NonNullable<z.infer<typeof captionerSpec>['quantized']>;

export const separatorSpec = z.object({
  kind: z.enum(['waveform', 'htdemucs']),
  model: fileName,
  sampleRate: z.number().int().positive().default(44100),
  channels: z.literal(2).default(2),
  segmentSamples: z.number().int().positive(),
  sources: z.array(z.string().regex(/^[a-z][a-z0-9_-]*$/)).min(1),
  inputs: z.record(z.string(), z.string()),
  outputs: z.record(z.string(), z.string()),
});

const count = z.number().int().nonnegative();
const stageCounts = z.looseObject({ stage1: count.optional(), stage2: count.optional() });

/**
 * Where the weights came from, as the retraining recipe writes it (training/s2cap_train/export_pack.py,
 * training_section). Lenient: every field optional, unknown keys kept. Informational only, so a
 * section that does not parse is dropped (see trainingIssue), never a reason to refuse the pack.
 */
export const trainingSpec = z.looseObject({
  recipe: z.string().optional(),
  data: z.looseObject({ manifestSha256: z.string().nullish(), clips: z.record(z.string(), count).nullish() }).optional(),
  checkpoint: z
    .looseObject({ file: z.string().nullish(), stage: z.number().int().nullish(), epoch: z.number().int().nullish(), step: z.number().int().nullish() })
    .optional(),
  epochs: stageCounts.optional(),
  plannedEpochs: stageCounts.optional(),
  /** Validation metrics of the exported weights (bleu_4, rouge_l, cider_d, …) and the split they are on. */
  metrics: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).optional(),
  selectMetric: z.string().optional(),
});

/** Why model.json's `training` section was dropped, or null when it is absent or parses. */
export function trainingIssue(json: unknown): string | null {
  const t = json && typeof json === 'object' ? (json as Record<string, unknown>).training : undefined;
  if (t === undefined) return null;
  const res = trainingSpec.safeParse(t);
  if (res.success) return null;
  const i = res.error.issues[0]!;
  return `model.json: ${['training', ...i.path.map(String)].join('.')}: ${i.message} (the training section was ignored)`;
}

export const manifestSchema = z.object({
  format: z.literal(1),
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (max 64)'),
  version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.+_-]{0,31}$/),
  roles: z.array(z.enum(['captioner', 'separator'])).min(1),
  description: z.string().optional(),
  /** Random or hand-set weights: a test fixture, never offered to users as a model. */
  fixture: z.boolean().default(false),
  license: z.string().optional(),
  sources: z.array(z.string()).default([]),
  files: z.record(fileName, z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
  captioner: captionerSpec.optional(),
  separator: separatorSpec.optional(),
  /** Informational: dropped (undefined) when malformed rather than refusing the pack. */
  training: trainingSpec.optional().catch(undefined),
});

export type PackManifest = z.infer<typeof manifestSchema>;
export type CaptionerSpec = z.infer<typeof captionerSpec>;
export type SeparatorSpec = z.infer<typeof separatorSpec>;
export type TrainingSpec = z.infer<typeof trainingSpec>;
export type PackRole = PackManifest['roles'][number];

/** Parses model.json; the error names the first wrong field. */
export function parseManifest(json: unknown): PackManifest {
  const res = manifestSchema.safeParse(json);
  if (!res.success) {
    const i = res.error.issues[0]!;
    throw new Error(`model.json: ${i.path.join('.') || 'root'}: ${i.message}`);
  }
  const m = res.data;
  for (const role of m.roles) if (!m[role]) throw new Error(`model.json: role "${role}" needs a "${role}" section`);
  return m;
}

export const packId = (m: { name: string; version: string }): string => `${m.name}@${m.version}`;

/** The `training` section as the UI and CLI list it (numbers only among metrics; epochs summed over stages). */
export function summarizeTraining(t: TrainingSpec): PackTraining {
  const sum = (c: z.infer<typeof stageCounts> | undefined) =>
    c && (c.stage1 != null || c.stage2 != null) ? (c.stage1 ?? 0) + (c.stage2 ?? 0) : null;
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(t.metrics ?? {})) if (typeof v === 'number' && Number.isFinite(v)) metrics[k] = v;
  const split = t.metrics?.split;
  return {
    manifestSha256: t.data?.manifestSha256 ?? null,
    clips: t.data?.clips ?? null,
    epochs: { trained: sum(t.epochs), planned: sum(t.plannedEpochs) },
    metrics,
    split: typeof split === 'string' ? split : null,
    recipe: t.recipe ?? null,
  };
}
