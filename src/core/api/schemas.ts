// Runtime validation of every StudioApi payload (zod). The mapped type makes this table fail to
// compile if a command is added to the contract without a schema, or with one of the wrong shape.
import { z } from 'zod';
import type { CommandInput, CommandName } from '../../shared/api';
import { StudioError } from '../../shared/errors';

const none = z.undefined().or(z.null()).transform(() => undefined);
const id = z.number().int().positive();
const filePath = z.string().min(1).max(4096);
const seconds = z.number().finite().min(0).max(24 * 3600);

export const commandSchemas: { [K in CommandName]: z.ZodType<CommandInput<K>, unknown> } = {
  getInfo: none,
  listTracks: none,
  getTrack: z.strictObject({ id }),
  importPaths: z.strictObject({
    paths: z.array(filePath).min(1, 'give at least one file or folder').max(10_000),
  }),
  openTrack: z.strictObject({ id }),
  relinkTrack: z.strictObject({ id, path: filePath }),
  createSegment: z.strictObject({ trackId: id, startSec: seconds, endSec: seconds }),
  updateSegment: z.strictObject({ id, startSec: seconds, endSec: seconds }),
  deleteSegment: z.strictObject({ id }),
  attachStem: z.strictObject({ trackId: id, name: z.string().min(1).max(32), path: filePath }),
  getPeaks: z.strictObject({
    source: z.strictObject({ kind: z.enum(['track', 'stem']), id }),
    maxPeaks: z.number().int().min(16).max(200_000).optional(),
  }),
};

/** Validates one payload; the error message names the field and what was wrong, on one line. */
export function parseCommandInput<K extends CommandName>(name: K, input: unknown): CommandInput<K> {
  const res = commandSchemas[name].safeParse(input);
  if (res.success) return res.data;
  const issue = res.error.issues[0]!;
  const where = issue.path.length ? issue.path.join('.') : 'payload';
  throw new StudioError('BAD_REQUEST', `invalid ${name} payload: ${where}: ${issue.message}`);
}
