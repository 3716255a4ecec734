// Attaching stems a user already has (separated elsewhere, or delivered with a multitrack) to a
// track. The stem must be audio of the same length as the track, or it cannot play in sync.
import fs from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../shared/errors';
import type { Stem } from '../shared/types';
import { ProbeError, probeAudio } from './library/probe';
import { describeFsError } from './library/scan';
import type { Store } from './store/store';

export const STEM_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const LENGTH_TOLERANCE_SEC = 0.1;

export async function attachStem(store: Store, trackId: number, name: string, file: string): Promise<Stem> {
  const track = await store.tracks.require(trackId);
  if (!STEM_NAME.test(name)) throw new StudioError('BAD_REQUEST', `stem name "${name}" must be lowercase letters, digits, - or _ (e.g. vocals)`);
  const abs = path.resolve(file);
  let meta;
  try {
    const st = await fs.stat(abs);
    meta = { ...(await probeAudio(abs)), sizeBytes: st.size };
  } catch (err) {
    const reason = err instanceof ProbeError ? err.message : describeFsError(err);
    throw new StudioError('BAD_REQUEST', `${path.basename(abs)}: ${reason}`);
  }
  if (track.durationSec && meta.durationSec && Math.abs(track.durationSec - meta.durationSec) > LENGTH_TOLERANCE_SEC) {
    throw new StudioError(
      'BAD_REQUEST',
      `${path.basename(abs)} is ${meta.durationSec.toFixed(2)} s but the track is ${track.durationSec.toFixed(2)} s: not a stem of this track`,
    );
  }
  return store.stems.upsert({ trackId, name, path: abs, sizeBytes: meta.sizeBytes, durationSec: meta.durationSec });
}
