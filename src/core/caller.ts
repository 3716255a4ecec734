// Who is calling a StudioApi command. A transport that knows its caller (the HTTP server, from the
// request's token: a user's, or the library's) runs the command inside `withCaller`; core reads
// `currentCaller()` to stamp revisions with their author and to check roles. Outside any scope
// (the desktop app, the CLI, tests) there is no signed-in user: commands fall back to the
// library's annotator name setting (and the CLI's --author), with the owner's rights.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { UserRole } from '../shared/annotation';

export interface CallerIdentity {
  /** A server user's name; null for the library token (the owner), who uses the annotator name setting. */
  user: string | null;
  role: UserRole;
}

const scope = new AsyncLocalStorage<CallerIdentity>();

export function withCaller<T>(caller: CallerIdentity, fn: () => Promise<T>): Promise<T> {
  return scope.run(caller, fn);
}

/** The caller of the command running now, or null outside a transport's scope (desktop, CLI). */
export function currentCaller(): CallerIdentity | null {
  return scope.getStore() ?? null;
}
