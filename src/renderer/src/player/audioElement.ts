// One lane's <audio> element: opened as a stream (the browser fetches ranges around the playhead,
// never the whole file), closed so that its buffers go, and a failure explained in the server's
// words rather than the element's ("format error").

/** Opens `url` and resolves once its duration is known; rejects with the reason it cannot play. */
export async function openAudioElement(url: string, fetchInit?: RequestInit): Promise<HTMLAudioElement> {
  const el = new Audio();
  // Same-origin in a browser; the desktop protocol is CORS-enabled, which Web Audio needs to hear it.
  el.crossOrigin = 'anonymous';
  el.preload = 'auto';
  el.src = url;
  try {
    await new Promise<void>((resolve, reject) => {
      el.addEventListener('loadedmetadata', () => resolve(), { once: true });
      el.addEventListener('error', () => reject(new Error(el.error?.message || 'could not be played')), { once: true });
    });
    return el;
  } catch (err) {
    closeAudioElement(el);
    throw new Error(await explainFailure(url, fetchInit, (err as Error).message));
  }
}

/** Stops an element and drops its buffers and connection. */
export function closeAudioElement(el: HTMLAudioElement): void {
  el.pause();
  el.removeAttribute('src');
  el.load();
}

async function explainFailure(url: string, fetchInit: RequestInit | undefined, fallback: string): Promise<string> {
  try {
    const res = await fetch(url, { ...fetchInit, headers: { ...(fetchInit?.headers as Record<string, string>), range: 'bytes=0-0' } });
    if (!res.ok) return `${res.status} ${(await res.text()).slice(0, 200) || res.statusText}`;
  } catch {
    // the element's own message below
  }
  return `could not be played (${fallback})`;
}
