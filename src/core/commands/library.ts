// StudioApi commands about the library as a whole: info, listing, import.
import crypto from 'node:crypto';
import type { StudioApi } from '../../shared/api';
import { AUDIO_EXTENSIONS } from '../library/formats';
import { importPaths } from '../library/importer';
import { countTracks, listTracks, requireTrack } from '../store/tracks';
import { STUDIO_VERSION } from '../version';
import type { CommandContext } from './context';

export function libraryCommands(ctx: CommandContext): Pick<StudioApi, 'getInfo' | 'listTracks' | 'getTrack' | 'importPaths'> {
  const { db, events } = ctx;
  return {
    async getInfo() {
      return {
        version: STUDIO_VERSION,
        dbPath: ctx.dbPath,
        dataDir: ctx.dataDir,
        trackCount: countTracks(db),
        supportedExtensions: [...AUDIO_EXTENSIONS],
      };
    },

    async listTracks() {
      return listTracks(db);
    },

    async getTrack({ id }) {
      return requireTrack(db, id);
    },

    async importPaths({ paths, allowTruncated }) {
      const importId = crypto.randomUUID();
      const report = await importPaths(db, paths, {
        onFile: (p) => events.emit('importProgress', { importId, ...p }),
        allowTruncated,
      });
      if (report.imported.length || report.relinked.length) {
        events.emit('libraryChanged', { reason: report.imported.length ? 'import' : 'relink' });
      }
      events.emit('importFinished', report);
      return report;
    },
  };
}
