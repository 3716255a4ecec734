import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../shared/errors';
import { uploadFile, type UploadProgress } from './upload';

/** XMLHttpRequest as far as uploadFile uses it: records the request, plays back progress and an answer. */
function fakeXhr(answer: { status: number; text: string } | 'network-error', chunks: number[]) {
  const sent: { method?: string; url?: string; headers: Record<string, string>; body?: unknown } = { headers: {} };
  const xhr = {
    status: 0,
    responseText: '',
    upload: { onprogress: null as ((e: ProgressEvent) => void) | null },
    onload: null as ((e: unknown) => void) | null,
    onerror: null as ((e: unknown) => void) | null,
    open(method: string, url: string) {
      Object.assign(sent, { method, url });
    },
    setRequestHeader(k: string, v: string) {
      sent.headers[k] = v;
    },
    send(body: unknown) {
      sent.body = body;
      const total = chunks[chunks.length - 1] ?? 0;
      queueMicrotask(() => {
        for (const loaded of chunks) xhr.upload.onprogress?.({ loaded, total, lengthComputable: true } as ProgressEvent);
        if (answer === 'network-error') return xhr.onerror?.({});
        xhr.status = answer.status;
        xhr.responseText = answer.text;
        xhr.onload?.({});
      });
    },
  };
  return { xhr: xhr as never, sent };
}

const file = Object.assign(new Blob([new Uint8Array(3000)]), { name: 'big.wav' });

describe('uploadFile', () => {
  it('reports the bytes sent as the upload goes and returns the answer', async () => {
    const { xhr, sent } = fakeXhr({ status: 200, text: JSON.stringify({ ok: true, value: { imported: 1 } }) }, [1000, 2000, 3000]);
    const seen: UploadProgress[] = [];
    const out = await uploadFile('/api/upload?name=big.wav', file, { authorization: 'Bearer t' }, (p) => seen.push(p), () => xhr);
    expect(out).toEqual({ imported: 1 });
    expect(seen).toEqual([
      { name: 'big.wav', sent: 1000, total: 3000 },
      { name: 'big.wav', sent: 2000, total: 3000 },
      { name: 'big.wav', sent: 3000, total: 3000 },
    ]);
    expect(sent).toMatchObject({ method: 'POST', url: '/api/upload?name=big.wav', headers: { authorization: 'Bearer t' }, body: file });
  });

  it('keeps the studio\'s error code and message', async () => {
    const { xhr } = fakeXhr({ status: 400, text: JSON.stringify({ ok: false, error: { code: 'BAD_REQUEST', message: 'big.wav: not audio' } }) }, []);
    await expect(uploadFile('/u', file, {}, undefined, () => xhr)).rejects.toEqual(new StudioError('BAD_REQUEST', 'big.wav: not audio'));
  });

  it('says the server cannot be reached on a network error', async () => {
    const { xhr } = fakeXhr('network-error', [100]);
    await expect(uploadFile('/u', file, {}, undefined, () => xhr)).rejects.toThrow(/cannot reach the studio server/);
  });
});
