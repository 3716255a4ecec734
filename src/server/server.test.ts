// The HTTP transport as a hostile browser client meets it: a real library, a real server on a
// free port, raw HTTP and WebSocket requests. Server paths are confined to the allowed folders
// with one refusal for existing and missing paths, Host and Origin are checked against the names
// the server is known by.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createStudio, type Studio } from '../core/studio';
import { FIXTURE_AUDIO, FIXTURE_DUET, fixture, tempDir } from '../core/testing/tmp';
import { startServer, type RunningServer, type ServeOptions } from './server';
import { httpRequest, type HttpReply } from './testing/http';

const TOKEN = 'test-token-0123456789abcdef';
const PACKS = path.resolve(FIXTURE_AUDIO, '..', 'packs');

let tmp: ReturnType<typeof tempDir>;
let studio: Studio;
let server: RunningServer | undefined;
let allowed: string;
let outside: string;

beforeEach(async () => {
  tmp = tempDir();
  allowed = path.join(tmp.dir, 'allowed');
  outside = path.join(tmp.dir, 'outside');
  fs.mkdirSync(allowed);
  fs.mkdirSync(outside);
  studio = await createStudio({ dbPath: path.join(tmp.dir, 'lib.db'), runJobs: false });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await studio.close();
  tmp.cleanup();
});

async function serve(opts: Partial<ServeOptions> = {}): Promise<RunningServer> {
  server = await startServer({ studio, token: TOKEN, port: 0, allowedPaths: [allowed], ...opts });
  return server;
}

type Reply = HttpReply;

const request = (method: string, urlPath: string, opts: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> =>
  httpRequest(server!.port, TOKEN, method, urlPath, opts);
const rpc = (name: string, body: unknown, headers?: Record<string, string>) => request('POST', `/api/rpc/${name}`, { body, headers });

function copyFixture(dir: string, name = 'aria.wav'): string {
  const dest = path.join(dir, name);
  fs.copyFileSync(fixture('aria.wav'), dest);
  return dest;
}

describe('server paths', () => {
  it('refuses every path command outside the allowed folders with one message, existing or not', async () => {
    await serve();
    const secret = copyFixture(outside, 'secret.wav');
    fs.chmodSync(secret, 0o600);
    const missing = path.join(outside, 'missing.wav');
    const track = (await studio.importPaths({ paths: [copyFixture(allowed, 'mine.wav')] })).imported[0]!;
    const calls: [string, (p: string) => unknown][] = [
      ['importPaths', (p) => ({ paths: [p] })],
      ['relinkTrack', (p) => ({ id: track.id, path: p })],
      ['attachStem', (p) => ({ trackId: track.id, name: 'vocals', path: p })],
      ['installPack', (p) => ({ path: p })],
      ['startCaptioning', (p) => ({ trackId: track.id, pack: p })],
      ['startSeparation', (p) => ({ trackId: track.id, pack: p })],
    ];
    for (const [name, body] of calls) {
      const a = await rpc(name, body(secret));
      const b = await rpc(name, body(missing));
      const dir = await rpc(name, body(outside));
      for (const [r, p] of [[a, secret], [b, missing], [dir, outside]] as const) {
        expect(r.status, name).toBe(403);
        expect(r.body.error, name).toEqual({ code: 'FORBIDDEN', message: `${p}: not inside a folder this server allows (s2cap serve --allow-path DIR)` });
      }
    }
    expect((await studio.listTracks()).length).toBe(1);
  });

  it('allows paths inside the allowed folders', async () => {
    await serve({ allowedPaths: [allowed, FIXTURE_DUET] });
    const mix = path.join(allowed, 'duet.mp3');
    fs.copyFileSync(path.join(FIXTURE_DUET, 'duet.mp3'), mix);
    const imp = await rpc('importPaths', { paths: [allowed] });
    expect(imp.status).toBe(200);
    const trackId = (imp.body.value as { imported: { id: number }[] }).imported[0]!.id;
    const stem = await rpc('attachStem', { trackId, name: 'vocals', path: path.join(FIXTURE_DUET, 'duet.vocals.ogg') });
    expect(stem.body).toMatchObject({ ok: true, value: { name: 'vocals' } });
    // Missing inside an allowed folder: the command's own answer, not the confinement's.
    const gone = await rpc('relinkTrack', { id: trackId, path: path.join(allowed, 'gone.mp3') });
    expect(gone.body.error?.code).not.toBe('FORBIDDEN');
    // A folder inside that is no pack: the installer's own answer.
    const notPack = await rpc('installPack', { path: mix });
    expect(notPack.body.error).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/a model pack is a folder or a .zip/) });
  });

  it('lets a known pack be named by its id wherever its folder is', async () => {
    await studio.close();
    studio = await createStudio({ dbPath: path.join(tmp.dir, 'lib.db'), runJobs: false, bundledPacksDir: PACKS });
    await serve();
    const trackId = (await studio.importPaths({ paths: [copyFixture(allowed)] })).imported[0]!.id;
    expect((await rpc('startSeparation', { trackId, pack: 'identity-separator@1.0.0' })).status).toBe(200);
    expect((await rpc('startSeparation', { trackId, pack: path.join(PACKS, 'identity-separator') })).status).toBe(403);
  });

  it('does not follow links out of an allowed folder, named or found while walking', async () => {
    await serve();
    const secret = copyFixture(outside, 'secret.wav');
    fs.symlinkSync(secret, path.join(allowed, 'linked.wav'));
    fs.symlinkSync(outside, path.join(allowed, 'door'));
    fs.copyFileSync(fixture('aria.flac'), path.join(allowed, 'own.flac'));
    const named = await rpc('importPaths', { paths: [path.join(allowed, 'linked.wav')] });
    expect(named.status).toBe(403);
    expect((await rpc('importPaths', { paths: [path.join(allowed, 'door', 'secret.wav')] })).status).toBe(403);
    const walked = await rpc('importPaths', { paths: [allowed] });
    expect(walked.status).toBe(200);
    const report = walked.body.value as { imported: { path: string }[]; failed: { path: string; reason: string }[] };
    expect(report.imported.map((t) => t.path)).toEqual([path.join(allowed, 'own.flac')]);
    expect(report.failed).toEqual([{ path: path.join(allowed, 'linked.wav'), name: 'linked.wav', reason: 'not inside a folder this server allows (s2cap serve --allow-path DIR)' }]);
  });

  it('takes no server paths when bound to every interface without --allow-path, but still uploads', async () => {
    server = await startServer({ studio, token: TOKEN, port: 0, host: '0.0.0.0' });
    expect(server.allowedPaths).toEqual([]);
    const r = await rpc('importPaths', { paths: [fixture('aria.wav')] });
    expect(r.status).toBe(403);
    expect(r.body.error!.message).toMatch(/takes no paths on its machine .*--allow-path DIR, or upload files/);
    const up = await new Promise<Reply>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: server!.port, method: 'POST', path: '/api/upload?name=aria.wav', headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
        let t = '';
        res.on('data', (c) => (t += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(t) }));
      });
      req.on('error', reject);
      req.end(fs.readFileSync(fixture('aria.wav')));
    });
    expect(up.body).toMatchObject({ ok: true, value: { imported: [{ fileName: 'aria.wav' }] } });
  });

  it('allows the home folder by default on loopback', async () => {
    server = await startServer({ studio, token: TOKEN, port: 0 });
    expect(server.allowedPaths).toEqual([(await import('node:os')).homedir()]);
  });
});

describe('host names and origins', () => {
  it('answers only to the names it is known by', async () => {
    await serve({ publicHosts: ['studio.example.org'] });
    const port = server!.port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'studio.example.org', `STUDIO.example.org:${port}`]) {
      expect((await request('GET', '/api/tracks', { headers: { host } })).status, host).toBe(200);
    }
    for (const host of [`evil.example:${port}`, 'studio.example.org.evil.example', 'user@localhost']) {
      const r = await request('GET', '/api/tracks', { headers: { host } });
      expect(r.status, host).toBe(421);
      expect(r.body.error!.message).toMatch(/is not a name this server answers to.*--public-host NAME/);
    }
    // Even the renderer page and health: a rebinding page learns nothing.
    expect((await request('GET', '/api/health', { headers: { host: 'evil.example' } })).status).toBe(421);
  });

  it('refuses API requests sent by a page from another origin', async () => {
    await serve();
    const port = server!.port;
    expect((await rpc('listTracks', null, { origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    const r = await rpc('listTracks', null, { origin: 'http://evil.example' });
    expect(r.status).toBe(403);
    expect(r.body.error!.message).toMatch(/requests from http:\/\/evil.example are not accepted/);
    expect((await rpc('listTracks', null, { origin: 'null' })).status).toBe(403);
    // Another local server's page (same name, other port) is another origin.
    expect((await rpc('listTracks', null, { origin: `http://127.0.0.1:${port + 1}` })).status).toBe(403);
    expect((await rpc('listTracks', null, { origin: 'http://localhost:3000' })).status).toBe(403);
  });

  it('refuses a WebSocket from another origin or host, accepts its own', async () => {
    await serve();
    const url = `ws://127.0.0.1:${server!.port}/api/events?token=${TOKEN}`;
    const outcome = (headers: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url, { headers });
        ws.once('open', () => (ws.close(), resolve('open')));
        ws.once('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
        ws.once('error', (e) => resolve(`error ${e.message}`));
      });
    expect(await outcome({ origin: `http://127.0.0.1:${server!.port}` })).toBe('open');
    expect(await outcome({})).toBe('open');
    expect(await outcome({ origin: 'http://evil.example' })).toBe('403');
    expect(await outcome({ origin: `http://localhost:${server!.port + 1}` })).toBe('403');
    expect(await outcome({ origin: `http://127.0.0.1:${server!.port}`, host: 'evil.example' })).toBe('403');
  });
});
