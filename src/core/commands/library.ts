// StudioApi commands about the library as a whole: info, listing (with each track's counts), import.
import crypto from 'node:crypto';
import type { StudioApi } from '../../shared/api';
import { AUDIO_EXTENSIONS } from '../library/formats';
import { importPaths } from '../library/importer';
import { STUDIO_VERSION } from '../version';
import type { CommandContext } from './context';
import { withCounts } from './trackCounts';

export function libraryCommands(ctx: CommandContext): Pick<StudioApi, 'getInfo' | 'listTracks' | 'queryTracks' | 'getTrack' | 'importPaths'> {
  const { store, events } = ctx;
  return {
    async getInfo() {
      return {
        version: STUDIO_VERSION,
        dbPath: ctx.dbPath,
        dataDir: ctx.dataDir,
        trackCount: await store.tracks.count(),
        supportedExtensions: [...AUDIO_EXTENSIONS],
      };
    },

    async listTracks() {
      return withCounts(store, await store.tracks.list(), true);
    },

    async queryTracks(query) {
      const page = await store.tracks.query(query);
      return { ...page, tracks: await withCounts(store, page.tracks) };
    },

    async getTrack({ id }) {
      return store.tracks.require(id);
    },

    async importPaths({ paths, allowTruncated }) {
      const importId = crypto.randomUUID();
      const report = await importPaths(store, paths, {
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
