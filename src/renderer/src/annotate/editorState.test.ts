import { describe, expect, it } from 'vitest';
import type { CaptionDraft, CaptionRevision, SegmentCaption } from '../../../shared/annotation';
import type { SegmentAttribute, Suggestion } from '../../../shared/types';
import { editorFromCaption, measuredChips, mergeFromConflict, mergeOnOpen, pristineContent, saveInput } from './editorState';

const seg = { id: 5, trackId: 1, startSec: 0, endSec: 10, createdAt: '2025-01-01T00:00:00Z' };
const suggestion: Suggestion = {
  id: 9, segmentId: 5, text: 'A female singer sings softly.', score: -1.2, tokenLogprobs: [], pack: 'tiny@1', ep: 'cpu', ms: 3,
  createdAt: '2025-01-01T00:00:00Z', startSec: 0, endSec: 10, stale: false,
};
const rev = (id: number, text: string, author = 'ana', parentId: number | null = null): CaptionRevision => ({
  id, segmentId: 5, parentId, text, attributes: { mood: 'calm' }, status: 'approved', author, source: 'human', suggestionId: 9,
  secondsSpent: 12, note: null, review: 'pending', restoredFrom: null, createdAt: '2025-01-02T00:00:00Z',
});
const draft = (baseRevisionId: number | null, text: string): CaptionDraft => ({
  segmentId: 5, author: 'ana', text, attributes: { genre: 'folk' }, baseRevisionId, suggestionId: 9, secondsSpent: 40, updatedAt: '2025-01-03T00:00:00Z',
});
const caption = (over: Partial<SegmentCaption> = {}): SegmentCaption => ({
  segment: seg, track: { id: 1, title: 't', artist: null, album: null, fileName: 'a.wav' }, state: 'suggested', head: null, suggestion,
  confidence: null, attributes: [{ segmentId: 5, name: 'gender', value: 'female', unit: null, category: 'female', confidence: 0.8, detail: null, source: 'measured', startSec: 0, endSec: 10, stale: false }], draft: null,
  ...over,
});

describe('editorFromCaption', () => {
  it('prefills the suggestion (with measured chips) when nothing was written', () => {
    const e = editorFromCaption(caption());
    expect(e).toMatchObject({ text: suggestion.text, attributes: { gender: 'female' }, baseId: null, suggestionId: 9, origin: 'suggestion' });
  });
  it('the saved head wins over the suggestion, the own draft over both (keeping the head it started from)', () => {
    expect(editorFromCaption(caption({ head: rev(3, 'head text') }))).toMatchObject({ text: 'head text', baseId: 3, origin: 'head' });
    const e = editorFromCaption(caption({ head: rev(3, 'head text'), draft: draft(3, 'my draft') }));
    expect(e).toMatchObject({ text: 'my draft', attributes: { genre: 'folk' }, baseId: 3, seconds: 40, origin: 'draft' });
  });
});

describe('measuredChips', () => {
  const m = (name: string, value: string, category: string | null, confidence: number | null, stale = false): SegmentAttribute => ({
    segmentId: 5, name, value, unit: null, category, confidence, detail: null, source: 'measured', startSec: 0, endSec: 10, stale,
  });
  it("puts confident measured categories into the chips' words", () => {
    const rows = [m('pitch', '230', 'normal', 0.9), m('tempo', '104', 'normal', 0.7), m('loudness', '-9', 'high', 0.8), m('brightness', '900', 'dark', 0.6), m('gender', 'male', 'male', 0.5)];
    expect(measuredChips(rows)).toEqual({ pitch: 'medium', tempo: 'moderate', volume: 'loud', timbre: 'dark', gender: 'male' });
    expect(measuredChips([m('pitch', '120', 'low', 0.9), m('tempo', '70', 'slow', 0.9), m('loudness', '-30', 'low', 0.9)])).toEqual({ pitch: 'low', tempo: 'slow', volume: 'soft' });
    expect(measuredChips([m('tempo', '150', 'fast', 0.9), m('loudness', '-18', 'normal', 0.9), m('brightness', '3000', 'bright', 0.9)])).toEqual({ tempo: 'fast', volume: 'moderate', timbre: 'bright' });
  });
  it('leaves out unsure, stale and unmeasured values, and numbers without a category', () => {
    expect(measuredChips([m('tempo', '150', 'fast', 0.49), m('gender', 'male', 'male', 0.9, true), m('pitch', '', null, 0), m('vibrato_rate', '5.5', null, 0.9)])).toEqual({});
  });
  it('rows measured before categories existed fill their chips as they are, a measurement wins over them', () => {
    const legacy = [m('gender', 'female', null, null), m('genre', 'folk', null, null), m('tempoBpm', '118', null, null), m('pitch', 'high', null, null)];
    expect(measuredChips(legacy)).toEqual({ gender: 'female', genre: 'folk', pitch: 'high' });
    expect(measuredChips([...legacy, m('pitch', '110', 'low', 0.9)])).toEqual({ gender: 'female', genre: 'folk', pitch: 'low' });
    expect(measuredChips([m('pitch', '110', null, null)])).toEqual({});
  });
});

describe('saveInput', () => {
  it('names the base as parent, trims, drops empty chips, sends time spent', () => {
    const e = { ...editorFromCaption(caption({ head: rev(3, 'x') })), text: '  new text ', attributes: { mood: 'sad', genre: ' ' }, seconds: 7.6 };
    expect(saveInput(e, 'approved')).toEqual({ segmentId: 5, text: 'new text', attributes: { mood: 'sad' }, status: 'approved', parentId: 3, suggestionId: 9, secondsSpent: 8 });
  });
  it('an empty caption is saved as rejected, whatever was asked', () => {
    const e = { ...editorFromCaption(caption()), text: '   ' };
    expect(saveInput(e, 'approved').status).toBe('rejected');
    expect(saveInput(e, 'draft', 'why').note).toBe('why');
  });
});

describe('merge', () => {
  it('a refused save keeps the user text and moves the base to the new head', () => {
    const mine = { ...editorFromCaption(caption({ head: rev(3, 'old') })), text: 'my words' };
    const fresh = caption({ head: rev(4, 'their words', 'ben', 3) });
    const m = mergeFromConflict(mine, fresh, 'approved')!;
    expect(m.editor).toMatchObject({ text: 'my words', baseId: 4 });
    expect(m.merge).toMatchObject({ segmentId: 5, mine: { text: 'my words' }, wanted: 'approved' });
    expect(m.merge.theirs.id).toBe(4);
    expect(saveInput(m.editor, 'approved').parentId).toBe(4);
  });
  it('no head to merge with: null (save again as it is)', () => {
    expect(mergeFromConflict(editorFromCaption(caption()), caption(), 'approved')).toBeNull();
  });
  it('opening a segment whose draft started from an older head shows the merge at once', () => {
    const c = caption({ head: rev(4, 'their words', 'ben', 3), draft: draft(3, 'my draft') });
    const m = mergeOnOpen(c, editorFromCaption(c))!;
    expect(m.merge.theirs.author).toBe('ben');
    expect(m.editor.baseId).toBe(4);
    const same = caption({ head: rev(4, 'their words'), draft: draft(4, 'my draft') });
    expect(mergeOnOpen(same, editorFromCaption(same))).toBeNull();
  });
  it('a draft typed before the first head was saved merges too; one saying what the head says does not', () => {
    const first = caption({ head: rev(4, 'their words', 'ben'), draft: draft(null, 'my draft') });
    expect(mergeOnOpen(first, editorFromCaption(first))?.merge).toMatchObject({ mine: { text: 'my draft' }, theirs: { id: 4 } });
    const chipsOnly = caption({ head: rev(4, 'their words', 'ben'), draft: { ...draft(null, 'their words'), attributes: { mood: 'sad' } } });
    expect(mergeOnOpen(chipsOnly, editorFromCaption(chipsOnly))?.merge.mine.attributes).toEqual({ mood: 'sad' });
    const equal = caption({ head: rev(4, 'their words', 'ben'), draft: { ...draft(null, 'their words'), attributes: { mood: 'calm' } } });
    expect(mergeOnOpen(equal, editorFromCaption(equal))).toBeNull();
  });
  it("what the editor holds before the user's own edits: the head, else the prefill, never the draft", () => {
    expect(pristineContent(caption({ head: rev(3, 'head text'), draft: draft(3, 'my draft') }))).toEqual({ text: 'head text', attributes: { mood: 'calm' } });
    expect(pristineContent(caption({ draft: draft(null, 'my draft') }))).toEqual({ text: suggestion.text, attributes: { gender: 'female' } });
  });
});
