// File checksums remembered for the life of the process, so that a pack used from its own folder
// (a bare Optimum export, whose model.json is derived by hashing every file) is hashed again only
// for the files that changed: the folder's whole check is already reused while nothing in it
// changed (checkedFolders), but after an edit (a config file fixed, one added) the rest of a
// 2.5 GB export (about 30 s of hashing) is not read again. A digest is reused only while the file
// is the same on disk (fileIdentity, which checkedFolders uses too). A file that changed while it
// was read is not remembered. Install never relies on this: the copy into the library hashes the
// bytes it writes (packFiles.copyVerified). Hand-written: a few lines over node:fs stat and hash,
// which no package does with this identity (dev, inode, times) check.
import fs from 'node:fs';
import path from 'node:path';
import { hashWithStat } from './packFiles';

/**
 * What identifies a file's contents on disk while it is not rewritten: device, inode, size, and
 * modification and change times (nanoseconds; ctime cannot be set by a user, so a file rewritten
 * in place with its old mtime put back is still seen as changed).
 */
export const fileIdentity = (st: fs.BigIntStats): string => `${st.dev}\0${st.ino}\0${st.size}\0${st.mtimeNs}\0${st.ctimeNs}`;

/** By absolute path; an entry is replaced when its file changes, so it holds one per file seen. */
const remembered = new Map<string, { identity: string; sha256: string }>();

/** sha256 of a file (never through a link), hashed once per process while the file is unchanged. */
export async function cachedSha256(file: string): Promise<string> {
  const abs = path.resolve(file);
  const hit = remembered.get(abs);
  if (hit) {
    const st = await fs.promises.lstat(abs, { bigint: true }).catch(() => null);
    if (st?.isFile() && fileIdentity(st) === hit.identity) return hit.sha256;
  }
  const { sha256, before, after } = await hashWithStat(abs);
  const identity = fileIdentity(after);
  if (fileIdentity(before) === identity) remembered.set(abs, { identity, sha256 });
  else remembered.delete(abs);
  return sha256;
}
