// Inference benchmark (not a test): captions per second and separation real-time factor per
// execution provider, on benchmark-sized random models (AST-base encoder, BART-base decoder, a
// Demucs-like separator) made by scripts/make-bench-models.py (Debian python3-torch). Prints
// numbers; a provider that cannot start here is reported with its reason. When the captioner pack
// carries int8 graphs (captioner.quantized, Optimum's *_quantized.onnx), a "cpu int8" row follows
// the float CPU one.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { WavWriter } from '../src/core/audio/wavWriter';
import { Captioner } from '../src/core/inference/caption/captioner';
import { AST_FRAMES, AST_MEL_BINS } from '../src/core/inference/features/fbank';
import { cudaInstalled, type Ep } from '../src/core/inference/providers';
import { readManifest } from '../src/core/inference/packs/validate';
import { separateFile } from '../src/core/inference/separate/separateFile';
import { Separator } from '../src/core/inference/separate/separator';
import { modelAlone, splitLine } from './separationSplit';

const PACKS = process.env.BENCH_PACKS ?? path.join(os.homedir(), '.cache', 's2cap', 'bench-packs');
const SEP_SECONDS = Number(process.env.BENCH_SEP_SECONDS ?? 30);
const PROVIDERS: Ep[] = (process.env.BENCH_EPS?.split(',') as Ep[]) ?? ['cpu', 'webgpu', ...(cudaInstalled() ? (['cuda'] as Ep[]) : [])];

function ensurePacks(): void {
  if (fs.existsSync(path.join(PACKS, 'captioner-base', 'model.json')) && fs.existsSync(path.join(PACKS, 'separator-bench', 'model.json'))) return;
  console.log(`# making benchmark models in ${PACKS} (python3-torch; about 15 minutes on 2 cores, once)`);
  const script = process.env.BENCH_MODELS_SCRIPT ?? path.join(import.meta.dirname, '..', 'scripts', 'make-bench-models.py');
  execFileSync(process.env.BENCH_PYTHON ?? '/usr/bin/python3', [script, PACKS], { stdio: 'inherit' });
}

const features = (seed: number) => {
  let s = seed;
  return Float32Array.from({ length: AST_FRAMES * AST_MEL_BINS }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1);
};

async function captionBench(ep: Ep, int8 = false): Promise<void> {
  const dir = path.join(PACKS, 'captioner-base');
  const spec = (await readManifest(dir)).captioner!;
  const cap = await Captioner.load(dir, spec, { encoderEp: ep, decoderEp: 'cpu', int8 });
  const label = int8 ? 'cpu int8' : ep;
  if (cap.ep.encoder !== label) return console.log(`captioner  ${label.padEnd(7)} unavailable: ${cap.fallbacks[0] ?? 'fell back'}`);
  await cap.caption([features(1)], { numBeams: 1 }); // warm up
  for (const [batch, beams] of [[1, 1], [1, 4], [4, 4]] as const) {
    const runs = 3;
    let enc = 0;
    let total = 0;
    let tokens = 0;
    for (let r = 0; r < runs; r++) {
      const res = await cap.caption(Array.from({ length: batch }, (_, i) => features(r * 10 + i + 2)), { numBeams: beams });
      enc += res.ms.encoder;
      total += res.ms.total;
      tokens += res.captions.reduce((a, c) => a + c.tokens.length, 0);
    }
    const perCaption = total / (runs * batch);
    console.log(
      `captioner  encoder ${label.padEnd(7)} decoder ${cap.ep.decoder}  batch ${batch} beams ${beams}: ${(1000 / perCaption).toFixed(2)} captions/s ` +
        `(encoder ${(enc / runs).toFixed(0)} ms/batch, ${(total / runs).toFixed(0)} ms/batch total, ${(tokens / (runs * batch)).toFixed(0)} tokens/caption)`,
    );
  }
}

async function separatorBench(ep: Ep, wav: string): Promise<void> {
  const dir = path.join(PACKS, 'separator-bench');
  const sep = await Separator.load(dir, (await readManifest(dir)).separator!, { ep });
  if (sep.ep !== ep) return console.log(`separator  ${ep.padEnd(7)} unavailable: ${sep.fallbacks[0] ?? 'fell back'}`);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 's2cap-bench-stems-'));
  try {
    const res = await separateFile(wav, sep, { outDir: out });
    console.log(`separator  ${ep.padEnd(7)} ${SEP_SECONDS} s stereo: ${(res.ms / 1000).toFixed(1)} s wall → ${(SEP_SECONDS / (res.ms / 1000)).toFixed(2)}× real time`);
    console.log(`  ${splitLine(res.ms, await modelAlone(sep, res.frames), 'session.run (timed alone, same segments)')}`);
    console.log(`  session.run seen from the pipeline ${(sep.runMs / 1000).toFixed(2)} s, runSegment ${(res.modelMs / 1000).toFixed(2)} s (JS overlaps the runs)`);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

ensurePacks();
const wav = path.join(os.tmpdir(), `s2cap-bench-${process.pid}.wav`);
const w = new WavWriter(wav, 44100, 2, 'pcm16');
for (let t = 0; t < SEP_SECONDS; t++) {
  const l = Float32Array.from({ length: 44100 }, (_, i) => 0.3 * Math.sin(((t * 44100 + i) * 2 * Math.PI * 220) / 44100));
  w.write([l, l]);
}
w.close();
console.log(`# inference on ${os.cpus().length} × ${os.cpus()[0]?.model}; onnxruntime-node ${ort.env.versions.node}`);
try {
  for (const ep of PROVIDERS) {
    await captionBench(ep);
    if (ep === 'cpu' && Object.keys((await readManifest(path.join(PACKS, 'captioner-base'))).captioner!.quantized ?? {}).length) await captionBench('cpu', true);
    await separatorBench(ep, wav);
  }
} finally {
  fs.rmSync(wav, { force: true });
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
