// model_packs rows are provenance: never deleted, marked removed, reused by a reinstall.
import { describe, expect, it } from 'vitest';
import { openDb } from './db';
import { ensurePackRow, installedFiles, markPackRemoved, recordInstalledPack } from './packs';

const m = { name: 'sep', version: '1.0.0', roles: ['separator'] };
const files = { 'a.onnx': { size: 1, mtimeMs: 2, ctimeMs: 3, ino: 4, sha256: 'f'.repeat(64) } };

describe('model_packs repository', () => {
  it('keeps rows for ever: removal marks them, a reinstall reuses them', () => {
    const db = openDb(':memory:');
    const id = ensurePackRow(db, m, '/folder');
    expect(ensurePackRow(db, m, '/elsewhere')).toBe(id);
    expect(installedFiles(db, 'sep', '1.0.0')).toBeNull(); // run from a folder: nothing recorded
    expect(recordInstalledPack(db, m, '/packs/sep@1.0.0', files)).toBe(id);
    expect(installedFiles(db, 'sep', '1.0.0')).toEqual(files);
    markPackRemoved(db, 'sep', '1.0.0');
    expect(installedFiles(db, 'sep', '1.0.0')).toBeNull();
    expect(() => db.prepare('DELETE FROM model_packs').run()).toThrow(/keep provenance/);
    expect(recordInstalledPack(db, m, '/packs/sep@1.0.0', files)).toBe(id);
    expect(installedFiles(db, 'sep', '1.0.0')).toEqual(files);
    db.close();
  });
});
