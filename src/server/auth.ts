// Token check for browser mode. Every /api route but health needs a token, given as
// `Authorization: Bearer <token>` or `?token=`: the library's (compared in constant time) or a
// server user's (core/userAccounts: looked up by its sha256 each time).
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { CallerIdentity } from '../core/caller';

export function newToken(): string {
  return crypto.randomBytes(24).toString('base64url');
}

export function requestToken(req: IncomingMessage, url: URL): string | null {
  const h = req.headers.authorization;
  if (h && /^Bearer\s+/i.test(h)) return h.replace(/^Bearer\s+/i, '').trim();
  return url.searchParams.get('token');
}

export function tokenMatches(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** Who a token belongs to: the library's token is the owner; any other is looked up among live users. */
export interface UserLookup {
  authenticate(token: string): Promise<CallerIdentity | null>;
}

/**
 * The caller a request's token names: the library token → the owner (no user name), a live user's
 * token → that user, anything else (or none) → null. Asked on every request, so a removed user's
 * token is refused from the next request on.
 */
export async function tokenCaller(given: string | null, libraryToken: string, users: UserLookup): Promise<CallerIdentity | null> {
  if (!given) return null;
  if (tokenMatches(given, libraryToken)) return { user: null, role: 'owner' };
  return users.authenticate(given);
}
