// Test helper for the server tests: one raw HTTP request to a running server on 127.0.0.1,
// bearer token attached, JSON body sent when given, and the JSON reply parsed.
import http from 'node:http';

export interface HttpReply<V = unknown> {
  status: number;
  body: { ok: boolean; value?: V; error?: { code: string; message: string } };
}

export function httpRequest<V = unknown>(
  port: number,
  token: string,
  method: string,
  urlPath: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpReply<V>> {
  const data = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: urlPath, headers: { authorization: `Bearer ${token}`, ...(data ? { 'content-type': 'application/json' } : {}), ...opts.headers } },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}
