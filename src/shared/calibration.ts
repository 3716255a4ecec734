// How a provider calibration (shared/types ProviderCalibration) reads for a person, in one line:
// shared by the CLI (`s2cap models`) and the Models panel, so both say the same.
import type { ProviderCalibration } from './types';

/** Where `auto` runs each model and what was measured, e.g. "auto: encoder webgpu (cpu 407 ms, webgpu 53 ms), decoder cpu (…)". */
export function describeCalibration(c: ProviderCalibration): string {
  if (c.cpuOnly && !Object.keys(c.encoder.ms).length) return 'auto: cpu for encoder and decoder (only the CPU can run here; nothing measured)';
  const part = (label: string, m: ProviderCalibration['encoder'], unit: string) =>
    `${label} ${m.chosen} (${Object.entries(m.ms)
      .map(([ep, ms]) => `${ep} ${ms} ${unit}`)
      .join(', ')})`;
  return `auto: ${part('encoder', c.encoder, 'ms')}, ${part('decoder', c.decoder, 'ms/token')}`;
}
