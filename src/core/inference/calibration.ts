// How `auto` places a captioner's encoder and decoder (issue 13, item 2): instead of a fixed rule
// (encoder on the GPU, decoder on the CPU), a short calibration run per pack and machine times the
// encoder on one segment and a few decoder steps on every provider that can start here, and the
// fastest per model wins. This file measures (in whichever thread runs models: the DSP worker) and
// decides; the record is kept in the library's settings by core/calibrations, under the key
// inference/calibrationKey makes (pack content, machine, runtime, CPU settings). When only the CPU
// can run (no GPU provider starts), that is recorded at once, without measuring anything.
import type { ProviderCalibration } from '../../shared/types';
import { AST_FRAMES, AST_MEL_BINS } from './features/fbank';
import { Captioner } from './caption/captioner';
import type { CaptionerSpec } from './packs/manifest';
import { cudaInstalled, gpuMissing, gpuProviders, type Ep } from './providers';

/** Decoder steps timed per provider (after one untimed warm-up run that compiles the graphs). */
export const CALIBRATION_TOKENS = 8;

/** What one provider measured (ms), or why it could not run. */
export interface ProviderTrial {
  ep: Ep;
  encoderMs?: number;
  decoderMsPerToken?: number;
  error?: string;
}

/** The providers worth trying on this platform, CPU first. */
export function calibrationCandidates(platform = process.platform, hasCuda = cudaInstalled()): Ep[] {
  return ['cpu', ...gpuProviders(platform, hasCuda)];
}

export interface MeasureOptions {
  threads?: number;
  int8?: boolean;
  /** Providers to try (default calibrationCandidates()). */
  candidates?: Ep[];
  /** Measure the CPU even when it is the only provider that runs (tests; otherwise nothing is measured then). */
  measureCpuAlone?: boolean;
  /** Says what is being measured. */
  progress?(detail: string): void;
}

/** Loads the pack on each provider that starts here and times it; a provider that cannot start is a trial with its reason. */
export async function measureProviders(dir: string, spec: CaptionerSpec, o: MeasureOptions = {}): Promise<ProviderTrial[]> {
  const trials: ProviderTrial[] = [];
  const loaded: { ep: Ep; cap: Captioner }[] = [];
  const candidates = o.candidates ?? calibrationCandidates();
  // Known not to run here (no GPU device): not started, so no driver noise and no time spent.
  const missing = new Map<Ep, string | null>(candidates.flatMap((ep) => (ep === 'cpu' ? [] : [[ep, gpuMissing(ep)] as const])));
  // Only the CPU can run: nothing to compare, so no session is loaded (the job loads its own).
  if (!o.measureCpuAlone && [...missing.values()].every(Boolean)) return [{ ep: 'cpu' }, ...[...missing].map(([ep, error]) => ({ ep, error: error! }))];
  for (const ep of candidates) {
    const error = missing.get(ep);
    if (error) {
      trials.push({ ep, error });
      continue;
    }
    try {
      const cap = await Captioner.load(dir, spec, { encoderEp: ep, decoderEp: ep, threads: o.threads, int8: ep === 'cpu' && o.int8 });
      // A named provider that cannot start falls back to the CPU (see providers.openSession): that is its failure.
      const ran = [cap.ep.encoder, cap.ep.decoder].map((x) => (x === 'cpu int8' ? 'cpu' : x));
      if (ran.some((x) => x !== ep)) trials.push({ ep, error: cap.fallbacks.find((f) => f.startsWith(`${ep}:`))?.slice(ep.length + 2) ?? `its sessions ran on ${ran.join(' and ')}` });
      else loaded.push({ ep, cap });
    } catch (err) {
      trials.push({ ep, error: (err as Error).message.split('\n')[0]! });
    }
  }
  if (loaded.length === 1 && loaded[0]!.ep === 'cpu' && !o.measureCpuAlone) return [{ ep: 'cpu' }, ...trials];
  const features = [syntheticFeatures()];
  for (const { ep, cap } of loaded) {
    o.progress?.(`timing the captioner on ${ep}`);
    await cap.caption(features, { numBeams: 1, maxLength: CALIBRATION_TOKENS + 1 }); // warm-up: graph set-up, shader compilation
    const res = await cap.caption(features, { numBeams: 1, maxLength: CALIBRATION_TOKENS + 1 });
    const steps = Math.max(1, res.captions[0]!.tokens.length);
    trials.push({ ep, encoderMs: res.ms.encoder, decoderMsPerToken: res.ms.decoder / steps });
  }
  return trials;
}

/** The fastest measured provider for one model; the CPU when nothing was measured or on a tie. */
function fastest(trials: ProviderTrial[], of: (t: ProviderTrial) => number | undefined): { chosen: Ep; ms: Record<string, number> } {
  const ms: Record<string, number> = {};
  let chosen: Ep = 'cpu';
  let best = Infinity;
  for (const t of trials) {
    const v = of(t);
    if (v === undefined || !Number.isFinite(v)) continue;
    ms[t.ep] = Math.round(v * 100) / 100;
    if (v < best || (v === best && t.ep === 'cpu')) [best, chosen] = [v, t.ep];
  }
  return { chosen, ms };
}

/** Decides from the trials: the fastest provider per model (encoder and decoder separately). */
export function decideProviders(trials: ProviderTrial[], who: { pack: string; machine: string; at?: Date }): ProviderCalibration {
  const unavailable = Object.fromEntries(trials.filter((t) => t.error).map((t) => [t.ep, t.error!]));
  const measured = trials.filter((t) => !t.error && (t.encoderMs !== undefined || t.decoderMsPerToken !== undefined));
  return {
    pack: who.pack,
    machine: who.machine,
    at: (who.at ?? new Date()).toISOString(),
    encoder: fastest(measured, (t) => t.encoderMs),
    decoder: fastest(measured, (t) => t.decoderMsPerToken),
    unavailable,
    cpuOnly: !trials.some((t) => t.ep !== 'cpu' && !t.error),
  };
}

/** A fixed, seeded stand-in for one segment's features (timing does not depend on the audio). */
function syntheticFeatures(): Float32Array {
  let s = 12345;
  return Float32Array.from({ length: AST_FRAMES * AST_MEL_BINS }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1);
}
