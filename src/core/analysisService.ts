// A track's measured-attribute evidence on demand (pitch contour, beats, loudness curve, vocal
// activity and proposed segments, see core/analysis/analyze.ts): computed once on the DSP worker,
// cached as JSON under the library's data folder (written atomically, see core/fsAtomic), keyed by
// the track's content hash and its vocal stem's id, size and mtime (a re-separation gives the stem
// a new file, so a new key). Concurrent requests for the same key share one computation.
// Also the category thresholds in force (the library's own once it has enough approved captions)
// and what measuring a track's segments needs (the caption jobs use it).
import fs from 'node:fs/promises';
import path from 'node:path';
import type { AttributeThresholds, TrackAnalysis } from '../shared/attributes';
import type { Segment, Track } from '../shared/types';
import { libraryThresholds } from './analysis/thresholds';
import { writeFileAtomic } from './fsAtomic';
import { resolveMedia } from './media';
import type { Store } from './store/store';
import type { WorkerPool } from './worker/pool';

/** Bumped when the analysis changes what it computes, so old cache files are not served. */
const ANALYSIS_VERSION = 2;

export class AnalysisService {
  private inflight = new Map<string, Promise<Omit<TrackAnalysis, 'trackId'>>>();

  constructor(
    private readonly store: Store,
    private readonly cacheDir: string,
    private readonly pool: WorkerPool,
  ) {}

  async get(trackId: number): Promise<TrackAnalysis> {
    const track = await this.store.tracks.require(trackId);
    const mix = await resolveMedia(this.store, 'track', trackId);
    const stem = (await this.store.stems.list(trackId)).find((s) => s.name === 'vocals');
    const vocals = stem ? await readableStem(this.store, stem.id) : null;
    const key = `analysis-v${ANALYSIS_VERSION}-${track.sha256}${stem && vocals ? `-vocals-${stem.id}-${vocals.size}-${Math.round(vocals.mtimeMs)}` : ''}`;
    const file = path.join(this.cacheDir, `${key}.json`);
    let p = this.inflight.get(key);
    if (!p) {
      p = this.cachedOrCompute(file, mix.path, vocals?.path ?? null).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return { trackId, ...(await p) };
  }

  private async cachedOrCompute(cacheFile: string, mixFile: string, vocalsFile: string | null): Promise<Omit<TrackAnalysis, 'trackId'>> {
    try {
      return JSON.parse(await fs.readFile(cacheFile, 'utf8')) as Omit<TrackAnalysis, 'trackId'>;
    } catch {
      // not cached yet (or an unreadable cache file): compute below
    }
    const res = await this.pool.run('analyzeTrack', { file: mixFile, vocalsFile });
    await fs.mkdir(path.dirname(cacheFile), { recursive: true });
    await writeFileAtomic(cacheFile, JSON.stringify(res));
    return res;
  }
}

/**
 * A vocal stem's file when it can be read, else null: the voice is then measured on the mix (the
 * attributes say so and are trusted less) rather than no evidence at all for a lost stem file.
 */
async function readableStem(store: Store, stemId: number) {
  try {
    return await resolveMedia(store, 'stem', stemId);
  } catch {
    return null;
  }
}

/** The thresholds in force for a library (shared/attributes AttributeThresholds). */
export async function attributeThresholds(store: Store): Promise<AttributeThresholds> {
  return libraryThresholds(await store.attributes.approvedPitchByGender());
}

/** What measuring a track's segments on the worker needs: its files, the thresholds, and the gender each segment's caption already names. */
export async function measuringArgs(store: Store, track: Track, segments: Segment[]) {
  const stem = (await store.stems.list(track.id)).find((s) => s.name === 'vocals');
  const vocals = stem ? await readableStem(store, stem.id) : null;
  const knownGenders = await Promise.all(segments.map(async (s) => (await store.captions.latest(s.id))?.attributes.gender ?? null));
  return { file: track.path, vocalsFile: vocals?.path ?? null, thresholds: await attributeThresholds(store), knownGenders };
}
