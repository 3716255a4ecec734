import { describe, expect, it } from 'vitest';
import type { Caller, CaptionRevision, SegmentCaption } from '../../../shared/annotation';
import { canReview, reviewView, sendBackNote } from './review';

const rev = (o: Partial<CaptionRevision> = {}): CaptionRevision => ({
  id: 7, segmentId: 1, parentId: null, text: 'A calm alto.', attributes: {}, status: 'approved', author: 'alice', source: 'human',
  suggestionId: null, secondsSpent: 3, note: null, review: 'pending', restoredFrom: null, createdAt: '2025-01-01T00:00:00Z', ...o,
});
const caption = (head: CaptionRevision | null) => ({ head }) as SegmentCaption;
const rita: Caller = { name: 'rita', role: 'reviewer', fixed: true };
const owner: Caller = { name: 'olga', role: 'owner', fixed: false };
const bob: Caller = { name: 'bob', role: 'annotator', fixed: true };

describe('review mode', () => {
  it('a reviewer or the owner reviews an approved head someone else wrote, awaiting a verdict', () => {
    expect(canReview(rev(), rita)).toBe(true);
    expect(canReview(rev(), owner)).toBe(true);
    expect(reviewView(caption(rev()), rita)).toEqual({ kind: 'review', head: rev() });
  });

  it.each<[string, CaptionRevision | null, Caller | null]>([
    ['an annotator', rev(), bob],
    ['their own caption', rev({ author: 'rita' }), rita],
    ['a draft', rev({ status: 'draft' }), rita],
    ['a flagged caption', rev({ status: 'flagged' }), rita],
    ['a rejected caption', rev({ status: 'rejected' }), rita],
    ['no caption', null, rita],
    ['an unknown caller', rev(), null],
  ])('no verdict on %s', (_, head, me) => {
    expect(canReview(head, me)).toBe(false);
    expect(reviewView(caption(head), me).kind).not.toBe('review');
  });

  it('an accepted head says who accepted it, to everyone, and cannot be reviewed again', () => {
    const accepted = rev({ id: 8, parentId: 7, author: 'rita', review: 'accepted', createdAt: 't1' });
    for (const me of [rita, owner, bob, { ...rita, name: 'ruth' }]) expect(reviewView(caption(accepted), me)).toEqual({ kind: 'accepted', by: 'rita', at: 't1' });
  });

  it('a sent-back head shows the reviewer and the note (it is a draft again)', () => {
    const back = rev({ id: 8, parentId: 7, author: 'rita', status: 'draft', review: 'sentBack', note: 'Say the genre.', createdAt: 't1' });
    expect(reviewView(caption(back), bob)).toEqual({ kind: 'sentBack', by: 'rita', note: 'Say the genre.', at: 't1' });
    // Once the annotator saves again, the head is theirs and awaits review afresh.
    const again = rev({ id: 9, parentId: 8, status: 'approved' });
    expect(reviewView(caption(again), rita)).toEqual({ kind: 'review', head: again });
  });

  it('sending back needs a note', () => {
    expect(sendBackNote('  Say the genre. ')).toEqual({ note: 'Say the genre.' });
    expect(sendBackNote('   ')).toHaveProperty('error');
  });
});
