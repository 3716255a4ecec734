// The StudioApi implemented once, over one library file. Transports (Electron IPC, HTTP/WS, CLI)
// wrap this object; nothing here knows which window, socket or terminal is calling.
import crypto from 'node:crypto';
import path from 'node:path';
import type { StudioApi, StudioEventSource } from '../shared/api';
import { StudioError } from '../shared/errors';
import type { StudioInfo } from '../shared/types';
import { StudioEventHub } from './events';
import { AUDIO_EXTENSIONS } from './library/formats';
import { importPaths } from './library/importer';
import { openDb, type Db } from './store/db';
import { countTracks, getTrack, listTracks } from './store/tracks';
import { STUDIO_VERSION } from './version';

export interface StudioOptions {
  /** Library file; `:memory:` for a throwaway library. */
  dbPath: string;
  /** Folder for files the studio owns (uploads, stems, packs). Defaults to the db's folder. */
  dataDir?: string;
}

export interface Studio extends StudioApi, StudioEventSource {
  readonly events: StudioEventHub;
  readonly db: Db;
  readonly dbPath: string;
  readonly dataDir: string;
  close(): void;
}

export function createStudio(opts: StudioOptions): Studio {
  const db = openDb(opts.dbPath);
  const dbPath = opts.dbPath === ':memory:' ? ':memory:' : path.resolve(opts.dbPath);
  const dataDir = path.resolve(opts.dataDir ?? (dbPath === ':memory:' ? process.cwd() : path.dirname(dbPath)));
  const events = new StudioEventHub();

  const studio: Studio = {
    events,
    db,
    dbPath,
    dataDir,
    on: (event, handler) => events.on(event, handler),
    close: () => db.close(),

    async getInfo(): Promise<StudioInfo> {
      return {
        version: STUDIO_VERSION,
        dbPath,
        dataDir,
        trackCount: countTracks(db),
        supportedExtensions: [...AUDIO_EXTENSIONS],
      };
    },

    async listTracks() {
      return listTracks(db);
    },

    async getTrack({ id }) {
      const t = getTrack(db, id);
      if (!t) throw new StudioError('NOT_FOUND', `no track with id ${id}`);
      return t;
    },

    async importPaths({ paths }) {
      const importId = crypto.randomUUID();
      const report = await importPaths(db, paths, {
        onFile: (p) => events.emit('importProgress', { importId, ...p }),
      });
      if (report.imported.length || report.relinked.length) {
        events.emit('libraryChanged', { reason: report.imported.length ? 'import' : 'relink' });
      }
      events.emit('importFinished', report);
      return report;
    },
  };
  return studio;
}
