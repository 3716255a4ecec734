// CLI commands that run models: features, separate, caption, and `models` for the packs.
// They run in this process (a CLI has no UI thread to keep free) with the same core code the
// app runs on its worker. Output files are written under a temporary name and renamed into place.
import path from 'node:path';
import { CenterSeparator } from '../core/builtin/centerSeparator';
import { BUILTIN_SUGGESTER, suggestBuiltin } from '../core/builtin/suggest';
import { describeCalibration } from '../shared/calibration';
import { describeTraining } from '../shared/packTraining';
import { StudioError } from '../shared/errors';
import { epSettings } from '../core/commands/models';
import { writeFileAtomic } from '../core/fsAtomic';
import { Captioner } from '../core/inference/caption/captioner';
import { captionFiles } from '../core/inference/caption/captionFiles';
import { astFeatures, AST_FRAMES, AST_MEL_BINS } from '../core/inference/features/fbank';
import { encodeNpy } from '../core/inference/features/npy';
import { packId } from '../core/inference/packs/manifest';
import { parseEp } from '../core/inference/providers';
import { readSegment } from '../core/inference/segmentAudio';
import { separateFile } from '../core/inference/separate/separateFile';
import { Separator } from '../core/inference/separate/separator';
import { sha256File } from '../core/library/hash';
import type { Studio } from '../core/studio';
import { requireRegularFile } from '../core/regularFile';
import { UsageError } from './args';

export type Out = (s: string) => void;
export interface Flags {
  json: boolean;
  out?: string;
  pack?: string;
  ep?: string;
  segment?: string;
  beams?: string;
  shifts?: string;
}

export function parseSegment(raw: string | undefined): { startSec?: number; endSec?: number } {
  if (!raw) return {};
  const m = /^(\d+(?:\.\d+)?)?:(\d+(?:\.\d+)?)?$/.exec(raw);
  if (!m) throw new UsageError(`--segment must be START:END in seconds (e.g. 12.5:27), got "${raw}"`);
  const startSec = m[1] ? Number(m[1]) : 0;
  const endSec = m[2] ? Number(m[2]) : undefined;
  if (endSec !== undefined && endSec <= startSec) throw new UsageError(`--segment end must be after its start, got "${raw}"`);
  return { startSec, endSec };
}

/** The AUDIO argument, refused at once when it is missing, a link loop, a FIFO or not a file. */
async function audioArg(args: string[], what: string): Promise<string> {
  const file = args[0];
  if (!file) throw new UsageError(`usage: s2cap ${what} AUDIO …`);
  await requireRegularFile(file);
  return path.resolve(file);
}

function intFlag(raw: string | undefined, name: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

export async function featuresCommand(_studio: Studio, args: string[], f: Flags, out: Out): Promise<void> {
  const file = await audioArg(args, 'features');
  if (!f.out) throw new UsageError('features needs --out FILE.npy');
  const seg = parseSegment(f.segment);
  const samples = await readSegment(file, seg.startSec, seg.endSec);
  const feats = astFeatures(samples);
  await writeFileAtomic(f.out, encodeNpy(feats, [AST_FRAMES, AST_MEL_BINS]));
  const info = { out: path.resolve(f.out), shape: [AST_FRAMES, AST_MEL_BINS], seconds: samples.length / 16000 };
  out(f.json ? JSON.stringify(info) : `wrote ${info.out} (float32 ${AST_FRAMES}×${AST_MEL_BINS}, ${info.seconds.toFixed(2)} s of audio)`);
}

export async function separateCommand(studio: Studio, args: string[], f: Flags, out: Out): Promise<void> {
  const file = await audioArg(args, 'separate');
  if (!f.out) throw new UsageError('separate needs --out DIR');
  const shifts = intFlag(f.shifts, 'shifts', 0, 20);
  const pack = await studio.packs.choose('separator', f.pack);
  const settings = epSettings(await studio.getSettings());
  const ep = f.ep ? parseEp(f.ep) : settings.separator;
  // No pack: the built-in classical separator (stereo mixes only).
  const sep = pack ? await Separator.load(pack.dir, pack.manifest.separator!, { ep, threads: settings.threads }) : new CenterSeparator();
  const res = await separateFile(file, sep, {
    outDir: path.resolve(f.out),
    shifts,
    onProgress: (p) => !f.json && process.stderr.isTTY && process.stderr.write(`\rseparating ${(p * 100).toFixed(0)}%\x1b[K`),
  });
  if (!f.json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  // A file that is in the library gets its stems registered with its track.
  // (Stems the studio had separated into its own folder before are replaced and their files removed.)
  const track = await studio.registerFileStems({
    sha256: await sha256File(file),
    stems: res.stems,
    pack: pack ? { manifest: pack.manifest, dir: pack.dir } : null,
    ep: sep.ep,
    durationSec: res.frames / res.sampleRate,
  });
  const info = { stems: res.stems, pack: pack ? packId(pack.manifest) : 'built-in', ep: sep.ep, ms: Math.round(res.ms), track: track?.trackId ?? null, fallbacks: sep.fallbacks };
  if (f.json) return out(JSON.stringify(info));
  out(`${res.stems.length} stems by ${info.pack} on ${sep.ep} in ${(res.ms / 1000).toFixed(1)} s${track ? ` (registered with track ${track.trackId})` : ''}`);
  for (const s of res.stems) out(`  ${s.name}\t${s.path}`);
}

export async function captionCommand(studio: Studio, args: string[], f: Flags, out: Out): Promise<void> {
  const file = await audioArg(args, 'caption');
  const seg = parseSegment(f.segment);
  const numBeams = intFlag(f.beams, 'beams', 1, 16);
  const pack = await studio.packs.choose('captioner', f.pack);
  if (!pack) {
    // No captioner installed: the built-in suggester, clearly labelled (no model; its score is
    // ln of the mean confidence of the attributes it states).
    const t0 = performance.now();
    const [r] = await suggestBuiltin({ file, vocalsFile: null, genre: null, spans: [seg] });
    const info = { text: r!.text, score: r!.score, pack: 'built-in', ep: 'cpu', ms: Math.round(performance.now() - t0) };
    out(f.json ? JSON.stringify(info) : `${info.text}\n(${BUILTIN_SUGGESTER}: measured attributes, not a model; install a captioner pack for model captions)`);
    return;
  }
  const settings = epSettings(await studio.getSettings());
  const ep = f.ep ? parseEp(f.ep) : undefined;
  const cap = await Captioner.load(pack.dir, pack.manifest.captioner!, {
    encoderEp: ep ?? settings.encoder,
    decoderEp: ep ?? settings.decoder,
    threads: settings.threads,
    int8: settings.int8,
  });
  // The one segment through the same captionFiles the caption jobs run.
  const [res] = await captionFiles(cap, [{ file, segments: [seg] }], { numBeams });
  if ('error' in res!) throw new StudioError(res.code, res.error);
  const c = res!.captions[0]!;
  const info = {
    text: c.text,
    score: Math.round(c.score * 1e4) / 1e4,
    pack: packId(pack.manifest),
    ep: `encoder ${cap.ep.encoder}, decoder ${cap.ep.decoder}`,
    ms: Math.round(c.ms),
    // A bare Optimum export given by --pack DIR: what was assumed to run it.
    ...(pack.assumptions ? { assumptions: pack.assumptions } : {}),
  };
  out(f.json ? JSON.stringify(info) : `${info.text}\n(score ${info.score}, ${info.pack}, ${info.ep}, ${info.ms} ms)`);
  if (!f.json) for (const a of pack.assumptions ?? []) out(`  assumed: ${a}`);
  if (pack.manifest.fixture && !f.json) out('note: this pack is a test fixture with random weights; its captions mean nothing');
}

export async function modelsCommand(studio: Studio, args: string[], f: Flags, out: Out): Promise<void> {
  const [sub, a, b] = args;
  switch (sub) {
    case undefined:
    case 'list': {
      const packs = await studio.listPacks();
      if (f.json) return out(JSON.stringify(packs));
      if (!packs.length) return out('No model packs installed. Install one: s2cap models install DIR|ZIP');
      for (const p of packs) {
        const flags = [p.builtIn ? 'bundled' : '', p.fixture ? 'test fixture' : '', p.activeFor.length ? `active: ${p.activeFor.join(', ')}` : ''].filter(Boolean);
        out(`${p.id}\t${p.roles.join(',')}\t${flags.join('; ')}`);
        if (p.roles.includes('captioner')) out(`  ${p.calibration ? describeCalibration(p.calibration) : 'auto: not calibrated on this machine yet (measured at first use, or: s2cap models calibrate)'}`);
        if (p.training) out(`  ${describeTraining(p.training)}`);
      }
      return;
    }
    case 'calibrate': {
      // calibrate [PACK]: measure now; calibrate reset [PACK]: forget, so the next use measures again.
      const reset = a === 'reset';
      const id = reset ? b : a;
      if (args.length > (reset ? 3 : 2)) throw new UsageError('usage: s2cap models calibrate [reset] [NAME@VERSION]');
      const c = await studio.calibratePack({ id, reset });
      if (f.json) return out(JSON.stringify(c));
      if (!c) return out(`calibration forgotten; the next caption job under auto measures again`);
      out(`${c.pack} on ${c.machine}`);
      out(`  ${describeCalibration(c)}`);
      for (const [ep, why] of Object.entries(c.unavailable)) out(`  ${ep} unavailable: ${why}`);
      return;
    }
    case 'install': {
      if (!a) throw new UsageError('usage: s2cap models install DIR|ZIP');
      const res = await studio.installPack({ path: a });
      if (f.json) return out(JSON.stringify(res));
      out(`installed ${res.pack.id} (${res.pack.roles.join(', ')})${res.pack.fixture ? ' — a test fixture, not offered as a model' : ''}`);
      for (const x of res.assumptions) out(`  assumed: ${x}`);
      return;
    }
    case 'remove': {
      if (!a) throw new UsageError('usage: s2cap models remove NAME@VERSION');
      const res = await studio.removePack({ id: a });
      return out(f.json ? JSON.stringify(res) : `removed ${res.id}`);
    }
    case 'use': {
      if ((a !== 'captioner' && a !== 'separator') || !b) throw new UsageError('usage: s2cap models use captioner|separator NAME@VERSION');
      const p = await studio.usePack({ role: a, id: b });
      return out(f.json ? JSON.stringify(p) : `${b} is now the ${a}`);
    }
    case 'settings':
      return settingsCommand(studio, args.slice(1), f, out);
    default:
      throw new UsageError(`unknown models command "${sub}" (list, install, remove, use, settings, calibrate)`);
  }
}

const SETTINGS_USAGE = 'usage: s2cap models settings [encoder|decoder|separator EP | threads N | int8 on|off]';

/** Prints the inference settings, or changes one (through updateSettings, as the Models panel does). */
async function settingsCommand(studio: Studio, args: string[], f: Flags, out: Out): Promise<void> {
  const [key, value, extra] = args;
  if (key !== undefined && (value === undefined || extra !== undefined)) throw new UsageError(SETTINGS_USAGE);
  let s;
  if (key === undefined) s = await studio.getSettings();
  else if (key === 'encoder' || key === 'decoder' || key === 'separator') {
    const cur = await studio.getSettings();
    s = await studio.updateSettings({ ep: { ...cur.ep, [key]: parseEp(value!) } });
  } else if (key === 'threads') {
    const n = Number(value);
    if (!/^\d+$/.test(value!) || n > 256) throw new UsageError(`threads must be a whole number from 0 (onnxruntime decides) to 256, got "${value}"`);
    s = await studio.updateSettings({ threads: n });
  } else if (key === 'int8') {
    if (value !== 'on' && value !== 'off') throw new UsageError(`int8 must be on or off, got "${value}"`);
    s = await studio.updateSettings({ int8: value === 'on' });
  } else throw new UsageError(SETTINGS_USAGE);
  if (f.json) return out(JSON.stringify(s));
  out(`encoder ${s.ep.encoder}, decoder ${s.ep.decoder}, separator ${s.ep.separator}; CPU threads ${s.threads || 'auto'}; int8 on CPU ${s.int8 ? 'on' : 'off'}`);
}
