// StudioApi commands of the annotation workflow (shared/annotation.ts): captions, drafts,
// history, review, the queue and stats. PLACEHOLDER: being built (issue 10).
import type { StudioApi } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import type { CommandContext } from './context';

export type AnnotationCommands = Pick<
  StudioApi,
  | 'whoAmI'
  | 'setAnnotatorName'
  | 'getCaption'
  | 'saveCaption'
  | 'saveDraft'
  | 'discardDraft'
  | 'captionHistory'
  | 'restoreRevision'
  | 'reviewCaption'
  | 'queryQueue'
  | 'getStats'
>;

const todo = (name: string) => async (): Promise<never> => {
  throw new StudioError('UNSUPPORTED', `${name}: not built yet`);
};

export function annotationCommands(_ctx: CommandContext): AnnotationCommands {
  return {
    whoAmI: todo('whoAmI'),
    setAnnotatorName: todo('setAnnotatorName'),
    getCaption: todo('getCaption'),
    saveCaption: todo('saveCaption'),
    saveDraft: todo('saveDraft'),
    discardDraft: todo('discardDraft'),
    captionHistory: todo('captionHistory'),
    restoreRevision: todo('restoreRevision'),
    reviewCaption: todo('reviewCaption'),
    queryQueue: todo('queryQueue'),
    getStats: todo('getStats'),
  };
}
