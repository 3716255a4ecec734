// How file paths are recorded in a library, in ONE place: a file under the library's data folder
// (stems the studio made, uploads, installed packs) is stored relative to that folder, with `/`
// separators (`stems/<run>/vocals.wav`), and resolved against the folder the opening process
// uses; anything else (a user's music, a stem attached from elsewhere) stays absolute. So a
// library folder (the SQLite file and its `NAME.data/`, or a PostgreSQL library's data folder)
// can be moved, backed up or mounted elsewhere and its rows still find their files.
// The repositories that hold paths (tracks.path, stems.path, model_packs.dir) encode on write and
// decode on read with the codec the store was opened with; callers only ever see absolute paths.
// Reading accepts both forms: rows an older studio wrote (absolute, inside the data folder) keep
// working, and the store rewrites them to the relative form once on open (store.ts).
import path from 'node:path';

export interface LibraryPaths {
  /** The data folder paths are relative to; null: none (every path stored as given). */
  readonly dataDir: string | null;
  /** The form a row records: relative to the data folder when under it, else absolute. */
  toStored(file: string): string;
  /** The absolute path a recorded value names in this process. */
  toAbsolute(stored: string): string;
  /** Every recorded form `file` may have (relative and absolute), for lookups by path. */
  storedForms(file: string): string[];
}

/** Paths as given: for a store opened without a data folder (tests of the store alone). */
export const ABSOLUTE_PATHS: LibraryPaths = {
  dataDir: null,
  toStored: (file) => file,
  toAbsolute: (stored) => stored,
  storedForms: (file) => [file],
};

export function libraryPaths(dataDir: string): LibraryPaths {
  const root = path.resolve(dataDir);
  const relativeOf = (file: string): string | null => {
    if (!path.isAbsolute(file)) return null;
    const rel = path.relative(root, file);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return null;
    return rel.split(path.sep).join('/');
  };
  const isStoredRelative = (stored: string) => !path.isAbsolute(stored) && !path.win32.isAbsolute(stored);
  return {
    dataDir: root,
    toStored: (file) => relativeOf(file) ?? file,
    toAbsolute: (stored) => (isStoredRelative(stored) ? path.join(root, ...stored.split('/')) : stored),
    storedForms(file) {
      const rel = relativeOf(file);
      return rel === null ? [file] : [rel, file];
    },
  };
}
