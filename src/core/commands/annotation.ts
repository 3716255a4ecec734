// StudioApi commands of the annotation workflow (shared/annotation.ts): captions, drafts,
// history, review (commands/captions.ts), the queue and stats (commands/queueStats.ts).
import type { StudioApi } from '../../shared/api';
import type { AnnotationCommand } from '../api/annotationSchemas';
import type { CommandContext } from './context';
import { captionCommands } from './captions';
import { queueStatsCommands } from './queueStats';

/** The annotation commands, one list: the one their schemas (api/annotationSchemas.ts) are keyed by. */
export type AnnotationCommands = Pick<StudioApi, AnnotationCommand>;

export function annotationCommands(ctx: CommandContext): AnnotationCommands {
  return { ...captionCommands(ctx), ...queueStatsCommands(ctx) };
}
