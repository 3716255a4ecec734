// Line numbers of S2Cap CSV rows as an editor shows them: the line a row starts on, whatever came
// before it (a BOM, blank lines, a caption spanning lines, Windows CRLF line ends — csv-parse counts
// a CRLF inside a quoted field as two lines, which shifted every later row).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/tmp';
import { readS2CapRows } from './s2capRows';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const LINES = [
  'id,caption,begin,end,youtube_id,split', // 1
  '', // 2
  'a1,"A soft voice, slow",0,10,yt1,train', // 3
  'a2,Not a time,x,10,yt1,train', // 4
  '', // 5
  'a3,"two', // 6
  'lines",12,25,yt2,test', // 7
  'a4,Too late,9,x,yt1,train', // 8
  'a5,Fine,0,10,yt1,train', // 9
];

describe('readS2CapRows (CSV)', () => {
  for (const [name, eol] of [
    ['LF', '\n'],
    ['CRLF with a BOM', '\r\n'],
  ] as const) {
    it(`reports each row at the line it starts on (${name})`, async () => {
      const file = path.join(tmp.dir, `meta-${name.replace(/\W/g, '')}.csv`);
      fs.writeFileSync(file, (eol === '\r\n' ? '\uFEFF' : '') + LINES.join(eol) + eol);
      const r = await readS2CapRows(file);
      expect(r.items.map((i) => [i.line, i.text])).toEqual([
        [3, 'A soft voice, slow'],
        [6, 'two\nlines'],
        [9, 'Fine'],
      ]);
      expect(r.problems.map((p) => [p.line, p.reason])).toEqual([
        [4, 'begin "x" is not a number of seconds'],
        [8, 'end "x" is not a number of seconds'],
      ]);
    });
  }
});
