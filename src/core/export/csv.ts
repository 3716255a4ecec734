// The `csv` export: the jsonl rows as one table, `data.csv`, columns id, caption, begin, end (as
// S2Cap's metadata has them) then the provenance fields; attributes as JSON in one column, empty
// cells for nulls, booleans as true/false. Quoting and escaping are csv-stringify's (RFC 4180).
import fs from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { ExportRow } from '../../shared/dataset';
import type { FormatWriter } from './formatWriter';

export const CSV_FILE = 'data.csv';

export const CSV_COLUMNS = [
  'id',
  'caption',
  'begin',
  'end',
  'track_sha256',
  'source_path',
  'suggestion',
  'suggestion_model',
  'suggestion_score',
  'annotator',
  'reviewer',
  'revision_id',
  'status',
  'edited',
  'edit_distance',
  'attributes',
  'split',
] as const satisfies readonly (keyof ExportRow)[];

export const csvWriter: FormatWriter = {
  async write(dir, groups, { signal, onProgress }) {
    const total = groups.reduce((n, g) => n + g.rows.length, 0);
    const csv = stringify({
      header: true,
      columns: [...CSV_COLUMNS],
      cast: { boolean: (v) => (v ? 'true' : 'false'), object: (v) => JSON.stringify(v) },
    });
    const written = pipeline(csv, fs.createWriteStream(path.join(dir, CSV_FILE), { flags: 'wx' }), { signal });
    let done = 0;
    try {
      for (const g of groups) {
        for (const row of g.rows) {
          signal.throwIfAborted();
          if (!csv.write(row)) await once(csv, 'drain', { signal });
          onProgress(++done, total);
        }
      }
      csv.end();
    } catch (err) {
      csv.destroy(err as Error);
      await written.catch(() => {});
      throw err;
    }
    await written;
  },
};
