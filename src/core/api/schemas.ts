// Runtime validation of every StudioApi payload (zod). The mapped type makes this table fail to
// compile if a command is added to the contract without a schema, or with one of the wrong shape.
import { z } from 'zod';
import type { CommandInput, CommandName } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import { EP_CHOICES } from '../inference/providers';
import { manifestSchema } from '../inference/packs/manifest';
import { annotationSchemas } from './annotationSchemas';
import { datasetSchemas } from './datasetSchemas';
import { filePath, packOrFolder } from './pathSchemas';

export { filePath, packOrFolder };

const none = z.undefined().or(z.null()).transform(() => undefined);
const id = z.number().int().positive();
const seconds = z.number().finite().min(0).max(24 * 3600);
/** An installed pack's NAME@VERSION. */
const packRef = z.string().min(1).max(4096);
const role = z.enum(['captioner', 'separator']);
const ep = z.enum(EP_CHOICES, { message: `valid execution providers: ${EP_CHOICES.join(', ')}` });

export const commandSchemas: { [K in CommandName]: z.ZodType<CommandInput<K>, unknown> } = {
  getInfo: none,
  listTracks: none,
  queryTracks: z.strictObject({
    offset: z.number().int().min(0).max(10_000_000).optional(),
    limit: z.number().int().min(1).max(1000, 'limit is at most 1000').optional(),
    status: z.array(z.enum(['imported', 'separated', 'captioned', 'reviewed'])).max(4).optional(),
    q: z.string().max(500).optional(),
    sort: z.enum(['title', 'artist', 'addedAt', 'duration', 'status']).optional(),
    dir: z.enum(['asc', 'desc']).optional(),
  }),
  getTrack: z.strictObject({ id }),
  importPaths: z.strictObject({
    paths: z.array(filePath).min(1, 'give at least one file or folder').max(10_000),
    allowTruncated: z.boolean().optional(),
  }),
  openTrack: z.strictObject({ id }),
  relinkTrack: z.strictObject({ id, path: filePath }),
  createSegment: z.strictObject({ trackId: id, startSec: seconds, endSec: seconds, allowOverlap: z.boolean().optional() }),
  updateSegment: z.strictObject({ id, startSec: seconds, endSec: seconds, allowOverlap: z.boolean().optional() }),
  deleteSegment: z.strictObject({ id }),
  restoreSegment: z.strictObject({ id, allowOverlap: z.boolean().optional() }),
  attachStem: z.strictObject({ trackId: id, name: z.string().min(1).max(32), path: filePath }),
  getPeaks: z
    .strictObject({
      source: z.strictObject({ kind: z.enum(['track', 'stem']), id }),
      maxPeaks: z.number().int().min(16).max(200_000).optional(),
      startSec: seconds.optional(),
      endSec: seconds.optional(),
    })
    .refine((p) => p.startSec === undefined || p.endSec === undefined || p.endSec > p.startSec, 'endSec must be after startSec'),
  listPacks: none,
  installPack: z.strictObject({ path: filePath }),
  removePack: z.strictObject({ id: packRef }),
  usePack: z.strictObject({ role, id: packRef }),
  getSettings: none,
  updateSettings: z.strictObject({
    ep: z.strictObject({ encoder: ep, decoder: ep, separator: ep }).optional(),
    threads: z.number().int().min(0).max(256).optional(),
    int8: z.boolean().optional(),
  }),
  calibratePack: z.strictObject({ id: packOrFolder.optional(), reset: z.boolean().optional() }),
  startSeparation: z.strictObject({ trackId: id, pack: packOrFolder.optional(), shifts: z.number().int().min(0).max(20).optional() }),
  startCaptioning: z.strictObject({
    trackId: id,
    segmentIds: z.array(id).max(10_000).optional(),
    pack: packOrFolder.optional(),
    numBeams: z.number().int().min(1).max(16).optional(),
  }),
  startTraining: z.strictObject({
    data: filePath,
    out: filePath.optional(),
    config: filePath.optional(),
    initEncoder: filePath.optional(),
    initDecoder: filePath.optional(),
    name: manifestSchema.shape.name.optional(),
    noResume: z.boolean().optional(),
  }),
  listJobs: z.strictObject({ trackId: id.optional() }),
  cancelJob: z.strictObject({ id: z.string().uuid() }),
  ...annotationSchemas,
  ...datasetSchemas,
  listEvals: none,
  getAnalysis: z.strictObject({ trackId: id }),
  getAttributeThresholds: none,
};

/** Validates one payload; the error message names the field and what was wrong, on one line. */
export function parseCommandInput<K extends CommandName>(name: K, input: unknown): CommandInput<K> {
  const res = commandSchemas[name].safeParse(input);
  if (res.success) return res.data;
  const issue = res.error.issues[0]!;
  const where = issue.path.length ? issue.path.join('.') : 'payload';
  throw new StudioError('BAD_REQUEST', `invalid ${name} payload: ${where}: ${issue.message}`);
}
