// Reads S2Cap-style caption metadata — the official rows (`id, caption, begin, end, youtube_id`,
// a `split` column when present, several rows or a `captions` list per segment) and the studio's
// own jsonl/csv export (the same columns plus track_sha256, source_path, status, annotator,
// attributes) — from CSV (csv-parse) or JSONL. A row that does not parse, or lacks what an import
// needs, is reported with its line number and skipped; the others are read.
import fs from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { CAPTION_STATUSES, type CaptionAttributes, type CaptionStatus } from '../../shared/annotation';
import { StudioError } from '../../shared/errors';
import { pickAttributes, type CaptionItem, type ItemProblem } from './captionItem';

export const S2CAP_AUTHOR = 'dataset:s2cap';
const MAX_CAPTION = 5000;

export interface S2CapRows {
  items: CaptionItem[];
  problems: ItemProblem[];
  /** The rows carry track_sha256 (the studio's own export). */
  studioExport: boolean;
}

type Raw = Record<string, unknown>;

export async function readS2CapRows(file: string): Promise<S2CapRows> {
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new StudioError('BAD_REQUEST', `${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  const problems: ItemProblem[] = [];
  const raws = /\.csv$/i.test(file) ? csvRows(file, text, problems) : jsonRows(file, text, problems);
  const items: CaptionItem[] = [];
  let studioExport = false;
  for (const { line, where, raw } of raws) {
    const fail = (reason: string) => void problems.push({ file, ...(line ? { line } : {}), reason });
    try {
      const got = rowItems(raw, line, where);
      if (got.studioExport) studioExport = true;
      items.push(...got.items);
    } catch (err) {
      fail((err as Error).message);
    }
  }
  return { items, problems, studioExport };
}

function csvRows(file: string, text: string, problems: ItemProblem[]): { line?: number; where: string; raw: Raw }[] {
  // CRLF → LF first: csv-parse counts a CRLF inside a quoted field as two lines, which shifted the
  // line of every later row.
  const records = parse(text.replace(/\r\n/g, '\n'), {
    columns: (header: string[]) => header.map((h) => h.trim()),
    bom: true,
    info: true,
    raw: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (err) => void problems.push({ file, ...(typeof err?.lines === 'number' ? { line: err.lines } : {}), reason: err?.message ?? 'malformed row' }),
  }) as { record: Raw; info: { lines: number }; raw: string }[];
  return records.map(({ record, info, raw }) => {
    // info.lines is the row's last line; a row spanning lines (a quoted newline) starts earlier.
    // raw is the row's text with the blank lines skipped before it and its line end.
    const line = info.lines - (raw.replace(/^\n+/, '').replace(/\n$/, '').match(/\n/g)?.length ?? 0);
    return { line, where: `line ${line}`, raw: record };
  });
}

function jsonRows(file: string, text: string, problems: ItemProblem[]): { line?: number; where: string; raw: Raw }[] {
  const out: { line?: number; where: string; raw: Raw }[] = [];
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('[')) {
    // One JSON array: a broken file cannot be read row by row, so it is one problem.
    let list: unknown;
    try {
      list = JSON.parse(trimmed);
    } catch (err) {
      throw new StudioError('BAD_REQUEST', `${file}: not valid JSON (${(err as Error).message})`);
    }
    (list as unknown[]).forEach((v, i) => {
      if (isObject(v)) out.push({ where: `item ${i + 1}`, raw: v });
      else problems.push({ file, reason: `item ${i + 1}: not a JSON object` });
    });
    return out;
  }
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((s, i) => {
    if (!s.trim()) return;
    const line = i + 1;
    try {
      const v: unknown = JSON.parse(s);
      if (isObject(v)) out.push({ line, where: `line ${line}`, raw: v });
      else problems.push({ file, line, reason: 'not a JSON object' });
    } catch (err) {
      problems.push({ file, line, reason: `not valid JSON (${(err as Error).message})` });
    }
  });
  return out;
}

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A column as trimmed text; missing or empty: undefined. */
function str(raw: Raw, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = raw[n];
    if (typeof v === 'string' && v.trim()) return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return undefined;
}

function seconds(raw: Raw, ...names: string[]): number {
  const s = str(raw, ...names);
  if (s === undefined) throw new Error(`no ${names[0]} (seconds) given`);
  const n = Number(s);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${names[0]} "${s}" is not a number of seconds`);
  return n;
}

function captionsOf(raw: Raw): string[] {
  const list = raw.captions;
  const texts = Array.isArray(list) ? list : [raw.caption];
  const out = texts.map((t) => (typeof t === 'string' ? t.trim() : '')).filter(Boolean);
  if (!out.length) throw new Error('no caption given');
  const long = out.find((t) => t.length > MAX_CAPTION);
  if (long !== undefined) throw new Error(`the caption is ${long.length} characters long (at most ${MAX_CAPTION})`);
  return out;
}

function attributesOf(raw: Raw): CaptionAttributes {
  const v = raw.attributes;
  if (typeof v !== 'string' || !v.trim().startsWith('{')) return pickAttributes(v);
  try {
    return pickAttributes(JSON.parse(v));
  } catch {
    throw new Error('attributes is not valid JSON');
  }
}

function rowItems(raw: Raw, line: number | undefined, where: string): { items: CaptionItem[]; studioExport: boolean } {
  const texts = captionsOf(raw);
  const begin = seconds(raw, 'begin', 'start');
  const end = seconds(raw, 'end');
  if (!(end > begin)) throw new Error(`end ${end} is not after begin ${begin}`);
  const sha256 = str(raw, 'track_sha256')?.toLowerCase();
  if (sha256 !== undefined && !/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`track_sha256 "${sha256}" is not a sha256`);
  const sourcePath = str(raw, 'source_path');
  const audio = { youtubeId: str(raw, 'youtube_id', 'ytid'), id: str(raw, 'id'), path: sourcePath, sha256 };
  if (!audio.youtubeId && !audio.id && !sourcePath && !sha256) throw new Error('no youtube_id, id or source_path to find its audio by');
  const statusText = str(raw, 'status');
  if (statusText !== undefined && !CAPTION_STATUSES.includes(statusText as CaptionStatus)) {
    throw new Error(`status "${statusText}" is not one of ${CAPTION_STATUSES.join(', ')}`);
  }
  const split = str(raw, 'split');
  const base = {
    ...(line ? { line } : {}),
    where,
    audio,
    begin,
    end,
    status: (statusText ?? 'approved') as CaptionStatus,
    author: str(raw, 'annotator') ?? S2CAP_AUTHOR,
    attributes: attributesOf(raw),
    ...(split ? { split } : {}),
  };
  return { items: texts.map((text) => ({ ...base, text })), studioExport: sha256 !== undefined };
}
