// Loaded models, kept warm between jobs in whichever thread runs them (the DSP worker in the app,
// the process itself in the CLI), keyed by pack folder, the folder's identity on disk and execution
// settings: a pack removed and installed again under the same name@version (a new folder renamed
// into place) is loaded afresh, and the sessions of the replaced one are let go.
import fs from 'node:fs';
import path from 'node:path';
import type { EpChoice } from './providers';
import type { CaptionerSpec, SeparatorSpec } from './packs/manifest';
import { Captioner } from './caption/captioner';
import { Separator } from './separate/separator';

export interface EpSettings {
  encoder: EpChoice;
  decoder: EpChoice;
  separator: EpChoice;
  threads: number;
  /** CPU sessions run the pack's int8 graphs where it has them (absent in jobs queued before the option: off). */
  int8?: boolean;
}

interface Loaded {
  /** The folder copy it was loaded from (see folderIdentity). */
  identity: string;
  model: Promise<unknown>;
}
/** By kind and folder, then by execution settings. */
const loaded = new Map<string, Map<string, Loaded>>();

/** Which copy of a pack folder this is: model.json's (else the folder's) inode and mtime. */
function folderIdentity(dir: string): string {
  for (const p of [path.join(dir, 'model.json'), dir]) {
    try {
      const st = fs.statSync(p);
      return `${st.ino}:${st.mtimeMs}`;
    } catch {
      // no model.json: a bare Optimum export given by path; the folder itself then
    }
  }
  return 'missing';
}

/** One load per folder copy and settings; a failed load is forgotten so the next job tries again. */
function once<T>(kind: string, dir: string, settings: unknown[], load: () => Promise<T>): Promise<T> {
  const folderKey = JSON.stringify([kind, dir]);
  const identity = folderIdentity(dir);
  let bySettings = loaded.get(folderKey);
  // Another copy of the folder (the pack was reinstalled): its models are not used again.
  if (bySettings && [...bySettings.values()].some((e) => e.identity !== identity)) bySettings = undefined;
  if (!bySettings) loaded.set(folderKey, (bySettings = new Map()));
  const k = JSON.stringify(settings);
  const hit = bySettings.get(k);
  if (hit) return hit.model as Promise<T>;
  const model = load();
  const entries = bySettings;
  model.catch(() => entries.delete(k));
  entries.set(k, { identity, model });
  return model;
}

export function getCaptioner(dir: string, spec: CaptionerSpec, ep: EpSettings): Promise<Captioner> {
  return once('captioner', dir, [ep.encoder, ep.decoder, ep.threads, !!ep.int8], () =>
    Captioner.load(dir, spec, { encoderEp: ep.encoder, decoderEp: ep.decoder, threads: ep.threads, int8: !!ep.int8 }),
  );
}

export function getSeparator(dir: string, spec: SeparatorSpec, ep: EpSettings): Promise<Separator> {
  return once('separator', dir, [ep.separator, ep.threads], () => Separator.load(dir, spec, { ep: ep.separator, threads: ep.threads }));
}
