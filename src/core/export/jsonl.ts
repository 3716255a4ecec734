// The `jsonl` export: S2Cap-compatible rows (id, caption, begin, end) with their provenance, one
// ExportRow per line in `data.jsonl`, every split in one file (the `split` field says which).
import path from 'node:path';
import type { FormatWriter } from './formatWriter';
import { withTextFile } from './textFile';

export const JSONL_FILE = 'data.jsonl';

export const jsonlWriter: FormatWriter = {
  async write(dir, groups, { signal, onProgress }) {
    const total = groups.reduce((n, g) => n + g.rows.length, 0);
    let done = 0;
    await withTextFile(path.join(dir, JSONL_FILE), signal, async (f) => {
      for (const g of groups) {
        for (const row of g.rows) {
          await f.line(JSON.stringify(row));
          onProgress(++done, total);
        }
      }
    });
  },
};
