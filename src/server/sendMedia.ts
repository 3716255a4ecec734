// Streams a library media file with Range support (206 / 416), so players can seek without
// downloading the whole file.
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MediaFile } from '../core/media';
import { parseRange } from './range';

export function sendMedia(req: IncomingMessage, res: ServerResponse, media: MediaFile): void {
  const range = parseRange(req.headers.range, media.size);
  const common = { 'content-type': media.contentType, 'accept-ranges': 'bytes', 'cache-control': 'no-cache' };
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...common, 'content-range': `bytes */${media.size}` }).end();
    return;
  }
  const { start, end } = range ?? { start: 0, end: media.size - 1 };
  res.writeHead(range ? 206 : 200, {
    ...common,
    'content-length': String(Math.max(0, end - start + 1)),
    ...(range ? { 'content-range': `bytes ${start}-${end}/${media.size}` } : {}),
  });
  if (req.method === 'HEAD' || media.size === 0) {
    res.end();
    return;
  }
  const stream = fs.createReadStream(media.path, { start, end });
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
