// One line for any failure, as the CLI prints it and the server returns it: a file-system error
// names its file and says why in words ("…/x.npy: no such file or folder", not "ENOENT: …"), a
// thrown non-Error still says something ("error: undefined" was printed before), and internal
// working folders (a pack install's `.staging-<pid>-<uuid>`) never appear — the user did not name them.
import { oneLine, StudioError } from '../../shared/errors';
import { describeFsError } from '../library/scan';
import { isBusyError } from '../store/busyRetry';

/** What a command that met another process's write lock says (SQLite rolled it back). */
export const BUSY_MESSAGE = 'the library is busy: another process is writing to it; nothing was changed, try again in a moment';

// An absolute path (it may hold spaces, never ": " or quotes) that runs into a staging folder.
const STAGING = String.raw`(?<=^|[\s'"(])(?:[A-Za-z]:)?[\\/](?:(?!: )[^'"\n])*?[\\/]\.staging-[0-9a-f-]{8,}`;
const STAGING_INSIDE = new RegExp(STAGING + String.raw`[\\/]`, 'g');
const STAGING_ITSELF = new RegExp(STAGING, 'g');
/** The temporary names core/fsAtomic writes under before renaming into place. */
const TEMP_SUFFIX = /\.tmp-[0-9a-f]{12}(?=$|[\s'":,)])/g;

/** Removes internal folders and temporary names from a message: paths inside a pack's staging
 *  folder become pack-relative, a file being written is named by its final name. */
export function hideInternalPaths(message: string): string {
  return message.replace(STAGING_INSIDE, '').replace(STAGING_ITSELF, 'the pack folder').replace(TEMP_SUFFIX, '');
}

function isErrnoError(err: unknown): err is NodeJS.ErrnoException & { path: string } {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && typeof (err as NodeJS.ErrnoException).path === 'string';
}

function describeValue(v: unknown): string {
  if (v === undefined || v === null || v === '') return 'unexpected failure (no details were given)';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `unexpected failure (${String(v)})`;
  const m = (v as { message?: unknown }).message;
  if (typeof m === 'string' && m) return m;
  try {
    return `unexpected failure (${JSON.stringify(v).slice(0, 200)})`;
  } catch {
    return 'unexpected failure';
  }
}

/** The one-line text of anything thrown. */
export function describeFailure(err: unknown): string {
  let text: string;
  if (err instanceof StudioError) text = err.message;
  else if (isBusyError(err)) text = BUSY_MESSAGE;
  else if (isErrnoError(err)) text = `${err.path}: ${err.code === 'ENOENT' ? 'no such file or folder' : describeFsError(err)}`;
  else if (err instanceof Error) text = err.message || err.name || describeValue(undefined);
  else text = describeValue(err);
  return hideInternalPaths(oneLine(text) || describeValue(undefined));
}
