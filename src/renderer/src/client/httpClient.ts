// StudioClient over `s2cap serve`: commands as POST /api/rpc/<name>, events over a WebSocket
// (reconnecting), and imports as streamed uploads (with their progress: client/upload.ts)
// because a page cannot name server paths.
import { COMMAND_NAMES, isEventName, type EventName, type StudioApi } from '../../../shared/api';
import { StudioError, isErrorPayload, unwrap, type Envelope } from '../../../shared/errors';
import type { ImportReport } from '../../../shared/types';
import { emptyReport, mergeReports } from './reports';
import { uploadFile } from './upload';
import type { StudioClient } from './types';

export function createHttpClient(token: string, base = ''): StudioClient {
  const headers = { authorization: `Bearer ${token}` };

  async function call(url: string, init: RequestInit): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(base + url, { ...init, headers: { ...headers, ...(init.headers ?? {}) } });
    } catch {
      throw new StudioError('IO', 'cannot reach the studio server: is `s2cap serve` still running?');
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new StudioError('IO', `the studio server answered ${res.status} without JSON`);
    }
    if (typeof body === 'object' && body !== null && 'ok' in body) return unwrap(body as Envelope<unknown>);
    if (isErrorPayload(body)) throw new StudioError(body.code, body.message);
    return body;
  }

  const api = Object.fromEntries(
    COMMAND_NAMES.map((name) => [
      name,
      (input: unknown) =>
        call(`/api/rpc/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: input === undefined ? '' : JSON.stringify(input),
        }),
    ]),
  ) as unknown as StudioApi;

  const handlers = new Map<EventName, Set<(p: unknown) => void>>();
  let socket: WebSocket | undefined;
  let retry = 500;
  function connect(): void {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(`${proto}//${location.host}/api/events?token=${encodeURIComponent(token)}`);
    socket.onopen = () => (retry = 500);
    socket.onmessage = (m) => {
      const msg = JSON.parse(String(m.data)) as { event: unknown; payload: unknown };
      if (isEventName(msg.event)) for (const h of handlers.get(msg.event) ?? []) h(msg.payload);
    };
    socket.onclose = () => {
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10_000);
    };
  }

  return {
    ...api,
    mode: 'browser',
    canPickPaths: false,
    on(event, handler) {
      if (!socket) connect();
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      const h = handler as (p: unknown) => void;
      set.add(h);
      return () => set.delete(h);
    },
    async choosePaths() {
      return [];
    },
    mediaUrl: (source) => `${base}/api/media/${source.kind}/${source.id}?token=${encodeURIComponent(token)}`,
    async importFiles(files, onFile, opts) {
      let report: ImportReport = emptyReport();
      let done = 0;
      for (const file of files) {
        try {
          const r = (await uploadFile(
            `${base}/api/upload?name=${encodeURIComponent(file.name)}${opts?.allowTruncated ? '&allowTruncated=1' : ''}`,
            file,
            { ...headers, 'content-type': 'application/octet-stream' },
            opts?.onUpload,
          )) as ImportReport;
          report = mergeReports(report, r);
        } catch (err) {
          report.failed.push({ path: file.name, name: file.name, reason: (err as Error).message });
        }
        onFile?.(++done, files.length);
      }
      return report;
    },
  };
}
