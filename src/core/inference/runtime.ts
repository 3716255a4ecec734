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

const captioners = new Map<string, Promise<Captioner>>();
const separators = new Map<string, Promise<Separator>>();

export function getCaptioner(dir: string, spec: CaptionerSpec, ep: EpSettings): Promise<Captioner> {
  const key = JSON.stringify([dir, ep.encoder, ep.decoder, ep.threads]);
  let c = captioners.get(key);
  if (!c) {
    c = Captioner.load(dir, spec, { encoderEp: ep.encoder, decoderEp: ep.decoder, threads: ep.threads });
    c.catch(() => captioners.delete(key));
    captioners.set(key, c);
  }
  return c;
}

export function getSeparator(dir: string, spec: SeparatorSpec, ep: EpSettings): Promise<Separator> {
  const key = JSON.stringify([dir, ep.separator, ep.threads]);
  let s = separators.get(key);
  if (!s) {
    s = Separator.load(dir, spec, { ep: ep.separator, threads: ep.threads });
    s.catch(() => separators.delete(key));
    separators.set(key, s);
  }
  return s;
}
