// Writes what a dataset reader produced into a library. First the audio: each row's file is found
// (a library track with the exported content hash, the row's own path, or the --audio folder/map)
// and imported through the library's importer (file work, so outside any transaction; the same
// content is the same track). Then, in ONE transaction for the whole input file, the segments and
// caption revisions: a failure leaves nothing of the file's captions behind. Re-importing is a
// no-op: a segment is matched by track and span, a caption by its text among the segment's revisions,
// a prediction (CaptionItem.suggestion: written as a suggestion for the segment's span, with its
// source and score) by its text and source among the segment's suggestions.
import fs from 'node:fs/promises';
import path from 'node:path';
import { checkSegmentSpan } from '../segmentRules';
import { importPaths } from '../library/importer';
import type { Store } from '../store/store';
import type { Track } from '../../shared/types';
import type { AudioLookup, FoundAudio } from './audioLookup';
import type { AudioRef, CaptionItem, DatasetImportReport } from './captionItem';

/** An end this far past the track's end (rounding in the metadata) is moved to the track's end. */
const CLAMP_SEC = 1;

interface Writable {
  item: CaptionItem;
  trackId: number;
  begin: number;
  end: number;
}

export async function writeCaptionItems(store: Store, file: string, items: CaptionItem[], lookup: AudioLookup, report: DatasetImportReport): Promise<void> {
  const problem = (item: CaptionItem, reason: string) => void report.problems.push({ file, ...(item.line ? { line: item.line } : {}), reason: item.line ? reason : `${item.where}: ${reason}` });
  const tracks = await resolveTracks(store, file, items, lookup, report);
  const writable: Writable[] = [];
  let clipNote = false;
  for (const item of items) {
    const t = tracks.get(refKey(item.audio));
    if (!t) continue;
    if ('reason' in t) {
      problem(item, t.reason);
      continue;
    }
    const dur = t.track.durationSec;
    let { begin, end } = item;
    if (begin === null || end === null) {
      if (dur === null) {
        problem(item, `no span given and the duration of ${t.track.fileName} is unknown`);
        continue;
      }
      [begin, end] = [0, dur];
    } else if (t.by === 'id' && dur !== null && end > dur + CLAMP_SEC) {
      // A file named by the row's id that is shorter than the span: the segment's own clip.
      [begin, end] = [0, Math.min(dur, end - begin)];
      clipNote = true;
    } else if (dur !== null && end > dur && end <= dur + CLAMP_SEC) {
      report.notes.push(`${file} ${item.where}: end ${end} s moved to the end of ${t.track.fileName} (${dur.toFixed(3)} s)`);
      end = dur;
    }
    try {
      checkSegmentSpan(begin, end, dur);
    } catch (err) {
      problem(item, `${begin}–${end} s of ${t.track.fileName}: ${(err as Error).message}`);
      continue;
    }
    writable.push({ item, trackId: t.track.id, begin, end });
  }
  if (clipNote) report.notes.push('files named by a row\'s id and shorter than its span were taken as that segment\'s own clip (the whole file)');

  const done = await store.transaction(async (tx) => {
    const res = { segCreated: 0, segReused: 0, revCreated: 0, revSame: 0, sugCreated: 0, sugSame: 0, splits: {} as Record<string, number> };
    for (const id of new Set(writable.map((w) => w.trackId))) await tx.segments.lockTrack(id);
    const spans = new Map<string, { segmentId: number | null; texts: Set<string>; hiddenTexts: Set<string>; hiddenIds: number[] }>();
    for (const w of writable) {
      const key = `${w.trackId}:${w.begin}:${w.end}`;
      let span = spans.get(key);
      if (!span) {
        const found = await tx.segments.withSpan(w.trackId, w.begin, w.end);
        const visible = found.find((f) => !f.hidden);
        const textsOf = async (ids: number[]) => new Set((await Promise.all(ids.map((id) => tx.captions.history(id)))).flat().map((r) => r.text));
        span = {
          segmentId: visible?.segment.id ?? null,
          texts: visible ? await textsOf([visible.segment.id]) : new Set(),
          hiddenTexts: await textsOf(found.filter((f) => f.hidden).map((f) => f.segment.id)),
          hiddenIds: found.filter((f) => f.hidden).map((f) => f.segment.id),
        };
        if (visible) res.segReused++;
        spans.set(key, span);
      }
      const sug = w.item.suggestion;
      if (sug) {
        // Already there, or on a segment someone hid (as for captions: not brought back).
        const on = span.segmentId !== null ? [span.segmentId] : span.hiddenIds;
        if ((await Promise.all(on.map((id) => tx.suggestions.hasFromSource(id, w.item.text, sug.source)))).some(Boolean)) {
          res.sugSame++;
          continue;
        }
        if (span.segmentId === null) {
          span.segmentId = (await tx.segments.insert(w.trackId, w.begin, w.end)).id;
          res.segCreated++;
        }
        const text = w.item.text;
        await tx.suggestions.insert({ segmentId: span.segmentId, startSec: w.begin, endSec: w.end, text, score: sug.score, tokenLogprobs: [], packId: null, ep: null, ms: null, source: sug.source });
        res.sugCreated++;
        continue;
      }
      const splitName = w.item.split ?? 'unsplit';
      res.splits[splitName] = (res.splits[splitName] ?? 0) + 1;
      // Already there, or on a segment someone hid (a re-import does not bring it back).
      if (span.texts.has(w.item.text) || (span.segmentId === null && span.hiddenTexts.has(w.item.text))) {
        res.revSame++;
        continue;
      }
      if (span.segmentId === null) {
        // Overlapping segments are allowed here: they are the dataset's own spans.
        span.segmentId = (await tx.segments.insert(w.trackId, w.begin, w.end)).id;
        res.segCreated++;
      }
      await tx.captions.append({
        segmentId: span.segmentId,
        text: w.item.text,
        author: w.item.author,
        source: 'import',
        status: w.item.status,
        attributes: w.item.attributes,
      });
      span.texts.add(w.item.text);
      res.revCreated++;
    }
    return res;
  });
  report.segments.created += done.segCreated;
  report.segments.reused += done.segReused;
  report.revisions.created += done.revCreated;
  report.revisions.unchanged += done.revSame;
  report.suggestions.created += done.sugCreated;
  report.suggestions.unchanged += done.sugSame;
  for (const [k, n] of Object.entries(done.splits)) report.splits[k] = (report.splits[k] ?? 0) + n;
}

const refKey = (ref: AudioRef): string => JSON.stringify([ref.sha256, ref.path, ref.youtubeId, ref.id, ref.fileName]);

type Resolved = { track: Track; by: FoundAudio['by'] | 'sha256' } | { reason: string };

/** Each distinct audio reference → its track (imported now if needed), a reason it cannot be used, or absent (missing). */
async function resolveTracks(store: Store, file: string, items: CaptionItem[], lookup: AudioLookup, report: DatasetImportReport): Promise<Map<string, Resolved>> {
  const out = new Map<string, Resolved>();
  const byPath = new Map<string, Promise<{ track: Track; isNew: boolean } | { reason: string }>>();
  const missing = new Map<string, { lines: number[]; where: string[] }>();
  const counted = new Set<number>();
  for (const item of items) {
    const key = refKey(item.audio);
    if (out.has(key)) continue;
    const ref = item.audio;
    const known = ref.sha256 ? await store.tracks.findByHash(ref.sha256) : undefined;
    if (known) {
      out.set(key, { track: known, by: 'sha256' });
      if (!counted.has(known.id)) (counted.add(known.id), report.tracks.reused++);
      continue;
    }
    const found = await findFile(file, ref, lookup);
    if (!found) continue;
    const abs = path.resolve(found.path);
    if (!byPath.has(abs)) byPath.set(abs, importOne(store, abs));
    const got = await byPath.get(abs)!;
    if ('reason' in got) {
      out.set(key, { reason: `audio ${abs}: ${got.reason}` });
      continue;
    }
    if (ref.sha256 && got.track.sha256 !== ref.sha256) {
      out.set(key, { reason: `audio ${abs} is not the exported track (its sha256 differs from track_sha256)` });
      continue;
    }
    out.set(key, { track: got.track, by: found.by });
    if (!counted.has(got.track.id)) {
      counted.add(got.track.id);
      if (got.isNew) report.tracks.imported++;
      else report.tracks.reused++;
    }
  }
  for (const item of items) {
    const key = refKey(item.audio);
    if (out.has(key)) continue;
    const ref = item.audio;
    // Named per file: youtube_id, else the file's name or path (a studio export's id is per segment).
    const name = ref.youtubeId ?? ref.fileName ?? ref.path ?? ref.id ?? ref.sha256 ?? '?';
    const m = missing.get(name) ?? { lines: [], where: [] };
    if (item.line !== undefined) {
      if (m.lines.at(-1) !== item.line) m.lines.push(item.line);
    } else if (m.where.at(-1) !== item.where) m.where.push(item.where);
    missing.set(name, m);
  }
  for (const [key, m] of missing) report.missingAudio.push({ key, ...m });
  return out;
}

async function findFile(file: string, ref: AudioRef, lookup: AudioLookup): Promise<FoundAudio | null> {
  if (ref.path) {
    const p = path.resolve(path.dirname(file), ref.path);
    if (await isFile(p)) return { path: p, by: 'path' };
  }
  return lookup.find(ref);
}

async function importOne(store: Store, file: string): Promise<{ track: Track; isNew: boolean } | { reason: string }> {
  const r = await importPaths(store, [file]);
  if (r.imported[0]) return { track: r.imported[0], isNew: true };
  const again = r.duplicates[0]?.track ?? r.relinked[0];
  if (again) return { track: again, isNew: false };
  return { reason: r.failed[0]?.reason ?? 'could not be imported' };
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}
