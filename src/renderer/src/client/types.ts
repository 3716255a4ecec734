// The one client interface the renderer uses, whatever the transport (Electron IPC or HTTP/WS).
// Components never check which one they have, only what it can do (`canPickPaths`).
import type { StudioApi, StudioEventSource } from '../../../shared/api';
import type { ImportReport, MediaSource } from '../../../shared/types';
import type { UploadProgress } from './upload';

export interface StudioClient extends StudioApi, StudioEventSource {
  readonly mode: 'desktop' | 'browser';
  /** Desktop: native file/folder pickers give real paths. Browser: files are uploaded. */
  readonly canPickPaths: boolean;
  /** Native picker (desktop only); resolves to [] when cancelled. */
  choosePaths(kind: 'files' | 'folder'): Promise<string[]>;
  /**
   * Imports files the user dropped or picked in the page: by their real path on desktop,
   * by upload in a browser. `onFile` reports each finished file. `allowTruncated` imports a
   * cut-off file's decodable part instead of refusing it. `onUpload` hears the bytes sent of the
   * file being uploaded (browser mode; desktop imports by path and sends nothing).
   */
  importFiles(
    files: File[],
    onFile?: (done: number, total: number) => void,
    opts?: { allowTruncated?: boolean; onUpload?: (p: UploadProgress) => void },
  ): Promise<ImportReport>;
  /** URL the page can fetch a track's or stem's audio from (by id, never by path). */
  mediaUrl(source: MediaSource): string;
}
