// A library keeps its server token across restarts, so an open tab keeps working after `s2cap
// serve` restarts. The token lives in the library's data folder, readable by its owner only
// (0600), written to a temporary name, fsynced and renamed (core/fsAtomic); a link in its place is
// replaced, never followed. A given token (--token or
// S2CAP_TOKEN) becomes the library's token; --new-token replaces it with a fresh one.
import fs from 'node:fs';
import path from 'node:path';
import { AtomicFile } from '../core/fsAtomic';
import { StudioError } from '../shared/errors';
import { newToken } from './auth';

export const TOKEN_FILE = 'server-token';
const TOKEN_SHAPE = /^[A-Za-z0-9._~-]{16,256}$/;

export interface TokenChoice {
  /** A token to use and keep (from --token or S2CAP_TOKEN). */
  given?: string;
  /** Replace the kept token with a fresh one. */
  rotate?: boolean;
}

export interface LibraryToken {
  token: string;
  source: 'kept' | 'new' | 'given';
  file: string;
}

/** Refuses tokens that are guessable or that do not survive a URL unchanged. */
export function checkTokenShape(token: string, where: string): string {
  if (!TOKEN_SHAPE.test(token)) {
    throw new StudioError('BAD_REQUEST', `${where}: a token needs 16 to 256 characters, letters, digits and - _ . ~ only`);
  }
  return token;
}

export function libraryToken(dataDir: string, choice: TokenChoice = {}): LibraryToken {
  const file = path.join(dataDir, TOKEN_FILE);
  if (choice.given !== undefined) {
    writeToken(file, choice.given);
    return { token: choice.given, source: 'given', file };
  }
  if (!choice.rotate) {
    const kept = readToken(file);
    if (kept) return { token: kept, source: 'kept', file };
  }
  const token = newToken();
  writeToken(file, token);
  return { token, source: 'new', file };
}

function readToken(file: string): string | null {
  let text: string;
  try {
    const st = fs.lstatSync(file);
    // A link (or anything but a plain file) is not a token we wrote: replace it, never follow it.
    if (!st.isFile()) return null;
    // Tighten a file someone loosened, before trusting it.
    if ((st.mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
    text = fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StudioError('IO', `${file}: cannot read the server token (${(err as Error).message})`);
  }
  return TOKEN_SHAPE.test(text) ? text : null;
}

function writeToken(file: string, token: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let out: AtomicFile | undefined;
  try {
    out = new AtomicFile(file);
    fs.fchmodSync(out.fd, 0o600); // before a byte of the token is written
    fs.writeFileSync(out.fd, token + '\n');
    out.commitSync(); // renames over the old file (or a link there), never through it
  } catch (err) {
    out?.abort();
    throw new StudioError('IO', `${file}: cannot write the server token (${(err as Error).message})`);
  }
}
