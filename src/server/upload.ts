// Browser-mode import: the page cannot name paths on the studio's machine, so it uploads the
// bytes. Each upload is streamed into the library's uploads folder (never held in memory; under a
// temporary name until complete, see core/fsAtomic) and imported from there; a file that turns
// out to be a duplicate or bad is removed again.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { IncomingMessage } from 'node:http';
import { AtomicFile } from '../core/fsAtomic';
import { AUDIO_EXTENSIONS, extensionOf, isAudioFileName } from '../core/library/formats';
import type { Studio } from '../core/studio';
import { StudioError } from '../shared/errors';
import type { ImportReport } from '../shared/types';

export const MAX_UPLOAD_BYTES = 4 * 1024 ** 3;

/** Bytes of UTF-8, leaving room under the usual 255-byte name limit for a temporary suffix. */
export const MAX_UPLOAD_NAME_BYTES = 200;

/**
 * Keeps a plain file name: no folders, no control characters, no leading dots, at most 200 bytes
 * — shortened before its extension (never inside a character), so a long name still says what
 * format it is.
 */
export function safeUploadName(raw: string | null): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\x00-\x1f<>:"|?*]/g, '_').replace(/^\.+/, '');
  if (!clean) throw new StudioError('BAD_REQUEST', 'upload needs a file name (?name=song.mp3)');
  if (Buffer.byteLength(clean) <= MAX_UPLOAD_NAME_BYTES) return clean;
  const ext = /\.[^.]{1,16}$/.exec(clean)?.[0] ?? '';
  return utf8Prefix(clean.slice(0, clean.length - ext.length), MAX_UPLOAD_NAME_BYTES - Buffer.byteLength(ext)) + ext;
}

function utf8Prefix(s: string, maxBytes: number): string {
  let out = '';
  let n = 0;
  for (const ch of s) {
    n += Buffer.byteLength(ch);
    if (n > maxBytes) break;
    out += ch;
  }
  return out;
}

export async function receiveUpload(studio: Studio, req: IncomingMessage, rawName: string | null, opts: { allowTruncated?: boolean } = {}): Promise<ImportReport> {
  const name = safeUploadName(rawName);
  if (!isAudioFileName(name)) {
    req.resume();
    const ext = extensionOf(name);
    return {
      imported: [],
      duplicates: [],
      relinked: [],
      skipped: 0,
      failed: [{ path: name, name, reason: `unsupported file type${ext ? ` .${ext}` : ''} (supported: ${AUDIO_EXTENSIONS.join(', ')})` }],
    };
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > MAX_UPLOAD_BYTES) throw new StudioError('BAD_REQUEST', `${name}: larger than the 4 GiB upload limit`);
  let received = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      received += chunk.length;
      // Chunked uploads declare no length: count what actually arrives.
      cb(received > MAX_UPLOAD_BYTES ? new Error('larger than the 4 GiB upload limit') : null, chunk);
    },
  });
  const dir = path.join(studio.dataDir, 'uploads', crypto.randomUUID());
  fs.mkdirSync(dir, { recursive: true });
  const dest = path.join(dir, name);
  // Received under a temporary name, fsynced and renamed: the file is never seen half-uploaded.
  const file = new AtomicFile(dest);
  try {
    await pipeline(req, limit, file.createWriteStream());
    await file.commit();
  } catch (err) {
    file.abort();
    fs.rmSync(dir, { recursive: true, force: true });
    throw new StudioError('IO', `${name}: upload interrupted (${(err as Error).message})`);
  }
  const report = await studio.importPaths({ paths: [dest], allowTruncated: opts.allowTruncated });
  if (report.imported.length === 0 && report.relinked.length === 0) fs.rmSync(dir, { recursive: true, force: true });
  // Report the name the user chose, not our storage path.
  for (const f of report.failed) f.path = name;
  for (const d of report.duplicates) d.path = name;
  for (const t of report.truncated ?? []) t.path = name;
  return report;
}
