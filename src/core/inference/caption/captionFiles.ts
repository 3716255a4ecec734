// Captions the segments of several audio files in ONE pass of a loaded captioner, so caption jobs
// of several tracks share a model load and their segments share batches (issue 13, item 3; see
// jobs/captionBatch): batches are filled across file boundaries, the next file is decoded and the
// next batch's features are computed while the model runs (onnxruntime runs on its own threads),
// and each file's captions are handed over as soon as its last segment is captioned, so a job
// can be recorded while the others are still being captioned. A file that cannot be read fails
// alone (its outcome carries the reason and error code); the other files are captioned.
import type { ErrorCode } from '../../../shared/errors';
import { StudioError } from '../../../shared/errors';
import { astFeatures } from '../features/fbank';
import { readSegments, type Span } from '../segmentAudio';
import type { CaptionBatch, CaptionOptions } from './captioner';

export interface FileSegments {
  file: string;
  segments: Span[];
}

export interface SegmentCaption {
  text: string;
  score: number;
  tokenLogprobs: number[];
  /** This segment's share of its batch's model time (ms). */
  ms: number;
}

/** How one file ended: its captions in segment order, or why it could not be read. */
export type FileOutcome = { index: number; captions: SegmentCaption[] } | { index: number; error: string; code: ErrorCode };

export interface CaptionFilesOptions {
  signal?: AbortSignal;
  /** Segments per model run (default 4). */
  batchSize?: number;
  numBeams?: number;
  /** Overall progress: fraction of all readable segments, and what is happening. */
  progress?(fraction: number, detail: string): void;
  /** A file's captions so far (after each batch that had segments of it), with the run's captions/s. */
  fileProgress?(index: number, done: number, of: number, captionsPerSec: number): void;
  /** A file is finished (captioned or failed), as soon as it is. */
  fileDone?(outcome: FileOutcome): void;
}

/** What captionFiles needs of a captioner (a Captioner; tests may count its calls). */
export interface BatchCaptioner {
  caption(features: Float32Array[], opts?: CaptionOptions): Promise<CaptionBatch>;
}

export const captionsPerSecText = (rate: number) => `${rate < 10 ? rate.toFixed(2) : rate.toFixed(1)} captions/s`;

export async function captionFiles(cap: BatchCaptioner, files: FileSegments[], o: CaptionFilesOptions = {}): Promise<FileOutcome[]> {
  const { signal } = o;
  const batch = Math.max(1, o.batchSize ?? 4);
  const outcomes: FileOutcome[] = [];
  const got: SegmentCaption[][] = files.map(() => []);
  /** Segments read and not yet turned into features, in file order. */
  const ready: { file: number; audio: Float32Array }[] = [];
  let nextFile = 0;
  let of = files.reduce((n, f) => n + f.segments.length, 0);
  const settle = (outcome: FileOutcome) => {
    outcomes[outcome.index] = outcome;
    o.fileDone?.(outcome);
  };
  /** Reads whole files until `want` segments are ready (or every file is read). */
  const read = async (want: number) => {
    while (ready.length < want && nextFile < files.length) {
      const i = nextFile++;
      const f = files[i]!;
      if (!f.segments.length) {
        settle({ index: i, captions: [] });
        continue;
      }
      try {
        for (const audio of await readSegments(f.file, f.segments, signal)) ready.push({ file: i, audio });
      } catch (err) {
        if (signal?.aborted) throw err;
        of -= f.segments.length;
        settle({ index: i, error: err instanceof Error ? err.message.split('\n')[0]! : String(err), code: err instanceof StudioError ? err.code : 'IO' });
      }
    }
  };
  const take = () => {
    const items = ready.splice(0, batch);
    return { files: items.map((x) => x.file), features: items.map((x) => astFeatures(x.audio)) };
  };

  o.progress?.(0, 'reading audio');
  await read(batch);
  let next = take();
  let done = 0;
  const started = performance.now();
  while (next.features.length) {
    signal?.throwIfAborted();
    const cur = next;
    const n = cur.features.length;
    // Say which segments are being captioned now, not only after each batch.
    o.progress?.(done / of, n > 1 ? `segments ${done + 1}–${done + n}/${of}` : `segment ${done + 1}/${of}`);
    const running = cap.caption(cur.features, { numBeams: o.numBeams });
    running.catch(() => {}); // awaited below; reading meanwhile must not leave it unhandled
    // Meanwhile: decode the next file(s) and compute the next batch's features.
    await read(batch);
    next = take();
    const res = await running;
    const touched = new Set<number>();
    res.captions.forEach((c, k) => {
      const f = cur.files[k]!;
      got[f]!.push({ text: c.text, score: c.score, tokenLogprobs: c.tokenLogprobs, ms: res.ms.total / n });
      touched.add(f);
    });
    done += n;
    const rate = done / Math.max(1e-3, (performance.now() - started) / 1000);
    for (const f of touched) {
      o.fileProgress?.(f, got[f]!.length, files[f]!.segments.length, rate);
      if (got[f]!.length === files[f]!.segments.length) settle({ index: f, captions: got[f]! });
    }
    o.progress?.(Math.min(1, done / of), `captioned ${done}/${of} · ${captionsPerSecText(rate)}`);
  }
  return files.map((_, i) => outcomes[i]!);
}
