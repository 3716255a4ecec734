// Streams a library media file with Range support (206 / 416), so players can seek without
// downloading the whole file.
import fs from 'node:fs';
import { pipeline } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MediaFile } from '../core/media';
import { planMediaResponse } from '../core/range';

export function sendMedia(req: IncomingMessage, res: ServerResponse, media: MediaFile): void {
  const plan = planMediaResponse(media.size, media.contentType, req.headers.range);
  res.writeHead(plan.status, plan.headers);
  if (req.method === 'HEAD' || !plan.body) {
    res.end();
    return;
  }
  // pipeline closes the file when the client goes away mid-download.
  pipeline(fs.createReadStream(media.path, plan.body), res, () => undefined);
}
