// Track-level StudioApi commands on a real library file: open (file state), relink, segments,
// stems and peaks (through the worker and the on-disk cache).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../api/dispatch';
import { studioStore } from '../studio';
import { fixture, FIXTURE_DUET } from '../testing/tmp';
import { freshStudio } from '../testing/freshLibrary';

const lib = freshStudio();
const studio = () => lib.it;

async function importCopy(src: string, name = path.basename(src)) {
  const dest = path.join(lib.dir, name);
  fs.copyFileSync(src, dest);
  const [t] = (await studio().importPaths({ paths: [dest] })).imported;
  return t!;
}

describe('openTrack and relink', () => {
  it('reports ok, then missing after a move, then ok after relinking to the moved file', async () => {
    const t = await importCopy(fixture('aria.flac'));
    expect((await studio().openTrack({ id: t.id })).fileState).toBe('ok');
    const moved = path.join(lib.dir, 'moved.flac');
    fs.renameSync(t.path, moved);
    const open = await studio().openTrack({ id: t.id });
    expect(open.fileState).toBe('missing');
    expect(open.fileMessage).toMatch(/missing \(moved or deleted\)/);
    const events: unknown[] = [];
    studio().on('trackChanged', (e) => events.push(e));
    expect((await studio().relinkTrack({ id: t.id, path: moved })).path).toBe(moved);
    expect((await studio().openTrack({ id: t.id })).fileState).toBe('ok');
    expect(events).toEqual([{ trackId: t.id, what: 'file' }]);
  });

  it('notices a file whose content changed, and refuses to relink to a different recording', async () => {
    const t = await importCopy(fixture('aria.wav'));
    fs.copyFileSync(fixture('lullaby.wav'), t.path);
    const open = await studio().openTrack({ id: t.id });
    expect(open.fileState).toBe('changed');
    expect(open.fileMessage).toMatch(/changed since it was imported/);
    await expect(studio().relinkTrack({ id: t.id, path: fixture('lullaby.wav') })).rejects.toThrow(/not the same recording/);
    // Touching a file without changing it is still ok.
    const u = await importCopy(fixture('aria.mp3'));
    fs.utimesSync(u.path, new Date(), new Date(Date.now() + 5000));
    expect((await studio().openTrack({ id: u.id })).fileState).toBe('ok');
  });
});

describe('segments', () => {
  it('creates, resizes and deletes segments within the 5–30 s rule', async () => {
    const t = await importCopy(path.join(FIXTURE_DUET, 'duet.mp3'));
    const a = await studio().createSegment({ trackId: t.id, startSec: 0, endSec: 5.5 });
    const b = await studio().createSegment({ trackId: t.id, startSec: 4, endSec: 10, allowOverlap: true });
    expect((await studio().openTrack({ id: t.id })).segments.map((s) => s.id)).toEqual([a.id, b.id]);
    expect(await studio().updateSegment({ id: a.id, startSec: 1, endSec: 7, allowOverlap: true })).toMatchObject({ startSec: 1, endSec: 7 });
    await expect(studio().createSegment({ trackId: t.id, startSec: 0, endSec: 3 })).rejects.toThrow(/5–30 s long .* 3\.00 s/);
    await expect(studio().updateSegment({ id: a.id, startSec: 5, endSec: 12 })).rejects.toThrow(/cannot end after the track/);
    await studio().deleteSegment({ id: a.id });
    expect((await studio().openTrack({ id: t.id })).segments.map((s) => s.id)).toEqual([b.id]);
    await expect(studio().deleteSegment({ id: a.id })).rejects.toThrow(/no segment/);
    // The row survives for caption history: its revisions are still there and can still be read.
    const store = studioStore(studio());
    await store.captions.append({ segmentId: a.id, text: 'kept', author: 'ann', source: 'human' });
    expect((await store.captions.history(a.id)).map((r) => r.text)).toEqual(['kept']);
  });

  it('lets a track shorter than 5 s be one segment', async () => {
    const t = await importCopy(fixture('aria.wav'));
    expect((await studio().createSegment({ trackId: t.id, startSec: 0, endSec: 2 })).endSec).toBe(2);
  });
});

describe('stems and peaks', () => {
  it('attaches stems of the right length and refuses others', async () => {
    const t = await importCopy(path.join(FIXTURE_DUET, 'duet.mp3'));
    const v = await studio().attachStem({ trackId: t.id, name: 'vocals', path: path.join(FIXTURE_DUET, 'duet.vocals.ogg') });
    await studio().attachStem({ trackId: t.id, name: 'accompaniment', path: path.join(FIXTURE_DUET, 'duet.accompaniment.ogg') });
    expect((await studio().openTrack({ id: t.id })).stems.map((s) => s.name)).toEqual(['vocals', 'accompaniment']);
    expect(v.durationSec).toBeCloseTo(10, 1);
    await expect(studio().attachStem({ trackId: t.id, name: 'drums', path: fixture('aria.wav') })).rejects.toThrow(/not a stem of this track/);
    await expect(studio().attachStem({ trackId: t.id, name: 'Vocals!', path: path.join(FIXTURE_DUET, 'duet.vocals.ogg') })).rejects.toThrow(/stem name/);
    await expect(studio().attachStem({ trackId: t.id, name: 'bass', path: path.join(lib.dir, 'nope.wav') })).rejects.toThrow(/file not found/);
  });

  it('serves peaks at the asked resolution and caches them on disk', async () => {
    const t = await importCopy(path.join(FIXTURE_DUET, 'duet.mp3'));
    const stem = await studio().attachStem({ trackId: t.id, name: 'vocals', path: path.join(FIXTURE_DUET, 'duet.vocals.ogg') });
    const view = await studio().getPeaks({ source: { kind: 'track', id: t.id }, maxPeaks: 400 });
    expect(view.durationSec).toBeCloseTo(10, 2);
    expect(view.peaks.length / 2).toBeGreaterThanOrEqual(400);
    expect(view.peaks.length / 2).toBeLessThan(1600);
    for (let i = 0; i < view.peaks.length; i += 2) expect(view.peaks[i]!).toBeGreaterThanOrEqual(view.peaks[i + 1]!);
    expect(Math.max(...view.peaks)).toBeGreaterThan(0.1);
    const cached = fs.readdirSync(path.join(studio().dataDir, 'cache', 'peaks'));
    expect(cached).toEqual([`track-${t.sha256}.peaks`]);
    const fine = await studio().getPeaks({ source: { kind: 'track', id: t.id }, maxPeaks: 100_000 });
    expect(fine.samplesPerPeak).toBe(256);
    // A narrow range comes at a finer resolution and covers just that range.
    const wide = await studio().getPeaks({ source: { kind: 'track', id: t.id }, maxPeaks: 100 });
    const narrow = await studio().getPeaks({ source: { kind: 'track', id: t.id }, maxPeaks: 100, startSec: 4, endSec: 5 });
    expect(wide.startSec).toBe(0);
    expect(wide.endSec).toBeCloseTo(wide.durationSec, 5);
    expect(narrow.samplesPerPeak).toBeLessThan(wide.samplesPerPeak);
    expect(narrow.startSec).toBeLessThanOrEqual(4);
    expect(narrow.startSec).toBeGreaterThan(3.9);
    expect(narrow.endSec).toBeGreaterThanOrEqual(5);
    expect(narrow.endSec).toBeLessThan(5.1);
    expect(narrow.peaks.length / 2).toBeCloseTo((narrow.endSec - narrow.startSec) * (narrow.sampleRate / narrow.samplesPerPeak), 0);
    const perSecond = (v: typeof wide) => v.peaks.length / 2 / (v.endSec - v.startSec);
    expect(perSecond(narrow)).toBeGreaterThan(4 * perSecond(wide));
    const backwards = await dispatch(studio(), 'getPeaks', { source: { kind: 'track', id: t.id }, startSec: 5, endSec: 4 });
    expect(backwards).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/endSec must be after startSec/) } });
    const sv = await studio().getPeaks({ source: { kind: 'stem', id: stem.id } });
    expect(sv.durationSec).toBeCloseTo(10, 1);
    expect(fs.readdirSync(path.join(studio().dataDir, 'cache', 'peaks'))).toHaveLength(2);
    await expect(studio().getPeaks({ source: { kind: 'stem', id: 999 } })).rejects.toThrow(/no stem with id 999/);
  });
});
