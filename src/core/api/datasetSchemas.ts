// Runtime validation (zod) of the dataset commands' payloads (shared/dataset.ts), spread by
// schemas.ts into the table keyed by every command.
import { z } from 'zod';
import type { CommandInput } from '../../shared/api';
import { CAPTION_STATUSES } from '../../shared/annotation';
import { EXPORT_FORMATS } from '../../shared/dataset';
import { filePath } from './pathSchemas';

type DatasetCommand = 'exportDataset' | 'cancelExport';

const ratio = z.number().finite().min(0).max(1);
const exportId = z.string().min(1).max(100);

export const datasetSchemas: { [K in DatasetCommand]: z.ZodType<CommandInput<K>, unknown> } = {
  exportDataset: z.strictObject({
    exportId,
    format: z.enum(EXPORT_FORMATS as [string, ...string[]]).transform((s) => s as (typeof EXPORT_FORMATS)[number]),
    out: filePath,
    status: z.array(z.enum(CAPTION_STATUSES as [string, ...string[]]).transform((s) => s as (typeof CAPTION_STATUSES)[number])).min(1).max(4).optional(),
    since: filePath.optional(),
    annotator: z.string().min(1).max(80).optional(),
    pack: z.string().min(1).max(300).optional(),
    force: z.boolean().optional(),
    splits: z
      .tuple([ratio, ratio, ratio])
      .refine((r) => r[0] + r[1] + r[2] > 0, 'split ratios cannot all be 0')
      .optional(),
    sampleRate: z.union([z.literal(16000), z.literal('original')]).optional(),
    vocals: z.boolean().optional(),
  }),
  cancelExport: z.strictObject({ exportId }),
};
