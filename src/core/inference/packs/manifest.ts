// model.json: what a model pack is (name, version, roles, files with checksums, where it came
// from, its license) and how its files map onto the studio's contracts (DESIGN.md, model packs).
import { z } from 'zod';

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
});

export type PackManifest = z.infer<typeof manifestSchema>;
export type CaptionerSpec = z.infer<typeof captionerSpec>;
export type SeparatorSpec = z.infer<typeof separatorSpec>;
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
