// Train/validation/test splits by track: a track's split follows from its content hash alone, so
// the same audio lands in the same split in every export (incremental ones included), in every
// library holding it, and no track's segments are ever in two splits. The first 8 hex digits of
// the sha256 read as a fraction in [0, 1) fall into one of the cumulative, normalised ratios.
import crypto from 'node:crypto';
import { SPLIT_NAMES, type SplitName } from '../../shared/dataset';

export const DEFAULT_SPLITS: [number, number, number] = [0.8, 0.1, 0.1];

/** Ratios scaled to sum to 1; refuses negative, non-finite or all-zero ratios. */
export function normaliseSplits(ratios: readonly number[] = DEFAULT_SPLITS): [number, number, number] {
  if (ratios.length !== 3 || ratios.some((r) => !Number.isFinite(r) || r < 0)) {
    throw new RangeError(`split ratios must be three numbers of at least 0 (train, validation, test), got ${ratios.join(',')}`);
  }
  const sum = ratios[0]! + ratios[1]! + ratios[2]!;
  if (sum <= 0) throw new RangeError('split ratios cannot all be 0');
  return [ratios[0]! / sum, ratios[1]! / sum, ratios[2]! / sum];
}

/** Where in [0, 1) a content hash falls (a hash that is not hex is hashed first). */
export function hashFraction(sha256: string): number {
  const hex = /^[0-9a-f]{8}/i.test(sha256) ? sha256.slice(0, 8) : crypto.createHash('sha256').update(sha256).digest('hex').slice(0, 8);
  return parseInt(hex, 16) / 0x1_0000_0000;
}

/** The split of a track with this content hash, under normalised ratios. */
export function splitOf(sha256: string, ratios: readonly [number, number, number]): SplitName {
  const f = hashFraction(sha256);
  let edge = 0;
  for (let i = 0; i < 2; i++) {
    edge += ratios[i]!;
    if (f < edge) return SPLIT_NAMES[i]!;
  }
  // Past train + validation: test, unless its ratio is 0 and only rounding put the hash here.
  if (ratios[2]! > 0) return 'test';
  return ratios[1]! > 0 ? 'validation' : 'train';
}
