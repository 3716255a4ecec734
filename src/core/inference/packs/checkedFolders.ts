// Pack folders used in place (`--pack DIR`, a caption job naming a folder), checked once per
// process while unchanged. Checking such a folder opens every ONNX graph to read its tensors
// (seconds for a base-size captioner), and every caption job, its queuing (an unknown name is
// refused at once) and each job that joins a batch choose their pack again. The check is reused
// only while no entry of the folder changed: the same names, each of the same kind and with the
// same identity on disk (fileDigests.fileIdentity: device, inode, size, nanosecond modification
// and change times, as for the per-file checksums). A failed check is not kept: the user fixes
// the folder and the next lookup checks again. Installed packs never come here (they are compared
// with what install recorded, packFiles.checkInstalled). Hand-written: a readdir and lstat over
// node:fs, which no package does with this identity check.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileIdentity } from './fileDigests';

/** What identifies a folder's contents on disk: every entry's name, kind and identity. */
async function folderSignature(dir: string): Promise<string> {
  const names = (await fs.readdir(dir)).sort();
  const parts: string[] = [];
  for (const name of names) {
    const st = await fs.lstat(path.join(dir, name), { bigint: true }).catch(() => null);
    const kind = !st ? 'gone' : st.isFile() ? 'f' : st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : 'o';
    parts.push(st ? `${name}\0${kind}\0${fileIdentity(st)}` : `${name}\0${kind}`);
  }
  return parts.join('\n');
}

const checked = new Map<string, { signature: string; result: Promise<unknown> }>();

/**
 * `check(dir)`'s result, computed once per process while the folder's signature is unchanged.
 * Concurrent lookups of one folder share one check.
 */
export async function checkedFolder<T>(dir: string, check: () => Promise<T>): Promise<T> {
  const abs = path.resolve(dir);
  const signature = await folderSignature(abs);
  const hit = checked.get(abs);
  if (hit && hit.signature === signature) return hit.result as Promise<T>;
  const result = check();
  checked.set(abs, { signature, result });
  result.then(
    async () => {
      // Changed while it was checked: not kept (the next lookup checks what is there now).
      if (checked.get(abs)?.result === result && (await folderSignature(abs).catch(() => '')) !== signature) checked.delete(abs);
    },
    () => {
      if (checked.get(abs)?.result === result) checked.delete(abs);
    },
  );
  return result;
}
