// StudioApi commands for one segment's caption (shared/annotation.ts): who is writing, the segment
// as the Annotate view shows it, saves (append-only revisions with a parent check), drafts,
// history, restore and review. Every save runs in one transaction with what goes with it: the
// author's draft cleared and the track's review status brought up to date.
import type { StudioApi } from '../../shared/api';
import type { CaptionAttributes, CaptionRevision, SegmentCaption } from '../../shared/annotation';
import { StudioError } from '../../shared/errors';
import type { Segment } from '../../shared/types';
import { callerName, callerRole, resolveAuthor, setAnnotatorName, whoAmI } from '../annotator';
import { currentCaller } from '../caller';
import { segmentState } from '../segmentState';
import type { NewRevision } from '../store/captions';
import type { Repositories } from '../store/store';
import { refreshReviewStatus } from '../trackReviewStatus';
import type { CommandContext } from './context';
import { AT_ONCE } from './tracks';

export type CaptionCommands = Pick<
  StudioApi,
  'whoAmI' | 'setAnnotatorName' | 'getCaption' | 'saveCaption' | 'saveDraft' | 'discardDraft' | 'captionHistory' | 'restoreRevision' | 'reviewCaption'
>;

/** Same text (as a save trims it) and the same attributes (empty ones unsaid). */
function sameCaption(a: { text: string; attributes: CaptionAttributes }, b: { text: string; attributes: CaptionAttributes }): boolean {
  const said = (x: CaptionAttributes) =>
    Object.entries(x)
      .filter(([, v]) => typeof v === 'string' && v.trim() !== '')
      .map(([k, v]) => `${k}=${v!.trim()}`)
      .sort()
      .join('\n');
  return a.text.trim() === b.text.trim() && said(a.attributes) === said(b.attributes);
}

export function captionCommands(ctx: CommandContext): CaptionCommands {
  const { store, events } = ctx;

  /** Appends a revision and does what goes with it, in one transaction; then tells every listener. */
  async function save(segment: Segment, rev: NewRevision, draftOf: string | null): Promise<CaptionRevision> {
    const { revision, status } = await store.transaction(async (tx) => {
      // The track first, then the segment (captions.append): the lock order of every segment change.
      await tx.segments.lockTrack(segment.trackId);
      const revision = await tx.captions.append(rev);
      if (draftOf) await tx.captions.deleteDraft(segment.id, draftOf);
      return { revision, status: await refreshReviewStatus(tx, segment.trackId) };
    }, AT_ONCE);
    events.emit('captionChanged', { segmentId: segment.id, trackId: segment.trackId, revision });
    if (status) events.emit('libraryChanged', { reason: 'update' });
    return revision;
  }

  /** A suggestion named by a save must be one of the segment's own. */
  async function checkSuggestion(tx: Repositories, segmentId: number, suggestionId: number | null | undefined) {
    if (suggestionId === null || suggestionId === undefined) return null;
    const s = await tx.suggestions.get(suggestionId);
    if (!s || s.segmentId !== segmentId) throw new StudioError('BAD_REQUEST', `suggestion ${suggestionId} is not one of segment ${segmentId}'s`);
    return s;
  }

  /** A segment whose history can be read: visible or hidden, but one that exists. */
  async function anySegment(tx: Repositories, id: number): Promise<Segment> {
    const s = await tx.segments.getAny(id);
    if (!s) throw new StudioError('NOT_FOUND', `no segment with id ${id}`);
    return s.segment;
  }

  return {
    whoAmI: () => whoAmI(store.settings),
    setAnnotatorName: ({ name }) => setAnnotatorName(store.settings, name),

    async getCaption({ segmentId }) {
      const { caption, me } = await store.transaction(
        async (tx) => {
          const segment = await tx.segments.require(segmentId);
          const track = await tx.tracks.require(segment.trackId);
          const head = (await tx.captions.latest(segmentId)) ?? null;
          const suggestion = (await tx.suggestions.newestOf(segmentId)) ?? null;
          const confidence = await tx.suggestions.confidenceOf(suggestion?.score ?? null);
          const me = await callerName(tx.settings);
          const caption: SegmentCaption = {
            segment,
            track: { id: track.id, title: track.title, artist: track.artist, album: track.album, fileName: track.fileName },
            state: segmentState(head, suggestion),
            head,
            suggestion,
            confidence,
            attributes: await tx.attributes.latestOf(segmentId),
            // The caller's working copy whatever head it started from: when that is not the head
            // any more, the editor shows both to merge (dropping it would lose their typing).
            draft: me ? ((await tx.captions.getDraft(segmentId, me)) ?? null) : null,
          };
          return { caption, me };
        },
        { write: false },
      );
      const { draft, head } = caption;
      // A draft saying what the head says holds nothing of the caller's own: it goes (unless it
      // was autosaved again since it was read).
      if (me && draft && head && sameCaption(draft, head)) {
        await store.captions.deleteDraft(segmentId, me, draft.updatedAt);
        return { ...caption, draft: null };
      }
      return caption;
    },

    async saveCaption(input) {
      const segment = await store.segments.require(input.segmentId);
      const author = await resolveAuthor(store.settings, input.author);
      const suggestion = await checkSuggestion(store, segment.id, input.suggestionId);
      return save(
        segment,
        {
          segmentId: segment.id,
          parentId: input.parentId,
          text: input.text,
          attributes: input.attributes,
          status: input.status,
          author,
          // A suggestion taken as it was, or a person's own words.
          source: suggestion && suggestion.text.trim() === input.text.trim() ? 'suggestion' : 'human',
          suggestionId: suggestion?.id ?? null,
          secondsSpent: input.secondsSpent ?? null,
          note: input.note?.trim() || null,
        },
        author,
      );
    },

    async saveDraft(input) {
      const segment = await store.segments.require(input.segmentId);
      const author = await resolveAuthor(store.settings);
      await checkSuggestion(store, segment.id, input.suggestionId);
      return store.captions.saveDraft({ ...input, author });
    },

    async discardDraft({ segmentId }) {
      await anySegment(store, segmentId);
      const me = await callerName(store.settings);
      if (me) await store.captions.deleteDraft(segmentId, me);
      return { segmentId };
    },

    async captionHistory({ segmentId }) {
      await anySegment(store, segmentId);
      return store.captions.history(segmentId);
    },

    async restoreRevision({ segmentId, revisionId, parentId }) {
      const segment = await store.segments.require(segmentId);
      const old = await store.captions.get(revisionId);
      if (!old || old.segmentId !== segmentId) throw new StudioError('NOT_FOUND', `segment ${segmentId} has no revision ${revisionId}`);
      const author = await resolveAuthor(store.settings);
      return save(
        segment,
        {
          segmentId,
          parentId,
          text: old.text,
          attributes: old.attributes,
          status: old.status,
          author,
          source: 'human',
          suggestionId: old.suggestionId,
          restoredFrom: old.id,
        },
        author,
      );
    },

    async reviewCaption({ segmentId, revisionId, verdict, note }) {
      const role = callerRole();
      if (role === 'annotator') throw new StudioError('FORBIDDEN', 'only reviewers and the owner can review captions');
      const segment = await store.segments.require(segmentId);
      const reviewer = await resolveAuthor(store.settings);
      const why = note?.trim() || null;
      if (verdict === 'sentBack' && !why) throw new StudioError('BAD_REQUEST', 'sending a caption back needs a note saying what to change');
      const head = await store.captions.latest(segmentId);
      if (!head || head.id !== revisionId) {
        throw new StudioError('CONFLICT', `revision ${revisionId} is not the current caption of segment ${segmentId} (revision ${head?.id ?? 'none'} is); reload it and review that`);
      }
      if (head.status !== 'approved') throw new StudioError('BAD_REQUEST', `only an approved caption can be reviewed; revision ${head.id} is ${head.status}`);
      if (head.review === 'accepted') throw new StudioError('BAD_REQUEST', `revision ${head.id} was already accepted by ${head.author}`);
      const user = currentCaller()?.user;
      if (user && head.author === user) throw new StudioError('FORBIDDEN', 'you cannot review your own caption: another reviewer has to');
      // parentId: the head just read, so a save landing in between refuses the review rather than hiding it.
      return save(
        segment,
        {
          segmentId,
          parentId: head.id,
          text: head.text,
          attributes: head.attributes,
          status: verdict === 'accepted' ? 'approved' : 'draft',
          review: verdict,
          note: why,
          author: reviewer,
          source: head.source,
          suggestionId: head.suggestionId,
        },
        null,
      );
    },
  };
}
