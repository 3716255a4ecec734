// Media files are only ever reached by id: a request names a track (later a stem), and the path
// comes from the library, never from the request. Shared by the HTTP server and Electron's protocol.
import fs from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../shared/errors';
import type { Store } from './store/store';

const MIME: Record<string, string> = {
  '.wav': 'audio/wav',
  '.flac': 'audio/flac',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.opus': 'audio/ogg; codecs=opus',
  '.m4a': 'audio/mp4',
  '.mp4': 'audio/mp4',
  '.aac': 'audio/aac',
};

export interface MediaFile {
  path: string;
  size: number;
  mtimeMs: number;
  contentType: string;
}

export type MediaKind = 'track' | 'stem';

export async function resolveMedia(store: Store, kind: MediaKind, id: number): Promise<MediaFile> {
  const owner = kind === 'track' ? await store.tracks.get(id) : kind === 'stem' ? await store.stems.get(id) : undefined;
  if (!owner) throw new StudioError('NOT_FOUND', `no ${kind} with id ${id}`);
  let st;
  try {
    st = await fs.stat(owner.path);
    if (!st.isFile()) throw new Error('not a file');
  } catch {
    throw new StudioError('NOT_FOUND', `the file of ${kind} ${id} is missing: ${owner.path}`);
  }
  return { path: owner.path, size: st.size, mtimeMs: st.mtimeMs, contentType: MIME[path.extname(owner.path).toLowerCase()] ?? 'application/octet-stream' };
}

export function isMediaKind(x: string): x is MediaKind {
  return x === 'track' || x === 'stem';
}
