// Chooses the transport: the preload bridge inside Electron, HTTP/WS with the session token in a
// browser. The token arrives once in the URL and is then kept in sessionStorage and removed
// from the address bar, so it does not end up in history or screenshots.
import { createHttpClient } from './httpClient';
import { createIpcClient } from './ipcClient';
import type { StudioClient } from './types';

const TOKEN_KEY = 's2cap.token';

export function createClient(): StudioClient {
  if (window.studio) return createIpcClient(window.studio);
  return createHttpClient(takeToken() ?? '');
}

function takeToken(): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}
