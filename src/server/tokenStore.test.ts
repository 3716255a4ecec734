// The library's server token: kept across starts in its data folder (0600), set, rotated.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../core/testing/tmp';
import { checkTokenShape, libraryToken, TOKEN_FILE } from './tokenStore';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

describe('libraryToken', () => {
  it('makes a token once, keeps it readable by its owner only, and returns it on the next start', () => {
    const dir = path.join(tmp.dir, 'lib.data');
    const first = libraryToken(dir);
    expect(first.source).toBe('new');
    expect(first.file).toBe(path.join(dir, TOKEN_FILE));
    expect(fs.statSync(first.file).mode & 0o777).toBe(0o600);
    const second = libraryToken(dir);
    expect(second).toEqual({ ...first, source: 'kept' });
    expect(fs.readdirSync(dir)).toEqual([TOKEN_FILE]); // no temporary files left
  });

  it('rotates on request and keeps a given token', () => {
    const a = libraryToken(tmp.dir).token;
    const b = libraryToken(tmp.dir, { rotate: true });
    expect(b.source).toBe('new');
    expect(b.token).not.toBe(a);
    expect(libraryToken(tmp.dir).token).toBe(b.token);
    const given = 'my-team-token-0123456789';
    expect(libraryToken(tmp.dir, { given })).toMatchObject({ token: given, source: 'given' });
    expect(libraryToken(tmp.dir)).toMatchObject({ token: given, source: 'kept' });
  });

  it('tightens a loosened token file and replaces a damaged one', () => {
    const { file, token } = libraryToken(tmp.dir);
    fs.chmodSync(file, 0o644);
    expect(libraryToken(tmp.dir).token).toBe(token);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    fs.writeFileSync(file, 'short');
    const fresh = libraryToken(tmp.dir);
    expect(fresh.source).toBe('new');
    expect(fresh.token).not.toBe('short');
  });

  it('replaces a token file that is a link, without reading or writing through it', () => {
    const dir = path.join(tmp.dir, 'lib.data');
    fs.mkdirSync(dir);
    const elsewhere = path.join(tmp.dir, 'someone-elses-file');
    fs.writeFileSync(elsewhere, 'abcdefghijklmnopqrstuvwxyz0123\n', { mode: 0o644 });
    fs.symlinkSync(elsewhere, path.join(dir, TOKEN_FILE));
    const t = libraryToken(dir);
    expect(t.source).toBe('new');
    expect(t.token).not.toBe('abcdefghijklmnopqrstuvwxyz0123');
    expect(fs.lstatSync(t.file).isFile()).toBe(true);
    expect(fs.statSync(t.file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(elsewhere, 'utf8')).toBe('abcdefghijklmnopqrstuvwxyz0123\n');
    expect(fs.statSync(elsewhere).mode & 0o777).toBe(0o644);
    expect(fs.readdirSync(dir)).toEqual([TOKEN_FILE]);
  });

  it('refuses weak or URL-unsafe tokens with one line', () => {
    expect(() => checkTokenShape('abc', '--token')).toThrow(/^--token: a token needs 16 to 256 characters/);
    expect(() => checkTokenShape('has spaces in it, sixteen+', 'S2CAP_TOKEN')).toThrow(/^S2CAP_TOKEN:/);
    expect(checkTokenShape('0123456789abcdef', '--token')).toBe('0123456789abcdef');
  });
});
