// The one entry point every transport uses to run a command from outside the process: checks the
// name against the contract, validates the payload, calls core, and returns a transportable
// envelope. Core's own callers (CLI, tests) call the StudioApi directly.
import { isCommandName, type CommandName, type StudioApi } from '../../shared/api';
import { StudioError, toErrorPayload, type Envelope } from '../../shared/errors';
import { parseCommandInput } from './schemas';

export async function dispatch(api: StudioApi, name: string, rawInput: unknown): Promise<Envelope<unknown>> {
  try {
    if (!isCommandName(name)) throw new StudioError('NOT_FOUND', `unknown command: ${name}`);
    const input = parseCommandInput(name, rawInput);
    const fn = api[name] as (i: unknown) => Promise<unknown>;
    return { ok: true, value: await fn.call(api, input) };
  } catch (err) {
    return { ok: false, error: toErrorPayload(err) };
  }
}

export type { CommandName };
