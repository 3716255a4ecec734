// Server accounts (migration 9's users table): a name, a role and the sha256 of the person's
// token — the token itself is never stored. Removing a user marks the row removed (revisions keep
// naming them); a removed user's token no longer finds anyone, and the name is free again.
import type { Selectable } from 'kysely';
import type { StudioUser } from '../../shared/annotation';
import { StudioError } from '../../shared/errors';
import { changed, nowIso, type RepoContext } from './repoContext';
import type { UsersTable } from './schema';

export type UserRoleColumn = UsersTable['role'];

const toUser = (r: Pick<Selectable<UsersTable>, 'name' | 'role' | 'created_at'>): StudioUser => ({ name: r.name, role: r.role, createdAt: r.created_at });

export class UsersRepo {
  constructor(private readonly c: RepoContext) {}

  /** Adds a live user; refused (CONFLICT) while another live user has the name. */
  add(name: string, role: UserRoleColumn, tokenSha256: string): Promise<StudioUser> {
    return this.c.atomic(async (db) => {
      const taken = await db.selectFrom('users').select('id').where('name', '=', name).where('removed_at', 'is', null).executeTakeFirst();
      if (taken) throw new StudioError('CONFLICT', `a user named "${name}" exists already (s2cap users remove ${name} first)`);
      const row = await db.insertInto('users').values({ name, role, token_sha256: tokenSha256, removed_at: null }).returningAll().executeTakeFirstOrThrow();
      return toUser(row);
    });
  }

  /** Live users by name. */
  async list(): Promise<StudioUser[]> {
    const rows = await this.c.db.selectFrom('users').select(['name', 'role', 'created_at']).where('removed_at', 'is', null).orderBy('name').orderBy('id').execute();
    return rows.map(toUser);
  }

  /** Marks a live user removed; false when there is none of that name. */
  async remove(name: string): Promise<boolean> {
    const r = await this.c.db.updateTable('users').set({ removed_at: nowIso() }).where('name', '=', name).where('removed_at', 'is', null).executeTakeFirst();
    return changed(r) > 0;
  }

  /** The live user whose token hashes to this, if any. */
  async byTokenSha256(tokenSha256: string): Promise<StudioUser | undefined> {
    const row = await this.c.db
      .selectFrom('users')
      .select(['name', 'role', 'created_at'])
      .where('token_sha256', '=', tokenSha256)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    return row && toUser(row);
  }
}
