// The desktop window's media URLs: s2cap-media://track/<id> and s2cap-media://stem/<id>, served
// with Range support from files that belong to the library. Anything else is 403/404. Written
// against the Fetch API's Request/Response (what protocol.handle uses), without importing electron,
// so it is unit-tested directly.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { isMediaKind, type MediaFile, type MediaKind } from '../core/media';
import { planMediaResponse } from '../core/range';
import { toErrorPayload } from '../shared/errors';

export const MEDIA_SCHEME = 's2cap-media';

/** `media` finds a track's or stem's file by id (Studio.media). */
export function createMediaHandler(media: (kind: MediaKind, id: number) => Promise<MediaFile>): (req: Request) => Promise<Response> {
  return async (req) => {
    const url = new URL(req.url);
    const kind = url.hostname;
    const m = /^\/(\d+)$/.exec(url.pathname);
    if (url.protocol !== `${MEDIA_SCHEME}:` || !isMediaKind(kind) || !m) return new Response('forbidden', { status: 403 });
    if (req.method !== 'GET' && req.method !== 'HEAD') return new Response(null, { status: 405 });
    let file;
    try {
      file = await media(kind, Number(m[1]));
    } catch (err) {
      const e = toErrorPayload(err);
      return new Response(e.message, { status: e.code === 'NOT_FOUND' ? 404 : 500 });
    }
    const plan = planMediaResponse(file.size, file.contentType, req.headers.get('range') ?? undefined);
    const body =
      req.method === 'HEAD' || !plan.body
        ? null
        : (Readable.toWeb(fs.createReadStream(file.path, plan.body)) as ReadableStream<Uint8Array>);
    return new Response(body, { status: plan.status, headers: plan.headers });
  };
}
