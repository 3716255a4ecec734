// Where a segment stands in the workflow (shared/annotation.ts SegmentState), decided from its head
// revision and newest suggestion. getCaption uses it; the queue's SQL must say the same.
import type { CaptionRevision, SegmentState } from '../shared/annotation';
import type { Suggestion } from '../shared/types';

/**
 * stale: the newest suggestion was made for a span the segment no longer has, and the head is not
 * approved (an approved head was checked by a person, whatever the suggestion says); else the
 * head's status; else suggested (a suggestion, no revision); else unsuggested.
 */
export function segmentState(head: Pick<CaptionRevision, 'status'> | null, suggestion: Pick<Suggestion, 'stale'> | null): SegmentState {
  if (suggestion?.stale && head?.status !== 'approved') return 'stale';
  if (head) return head.status;
  return suggestion ? 'suggested' : 'unsuggested';
}
