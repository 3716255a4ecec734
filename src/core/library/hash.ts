// Content identity of a file: sha256 of its bytes, streamed so large files never sit in memory.
// For audio, same hash = same recording, whatever the file is called or wherever it has moved; the
// training commands use it too (an export's manifest, a config file) to key a run folder.
import crypto from 'node:crypto';
import fs from 'node:fs';

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = crypto.createHash('sha256');
    const s = fs.createReadStream(file, { highWaterMark: 1 << 20 });
    s.on('data', (chunk) => h.update(chunk));
    s.on('error', reject);
    s.on('end', () => resolve(h.digest('hex')));
  });
}
