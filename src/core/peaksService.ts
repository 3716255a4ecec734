// Waveform peaks on demand: computed once per file on the DSP worker, cached on disk under the
// library's data folder, then served at the resolution the view asks for. Concurrent requests
// for the same file share one computation.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { MediaSource, PeaksView } from '../shared/types';
import { decodePeaks, pickLevel, type Peaks } from './audio/peaks';
import { resolveMedia, type MediaFile } from './media';
import type { Db } from './store/db';
import { getTrack } from './store/tracks';
import type { WorkerPool } from './worker/pool';

export class PeaksService {
  private inflight = new Map<string, Promise<Peaks>>();

  constructor(
    private readonly db: Db,
    private readonly cacheDir: string,
    private readonly pool: WorkerPool,
  ) {}

  async view(source: MediaSource, maxPeaks: number): Promise<PeaksView> {
    const peaks = await this.get(source);
    const level = pickLevel(peaks, maxPeaks);
    const out = new Array<number>(level.minMax.length);
    // Stored as [min, max]; wavesurfer draws [max, min] pairs as the top and bottom of each bar.
    for (let i = 0; i < level.minMax.length; i += 2) {
      out[i] = Math.round((level.minMax[i + 1]! / 32767) * 1e4) / 1e4;
      out[i + 1] = Math.round((level.minMax[i]! / 32767) * 1e4) / 1e4;
    }
    return { durationSec: peaks.frames / peaks.sampleRate, sampleRate: peaks.sampleRate, samplesPerPeak: level.samplesPerPeak, peaks: out };
  }

  async get(source: MediaSource): Promise<Peaks> {
    const media = await resolveMedia(this.db, source.kind, source.id);
    const key = this.cacheKey(source, media);
    const file = path.join(this.cacheDir, `${key}.peaks`);
    try {
      return decodePeaks(await fs.readFile(file));
    } catch {
      // not cached yet (or an unreadable cache file): compute below
    }
    let p = this.inflight.get(key);
    if (!p) {
      p = this.compute(media.path, file).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private async compute(audioFile: string, cacheFile: string): Promise<Peaks> {
    const bytes = await this.pool.run('peaks', { file: audioFile });
    await fs.mkdir(path.dirname(cacheFile), { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    await fs.writeFile(tmp, bytes);
    await fs.rename(tmp, cacheFile);
    return decodePeaks(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  /** Tracks are keyed by content hash; stems by id and file stamp (they are rewritten in place). */
  private cacheKey(source: MediaSource, media: MediaFile): string {
    if (source.kind === 'track') return `track-${getTrack(this.db, source.id)!.sha256}`;
    return `stem-${source.id}-${media.size}-${Math.round(media.mtimeMs)}`;
  }
}
