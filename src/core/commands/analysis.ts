// StudioApi commands of the measured-attribute evidence (shared/attributes.ts): a track's
// analysis (pitch contour, beats, loudness, vocal activity and proposed segments; computed on the
// worker and cached, see core/analysisService) and the category thresholds in force (the
// library's own pitch quantiles once it has enough approved captions, see core/analysis/thresholds).
import type { StudioApi } from '../../shared/api';
import { attributeThresholds } from '../analysisService';
import type { CommandContext } from './context';

export type AnalysisCommands = Pick<StudioApi, 'getAnalysis' | 'getAttributeThresholds'>;

export function analysisCommands(ctx: CommandContext): AnalysisCommands {
  return {
    getAnalysis: ({ trackId }) => ctx.analysis.get(trackId),
    getAttributeThresholds: () => attributeThresholds(ctx.store),
  };
}
