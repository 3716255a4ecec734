// Key/value settings stored as JSON inside the library, so a library carries its own choices
// (active packs, execution provider, thread count) wherever it goes.
import { changed, type RepoContext } from './repoContext';

export class SettingsRepo {
  constructor(private readonly c: RepoContext) {}

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

  async delete(key: string): Promise<boolean> {
    return changed(await this.c.db.deleteFrom('settings').where('key', '=', key).executeTakeFirst()) > 0;
  }
}
