// Media files are only ever reached by id: a request names a track (later a stem), and the path
// comes from the library, never from the request. Shared by the HTTP server and Electron's protocol.
import fs from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../shared/errors';
import type { Db } from './store/db';
import { getTrack } from './store/tracks';

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
  contentType: string;
}

export type MediaKind = 'track';

export async function resolveMedia(db: Db, kind: MediaKind, id: number): Promise<MediaFile> {
  if (kind !== 'track') throw new StudioError('NOT_FOUND', `unknown media kind: ${kind}`);
  const track = getTrack(db, id);
  if (!track) throw new StudioError('NOT_FOUND', `no track with id ${id}`);
  let size: number;
  try {
    const st = await fs.stat(track.path);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    throw new StudioError('NOT_FOUND', `the file of track ${id} is missing: ${track.path}`);
  }
  return { path: track.path, size, contentType: MIME[path.extname(track.path).toLowerCase()] ?? 'application/octet-stream' };
}
