// StudioApi commands of dataset export (shared/dataset.ts). PLACEHOLDER: being built (issue 11).
import type { StudioApi } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import type { CommandContext } from './context';

export type DatasetCommands = Pick<StudioApi, 'exportDataset' | 'cancelExport'>;

export function datasetCommands(_ctx: CommandContext): DatasetCommands {
  return {
    exportDataset: async () => {
      throw new StudioError('UNSUPPORTED', 'exportDataset: not built yet');
    },
    cancelExport: async () => {
      throw new StudioError('UNSUPPORTED', 'cancelExport: not built yet');
    },
  };
}
