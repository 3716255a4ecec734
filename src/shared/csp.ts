// The renderer's Content-Security-Policy, one string for the Electron window (response header)
// and for browser mode (the server's header): scripts only from the app itself, no eval,
// network only back to the studio.
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: s2cap-media:",
  "connect-src 'self' s2cap-media:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
