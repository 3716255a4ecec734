// Every file the studio writes (stems, peaks cache, uploads, CLI outputs) goes through here, so
// that a crash, kill -9 or power cut at any moment leaves either the old file or the complete
// new one under the final name, never a half-written one: write to a temporary name beside it,
// fsync, rename over the final name, fsync the folder.
//
// Whole buffers use npm's write-file-atomic (temp name, fsync, rename, clean-up on failure and on
// exit signals). It cannot stream and gives no file descriptor, so AtomicFile is written here by
// hand for what does: WAV stems written chunk by chunk with their header patched at the end
// (positional writes on a descriptor), and uploads piped from a request. Its temporary files are
// named `<final name>.tmp-<12 hex>`; isTempFile() recognises them so a later start can sweep
// what a killed process left behind.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import writeFileAtomicLib from 'write-file-atomic';

const TEMP_SUFFIX = /\.tmp-[0-9a-f]{12}$/;

/** A temporary name beside `file` (same folder, so the final rename stays on one filesystem). */
export function tempNameFor(file: string): string {
  return `${file}.tmp-${crypto.randomBytes(6).toString('hex')}`;
}

/** True for a name AtomicFile gives its temporary files. */
export function isTempFile(name: string): boolean {
  return TEMP_SUFFIX.test(name);
}

/** Makes a rename durable: fsync the folder that holds the entry. Not possible on Windows
 *  (folders cannot be opened there), where the rename is as durable as the filesystem makes it. */
export function fsyncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw err;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes a whole file atomically (temp name, fsync, rename, fsync folder). */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const buf = typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  try {
    await writeFileAtomicLib(file, buf, { fsync: true });
  } catch (err) {
    // The library reports its own temporary name (`x.npy.2315602895`); the user named `x.npy`.
    const e = err as NodeJS.ErrnoException;
    if (typeof e?.path === 'string' && e.path !== file) {
      e.message = e.message.split(e.path).join(file);
      e.path = file;
    }
    throw err;
  }
  fsyncDirSync(path.dirname(file));
}

const fsync = promisify(fs.fsync);
const close = promisify(fs.close);

/**
 * A file being written under a temporary name. Write through `fd` (or `createWriteStream()`),
 * then `commit()` to make it appear under its final name, or `abort()` to remove it. Until the
 * commit, whatever was at the final name stays there untouched.
 */
export class AtomicFile {
  readonly tmpPath: string;
  readonly fd: number;
  private open = true;

  constructor(readonly path: string) {
    this.tmpPath = tempNameFor(path);
    this.fd = fs.openSync(this.tmpPath, 'wx');
  }

  /** A write stream over the temporary file; it leaves the descriptor open for commit(). */
  createWriteStream(): fs.WriteStream {
    return fs.createWriteStream(this.tmpPath, { fd: this.fd, autoClose: false });
  }

  /** fsync, close, rename over the final name, fsync the folder (blocking: for workers and CLIs). */
  commitSync(): void {
    this.ensureOpen();
    try {
      fs.fsyncSync(this.fd);
      this.closeFd();
    } catch (err) {
      this.abort();
      throw err;
    }
    this.publish();
  }

  /** The same as commitSync without blocking the event loop on a large file's fsync. */
  async commit(): Promise<void> {
    this.ensureOpen();
    try {
      await fsync(this.fd);
      this.open = false;
      await close(this.fd);
    } catch (err) {
      this.abort();
      throw err;
    }
    this.publish();
  }

  /** Closes and removes the temporary file; the final name is left as it was. Never throws. */
  abort(): void {
    try {
      this.closeFd();
    } catch {
      // already closed by the OS or the stream: the file still has to go
    }
    fs.rmSync(this.tmpPath, { force: true });
  }

  private publish(): void {
    try {
      fs.renameSync(this.tmpPath, this.path);
    } catch (err) {
      fs.rmSync(this.tmpPath, { force: true });
      throw err;
    }
    fsyncDirSync(path.dirname(this.path));
  }

  private ensureOpen(): void {
    if (!this.open) throw new Error(`${this.path}: already committed or aborted`);
  }

  private closeFd(): void {
    if (!this.open) return;
    this.open = false;
    fs.closeSync(this.fd);
  }
}

/** Removes the temporary files AtomicFile left in `dir` (not recursive); returns their paths. */
export function removeTempFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const gone: string[] = [];
  for (const n of names.filter(isTempFile)) {
    const p = path.join(dir, n);
    try {
      fs.rmSync(p, { force: true });
      gone.push(p);
    } catch (err) {
      console.warn(`could not remove leftover temporary file ${p}: ${(err as Error).message}`);
    }
  }
  return gone;
}
