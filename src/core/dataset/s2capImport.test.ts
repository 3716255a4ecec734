// S2Cap metadata import on every back end: CSV and JSONL joined to a folder of audio named by
// youtube_id or to a MAP.csv; malformed rows reported by line and skipped; missing audio listed;
// spans past the track's end clamped, spans outside 5–30 s reported; re-import adds nothing;
// a failure while writing leaves nothing of the file behind.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CaptionsRepo } from '../store/captions';
import type { Store } from '../store/store';
import { makeDatasetAudio } from '../testing/datasetAudio';
import { testStores } from '../testing/testStores';
import { tempDir } from '../testing/tmp';
import { DatasetImporter } from './datasetImporter';

const backends = testStores();
const tmp = tempDir();
const AUDIO = path.join(tmp.dir, 'audio');
const YT_A = 'abc123XYZ00';
const YT_B = 'def456_-Q';

// Line 1 is the header. Lines 5 and 6: 30.3 s long; line 7: end 40.9 s on a 40.5 s track (clamped);
// line 8 malformed (3 fields); line 9: no audio; line 10: begin not a number.
const CSV = `id,caption,begin,end,youtube_id,split
a0,"A female singer, with a high, bright voice.",0,10,${YT_A},train
a0b,A second reference for the same span.,0,10,${YT_A},train
a1,Overlapping span of the same song.,5,15,${YT_A},train
b0,"Low ""crooning"" male voice.",10,40.3,${YT_B},test
b0,Too long a span.,10,40.3,${YT_B},test
b1,Slow ballad to the end.,20,40.9,${YT_B},test
bad row,only three
c0,Missing audio.,0,10,noSuchVideo,validation
c1,Not a time.,abc,10,${YT_A},train
`;

const JSONL = [
  JSON.stringify({ id: 'a0', captions: ['A female singer, with a high, bright voice.', 'A second reference for the same span.'], begin: 0, end: 10, youtube_id: YT_A, split: 'train' }),
  JSON.stringify({ id: 'a1', caption: 'Overlapping span of the same song.', begin: '5', end: '15', youtube_id: YT_A }),
  '{"id": "broken", "caption": ',
  '',
  JSON.stringify({ id: 'b1', caption: 'Slow ballad to the end.', begin: 20, end: 40.9, youtube_id: YT_B, split: 'test' }),
  JSON.stringify({ id: 'c0', caption: 'Missing audio.', begin: 0, end: 10, youtube_id: 'noSuchVideo' }),
].join('\n');

beforeAll(() => {
  makeDatasetAudio(AUDIO, { a: YT_A, b: YT_B });
  fs.writeFileSync(path.join(tmp.dir, 'meta.csv'), CSV);
  fs.writeFileSync(path.join(tmp.dir, 'meta.jsonl'), JSONL);
  // The same audio under other names, found through a map (relative paths: the map's folder).
  const other = path.join(tmp.dir, 'elsewhere');
  fs.mkdirSync(other);
  fs.copyFileSync(path.join(AUDIO, `${YT_A}.wav`), path.join(other, 'song one.wav'));
  fs.copyFileSync(path.join(AUDIO, `${YT_B}.flac`), path.join(other, 'song two.flac'));
  fs.writeFileSync(path.join(tmp.dir, 'map.csv'), `youtube_id,path\n${YT_A},elsewhere/song one.wav\n${YT_B},"elsewhere/song two.flac"\nnoSuchVideo,\n`);
});
afterAll(() => tmp.cleanup());

/** Every visible segment of the library with its revisions (text, status, author, source). */
async function contents(store: Store) {
  const out: { file: string; start: number; end: number; revisions: { text: string; status: string; author: string; source: string }[] }[] = [];
  for (const t of await store.tracks.list()) {
    for (const s of await store.segments.list(t.id)) {
      const revisions = (await store.captions.history(s.id)).map((r) => ({ text: r.text, status: r.status, author: r.author, source: r.source }));
      out.push({ file: t.fileName, start: s.startSec, end: s.endSec, revisions });
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.start - b.start);
}

const rev = (text: string) => ({ text, status: 'approved', author: 'dataset:s2cap', source: 'import' });

describe.each(backends)('S2Cap import ($name)', (backend) => {
  it('imports CSV rows joined to a folder named by youtube_id, reporting bad rows by line', async () => {
    const { store } = await backend.open();
    const r = await new DatasetImporter(store).importS2Cap(path.join(tmp.dir, 'meta.csv'), { audio: AUDIO });
    expect(r.format).toBe('s2cap');
    expect(r.tracks).toEqual({ imported: 2, reused: 0 });
    expect(r.segments).toEqual({ created: 3, reused: 0 });
    expect(r.revisions).toEqual({ created: 4, unchanged: 0 });
    expect(r.splits).toEqual({ train: 3, test: 1 });
    expect(r.problems.map((p) => [p.line, p.reason])).toEqual([
      [5, expect.stringMatching(/10–40\.3 s of def456_-Q\.flac: segments are 5–30 s long .*30\.30 s/)],
      [6, expect.stringMatching(/^10–40\.3 s/)],
      [8, expect.stringMatching(/Invalid Record Length/)],
      [10, 'begin "abc" is not a number of seconds'],
    ]);
    expect(r.missingAudio).toEqual([{ key: 'noSuchVideo', lines: [9], where: [] }]);
    expect(r.notes).toEqual([expect.stringMatching(/line 7: end 40\.9 s moved to the end of def456_-Q\.flac \(40\.500 s\)/)]);
    expect(await contents(store)).toEqual([
      { file: `${YT_A}.wav`, start: 0, end: 10, revisions: [rev('A female singer, with a high, bright voice.'), rev('A second reference for the same span.')] },
      { file: `${YT_A}.wav`, start: 5, end: 15, revisions: [rev('Overlapping span of the same song.')] },
      { file: `${YT_B}.flac`, start: 20, end: 40.5, revisions: [rev('Slow ballad to the end.')] },
    ]);
    // Re-importing the same file (or its JSONL twin) adds nothing.
    const again = await new DatasetImporter(store).importS2Cap(path.join(tmp.dir, 'meta.csv'), { audio: AUDIO });
    expect(again.tracks).toEqual({ imported: 0, reused: 2 });
    expect(again.segments).toEqual({ created: 0, reused: 3 });
    expect(again.revisions).toEqual({ created: 0, unchanged: 4 });
    const twin = await new DatasetImporter(store).importS2Cap(path.join(tmp.dir, 'meta.jsonl'), { audio: AUDIO });
    expect(twin.revisions).toEqual({ created: 0, unchanged: 4 });
    expect((await contents(store)).flatMap((s) => s.revisions)).toHaveLength(4);
  });

  it('imports JSONL (a captions list per segment) through a MAP.csv, skipping lines that are not JSON', async () => {
    const { store } = await backend.open();
    const r = await new DatasetImporter(store).importS2Cap(path.join(tmp.dir, 'meta.jsonl'), { audio: path.join(tmp.dir, 'map.csv') });
    expect(r.captions).toBe(5);
    expect(r.revisions).toEqual({ created: 4, unchanged: 0 });
    expect(r.problems.map((p) => [path.basename(p.file), p.line, p.reason])).toEqual([
      ['map.csv', 4, 'needs both youtube_id and path'],
      ['meta.jsonl', 3, expect.stringMatching(/^not valid JSON/)],
    ]);
    expect(r.missingAudio).toEqual([{ key: 'noSuchVideo', lines: [6], where: [] }]);
    const got = await contents(store);
    expect(got.map((s) => [s.file, s.start, s.end, s.revisions.length])).toEqual([
      ['song one.wav', 0, 10, 2],
      ['song one.wav', 5, 15, 1],
      ['song two.flac', 20, 40.5, 1],
    ]);
  });

  it('reuses a track already in the library (same content), and a hidden segment is not brought back', async () => {
    const { store } = await backend.open();
    const importer = new DatasetImporter(store);
    await importer.importS2Cap(path.join(tmp.dir, 'meta.csv'), { audio: path.join(tmp.dir, 'map.csv') });
    const [first] = await contents(store);
    const track = (await store.tracks.list()).find((t) => t.fileName === first!.file)!;
    const seg = (await store.segments.list(track.id))[0]!;
    await store.segments.delete(seg.id);
    const r = await importer.importS2Cap(path.join(tmp.dir, 'meta.csv'), { audio: AUDIO });
    expect(r.tracks).toEqual({ imported: 0, reused: 2 });
    expect(r.revisions).toEqual({ created: 0, unchanged: 4 });
    expect(await store.segments.list(track.id)).toHaveLength(1);
  });

  it('writes nothing of a file when writing its captions fails part way', async () => {
    const { store } = await backend.open();
    const real = CaptionsRepo.prototype.append;
    let calls = 0;
    const spy = vi.spyOn(CaptionsRepo.prototype, 'append').mockImplementation(function (this: CaptionsRepo, rev) {
      if (++calls === 3) throw new Error('disk full');
      return real.call(this, rev);
    });
    try {
      await expect(new DatasetImporter(store).importS2Cap(path.join(tmp.dir, 'meta.csv'), { audio: AUDIO })).rejects.toThrow('disk full');
    } finally {
      spy.mockRestore();
    }
    // The tracks were imported first (file work); no segment and no revision of the file stayed.
    expect(await store.tracks.list()).toHaveLength(2);
    expect(await contents(store)).toEqual([]);
  });
});
