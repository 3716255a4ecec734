// Loaded models, kept warm between jobs in whichever thread runs them (the DSP worker in the app,
// the process itself in the CLI), keyed by pack folder and execution settings.
import type { EpChoice } from './providers';
import type { CaptionerSpec, SeparatorSpec } from './packs/manifest';
import { Captioner } from './caption/captioner';
import { Separator } from './separate/separator';

export interface EpSettings {
  encoder: EpChoice;
  decoder: EpChoice;
  separator: EpChoice;
  threads: number;
}

const loaded = new Map<string, Promise<unknown>>();

/** One load per key; a failed load is forgotten so the next job tries again. */
function once<T>(key: unknown[], load: () => Promise<T>): Promise<T> {
  const k = JSON.stringify(key);
  let p = loaded.get(k) as Promise<T> | undefined;
  if (!p) {
    p = load();
    p.catch(() => loaded.delete(k));
    loaded.set(k, p);
  }
  return p;
}

export function getCaptioner(dir: string, spec: CaptionerSpec, ep: EpSettings): Promise<Captioner> {
  return once(['captioner', dir, ep.encoder, ep.decoder, ep.threads], () =>
    Captioner.load(dir, spec, { encoderEp: ep.encoder, decoderEp: ep.decoder, threads: ep.threads }),
  );
}

export function getSeparator(dir: string, spec: SeparatorSpec, ep: EpSettings): Promise<Separator> {
  return once(['separator', dir, ep.separator, ep.threads], () => Separator.load(dir, spec, { ep: ep.separator, threads: ep.threads }));
}
