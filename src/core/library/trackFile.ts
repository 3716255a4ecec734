// Is a track's file still the one that was imported? Cheap when nothing changed (size + mtime),
// a re-hash when something did. Relinking accepts only a file with the same content, so a
// track's segments, stems and captions never end up attached to a different recording.
import fs from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import type { FileState, Track } from '../../shared/types';
import type { Store } from '../store/store';
import { sha256File } from './hash';
import { describeFsError } from './scan';

export interface FileCheck {
  state: FileState;
  message: string | null;
}

export async function checkTrackFile(store: Store, track: Track): Promise<FileCheck> {
  let st;
  try {
    st = await fs.stat(track.path);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'moved or deleted' : describeFsError(err);
    return { state: 'missing', message: `The file of "${track.title ?? track.fileName}" is missing (${why}): ${track.path}` };
  }
  if (!st.isFile()) return { state: 'missing', message: `Not a file any more: ${track.path}` };
  const stamp = await store.tracks.fileStamp(track.id);
  if (stamp && stamp.sizeBytes === st.size && stamp.mtimeMs === st.mtimeMs) return { state: 'ok', message: null };
  const sha = await sha256File(track.path);
  if (sha !== track.sha256) {
    return { state: 'changed', message: `The file at ${track.path} has changed since it was imported (different content).` };
  }
  await store.tracks.setMtime(track.id, st.mtimeMs);
  return { state: 'ok', message: null };
}

/** Points a track at `newPath` if that file has the track's content; refuses anything else. */
export async function relinkTrackTo(store: Store, id: number, newPath: string): Promise<Track> {
  const track = await store.tracks.require(id);
  const file = path.resolve(newPath);
  let st;
  try {
    st = await fs.stat(file);
  } catch (err) {
    throw new StudioError('NOT_FOUND', `${path.basename(file)}: ${describeFsError(err)}`);
  }
  if (!st.isFile()) throw new StudioError('BAD_REQUEST', `${path.basename(file)}: not a regular file`);
  const sha = await sha256File(file);
  if (sha !== track.sha256) {
    throw new StudioError('CONFLICT', `${path.basename(file)} is not the same recording as "${track.title ?? track.fileName}" (content differs)`);
  }
  return store.tracks.relink(id, file, path.basename(file), st.mtimeMs);
}
