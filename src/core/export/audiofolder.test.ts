// The audiofolder writer on real audio: a 30 s FLAC made with sox, the committed duet (with its
// vocal stem) and a track whose file is gone. Checks what datasets' AudioFolder relies on (one
// metadata.jsonl per split folder, relative file_name first, every named file present and nothing
// else, the same columns typed the same way in every split — also a split in which no row has a
// suggestion — and exactly as the dataset card README.md declares them), the card's YAML (read by a
// strict parser of the subset it is written in), the clips decoded back, one decode per file, skips
// with reasons, per-row progress and cancellation.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ExportRequest, ExportRow, SplitName } from '../../shared/dataset';
import * as decodeModule from '../audio/decode';
import { decodeFile } from '../audio/decode';
import { readSegments } from '../inference/segmentAudio';
import { arrowSchema, filesUnder, parseYamlSubset } from '../testing/datasetFiles';
import { decodeCallsOf } from '../testing/decodeCounting';
import { freshStore } from '../testing/freshLibrary';
import { seedExport } from '../testing/seedExport';
import { FIXTURE_DUET, tempDir } from '../testing/tmp';
import { audiofolderWriter, CARD_NAME } from './audiofolder';
import type { ExportTrackGroup, FormatWriteOptions } from './formatWriter';
import { runExport } from './runExport';
import { STUDIO_VERSION } from '../version';

vi.mock('../audio/decode', async (original) => (await import('../testing/decodeCounting')).countingDecode(await original()));
const decodeCalls = (): string[] => decodeCallsOf(decodeModule);

const tmp = tempDir();
afterAll(tmp.cleanup);
let song: string;
const DUET = path.join(FIXTURE_DUET, 'duet.mp3');
const DUET_VOCALS = path.join(FIXTURE_DUET, 'duet.vocals.ogg');
beforeAll(() => {
  song = path.join(tmp.dir, 'song.flac');
  execFileSync('sox', ['-R', '-n', '-r', '44100', '-b', '16', '-c', '2', song, 'synth', '30', 'sine', '330', 'pinknoise', 'vol', '0.4']);
});

let nextId = 1;
function row(sha: string, split: SplitName, begin: number, end: number, extra: Partial<ExportRow> = {}): ExportRow {
  const id = nextId++;
  return {
    id: `${sha.slice(0, 12)}-${id}`,
    caption: `caption ${id}`,
    begin,
    end,
    track_sha256: sha,
    source_path: '',
    suggestion: `suggestion ${id}`,
    suggestion_model: 'seedcap@1.0.0',
    suggestion_score: -0.25,
    annotator: 'ann',
    revision_id: id,
    status: 'approved',
    edited: true,
    edit_distance: 1,
    attributes: { gender: 'female' },
    split,
    ...extra,
  };
}

function group(file: string, vocalsPath: string | null, rows: ExportRow[]): ExportTrackGroup {
  for (const r of rows) r.source_path = file;
  return { track: { id: nextId++, sha256: rows[0]!.track_sha256, path: file, durationSec: null, sampleRate: null, channels: null }, vocalsPath, rows };
}

interface Run {
  dir: string;
  skipped: [string, string][];
  progress: [number, number][];
}

async function run(groups: ExportTrackGroup[], req: Partial<ExportRequest> = {}, signal = new AbortController().signal): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(tmp.dir, 'out-'));
  const res: Run = { dir, skipped: [], progress: [] };
  const opts: FormatWriteOptions = {
    request: { format: 'audiofolder', out: dir, ...req },
    signal,
    onProgress: (d, t) => res.progress.push([d, t]),
    skip: (r, reason) => res.skipped.push([r.id, reason]),
  };
  await audiofolderWriter.write(dir, groups, opts);
  return res;
}

function readMetadata(dir: string, split: string): Record<string, unknown>[] {
  return fs
    .readFileSync(path.join(dir, split, 'metadata.jsonl'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

interface Card {
  configs?: { config_name: string; data_files: { split: string; path: string[] }[] }[];
  dataset_info: { features: { name: string; dtype?: string; struct?: { name: string; dtype: string }[] }[]; splits: { name: string; num_examples: number }[] };
}

/** The card's front matter (checked against Python's YAML reader too, when python3 has one) and prose. */
function readCard(dir: string): { card: Card; prose: string } {
  const file = path.join(dir, CARD_NAME);
  const text = fs.readFileSync(file, 'utf8');
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
  if (!m) throw new Error(`${CARD_NAME} has no YAML front matter`);
  const card = parseYamlSubset(m[1]!, 'card YAML');
  const py = 'import json, sys\ntry:\n import yaml\nexcept ImportError:\n print("null"); sys.exit(0)\nprint(json.dumps(yaml.safe_load(sys.stdin.read())))';
  const theirs = JSON.parse(execFileSync('python3', ['-c', py], { input: m[1]! }).toString()) as unknown;
  if (theirs !== null) expect(theirs).toEqual(card);
  return { card: card as unknown as Card, prose: m[2]! };
}

/** The metadata.jsonl schema the card declares, in arrowSchema's notation (audio columns are file name strings there). */
function declaredSchema(card: Card): string {
  const arrow: Record<string, string> = { string: 'string', float64: 'double', int64: 'int64', bool: 'bool' };
  return card.dataset_info.features
    .map((f) => {
      if (f.dtype === 'audio') return `${f.name === 'audio' ? 'file_name' : `${f.name}_file_name`}:string`;
      if (f.struct) return `${f.name}:struct<${[...f.struct].sort((a, b) => (a.name < b.name ? -1 : 1)).map((x) => `${x.name}:${arrow[x.dtype]}`).join(',')}>`;
      return `${f.name}:${arrow[f.dtype!] ?? `unknown dtype ${f.dtype}`}`;
    })
    .join(' ');
}

describe('audiofolderWriter', () => {
  it('writes split folders whose metadata.jsonl names exactly the clips present, typed alike in every split', async () => {
    const shaA = 'a'.repeat(64);
    const shaB = 'b'.repeat(64);
    const shaC = 'c'.repeat(64);
    const a = group(song, null, [row(shaA, 'train', 0, 5), row(shaA, 'train', 4, 12.5, { attributes: { tempo: 'slow', mood: 'calm' } }), row(shaA, 'train', 20, 29.75)]);
    a.rows[0]!.reviewer = 'rev';
    // No suggestion at all in the test split, and no reviewer: its columns must still type as in train.
    const b = group(DUET, DUET_VOCALS, [
      row(shaB, 'test', 1, 6, { suggestion: null, suggestion_model: null, suggestion_score: null, edit_distance: null, edited: false, attributes: {} }),
      row(shaB, 'test', 5.5, 10, { suggestion: null, suggestion_model: null, suggestion_score: null, edit_distance: null, edited: false, reviewer: null }),
    ]);
    const gone = path.join(tmp.dir, 'gone.wav');
    const c = group(gone, null, [row(shaC, 'validation', 0, 5), row(shaC, 'validation', 5, 10)]);
    const before = decodeCalls().length;
    const r = await run([a, c, b]);

    // One decode pass per file, however many segments it has.
    expect(decodeCalls().slice(before)).toEqual([song, DUET]);
    // Only splits with rows, and the card; the missing file's rows skipped with the reason.
    expect(fs.readdirSync(r.dir).sort()).toEqual([CARD_NAME, 'test', 'train']);
    const { card, prose } = readCard(r.dir);
    expect(r.skipped).toEqual(c.rows.map((x) => [x.id, `gone.wav: audio file missing (${gone})`]));
    // Progress per row, ending at the total.
    expect(r.progress.at(-1)).toEqual([7, 7]);
    expect(r.progress.map((p) => p[0])).toEqual([...r.progress.map((p) => p[0])].sort((x, y) => x - y));
    expect(r.progress.length).toBeGreaterThanOrEqual(5);

    const schemas = new Set<string>();
    for (const [split, rows] of [
      ['train', a.rows],
      ['test', b.rows],
    ] as const) {
      const lines = readMetadata(r.dir, split);
      expect(lines.map((l) => l.id)).toEqual(rows.map((x) => x.id));
      // file_name first, relative to the split folder, and every file present is named once.
      expect(lines.every((l) => Object.keys(l)[0] === 'file_name')).toBe(true);
      const named = lines.map((l) => l.file_name as string);
      expect(named.every((f) => !path.isAbsolute(f) && !f.split('/').includes('..'))).toBe(true);
      expect(filesUnder(path.join(r.dir, split))).toEqual([...named, 'metadata.jsonl'].map((f) => path.normalize(f)).sort());
      expect(new Set(lines.map((l) => Object.keys(l).join(','))).size).toBe(1);
      // Every column typed as the card declares it, null nowhere; the card's data_files name this split's files.
      const schema = arrowSchema(path.join(r.dir, split, 'metadata.jsonl'));
      expect(schema).toBe(declaredSchema(card));
      schemas.add(schema);
      expect(card.configs![0]!.data_files.find((d) => d.split === split)!.path).toEqual([`${split}/metadata.jsonl`, `${split}/clips/*.wav`]);
      expect(card.dataset_info.splits.find((x) => x.name === split)!.num_examples).toBe(rows.length);
      // The row's fields as given, with absent strings as "" and absent numbers filled.
      const first = lines[0]!;
      const src = rows[0]!;
      expect(first).toMatchObject({ caption: src.caption, begin: src.begin, end: src.end, track_sha256: src.track_sha256, revision_id: src.revision_id, split });
      expect(first.suggestion).toBe(src.suggestion ?? '');
      expect(Object.keys(first.attributes as object).sort()).toEqual(['gender', 'genre', 'mood', 'pitch', 'tempo', 'timbre', 'volume']);
      for (const [k, l] of lines.entries()) {
        const x = rows[k]!;
        expect([l.suggestion_score, l.has_suggestion_score, l.edit_distance, l.reviewer]).toEqual([x.suggestion_score ?? 0, x.suggestion_score !== null, x.edit_distance ?? -1, x.reviewer ?? '']);
      }
      // Clips: 16 kHz mono, the segment's length, the same samples the captioner reads for that span.
      const want = await readSegments(rows[0]!.source_path, rows.map((x) => ({ startSec: x.begin, endSec: x.end })));
      for (const [i, l] of lines.entries()) {
        const clip = await decodeFile(path.join(r.dir, split, l.file_name as string));
        expect([clip.sampleRate, clip.channelData.length]).toEqual([16000, 1]);
        expect(clip.channelData[0]!.length).toBe(Math.round(rows[i]!.end * 16000) - Math.round(rows[i]!.begin * 16000));
        let d = 0;
        for (let k = 0; k < want[i]!.length; k++) d = Math.max(d, Math.abs(clip.channelData[0]![k]! - want[i]![k]!));
        expect(d).toBeLessThan(2.5 / 32768);
      }
    }
    expect(schemas.size, [...schemas].join('\n')).toBe(1);
    // The card: one default config over the written splits, the audio column first, provenance in prose.
    expect(card.configs!.map((c) => [c.config_name, c.data_files.map((d) => d.split)])).toEqual([['default', ['train', 'test']]]);
    expect(card.dataset_info.features[0]).toEqual({ name: 'audio', dtype: 'audio' });
    expect(prose).toContain(`S2Cap Studio ${STUDIO_VERSION}: 5 segments (train 3, test 2; by status: approved 5), 2 left out`);
    expect(prose).toContain('"format": "audiofolder"');
    for (const f of card.dataset_info.features) expect(prose).toContain(f.dtype === 'audio' ? `→ \`${f.name}\`` : `| \`${f.name}\` |`);
  });

  it('cuts the vocal stem beside each clip when asked, skipping tracks without one', async () => {
    const shaA = 'd'.repeat(64);
    const shaB = 'e'.repeat(64);
    const a = group(song, null, [row(shaA, 'train', 0, 5)]);
    const b = group(DUET, DUET_VOCALS, [row(shaB, 'train', 0.5, 4.5), row(shaB, 'validation', 6, 9.25)]);
    const before = decodeCalls().length;
    const r = await run([a, b], { vocals: true, sampleRate: 'original' });
    expect(decodeCalls().slice(before)).toEqual([DUET, DUET_VOCALS]);
    expect(r.skipped).toEqual([[a.rows[0]!.id, 'song.flac: no vocal stem; separate the track, or export without vocals']]);
    expect(r.progress.at(-1)).toEqual([3, 3]);
    const { card } = readCard(r.dir);
    expect(card.dataset_info.features.slice(0, 2)).toEqual([
      { name: 'audio', dtype: 'audio' },
      { name: 'vocals', dtype: 'audio' },
    ]);
    for (const [split, x] of [
      ['train', b.rows[0]!],
      ['validation', b.rows[1]!],
    ] as const) {
      const [l] = readMetadata(r.dir, split);
      expect(Object.keys(l!).slice(0, 2)).toEqual(['file_name', 'vocals_file_name']);
      expect(arrowSchema(path.join(r.dir, split, 'metadata.jsonl'))).toBe(declaredSchema(card));
      expect(card.configs![0]!.data_files.find((d) => d.split === split)!.path).toEqual([`${split}/metadata.jsonl`, `${split}/clips/*.wav`, `${split}/vocals/*.wav`]);
      expect(l!.vocals_file_name).toBe(`vocals/${x.id}.wav`);
      expect(filesUnder(path.join(r.dir, split))).toEqual(['metadata.jsonl', `clips/${x.id}.wav`, `vocals/${x.id}.wav`].map(path.normalize).sort());
      const voc = await decodeFile(path.join(r.dir, split, l!.vocals_file_name as string));
      const src = await decodeFile(DUET_VOCALS);
      // The original rate and channels: 44.1 kHz stereo, the stem's own samples.
      expect([voc.sampleRate, voc.channelData.length]).toEqual([44100, 2]);
      for (const ch of [0, 1]) {
        const want = src.channelData[ch]!.subarray(Math.round(x.begin * 44100), Math.round(x.end * 44100));
        expect(voc.channelData[ch]!.length).toBe(want.length);
        let d = 0;
        for (let k = 0; k < want.length; k++) d = Math.max(d, Math.abs(voc.channelData[ch]![k]! - want[k]!));
        expect(d).toBeLessThan(2.5 / 32768);
      }
    }
  });

  it('skips a span the file has no audio for, and an undecodable file, each with the reason', async () => {
    const sha = 'f'.repeat(64);
    const notAudio = path.join(tmp.dir, 'notes.wav');
    fs.writeFileSync(notAudio, 'not audio\n'.repeat(50));
    const a = group(song, null, [row(sha, 'train', 2, 3), row(sha, 'train', 31, 35)]);
    const b = group(notAudio, null, [row('0'.repeat(64), 'test', 0, 1)]);
    const r = await run([a, b]);
    expect(r.skipped).toEqual([
      [a.rows[1]!.id, 'song.flac: it has no audio in 31.00–35.00 s (decodes to 30.00 s)'],
      [b.rows[0]!.id, expect.stringMatching(/^notes\.wav: cannot decode .*notes\.wav: /)],
    ]);
    expect(fs.readdirSync(r.dir).sort()).toEqual([CARD_NAME, 'train']);
    expect(filesUnder(path.join(r.dir, 'train'))).toEqual(['clips/' + a.rows[0]!.id + '.wav', 'metadata.jsonl'].map(path.normalize).sort());
  });

  it('stops when cancelled between clips', async () => {
    const sha = '1'.repeat(64);
    const ac = new AbortController();
    const a = group(song, null, [row(sha, 'train', 0, 1), row(sha, 'train', 1, 20), row(sha, 'train', 21, 22)]);
    const dir = fs.mkdtempSync(path.join(tmp.dir, 'cancel-'));
    const opts: FormatWriteOptions = {
      request: { format: 'audiofolder', out: dir },
      signal: ac.signal,
      onProgress: (d) => {
        if (d >= 1) ac.abort();
      },
      skip: () => {},
    };
    await expect(audiofolderWriter.write(dir, [a], opts)).rejects.toMatchObject({ name: 'AbortError' });
    expect(filesUnder(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'train', 'metadata.jsonl'))).toBe(false);
  });
});

describe('audiofolder through the export framework (runExport on a SQLite library)', () => {
  const lib = freshStore();
  it('exports every approved segment of real tracks, with the clips in the manifest', async () => {
    const root = path.join(lib.dir, 'music');
    fs.mkdirSync(root);
    // seedExport's tracks are root/track-N.wav with segments at 0–8, 10–18 s: make them real.
    for (let t = 0; t < 4; t++) {
      execFileSync('sox', ['-R', '-n', '-r', '44100', '-b', '16', '-c', '2', path.join(root, `track-${t}.wav`), 'synth', '20', 'sine', String(200 + 50 * t), 'vol', '0.3']);
    }
    await seedExport(lib.it, { tracks: 5, perTrack: 2, root }); // track-4.wav never made: missing
    const before = decodeCalls().length;
    const out = path.join(lib.dir, 'out');
    const report = await runExport(lib.it, { format: 'audiofolder', out }, { writer: audiofolderWriter });
    expect(decodeCalls().length - before).toBe(4);
    expect(report.manifest.counts.total).toBe(8);
    expect(report.skipped).toEqual([expect.stringMatching(/^track-4\.wav: audio file missing .*: 2 segments \(/)]);
    let lines = 0;
    // The card is written by the writer, so the manifest hashes it like every other file.
    expect(report.manifest.files[CARD_NAME]).toBe(crypto.createHash('sha256').update(fs.readFileSync(path.join(out, CARD_NAME))).digest('hex'));
    for (const split of fs.readdirSync(out).filter((n) => n !== 'manifest.json' && n !== CARD_NAME)) {
      const meta = readMetadata(out, split);
      lines += meta.length;
      for (const m of meta) {
        const rel = `${split}/${m.file_name as string}`;
        const bytes = fs.readFileSync(path.join(out, rel));
        expect(report.manifest.files[rel]).toBe(crypto.createHash('sha256').update(bytes).digest('hex'));
        expect((bytes.length - 44) / 2).toBe(8 * 16000); // 8 s at 16 kHz mono PCM16
      }
      expect(report.manifest.files[`${split}/metadata.jsonl`]).toBeDefined();
    }
    expect(lines).toBe(8);
    expect(Object.keys(report.manifest.files)).toHaveLength(8 + fs.readdirSync(out).length - 1);
  });
});
