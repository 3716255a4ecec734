// File checksums remembered for the life of the process, so that a pack used from its own folder
// (a bare Optimum export, whose model.json is derived by hashing every file) is hashed once and
// not at every lookup: every caption job chooses its pack again, and hashing a 2.5 GB pack takes
// about 30 s. A digest is reused only while the file is the same on disk: same absolute path,
// device, inode, size, and modification and change times (nanoseconds; ctime cannot be set by a
// user, so an in-place rewrite that puts mtime back is still seen). A file that changed while it
// was read is not remembered. Install never relies on this: the copy into the library hashes the
// bytes it writes (packFiles.copyVerified). Hand-written: a few lines over node:fs stat and hash,
// which no package does with this identity (dev, inode, times) check.
import fs from 'node:fs';
import path from 'node:path';
import { hashWithStat } from './packFiles';

interface Remembered {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  sha256: string;
}

/** By absolute path; an entry is replaced when its file changes, so it holds one per file seen. */
const remembered = new Map<string, Remembered>();

const identity = (st: fs.BigIntStats) => ({ dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs });
const same = (r: Omit<Remembered, 'sha256'>, st: fs.BigIntStats) =>
  r.dev === st.dev && r.ino === st.ino && r.size === st.size && r.mtimeNs === st.mtimeNs && r.ctimeNs === st.ctimeNs;

/** sha256 of a file (never through a link), hashed once per process while the file is unchanged. */
export async function cachedSha256(file: string): Promise<string> {
  const abs = path.resolve(file);
  const hit = remembered.get(abs);
  if (hit) {
    const st = await fs.promises.lstat(abs, { bigint: true }).catch(() => null);
    if (st?.isFile() && same(hit, st)) return hit.sha256;
  }
  const { sha256, before, after } = await hashWithStat(abs);
  if (same(identity(before), after)) remembered.set(abs, { ...identity(after), sha256 });
  else remembered.delete(abs);
  return sha256;
}
