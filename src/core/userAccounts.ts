// Server accounts for a team (`s2cap users add|list|remove`): each person gets a token of their own,
// shown once when the account is made and stored only as its sha256 (store/users.ts). The server
// asks `authenticate` on every request and WebSocket, so a removed user's token stops working at
// once. Not part of the StudioApi: accounts are made on the server's machine, never by a client.
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { StudioUser } from '../shared/annotation';
import { StudioError } from '../shared/errors';
import { annotatorName } from './api/annotationSchemas';
import type { CallerIdentity } from './caller';
import type { Store } from './store/store';

export type AccountRole = StudioUser['role'];
export const ACCOUNT_ROLES: readonly AccountRole[] = ['annotator', 'reviewer'];

/** The stored form of a token. */
export const tokenSha256 = (token: string): string => crypto.createHash('sha256').update(token, 'utf8').digest('hex');

export class UserAccounts {
  private readonly removed = new EventEmitter();

  constructor(private readonly store: Store) {}

  /** Makes an account; the token is returned here and nowhere else. */
  async add(name: string, role: AccountRole = 'annotator'): Promise<{ user: StudioUser; token: string }> {
    const parsed = annotatorName.safeParse(name);
    if (!parsed.success) throw new StudioError('BAD_REQUEST', `user name "${name}": ${parsed.error.issues[0]?.message ?? 'not a valid name'}`);
    if (!ACCOUNT_ROLES.includes(role)) throw new StudioError('BAD_REQUEST', `role "${role}": a user is an annotator or a reviewer`);
    // 24 random bytes: 32 URL-safe characters, the shape of the library's own token.
    const token = crypto.randomBytes(24).toString('base64url');
    const user = await this.store.users.add(parsed.data, role, tokenSha256(token));
    return { user, token };
  }

  list(): Promise<StudioUser[]> {
    return this.store.users.list();
  }

  /** Removes an account: its token stops working on the next request (NOT_FOUND when there is none). */
  async remove(name: string): Promise<StudioUser> {
    const live = (await this.store.users.list()).find((u) => u.name === name);
    if (!live || !(await this.store.users.remove(name))) throw new StudioError('NOT_FOUND', `no user named "${name}" (s2cap users list)`);
    this.removed.emit('removed', name);
    return live;
  }

  /** Who a user token belongs to (a live user), or null. */
  async authenticate(token: string): Promise<CallerIdentity | null> {
    if (!token) return null;
    const user = await this.store.users.byTokenSha256(tokenSha256(token));
    return user ? { user: user.name, role: user.role } : null;
  }

  /** Called with a user's name when this process removes them (others' removals: see authenticate). */
  onRemoved(fn: (name: string) => void): () => void {
    this.removed.on('removed', fn);
    return () => this.removed.off('removed', fn);
  }
}
