// Extracts a pack .zip with yauzl (streaming: multi-GB model files never sit in memory). The
// whole central directory is read first and the archive refused before anything is written when
// an entry would land outside the target folder (zip-slip), is a link or a special file, when the
// declared total exceeds the size cap, or when an entry or the archive as a whole compresses more
// than model weights can (a bomb). While streaming, actual bytes are counted against each entry's
// declared size and the cap, so a header that lies about its size is cut off. Every file is
// fsynced; the caller renames the folder into place. yauzl does the zip format; the policy above
// is ours (no library has it).
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { StudioError } from '../../../shared/errors';

export interface ZipLimits {
  /** Most bytes the archive may unpack to, all entries together. */
  maxTotalBytes: number;
  /** Largest uncompressed:compressed ratio of an entry over 1 MiB (float weights barely compress). */
  maxRatio: number;
  maxEntries: number;
}

const GiB = 1024 ** 3;
export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxTotalBytes: Number(process.env.S2CAP_PACK_MAX_BYTES) > 0 ? Number(process.env.S2CAP_PACK_MAX_BYTES) : 16 * GiB,
  maxRatio: 100,
  maxEntries: 10_000,
};

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

const size = (n: number) => (n >= GiB ? `${(n / GiB).toFixed(1)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`);

export async function extractZip(file: string, dest: string, limits: Partial<ZipLimits> = {}, label = file): Promise<void> {
  const lim = { ...DEFAULT_ZIP_LIMITS, ...limits };
  const refuse = (why: string) => new StudioError('BAD_REQUEST', `${label}: ${why}`);
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((res, rej) => yauzl.open(file, { lazyEntries: true, autoClose: false }, (e, z) => (e ? rej(e) : res(z!))));
  } catch (err) {
    throw refuse(`not a readable zip (${(err as Error).message})`);
  }
  try {
    const root = path.resolve(dest);
    const entries = await readDirectory(zip, lim.maxEntries, refuse);
    let total = 0;
    let compressed = 0;
    for (const e of entries) {
      const target = path.resolve(root, e.fileName);
      if (target !== root && !target.startsWith(root + path.sep)) throw refuse(`entry "${e.fileName}" points outside the pack`);
      const mode = (e.externalFileAttributes >>> 16) & S_IFMT;
      if (mode === S_IFLNK) throw refuse(`entry "${e.fileName}" is a symbolic link: packs may not contain links`);
      if (mode !== 0 && mode !== S_IFREG && mode !== S_IFDIR) throw refuse(`entry "${e.fileName}" is not a regular file`);
      if (e.uncompressedSize > 2 ** 20 && e.uncompressedSize / Math.max(1, e.compressedSize) > lim.maxRatio) {
        throw refuse(`entry "${e.fileName}" compresses ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))}:1, too much for model weights (a zip bomb?)`);
      }
      total += e.uncompressedSize;
      compressed += e.compressedSize;
    }
    // The same test over the whole archive: a bomb split into many entries of up to 1 MiB each
    // passes the per-entry check but not this one.
    if (total > 2 ** 20 && total / Math.max(1, compressed) > lim.maxRatio) {
      throw refuse(`the archive compresses ${Math.round(total / Math.max(1, compressed))}:1, too much for model weights (a zip bomb?)`);
    }
    if (total > lim.maxTotalBytes) {
      throw refuse(`unpacks to ${size(total)}, over the ${size(lim.maxTotalBytes)} limit for a pack (set S2CAP_PACK_MAX_BYTES to allow more)`);
    }

    await fs.promises.mkdir(root, { recursive: true });
    let written = 0;
    for (const e of entries) {
      const target = path.resolve(root, e.fileName);
      if (/\/$/.test(e.fileName)) {
        await fs.promises.mkdir(target, { recursive: true });
        continue;
      }
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      let entryBytes = 0;
      const count = new Transform({
        transform(chunk: Buffer, _enc, done) {
          entryBytes += chunk.length;
          written += chunk.length;
          if (entryBytes > e.uncompressedSize) return done(refuse(`entry "${e.fileName}" holds more bytes than its header says (a zip bomb?)`));
          if (written > lim.maxTotalBytes) return done(refuse(`unpacks to more than the ${size(lim.maxTotalBytes)} limit for a pack`));
          done(null, chunk);
        },
      });
      try {
        const stream = await new Promise<NodeJS.ReadableStream>((res, rej) => zip.openReadStream(e, (err, s) => (err || !s ? rej(err) : res(s))));
        await pipeline(stream, count, fs.createWriteStream(target, { flags: 'wx', flush: true }));
      } catch (err) {
        if (err instanceof StudioError) throw err;
        throw refuse(`entry "${e.fileName}": ${(err as Error).message}`);
      }
    }
  } finally {
    zip.close();
  }
}

/** Every entry of the central directory, without reading any data. */
function readDirectory(zip: yauzl.ZipFile, maxEntries: number, refuse: (why: string) => Error): Promise<yauzl.Entry[]> {
  if (zip.entryCount > maxEntries) return Promise.reject(refuse(`${zip.entryCount} entries, more than the ${maxEntries} a pack may have`));
  return new Promise((resolve, reject) => {
    const out: yauzl.Entry[] = [];
    zip.on('error', (e: Error) => reject(refuse(e.message)));
    zip.on('end', () => resolve(out));
    zip.on('entry', (e: yauzl.Entry) => {
      out.push(e);
      zip.readEntry();
    });
    zip.readEntry();
  });
}
