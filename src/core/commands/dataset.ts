// StudioApi commands of dataset export (shared/dataset.ts): exportDataset runs one export
// (core/export/runExport.ts) under the caller's exportId, with progress as exportProgress events;
// cancelExport stops a running one, which then leaves no target behind.
import type { StudioApi } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import { runExport } from '../export/runExport';
import type { CommandContext } from './context';

export type DatasetCommands = Pick<StudioApi, 'exportDataset' | 'cancelExport'>;

export function datasetCommands(ctx: CommandContext): DatasetCommands {
  const running = new Map<string, AbortController>();
  return {
    async exportDataset({ exportId, ...request }) {
      if (running.has(exportId)) throw new StudioError('CONFLICT', `an export with id ${exportId} is already running`);
      const controller = new AbortController();
      running.set(exportId, controller);
      try {
        return await runExport(ctx.store, request, {
          signal: controller.signal,
          onProgress: (p) => ctx.events.emit('exportProgress', { exportId, ...p }),
        });
      } finally {
        running.delete(exportId);
      }
    },
    async cancelExport({ exportId }) {
      const controller = running.get(exportId);
      controller?.abort();
      return { exportId, cancelled: controller !== undefined };
    },
  };
}
