// Upload names: a plain file name, and a long one keeps its extension (and stays a legal name).
import { describe, expect, it } from 'vitest';
import { MAX_UPLOAD_NAME_BYTES, safeUploadName } from './upload';

describe('safeUploadName', () => {
  it('keeps the extension of a name over 200 characters', () => {
    const name = safeUploadName('a'.repeat(245) + '.flac');
    expect(name).toMatch(/^a+\.flac$/);
    expect(name.length).toBe(MAX_UPLOAD_NAME_BYTES);
  });

  it('counts bytes, never cutting inside a character', () => {
    const name = safeUploadName('歌'.repeat(120) + '.mp3');
    expect(name.endsWith('.mp3')).toBe(true);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(MAX_UPLOAD_NAME_BYTES);
    expect(name).toBe('歌'.repeat(Math.floor((MAX_UPLOAD_NAME_BYTES - 4) / 3)) + '.mp3');
  });

  it('drops folders, control characters and leading dots; refuses an empty name', () => {
    expect(safeUploadName('../../etc/.passwd.wav')).toBe('passwd.wav');
    expect(safeUploadName('C:\\music\\a\x00b.wav')).toBe('a_b.wav');
    expect(safeUploadName('short.ogg')).toBe('short.ogg');
    expect(() => safeUploadName('...')).toThrow(/upload needs a file name/);
    expect(() => safeUploadName(null)).toThrow(/upload needs a file name/);
  });
});
