// Execution providers: a table of what onnxruntime-node can run on, how `auto` orders them per
// kind of model, and session creation that falls back to CPU with the reason recorded — a GPU
// that fails to start is a note in the result, never a crash. `auto` probes quietly: a provider
// that cannot work here (no GPU device on Linux, or one that already failed in this process) is
// skipped without starting it, because starting Dawn without a GPU prints Vulkan warnings on
// stderr that no setting silences; the reason is kept, and said once per process in one line.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import ort from 'onnxruntime-node';
import { StudioError } from '../../shared/errors';

export const EP_CHOICES = ['auto', 'cpu', 'webgpu', 'cuda', 'coreml', 'dml'] as const;
export type EpChoice = (typeof EP_CHOICES)[number];
export type Ep = Exclude<EpChoice, 'auto'>;

/** What a model is, because the best provider differs (see DESIGN: a KV-cache decoder is faster on CPU). */
export type ModelKind = 'encoder' | 'decoder' | 'separator';

export function parseEp(raw: string): EpChoice {
  if ((EP_CHOICES as readonly string[]).includes(raw)) return raw as EpChoice;
  throw new StudioError('BAD_REQUEST', `unknown execution provider "${raw}" (valid: ${EP_CHOICES.join(', ')})`);
}

/** Whether onnxruntime-node's CUDA provider library was installed (ONNXRUNTIME_NODE_INSTALL=cuda12). */
export function cudaInstalled(): boolean {
  try {
    const req = createRequire(import.meta.url);
    const bin = path.join(path.dirname(req.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch);
    return fs.existsSync(path.join(bin, process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so'));
  } catch {
    return false;
  }
}

/** The GPU providers onnxruntime-node offers on a platform: WebGPU, CUDA once its library is installed, CoreML / DirectML by platform. */
export function gpuProviders(platform = process.platform, hasCuda = cudaInstalled()): Ep[] {
  return ['webgpu', ...(hasCuda ? (['cuda'] as const) : []), ...(platform === 'darwin' ? (['coreml'] as const) : []), ...(platform === 'win32' ? (['dml'] as const) : [])];
}

/**
 * Providers to try, in order, for a choice; CPU always last. A captioner job's `auto` is first
 * resolved by its pack's calibration on this machine (core/calibrations); this fixed order is
 * what `auto` means where nothing was calibrated (separators, a one-shot CLI caption, evaluation).
 */
export function providerOrder(choice: EpChoice, kind: ModelKind, platform = process.platform, hasCuda = cudaInstalled()): Ep[] {
  if (choice !== 'auto') return choice === 'cpu' ? ['cpu'] : [choice, 'cpu'];
  // An autoregressive decoder copies its cache across the bus every step on WebGPU (5× slower
  // than CPU measured for BART-base), so `auto` keeps decoders on the CPU.
  if (kind === 'decoder') return ['cpu'];
  return [...gpuProviders(platform, hasCuda), 'cpu'];
}

/** Providers found unusable in this process (by a device check or a failed start), with why. */
const unusable = new Map<Ep, string>();
const announced = new Set<Ep>();

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** What gpuMissing looks at; tests pass their own. */
export interface MachineProbe {
  platform: NodeJS.Platform;
  /** Names in a folder ([] when it cannot be read). */
  list(dir: string): string[];
  /** Folders the dynamic linker searches (LD_LIBRARY_PATH, ld.so.conf.d, the usual lib folders). */
  libDirs(): string[];
}

const LIB_DIRS = ['/lib', '/lib64', '/usr/lib', '/usr/lib64', '/usr/local/lib', '/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/usr/lib/aarch64-linux-gnu'];

function linkerDirs(): string[] {
  const fromConf = listDir('/etc/ld.so.conf.d')
    .filter((n) => n.endsWith('.conf'))
    .flatMap((n) => {
      try {
        return fs.readFileSync(path.join('/etc/ld.so.conf.d', n), 'utf8').split('\n');
      } catch {
        return [];
      }
    })
    .map((l) => l.trim())
    .filter((l) => l.startsWith('/'));
  return [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...fromConf, ...LIB_DIRS];
}

const THIS_MACHINE: MachineProbe = { platform: process.platform, list: listDir, libDirs: linkerDirs };

/**
 * Why a GPU provider cannot run on this machine, decided without starting it, or null when it may.
 * On Linux, WebGPU (Dawn on Vulkan) and CUDA need a GPU device node: a DRM render node
 * (/dev/dri/renderD*, AMD and Intel) or /dev/nvidia0…; a software Vulkan driver would only be
 * slower than CPU. WebGPU also needs the Vulkan loader (libvulkan.so.1), which GPU drivers often
 * do not ship.
 */
export function gpuMissing(ep: Ep, m: MachineProbe = THIS_MACHINE): string | null {
  if (m.platform !== 'linux' || (ep !== 'webgpu' && ep !== 'cuda')) return null;
  const gpu = m.list('/dev/dri').some((n) => n.startsWith('renderD')) || m.list('/dev').some((n) => /^nvidia\d+$/.test(n));
  if (!gpu) return 'no GPU device on this machine (no /dev/dri render node or /dev/nvidia*)';
  if (ep === 'webgpu' && !m.libDirs().some((d) => m.list(d).includes('libvulkan.so.1'))) return 'no Vulkan loader (libvulkan.so.1) on this machine';
  return null;
}

/** Says once per process, in one line, that a provider is not used and why. */
function announce(ep: Ep, reason: string, next: Ep | undefined): void {
  if (announced.has(ep)) return;
  announced.add(ep);
  console.warn(`[s2cap] ${ep} not used: ${reason}${next ? `; models run on ${next}` : ''}`);
}

export interface SessionOptions {
  ep: EpChoice;
  kind: ModelKind;
  /** CPU threads per session; 0 lets onnxruntime decide. */
  threads?: number;
  /** The file to open instead when the session lands on CPU (an int8 counterpart); GPU providers always get `file`. */
  cpuFile?: string;
}

export interface OpenedSession {
  session: ort.InferenceSession;
  /** The provider that actually runs this session. */
  ep: Ep;
  /** Why providers earlier in the order were not used (empty when the first one worked). */
  fallbacks: string[];
  /** The file opened: opts.cpuFile when given and the session runs on CPU, else the file. */
  file: string;
}

export async function openSession(file: string, opts: SessionOptions): Promise<OpenedSession> {
  const fallbacks: string[] = [];
  const order = providerOrder(opts.ep, opts.kind);
  for (const [i, ep] of order.entries()) {
    // `auto` does not start a provider known not to work here; one asked for by name is always tried.
    const known = opts.ep === 'auto' && ep !== 'cpu' ? (unusable.get(ep) ?? gpuMissing(ep)) : null;
    if (known) {
      fallbacks.push(`${ep}: ${known}`);
      announce(ep, known, order[i + 1]);
      continue;
    }
    const chosen = ep === 'cpu' && opts.cpuFile ? opts.cpuFile : file;
    try {
      const session = await ort.InferenceSession.create(chosen, {
        executionProviders: [ep],
        graphOptimizationLevel: 'all',
        ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
      });
      return { session, ep, fallbacks, file: chosen };
    } catch (err) {
      const reason = `${ep}: ${firstLine((err as Error).message)}`;
      if (ep === 'cpu') throw new StudioError('UNSUPPORTED', `cannot load ${path.basename(chosen)}: ${reason}`);
      fallbacks.push(reason);
      unusable.set(ep, reason.slice(ep.length + 2));
      announce(ep, reason.slice(ep.length + 2), order[i + 1]);
    }
  }
  throw new StudioError('INTERNAL', 'no execution provider tried');
}

function firstLine(msg: string): string {
  const line = msg.split('\n').find((l) => l.trim()) ?? msg;
  // onnxruntime prefixes messages with source locations; keep what a person can act on.
  return line
    .replace(/^.*?\]\s*/, '')
    .replace(/^\/onnxruntime_src\/\S+\s*/, '')
    .replace(/^.*? was false\.\s*/, '') // drop the C++ assertion text before the human-readable part
    .slice(0, 300);
}
