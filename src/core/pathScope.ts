// The folders a caller may reach, for work that walks the disk on its behalf (an import walking
// folders). A transport that serves untrusted clients runs each command inside a scope (see
// src/server/pathGuard.ts); core code that follows a link it found while walking asks the scope
// before using it. Outside any scope (desktop app, CLI) everything is reachable. An
// AsyncLocalStorage rather than a parameter, so the StudioApi keeps one signature for every
// transport and a scope cannot be forgotten half-way down a call chain.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface PathScope {
  /** Whether an absolute path (after following its links) lies inside the allowed folders. */
  allows(absPath: string): Promise<boolean>;
  /** The one reason given for every path it refuses (never says whether the path exists). */
  readonly refusal: string;
}

const scopes = new AsyncLocalStorage<PathScope>();

export function runInPathScope<T>(scope: PathScope, fn: () => Promise<T>): Promise<T> {
  return scopes.run(scope, fn);
}

export function currentPathScope(): PathScope | undefined {
  return scopes.getStore();
}
