// `s2cap serve`: the StudioApi over HTTP + WebSocket, and the built renderer, for browser mode,
// headless machines and e2e tests. Binds 127.0.0.1 unless told otherwise; answers only to the
// host names it is known by (DNS rebinding); every /api route but health needs the library's
// token or a live server user's (auth.ts), and every command and upload runs as that caller
// (core/caller withCaller); commands naming server paths are confined to the allowed folders
// (pathGuard.ts). A removed user's token is refused from the next request on, and their open
// event sockets are closed (at once when this process removed them, else at the next re-check).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatch, type DispatchGuard } from '../core/api/dispatch';
import { withCaller, type CallerIdentity } from '../core/caller';
import type { MediaKind } from '../core/media';
import type { Studio } from '../core/studio';
import { STUDIO_VERSION } from '../core/version';
import { StudioError, toErrorPayload, type Envelope, type ErrorCode } from '../shared/errors';
import { requestToken, tokenCaller } from './auth';
import { allowedHostNames, hostAllowed, originAllowed } from './hostCheck';
import { defaultAllowedPaths, PathConfinement, pathGuard } from './pathGuard';
import { sendMedia } from './sendMedia';
import { serveStatic } from './staticFiles';
import { receiveUpload } from './upload';

export interface ServeOptions {
  studio: Studio;
  token: string;
  host?: string;
  port?: number;
  /** Built renderer folder (out/renderer); omitted: API only. */
  staticDir?: string;
  /** Folders whose files clients may name; omitted: home on loopback, none on other addresses. */
  allowedPaths?: readonly string[];
  /** Extra host names the server is reached by (behind a proxy, a LAN name). */
  publicHosts?: readonly string[];
  /** How often open event sockets of server users are checked against the live users (default 1000 ms). */
  userRecheckMs?: number;
}

export interface RunningServer {
  url: string;
  /** URL with the token, the one to open in a browser. */
  openUrl: string;
  port: number;
  /** The folders clients may name paths in (empty: uploads only). */
  allowedPaths: string[];
  close(): Promise<void>;
}

const MAX_JSON_BYTES = 1 << 20;
/** WebSocket close code for a user whose account was removed (4000–4999: the application's own). */
export const WS_USER_REMOVED = 4401;

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const { studio, token } = opts;
  const host = opts.host ?? '127.0.0.1';
  const confinement = await PathConfinement.create(opts.allowedPaths ?? defaultAllowedPaths(host));
  const guard = pathGuard(studio, confinement);
  const hosts = allowedHostNames(host, opts.publicHosts);
  let port = 0;
  const wrongHost = (h: string | undefined) =>
    `host "${h ?? ''}" is not a name this server answers to: open http://127.0.0.1:${port}/ or start it with --public-host NAME`;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      const error = toErrorPayload(err);
      sendJson(res, statusFor(error.code), { ok: false, error });
    });
  });

  /** The path guard, with the command run as the request's caller. */
  const asCaller = (caller: CallerIdentity): DispatchGuard => ({
    check: (name, input) => guard.check(name, input),
    run: (fn) => withCaller(caller, () => (guard.run ? guard.run(fn) : fn())),
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const p = url.pathname;
    if (!hostAllowed(req.headers.host, hosts)) return void sendJson(res, 421, errorBody('FORBIDDEN', wrongHost(req.headers.host)));
    if (!p.startsWith('/api/') && p !== '/api') {
      if (!opts.staticDir) return void sendJson(res, 404, errorBody('NOT_FOUND', 'no renderer is served here'));
      if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end();
      return serveStatic(opts.staticDir, p, req, res);
    }
    if (p === '/api/health' && req.method === 'GET') return void sendJson(res, 200, { ok: true, version: STUDIO_VERSION });
    if (!originAllowed(req.headers.origin, hosts, req.headers.host)) {
      return void sendJson(res, 403, errorBody('FORBIDDEN', `requests from ${req.headers.origin} are not accepted: open the studio from this server's own address`));
    }
    const caller = await tokenCaller(requestToken(req, url), token, studio.users);
    if (!caller) {
      return void sendJson(res, 401, errorBody('UNAUTHORIZED', 'missing or wrong token: open the URL that `s2cap serve` printed (or the one your studio owner gave you)'));
    }

    let m: RegExpExecArray | null;
    if (p === '/api/tracks' && req.method === 'GET') return void sendJson(res, 200, await studio.listTracks());
    if ((m = /^\/api\/rpc\/([A-Za-z]+)$/.exec(p)) && req.method === 'POST') {
      const body = await readJson(req);
      const env = await dispatch(studio, m[1]!, body, asCaller(caller));
      return void sendJson(res, env.ok ? 200 : statusFor(env.error.code), env);
    }
    if (p === '/api/upload' && req.method === 'POST') {
      const report = await withCaller(caller, () =>
        receiveUpload(studio, req, url.searchParams.get('name'), { allowTruncated: url.searchParams.get('allowTruncated') === '1' }),
      );
      return void sendJson(res, 200, { ok: true, value: report });
    }
    if ((m = /^\/api\/media\/(track|stem)\/(\d+)$/.exec(p)) && (req.method === 'GET' || req.method === 'HEAD')) {
      return sendMedia(req, res, await studio.media(m[1] as MediaKind, Number(m[2])));
    }
    sendJson(res, 404, errorBody('NOT_FOUND', `no route ${req.method} ${p}`));
  }

  // Events: one socket per window; each receives every StudioEvent as {event, payload}. A server
  // user's socket remembers its token, to be closed once the user is removed.
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  const userSockets = new Map<WebSocket, { name: string; token: string }>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!hostAllowed(req.headers.host, hosts) || !originAllowed(req.headers.origin, hosts, req.headers.host)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    const given = requestToken(req, url);
    const lookup = url.pathname === '/api/events' ? tokenCaller(given, token, studio.users) : Promise.resolve(null);
    lookup.then(
      (caller) => {
        if (!caller) return void socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
        wss.handleUpgrade(req, socket, head, (ws) => {
          sockets.add(ws);
          if (caller.user !== null) userSockets.set(ws, { name: caller.user, token: given! });
          ws.on('close', () => {
            sockets.delete(ws);
            userSockets.delete(ws);
          });
        });
      },
      () => socket.end('HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\n\r\n'),
    );
  });
  const closeUser = (ws: WebSocket) => {
    userSockets.delete(ws);
    ws.close(WS_USER_REMOVED, 'this user was removed');
  };
  const stopRemovedWatch = studio.users.onRemoved((name) => {
    for (const [ws, u] of userSockets) if (u.name === name) closeUser(ws);
  });
  // Another process (s2cap users remove) may remove a user: re-check open user sockets.
  let rechecking = false;
  const recheck = setInterval(() => {
    if (rechecking || userSockets.size === 0) return;
    rechecking = true;
    void Promise.all(
      [...userSockets].map(async ([ws, u]) => {
        const still = await studio.users.authenticate(u.token).catch(() => undefined);
        if (still === null || (still && still.user !== u.name)) closeUser(ws);
      }),
    ).finally(() => (rechecking = false));
  }, opts.userRecheckMs ?? 1000);
  recheck.unref();
  const unsubscribe = studio.events.onAny((event, payload) => {
    const msg = JSON.stringify({ event, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(msg);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new StudioError('IO', err.code === 'EADDRINUSE' ? `port ${opts.port} is already in use` : err.message)),
    );
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/`;
  return {
    url,
    openUrl: `${url}?token=${encodeURIComponent(token)}`,
    port,
    allowedPaths: confinement.folders,
    close: async () => {
      unsubscribe();
      stopRemovedWatch();
      clearInterval(recheck);
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function errorBody(code: ErrorCode, message: string): Envelope<never> {
  return { ok: false, error: { code, message } };
}

const STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNSUPPORTED: 415,
  IO: 500,
  INTERNAL: 500,
};
const statusFor = (code: ErrorCode): number => STATUS[code];

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.destroy();
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(data);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_JSON_BYTES) throw new StudioError('BAD_REQUEST', 'request body too large');
    chunks.push(c);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new StudioError('BAD_REQUEST', 'request body is not valid JSON');
  }
}
