// What a provider calibration (inference/calibration) is kept under in the library's settings:
// the pack's content, the machine (host, CPU, GPU adapters), the runtime (onnxruntime-node's
// version and the providers a calibration here would try) and the CPU settings it was measured
// with; a record made under any other is not used, and the next use under `auto` measures again.
// Kept apart from the measuring, which runs in the DSP worker: the main process looks records up
// by this key at every caption job and pack listing. Records made before the runtime was part of
// the key no longer match and are measured again on first use (once); the old rows are simply
// left unused.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { calibrationCandidates } from './calibration';
import type { PackManifest } from './packs/manifest';
import { gpuMissing, type Ep } from './providers';

/** A folder's names, sorted ([] when it cannot be read). */
function list(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** A file's text ('' when it cannot be read). */
function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** GPU adapters this machine shows (PCI ids of DRM render nodes, NVIDIA models), without starting any. */
function gpuAdapters(): string[] {
  if (process.platform !== 'linux') return [];
  const out: string[] = [];
  for (const n of list('/sys/class/drm').filter((x) => /^renderD\d+$/.test(x))) {
    const dev = path.join('/sys/class/drm', n, 'device');
    const ids = ['vendor', 'device'].map((f) => readText(path.join(dev, f)).split('\n')[0]!.trim()).filter(Boolean);
    if (ids.length) out.push(`pci ${ids.join(':')}`);
  }
  for (const g of list('/proc/driver/nvidia/gpus')) {
    const model = /^Model:\s*(.+)$/m.exec(readText(path.join('/proc/driver/nvidia/gpus', g, 'information')))?.[1]?.trim();
    if (model) out.push(model);
  }
  return out;
}

let machine: string | undefined;

/**
 * This machine, as a person reads it: host, CPU model and cores, GPU adapters. Read once per
 * process (it reads /sys and /proc, and every caption job and pack listing keys a record by it).
 */
export function machineName(): string {
  if (machine === undefined) {
    const cpus = os.cpus();
    const gpus = gpuAdapters();
    machine = `${os.hostname()} · ${cpus[0]?.model.trim() ?? os.arch()} × ${cpus.length} · ${gpus.length ? gpus.join(', ') : 'no GPU'}`;
  }
  return machine;
}

/**
 * The providers that may run here, as measureProviders chooses them: calibrationCandidates (CPU,
 * WebGPU, CUDA once its library is installed, CoreML/DirectML by platform) less those gpuMissing
 * rules out (no GPU device; WebGPU without a Vulkan loader).
 */
export function offeredProviders(candidates = calibrationCandidates(), missing: (ep: Ep) => string | null = gpuMissing): Ep[] {
  return candidates.filter((ep) => ep === 'cpu' || !missing(ep));
}

/**
 * The runtime a calibration measures, in words: onnxruntime-node's version and the providers that
 * may run here. Read at each lookup, not once per process: a CUDA provider or a driver installed
 * later changes what is fastest, and so which record applies.
 */
export function runtimeName(version = ort.env.versions.node ?? ort.env.versions.common, eps = offeredProviders()): string {
  return `onnxruntime-node ${version} · ${eps.join(', ')}`;
}

/**
 * What a calibration is kept under: the pack's content (name, version, its graphs' checksums, the
 * int8 ones too), the machine, the runtime (see runtimeName), and the settings it was measured
 * with (CPU threads, int8 graphs on CPU), since those change what is fastest.
 */
export function calibrationKey(manifest: PackManifest, settings: { threads: number; int8?: boolean }, machine = machineName(), runtime = runtimeName()): string {
  const c = manifest.captioner;
  const graphs = c ? [c.encoder, c.decoderMerged, c.decoder, c.decoderWithPast, ...Object.values(c.quantized ?? {})].filter(Boolean).map((f) => `${f}:${manifest.files[f!]?.sha256 ?? ''}`) : [];
  const h = crypto.createHash('sha256').update(JSON.stringify([manifest.name, manifest.version, graphs, machine, runtime, settings.threads, !!settings.int8])).digest('hex');
  return `calibration:${h.slice(0, 24)}`;
}
