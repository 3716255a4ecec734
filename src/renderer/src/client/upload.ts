// One file uploaded to `s2cap serve` with its progress: fetch() cannot report how much of a request
// body has been sent, XMLHttpRequest's upload.onprogress can, so a large upload shows how far it is
// instead of sitting silent. The answer is read like every other call (an { ok, value } envelope).
import { StudioError, isErrorPayload, unwrap, type Envelope } from '../../../shared/errors';

export interface UploadProgress {
  name: string;
  /** Bytes sent so far, and the file's size. */
  sent: number;
  total: number;
}

type XhrLike = Pick<XMLHttpRequest, 'open' | 'setRequestHeader' | 'send' | 'status' | 'responseText' | 'upload' | 'onload' | 'onerror'>;

/** POSTs `file` to `url`; `onProgress` hears how many bytes have gone. */
export function uploadFile(
  url: string,
  file: Blob & { name: string },
  headers: Record<string, string>,
  onProgress?: (p: UploadProgress) => void,
  makeXhr: () => XhrLike = () => new XMLHttpRequest(),
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = makeXhr();
    xhr.open('POST', url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e: ProgressEvent) => onProgress?.({ name: file.name, sent: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onerror = () => reject(new StudioError('IO', 'cannot reach the studio server: is `s2cap serve` still running?'));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        return reject(new StudioError('IO', `the studio server answered ${xhr.status} without JSON`));
      }
      try {
        if (typeof body === 'object' && body !== null && 'ok' in body) resolve(unwrap(body as Envelope<unknown>));
        else if (isErrorPayload(body)) reject(new StudioError(body.code, body.message));
        else resolve(body);
      } catch (err) {
        reject(err);
      }
    };
    xhr.send(file);
  });
}
