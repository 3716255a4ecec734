// Finds the local audio file of a dataset row: in a folder of files named by youtube_id or id
// (any supported audio extension, subfolders included), or through a CSV map (`youtube_id,path`
// or `id,path`, paths relative to the map's folder). A map row that does not parse is reported
// with its line and skipped, like a metadata row.
import fs from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { StudioError } from '../../shared/errors';
import { AUDIO_EXTENSIONS, extensionOf, isAudioFileName } from '../library/formats';
import type { AudioRef, ItemProblem } from './captionItem';

/** A file found for a row, and which of the row's names found it. */
export interface FoundAudio {
  path: string;
  by: 'youtube_id' | 'id' | 'path' | 'file';
}

export interface AudioLookup {
  find(ref: AudioRef): FoundAudio | null;
  /** Problems reading the source (map rows), reported with the import. */
  readonly problems: ItemProblem[];
}

const stem = (name: string): string => {
  const ext = extensionOf(name);
  return ext ? name.slice(0, -(ext.length + 1)) : name;
};
const rank = (name: string): number => (AUDIO_EXTENSIONS as readonly string[]).indexOf(extensionOf(name));

/** No --audio: rows must name their files themselves. */
export const NO_AUDIO_SOURCE: AudioLookup = { find: () => null, problems: [] };

/** Opens `--audio`: a folder, or a CSV map file. */
export async function openAudioLookup(source: string): Promise<AudioLookup> {
  const st = await fs.stat(source).catch((err: NodeJS.ErrnoException) => {
    throw new StudioError('BAD_REQUEST', `--audio ${source}: ${err.code === 'ENOENT' ? 'no such file or folder' : err.message}`);
  });
  return st.isDirectory() ? folderLookup(source) : mapLookup(source);
}

async function folderLookup(dir: string): Promise<AudioLookup> {
  const byStem = new Map<string, string>();
  const byName = new Map<string, string>();
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  // Shallowest first, then by the extension order of formats.ts: the same pick on every run.
  const files = entries
    .filter((e) => e.isFile() && isAudioFileName(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort((a, b) => a.split(path.sep).length - b.split(path.sep).length || rank(a) - rank(b) || a.localeCompare(b));
  for (const f of files) {
    const name = path.basename(f);
    if (!byStem.has(stem(name))) byStem.set(stem(name), f);
    if (!byName.has(name)) byName.set(name, f);
  }
  return {
    problems: [],
    find(ref) {
      if (ref.youtubeId && byStem.has(ref.youtubeId)) return { path: byStem.get(ref.youtubeId)!, by: 'youtube_id' };
      if (ref.id && byStem.has(ref.id)) return { path: byStem.get(ref.id)!, by: 'id' };
      for (const name of [ref.fileName, ref.path && path.basename(ref.path)]) {
        if (!name) continue;
        const hit = byName.get(name) ?? byStem.get(stem(name));
        if (hit) return { path: hit, by: 'file' };
      }
      return null;
    },
  };
}

async function mapLookup(file: string): Promise<AudioLookup> {
  const text = await fs.readFile(file, 'utf8');
  const problems: ItemProblem[] = [];
  const records = parse(text, {
    columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
    bom: true,
    info: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (err) => void problems.push({ file, ...(typeof err?.lines === 'number' ? { line: err.lines } : {}), reason: err?.message ?? 'malformed row' }),
  }) as { record: Record<string, string | undefined>; info: { lines: number } }[];
  const columns = records[0] ? Object.keys(records[0].record) : (text.split(/\r?\n/, 1)[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const keyColumn = columns.includes('youtube_id') ? 'youtube_id' : columns.includes('id') ? 'id' : null;
  if (!keyColumn || !columns.includes('path')) throw new StudioError('BAD_REQUEST', `${file}: an audio map needs the columns youtube_id,path or id,path (found: ${columns.join(',') || 'none'})`);
  const map = new Map<string, string>();
  for (const { record, info } of records) {
    const key = record[keyColumn]?.trim();
    const p = record.path?.trim();
    if (!key || !p) {
      problems.push({ file, line: info.lines, reason: `needs both ${keyColumn} and path` });
      continue;
    }
    map.set(key, path.resolve(path.dirname(file), p));
  }
  return {
    problems,
    find(ref) {
      const key = keyColumn === 'youtube_id' ? ref.youtubeId : ref.id;
      const hit = key !== undefined ? map.get(key) : undefined;
      return hit ? { path: hit, by: keyColumn } : null;
    },
  };
}
