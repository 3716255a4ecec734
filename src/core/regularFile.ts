// The check every command runs before it opens an audio file by path: opening a FIFO blocks until
// someone writes to it (a `features`, `caption` or `separate` on a named pipe hung for ever), a
// device or socket is no recording, and a symlink loop should be called one rather than "file not
// found". stat never blocks on any of them, so it goes first.
import fs from 'node:fs/promises';
import { StudioError } from '../shared/errors';
import { describeFsError } from './library/scan';

function kindOf(st: import('node:fs').Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a plain file';
}

/** Resolves when `file` is a regular file (after links); otherwise throws one line naming it and why. */
export async function requireRegularFile(file: string): Promise<void> {
  let st;
  try {
    st = await fs.stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StudioError(code === 'ENOENT' || code === 'ENOTDIR' ? 'NOT_FOUND' : 'IO', `${file}: ${describeFsError(err)}`);
  }
  if (!st.isFile()) throw new StudioError('BAD_REQUEST', `${file}: ${kindOf(st)}, not an audio file`);
}
