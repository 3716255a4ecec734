// StudioApi commands of the annotation workflow (shared/annotation.ts): captions, drafts,
// history, review (commands/captions.ts), the queue and stats (commands/queueStats.ts).
import type { StudioApi } from '../../shared/api';
import type { CommandContext } from './context';
import { captionCommands } from './captions';
import { queueStatsCommands } from './queueStats';

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

export function annotationCommands(ctx: CommandContext): AnnotationCommands {
  return { ...captionCommands(ctx), ...queueStatsCommands(ctx) };
}
