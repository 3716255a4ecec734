// Extracts a pack .zip with yauzl (streaming: multi-GB model files never sit in memory). Entries
// that would land outside the target folder (zip-slip) are refused.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { StudioError } from '../../../shared/errors';

export async function extractZip(file: string, dest: string): Promise<void> {
  await fs.promises.mkdir(dest, { recursive: true });
  const root = path.resolve(dest);
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((res, rej) => yauzl.open(file, { lazyEntries: true, autoClose: true }, (e, z) => (e ? rej(e) : res(z!))));
  } catch (err) {
    throw new StudioError('BAD_REQUEST', `${path.basename(file)}: not a readable zip (${(err as Error).message})`);
  }
  await new Promise<void>((resolve, reject) => {
    zip.on('error', (e) => reject(new StudioError('BAD_REQUEST', `${path.basename(file)}: ${e.message}`)));
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      const target = path.resolve(root, entry.fileName);
      if (target !== root && !target.startsWith(root + path.sep)) {
        zip.close();
        reject(new StudioError('BAD_REQUEST', `${path.basename(file)}: entry "${entry.fileName}" points outside the pack`));
        return;
      }
      if (/\/$/.test(entry.fileName)) {
        fs.promises.mkdir(target, { recursive: true }).then(() => zip.readEntry(), reject);
        return;
      }
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return reject(err);
        fs.promises
          .mkdir(path.dirname(target), { recursive: true })
          .then(() => pipeline(stream, fs.createWriteStream(target)))
          .then(() => zip.readEntry(), reject);
      });
    });
    zip.readEntry();
  });
}
