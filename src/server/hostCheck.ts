// Host allow-list and Origin check against DNS rebinding: a page on another site that makes its
// own name resolve to this server's address reaches us with its own name in Host (and Origin), so
// a leaked token would otherwise be usable from that page. Only the names this server is known by
// are accepted: the bound address, localhost and the loopback addresses, the machine's own
// addresses when bound to every interface, and whatever `--public-host` adds.
import os from 'node:os';

/** Lower-case host names without port; IPv6 addresses in brackets, as URL.hostname gives them. */
export function allowedHostNames(bindHost: string, publicHosts: readonly string[] = []): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  const add = (h: string) => {
    const n = normaliseHost(h);
    if (n) names.add(n);
  };
  const bare = bindHost.replace(/^\[|\]$/g, '');
  if (bare === '0.0.0.0' || bare === '::') {
    // Bound to every interface: each of the machine's own addresses is a name it is reached by.
    for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) add(a.family === 'IPv6' ? `[${a.address.split('%')[0]}]` : a.address);
  } else {
    add(bare.includes(':') ? `[${bare}]` : bare);
  }
  for (const h of publicHosts) add(h);
  return names;
}

/** The host name of a Host header or a bare name (`example.org:8080` → `example.org`); null if malformed. */
export function normaliseHost(raw: string | undefined): string | null {
  if (!raw) return null;
  try {
    const u = new URL(`http://${raw.trim()}`);
    if (u.username || u.password || u.pathname !== '/' || u.search || u.hash) return null;
    return u.hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return null;
  }
}

/** Whether a request's Host header names this server. */
export function hostAllowed(hostHeader: string | undefined, allowed: ReadonlySet<string>): boolean {
  const h = normaliseHost(hostHeader);
  return h !== null && allowed.has(h);
}

/**
 * Whether an Origin header (absent: not a browser, allowed) is this server's own page: an allowed
 * name and the same host and port the request was sent to (a page of another local server, e.g.
 * http://localhost:3000, is another origin and is refused).
 */
export function originAllowed(origin: string | undefined, allowed: ReadonlySet<string>, hostHeader?: string): boolean {
  if (origin === undefined) return true;
  try {
    const u = new URL(origin);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
    if (!allowed.has(u.hostname.toLowerCase().replace(/\.$/, ''))) return false;
    if (hostHeader === undefined) return true;
    const h = new URL(`${u.protocol}//${hostHeader.trim()}`);
    return u.host.toLowerCase() === h.host.toLowerCase();
  } catch {
    return false; // includes the opaque "null" origin of sandboxed frames and file: pages
  }
}
