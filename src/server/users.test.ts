// Team mode over the real transport: a server user's own token opens the API and the event socket
// as that user (whoAmI names them and their role; a save is written under their name), the library
// token stays the owner's, and removing the user — from this process or from another one, as
// `s2cap users remove` does — refuses their token on the next request and closes their socket.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createStudio, type Studio } from '../core/studio';
import { fixture, tempDir } from '../core/testing/tmp';
import { startServer, WS_USER_REMOVED, type RunningServer } from './server';
import { httpRequest } from './testing/http';

const TOKEN = 'library-token-0123456789abcdef';

let tmp: ReturnType<typeof tempDir>;
let studio: Studio;
let server: RunningServer;

beforeEach(async () => {
  tmp = tempDir();
  studio = await createStudio({ dbPath: path.join(tmp.dir, 'lib.db'), runJobs: false });
  server = await startServer({ studio, token: TOKEN, port: 0, allowedPaths: [], userRecheckMs: 50 });
});
afterEach(async () => {
  await server.close();
  await studio.close();
  tmp.cleanup();
});

// Always sends a JSON content type, body or not.
const rpc = (name: string, body: unknown, token: string) =>
  httpRequest<any>(server.port, token, 'POST', `/api/rpc/${name}`, { body, headers: { 'content-type': 'application/json' } });

function openSocket(token: string): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${encodeURIComponent(token)}`);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}
const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

describe('server users', () => {
  it("a user's token works as that user, the library token as the owner", async () => {
    const { token: rita } = await studio.users.add('rita', 'reviewer');
    const { token: ana } = await studio.users.add('ana');
    expect((await rpc('whoAmI', undefined, rita)).body.value).toEqual({ name: 'rita', role: 'reviewer', fixed: true });
    expect((await rpc('whoAmI', undefined, ana)).body.value).toEqual({ name: 'ana', role: 'annotator', fixed: true });
    expect((await rpc('whoAmI', undefined, TOKEN)).body.value).toMatchObject({ role: 'owner', fixed: false });
    expect((await rpc('whoAmI', undefined, 'no-such-token-0123456789')).status).toBe(401);

    // A save through the server is written under the token's user.
    const track = (await studio.importPaths({ paths: [fixture('aria.wav')] })).imported[0]!;
    const seg = await studio.createSegment({ trackId: track.id, startSec: 0, endSec: 2 });
    const saved = await rpc('saveCaption', { segmentId: seg.id, text: 'a bright voice', status: 'approved', parentId: null }, ana);
    expect(saved.body.value).toMatchObject({ author: 'ana', status: 'approved' });
    // …and the queue, asked as rita, offers it for review; asked as ana, it is not hers to review.
    expect((await rpc('queryQueue', { reviewable: true }, rita)).body.value.items.map((i: { segmentId: number }) => i.segmentId)).toEqual([seg.id]);
    expect((await rpc('queryQueue', { reviewable: true }, ana)).body.value.items).toEqual([]);
  });

  it("a removed user's token gets 401 on the next request, and their socket closes (removed in this process)", async () => {
    const { token } = await studio.users.add('ana');
    const ws = await openSocket(token);
    const owner = await openSocket(TOKEN);
    expect((await rpc('getInfo', undefined, token)).status).toBe(200);
    const gone = closed(ws);
    await studio.users.remove('ana');
    expect(await gone).toBe(WS_USER_REMOVED);
    const refused = await rpc('getInfo', undefined, token);
    expect(refused.status).toBe(401);
    expect(refused.body.error?.code).toBe('UNAUTHORIZED');
    await expect(openSocket(token)).rejects.toThrow(/401/);
    // The owner's socket is left alone.
    expect(owner.readyState).toBe(WebSocket.OPEN);
    owner.close();
  });

  it('closes the socket of a user removed by another process (s2cap users remove)', async () => {
    const { token } = await studio.users.add('bo', 'reviewer');
    const ws = await openSocket(token);
    const gone = closed(ws);
    const other = await createStudio({ dbPath: path.join(tmp.dir, 'lib.db'), runJobs: false });
    try {
      await other.users.remove('bo');
    } finally {
      await other.close();
    }
    expect((await rpc('whoAmI', undefined, token)).status).toBe(401);
    expect(await gone).toBe(WS_USER_REMOVED);
  });
});
