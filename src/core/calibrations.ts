// The provider calibrations `auto` uses for captioner packs (issue 13, item 2; the measuring and
// the decision are inference/calibration, the key inference/calibrationKey), kept in the library's
// settings, one record per pack content, machine, runtime (onnxruntime-node version and the
// providers that may run here) and CPU settings; a record made under another runtime is not used. A caption job under `auto` looks its
// record up, calibrates on first use (in the DSP worker, where the models run), and runs each model
// where it was fastest.
// Records are shown with the packs (listPacks), re-measured on request (calibratePack) and can be
// forgotten (calibratePack with reset), so the next use measures again.
import type { ProviderCalibration } from '../shared/types';
import { decideProviders } from './inference/calibration';
import { calibrationKey, machineName } from './inference/calibrationKey';
import { packId } from './inference/packs/manifest';
import type { LoadedPack } from './inference/packs/registry';
import type { EpChoice } from './inference/providers';
import type { EpSettings } from './inference/runtime';
import { withBusyRetry } from './store/busyRetry';
import type { Store } from './store/store';
import type { WorkerPool } from './worker/pool';

export interface CalibrationDeps {
  store: Pick<Store, 'settings'>;
  pool: WorkerPool;
}

/** The CPU settings a calibration is measured with (they change what is fastest). */
type CpuSettings = { threads: number; int8?: boolean };

export async function storedCalibration(store: Pick<Store, 'settings'>, pack: LoadedPack, s: CpuSettings): Promise<ProviderCalibration | null> {
  return (await store.settings.get<ProviderCalibration>(calibrationKey(pack.manifest, s))) ?? null;
}

/**
 * Measures the pack's providers now (in the worker) and records the result, replacing an earlier
 * one; `firstUse`: keep the record another process made meanwhile instead, and return that.
 */
export async function calibrate(
  d: CalibrationDeps,
  pack: LoadedPack,
  s: CpuSettings,
  o: { signal?: AbortSignal; onProgress?: (detail: string) => void; firstUse?: boolean } = {},
): Promise<ProviderCalibration> {
  const trials = await d.pool.run('calibrate', { dir: pack.dir, spec: pack.manifest.captioner!, threads: s.threads, int8: s.int8 }, { signal: o.signal, onProgress: (_f, detail) => detail && o.onProgress?.(detail) });
  const record = decideProviders(trials, { pack: packId(pack.manifest), machine: machineName() });
  const key = calibrationKey(pack.manifest, s);
  return withBusyRetry(async () => (o.firstUse ? d.store.settings.setIfAbsent(key, record) : (await d.store.settings.set(key, record), record)), { maxWaitMs: 30_000, signal: o.signal });
}

/** Forgets a pack's calibration for these settings (the next use under `auto` measures again); whether there was one. */
export function forgetCalibration(store: Pick<Store, 'settings'>, pack: LoadedPack, s: CpuSettings): Promise<boolean> {
  return withBusyRetry(() => store.settings.delete(calibrationKey(pack.manifest, s)), { maxWaitMs: 30_000 });
}

/**
 * The providers a captioner job runs with: an encoder or decoder set to `auto` gets the provider its
 * calibration chose (calibrating on first use); others are kept. `notes`: providers that cannot run
 * here and why, for the job's fallbacks (as `auto` reported them before it was calibrated).
 */
export async function autoProviders(
  d: CalibrationDeps,
  pack: LoadedPack,
  ep: EpSettings,
  o: { signal?: AbortSignal; onProgress?: (detail: string) => void } = {},
): Promise<{ ep: EpSettings; notes: string[] }> {
  if (ep.encoder !== 'auto' && ep.decoder !== 'auto') return { ep, notes: [] };
  let cal = await storedCalibration(d.store, pack, ep);
  if (!cal) {
    o.onProgress?.('calibrating providers for this pack on this machine (once)');
    cal = await calibrate(d, pack, ep, { ...o, firstUse: true });
  }
  const pick = (asked: EpChoice, chosen: string) => (asked === 'auto' ? (chosen as EpChoice) : asked);
  return {
    ep: { ...ep, encoder: pick(ep.encoder, cal.encoder.chosen), decoder: pick(ep.decoder, cal.decoder.chosen) },
    notes: Object.entries(cal.unavailable).map(([e, why]) => `${e}: ${why}`),
  };
}
