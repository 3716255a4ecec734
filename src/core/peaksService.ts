// Waveform peaks on demand: computed once per file on the DSP worker, cached on disk under the
// library's data folder (written atomically, see core/fsAtomic), then served at the resolution
// the view asks for, for the whole file or for the span a zoomed-in view shows. Concurrent
// requests for the same file share one computation.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { MediaSource, PeaksView } from '../shared/types';
import { decodePeaks, pickRange, type Peaks } from './audio/peaks';
import { writeFileAtomic } from './fsAtomic';
import { resolveMedia, type MediaFile } from './media';
import type { Store } from './store/store';
import type { WorkerPool } from './worker/pool';

export class PeaksService {
  private inflight = new Map<string, Promise<Peaks>>();

  constructor(
    private readonly store: Store,
    private readonly cacheDir: string,
    private readonly pool: WorkerPool,
  ) {}

  /** About `maxPeaks` peaks of the whole file, or of [startSec, endSec] when a range is given. */
  async view(source: MediaSource, maxPeaks: number, range: { startSec?: number; endSec?: number } = {}): Promise<PeaksView> {
    const peaks = await this.get(source);
    const durationSec = peaks.frames / peaks.sampleRate;
    const { level, first, end } = pickRange(peaks, range.startSec ?? 0, range.endSec ?? durationSec, maxPeaks);
    const out = new Array<number>((end - first) * 2);
    // Stored as [min, max]; wavesurfer draws [max, min] pairs as the top and bottom of each bar.
    for (let i = first, o = 0; i < end; i++, o += 2) {
      out[o] = Math.round((level.minMax[2 * i + 1]! / 32767) * 1e4) / 1e4;
      out[o + 1] = Math.round((level.minMax[2 * i]! / 32767) * 1e4) / 1e4;
    }
    const at = (index: number) => Math.min(durationSec, (index * level.samplesPerPeak) / peaks.sampleRate);
    return { durationSec, sampleRate: peaks.sampleRate, samplesPerPeak: level.samplesPerPeak, startSec: at(first), endSec: at(end), peaks: out };
  }

  async get(source: MediaSource): Promise<Peaks> {
    const media = await resolveMedia(this.store, source.kind, source.id);
    const key = await this.cacheKey(source, media);
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
    await writeFileAtomic(cacheFile, bytes);
    return decodePeaks(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  /** Tracks are keyed by content hash; stems by id and file stamp (a re-separation gives a stem a new file). */
  private async cacheKey(source: MediaSource, media: MediaFile): Promise<string> {
    if (source.kind === 'track') return `track-${(await this.store.tracks.require(source.id)).sha256}`;
    return `stem-${source.id}-${media.size}-${Math.round(media.mtimeMs)}`;
  }
}
