// model_packs rows are provenance: never deleted, marked removed, reused by a reinstall (every back end).
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testStores } from '../testing/testStores';
import { storeKyselyForTests } from './store';

const m = { name: 'sep', version: '1.0.0', roles: ['separator'] };
const files = { 'a.onnx': { size: 1, mtimeMs: 2, ctimeMs: 3, ino: 4, sha256: 'f'.repeat(64) } };

describe.each(testStores())('model_packs repository ($name)', (backend) => {
  it('keeps rows for ever: removal marks them, a reinstall reuses them', async () => {
    const { store: db } = await backend.open();
    const id = await db.packs.ensureRow(m, '/folder');
    expect(await db.packs.ensureRow(m, '/elsewhere')).toBe(id);
    expect(await db.packs.installedFiles('sep', '1.0.0')).toBeNull(); // run from a folder: nothing recorded
    expect(await db.packs.recordInstalled(m, '/packs/sep@1.0.0', files)).toBe(id);
    expect(await db.packs.installedFiles('sep', '1.0.0')).toEqual(files);
    await db.packs.markRemoved('sep', '1.0.0');
    expect(await db.packs.installedFiles('sep', '1.0.0')).toBeNull();
    await expect(sql`DELETE FROM model_packs`.execute(storeKyselyForTests(db))).rejects.toThrow(/keep provenance/);
    expect(await db.packs.recordInstalled(m, '/packs/sep@1.0.0', files)).toBe(id);
    expect(await db.packs.installedFiles('sep', '1.0.0')).toEqual(files);
    const refreshed = { 'a.onnx': { ...files['a.onnx'], mtimeMs: 5 } };
    await db.packs.updateInstalledFiles('sep', '1.0.0', '/packs/sep@1.0.0', refreshed);
    expect(await db.packs.installedFiles('sep', '1.0.0')).toEqual(refreshed);
  });
});
