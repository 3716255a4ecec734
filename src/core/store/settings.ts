// Key/value settings stored as JSON inside the library, so a library carries its own choices
// (active packs, execution provider, thread count) wherever it goes.
import { sql } from 'kysely';
import { changed, type RepoContext } from './repoContext';

/** First key of the pg_advisory_xact_lock(int, int) pairs that lock one setting ("S2Ca"). */
const PG_SETTING_LOCK_CLASS = 0x53324361;

export class SettingsRepo {
  constructor(private readonly c: RepoContext) {}

  /**
   * Inside a write transaction, before reading a setting it will change from what it read: makes
   * other processes doing the same wait until this transaction ends, so neither change is lost.
   * SQLite: nothing to do (a write transaction holds the library's write lock from its start).
   * PostgreSQL: READ COMMITTED lets two transactions read the same old value, so an advisory lock
   * on the key (held to the transaction's end; it also covers a key that has no row yet).
   */
  async lock(key: string): Promise<void> {
    if (this.c.dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(${PG_SETTING_LOCK_CLASS}, hashtext(${key}))`.execute(this.c.db);
  }

  async get<T>(key: string): Promise<T | undefined> {
    const row = await this.c.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row === undefined ? undefined : (JSON.parse(row.value) as T);
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.c.db
      .insertInto('settings')
      .values({ key, value: JSON.stringify(value) })
      .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
      .execute();
  }

  /**
   * Records `value` unless the key already has one (one statement, so of two processes racing to
   * record a first value exactly one wins); returns the value the library now holds.
   */
  async setIfAbsent<T>(key: string, value: T): Promise<T> {
    await this.c.db
      .insertInto('settings')
      .values({ key, value: JSON.stringify(value) })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return (await this.get<T>(key)) as T;
  }

  async delete(key: string): Promise<boolean> {
    return changed(await this.c.db.deleteFrom('settings').where('key', '=', key).executeTakeFirst()) > 0;
  }
}
