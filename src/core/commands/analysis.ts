// StudioApi commands of the measured-attribute evidence (shared/attributes.ts): a track's
// analysis (pitch contour, beats, loudness, vocal activity and proposed segments) and the
// category thresholds. PLACEHOLDER: implemented with core/analysis (issue 12).
import type { StudioApi } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import type { CommandContext } from './context';

export type AnalysisCommands = Pick<StudioApi, 'getAnalysis' | 'getAttributeThresholds'>;

export function analysisCommands(_ctx: CommandContext): AnalysisCommands {
  return {
    getAnalysis: async () => {
      throw new StudioError('INTERNAL', 'not implemented yet');
    },
    getAttributeThresholds: async () => {
      throw new StudioError('INTERNAL', 'not implemented yet');
    },
  };
}
