// The one entry point every transport uses to run a command from outside the process: checks the
// name against the contract, validates the payload, lets the transport vet it (the HTTP server
// confines server paths here), calls core, and returns a transportable envelope. Core's own
// callers (CLI, tests) call the StudioApi directly.
import { isCommandName, type CommandName, type StudioApi } from '../../shared/api';
import { StudioError, toErrorPayload, type Envelope } from '../../shared/errors';
import { isBusyError } from '../store/busyRetry';
import { BUSY_MESSAGE, describeFailure } from './failureText';
import { parseCommandInput } from './schemas';

/** Runs after validation and before core; throws to refuse, or wraps the call (e.g. in a scope). */
export interface DispatchGuard {
  check(name: CommandName, input: unknown): Promise<void>;
  run?<T>(fn: () => Promise<T>): Promise<T>;
}

export async function dispatch(api: StudioApi, name: string, rawInput: unknown, guard?: DispatchGuard): Promise<Envelope<unknown>> {
  try {
    if (!isCommandName(name)) throw new StudioError('NOT_FOUND', `unknown command: ${name}`);
    const input = parseCommandInput(name, rawInput);
    const fn = api[name] as (i: unknown) => Promise<unknown>;
    if (!guard) return { ok: true, value: await fn.call(api, input) };
    await guard.check(name, input);
    const call = () => fn.call(api, input);
    return { ok: true, value: await (guard.run ? guard.run(call) : call()) };
  } catch (err) {
    // Another process held the library's write lock past the short busy wait: nothing was
    // written, and saying so beats "INTERNAL: database is locked".
    if (isBusyError(err)) return { ok: false, error: { code: 'CONFLICT', message: BUSY_MESSAGE } };
    // The code as raised; the message as one line that names the file and hides internal folders.
    return { ok: false, error: { code: toErrorPayload(err).code, message: describeFailure(err) } };
  }
}

export type { CommandName };
