// Serves the built renderer (out/renderer). Paths are resolved inside the root and anything that
// escapes it is refused; unknown routes fall back to index.html for the single-page app.
import fs from 'node:fs';
import { pipeline } from 'node:stream';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RENDERER_CSP } from '../shared/csp';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};


export function serveStatic(root: string, urlPath: string, req: IncomingMessage, res: ServerResponse): void {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    res.writeHead(400).end('bad path');
    return;
  }
  const resolvedRoot = path.resolve(root);
  let file = path.resolve(resolvedRoot, '.' + path.posix.normalize('/' + rel));
  if (file !== resolvedRoot && !file.startsWith(resolvedRoot + path.sep)) {
    res.writeHead(403).end('forbidden');
    return;
  }
  if (!isFile(file)) file = path.join(resolvedRoot, 'index.html');
  if (!isFile(file)) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end('renderer not built: run `npm run build`');
    return;
  }
  const ext = path.extname(file);
  res.writeHead(200, {
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'content-security-policy': RENDERER_CSP,
    'x-content-type-options': 'nosniff',
    'cache-control': ext === '.html' ? 'no-cache' : 'public, max-age=3600',
  });
  if (req.method === 'HEAD') res.end();
  else pipeline(fs.createReadStream(file), res, () => undefined);
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
