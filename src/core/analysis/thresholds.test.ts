// Category thresholds: the shipped defaults, and S2Cap's rule on a library's own captions (33 % /
// 66 % quantiles of the measured median f0 per gender, once a gender has 30 approved captions),
// read from the store on SQLite and PostgreSQL alike.
import { describe, expect, it } from 'vitest';
import type { MeasuredAttribute } from '../../shared/attributes';
import type { Store } from '../store/store';
import { testStores } from '../testing/testStores';
import { quantile } from '../../shared/quantiles';
import { DEFAULT_THRESHOLDS, libraryThresholds, MIN_CAPTIONS_PER_GENDER } from './thresholds';
import { attributeThresholds } from '../analysisService';

describe('libraryThresholds', () => {
  it('keeps the defaults until a gender has enough captions, then uses its 33 %/66 % quantiles', () => {
    const male = Array.from({ length: MIN_CAPTIONS_PER_GENDER }, (_, i) => ({ gender: 'male' as const, pitchHz: 100 + i * 3 }));
    const female = Array.from({ length: MIN_CAPTIONS_PER_GENDER - 1 }, (_, i) => ({ gender: 'female' as const, pitchHz: 250 + i }));
    expect(libraryThresholds([...male.slice(1), ...female])).toEqual(DEFAULT_THRESHOLDS);
    const t = libraryThresholds([...male, ...female]);
    expect(t.source).toBe('library');
    expect(t.counts).toEqual({ male: 30, female: 29 });
    // numpy.quantile([100, 103, …, 187], [1/3, 2/3]) = [129, 158]
    expect(t.pitchHz.male).toEqual([129, 158]);
    expect(t.pitchHz.female).toEqual(DEFAULT_THRESHOLDS.pitchHz.female);
    expect(t.pitchHz.unknown).toEqual(DEFAULT_THRESHOLDS.pitchHz.unknown);
    expect(t.tempoBpm).toEqual(DEFAULT_THRESHOLDS.tempoBpm);
    expect(t.loudnessLufs).toEqual(DEFAULT_THRESHOLDS.loudnessLufs);
  });
});

const pitchRow = (hz: number | null): MeasuredAttribute[] => [
  { name: 'pitch', value: hz, unit: 'Hz', category: null, confidence: hz === null ? 0 : 0.9, source: 'measured' },
];

/** A segment with an approved caption naming `gender` and a measured pitch of `hz`. */
async function seedCaption(store: Store, trackId: number, at: number, gender: string, hz: number | null, status: 'approved' | 'draft' = 'approved') {
  const seg = await store.segments.insert(trackId, at, at + 10);
  await store.attributes.insert({ segmentId: seg.id, startSec: at, endSec: at + 10 }, 'measured', pitchRow(hz));
  await store.captions.append({ segmentId: seg.id, text: `a ${gender} singer`, author: 'ana', source: 'human', status, attributes: { gender } });
  return seg;
}

describe.each(testStores())('library thresholds from approved captions ($name)', (backend) => {
  it('counts approved heads naming male/female whose segment has a current measured pitch', async () => {
    const { store } = await backend.open();
    const t = await store.tracks.insert({
      path: '/music/a.wav', fileName: 'a.wav', sha256: 'a'.repeat(64), sizeBytes: 1, title: 'A', artist: null, album: null,
      genre: null, durationSec: 3000, sampleRate: 44100, channels: 2, container: 'WAVE', codec: 'PCM',
    });
    let at = 0;
    const next = () => (at += 20);
    for (let i = 0; i < 29; i++) await seedCaption(store, t.id, next(), 'male', 100 + i * 3);
    for (let i = 0; i < 30; i++) await seedCaption(store, t.id, next(), i % 2 ? 'Female' : 'female', 250 + i * 2);
    // None of these count: a draft, a head that went back to draft, a resized segment (stale pitch),
    // a hidden segment, an unmeasurable pitch, a caption naming no gender / a mixed duet.
    await seedCaption(store, t.id, next(), 'male', 120, 'draft');
    const back = await seedCaption(store, t.id, next(), 'male', 121);
    await store.captions.append({ segmentId: back.id, text: 'changed', author: 'ana', source: 'human', status: 'draft', attributes: { gender: 'male' } });
    const resized = await seedCaption(store, t.id, next(), 'male', 122);
    await store.segments.update(resized.id, resized.startSec + 1, resized.endSec);
    const hidden = await seedCaption(store, t.id, next(), 'male', 123);
    await store.segments.delete(hidden.id);
    await seedCaption(store, t.id, next(), 'male', null);
    await seedCaption(store, t.id, next(), 'mixed', 124);

    expect(await attributeThresholds(store)).toMatchObject({ source: 'library', counts: { male: 29, female: 30 }, pitchHz: { male: DEFAULT_THRESHOLDS.pitchHz.male } });
    const female = (await attributeThresholds(store)).pitchHz.female;
    expect(female).toEqual([Math.round(quantile(Array.from({ length: 30 }, (_, i) => 250 + i * 2), 1 / 3) * 10) / 10, Math.round(quantile(Array.from({ length: 30 }, (_, i) => 250 + i * 2), 2 / 3) * 10) / 10]);

    // The 30th male caption tips male over; a newer measurement of a segment replaces its older one.
    const last = await seedCaption(store, t.id, next(), 'male', 500);
    await store.attributes.insert({ segmentId: last.id, startSec: last.startSec, endSec: last.endSec }, 'measured', pitchRow(187));
    const th = await attributeThresholds(store);
    expect(th.counts).toEqual({ male: 30, female: 30 });
    expect(th.pitchHz.male).toEqual([129, 158]);
  });
});
