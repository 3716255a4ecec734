// StudioApi command of the evaluation history (shared/evaluation.ts): what `s2cap eval` recorded,
// for the Stats view's model report. Running an evaluation is a studio service (Studio.evaluate),
// not a command: it is long CPU work started from the command line.
import type { StudioApi } from '../../shared/api';
import { listEvals } from '../eval/evalHistory';
import type { CommandContext } from './context';

export type EvalCommands = Pick<StudioApi, 'listEvals'>;

export function evalCommands(ctx: Pick<CommandContext, 'store'>): EvalCommands {
  return {
    listEvals: () => listEvals(ctx.store),
  };
}
