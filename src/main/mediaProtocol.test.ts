// The desktop media protocol, driven with Fetch API requests as Electron's protocol.handle does.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudio, type Studio } from '../core/studio';
import { fixture, FIXTURE_DUET, tempDir } from '../core/testing/tmp';
import { createMediaHandler } from './mediaProtocol';

const tmp = tempDir();
let studio: Studio;
let handler: (req: Request) => Promise<Response>;
let trackId: number;
let stemId: number;
beforeAll(async () => {
  studio = await createStudio({ dbPath: path.join(tmp.dir, 'lib.db') });
  handler = createMediaHandler((kind, id) => studio.media(kind, id));
  trackId = (await studio.importPaths({ paths: [path.join(FIXTURE_DUET, 'duet.mp3')] })).imported[0]!.id;
  stemId = (await studio.attachStem({ trackId, name: 'vocals', path: path.join(FIXTURE_DUET, 'duet.vocals.ogg') })).id;
});
afterAll(async () => {
  await studio.close();
  tmp.cleanup();
});

describe('s2cap-media protocol', () => {
  it('serves a track whole and by Range', async () => {
    const size = fs.statSync(path.join(FIXTURE_DUET, 'duet.mp3')).size;
    const whole = await handler(new Request(`s2cap-media://track/${trackId}`));
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/mpeg');
    expect((await whole.arrayBuffer()).byteLength).toBe(size);
    const part = await handler(new Request(`s2cap-media://track/${trackId}`, { headers: { range: 'bytes=100-199' } }));
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${size}`);
    const bytes = new Uint8Array(await part.arrayBuffer());
    expect(Buffer.from(bytes).equals(fs.readFileSync(path.join(FIXTURE_DUET, 'duet.mp3')).subarray(100, 200))).toBe(true);
    const past = await handler(new Request(`s2cap-media://track/${trackId}`, { headers: { range: `bytes=${size}-` } }));
    expect(past.status).toBe(416);
  });

  it('serves stems by id', async () => {
    const r = await handler(new Request(`s2cap-media://stem/${stemId}`, { headers: { range: 'bytes=0-3' } }));
    expect(r.status).toBe(206);
    expect(Buffer.from(await r.arrayBuffer()).toString('ascii')).toBe('OggS');
  });

  it('refuses paths, unknown kinds and unknown ids', async () => {
    expect((await handler(new Request('s2cap-media://track/999'))).status).toBe(404);
    expect((await handler(new Request(`s2cap-media://file/${encodeURIComponent(fixture('aria.wav'))}`))).status).toBe(403);
    expect((await handler(new Request('s2cap-media://track/..%2F..%2Fetc%2Fpasswd'))).status).toBe(403);
    expect((await handler(new Request('s2cap-media://track/1/../../etc/passwd'))).status).not.toBe(200);
    expect((await handler(new Request('s2cap-media://stem/abc'))).status).toBe(403);
  });
});
