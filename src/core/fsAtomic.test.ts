// Files appear under their final name only complete: AtomicFile, writeFileAtomic, the WAV stem
// writer built on them, and the sweep that removes what a killed process left behind.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeFile } from './audio/decode';
import { WavWriter } from './audio/wavWriter';
import { AtomicFile, isTempFile, writeFileAtomic } from './fsAtomic';
import { sweepLeftovers } from './leftovers';
import { openStore } from './store/store';
import { packStagingName } from './inference/packs/install';
import { tempDir } from './testing/tmp';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

describe('AtomicFile', () => {
  it('keeps the old file until commit, then replaces it whole', async () => {
    const file = path.join(tmp.dir, 'out.bin');
    fs.writeFileSync(file, 'old contents');
    const f = new AtomicFile(file);
    fs.writeSync(f.fd, Buffer.alloc(1 << 20, 7));
    expect(fs.readFileSync(file, 'utf8')).toBe('old contents');
    expect(isTempFile(path.basename(f.tmpPath))).toBe(true);
    expect(path.dirname(f.tmpPath)).toBe(tmp.dir);
    await f.commit();
    expect(fs.readFileSync(file)).toEqual(Buffer.alloc(1 << 20, 7));
    expect(fs.readdirSync(tmp.dir)).toEqual(['out.bin']);
    expect(() => f.commitSync()).toThrow(/already committed/);
  });

  it('abort removes the temporary file and leaves the old one', () => {
    const file = path.join(tmp.dir, 'out.bin');
    fs.writeFileSync(file, 'old contents');
    const f = new AtomicFile(file);
    fs.writeSync(f.fd, 'new');
    f.abort();
    f.abort(); // twice is harmless
    expect(fs.readdirSync(tmp.dir)).toEqual(['out.bin']);
    expect(fs.readFileSync(file, 'utf8')).toBe('old contents');
  });

  it('streams through createWriteStream and commits', async () => {
    const file = path.join(tmp.dir, 'streamed.txt');
    const f = new AtomicFile(file);
    const ws = f.createWriteStream();
    await new Promise<void>((resolve, reject) => ws.end('hello stream', () => resolve()).on('error', reject));
    expect(fs.existsSync(file)).toBe(false);
    f.commitSync();
    expect(fs.readFileSync(file, 'utf8')).toBe('hello stream');
  });
});

describe('writeFileAtomic', () => {
  it('replaces a file and leaves nothing else behind', async () => {
    const file = path.join(tmp.dir, 'a.peaks');
    fs.writeFileSync(file, 'old');
    await writeFileAtomic(file, new Uint8Array([1, 2, 3]).subarray(1));
    expect([...fs.readFileSync(file)]).toEqual([2, 3]);
    await writeFileAtomic(file, 'text');
    expect(fs.readFileSync(file, 'utf8')).toBe('text');
    expect(fs.readdirSync(tmp.dir)).toEqual(['a.peaks']);
  });

  it('names the file the caller gave when it fails, not its temporary name', async () => {
    const file = path.join(tmp.dir, 'missing', 'x.npy');
    const err = (await writeFileAtomic(file, 'x').catch((e: unknown) => e)) as NodeJS.ErrnoException;
    expect(err.code).toBe('ENOENT');
    expect(err.path).toBe(file);
    expect(err.message).toContain(file);
    expect(err.message).not.toMatch(/x\.npy\.\d+/);
  });
});

describe('WavWriter', () => {
  const tone = (n: number) => [0, 1].map((c) => Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((i + c) / 10)));

  it('never exposes a half-written WAV under its name: the old file stays until close', async () => {
    const file = path.join(tmp.dir, 'vocals.wav');
    const first = new WavWriter(file, 8000, 2, 'pcm24');
    first.write(tone(8000));
    first.close();
    const before = fs.readFileSync(file);

    const second = new WavWriter(file, 8000, 2, 'pcm24');
    second.write(tone(4000));
    expect(fs.readFileSync(file)).toEqual(before); // not truncated on open
    second.abort(); // cancelled: the old file is untouched and the temporary one is gone
    expect(fs.readFileSync(file)).toEqual(before);
    expect(fs.readdirSync(tmp.dir)).toEqual(['vocals.wav']);

    const third = new WavWriter(file, 8000, 2, 'pcm24');
    third.write(tone(12000));
    third.close();
    expect((await decodeFile(file)).channelData[0]!.length).toBe(12000);
    expect(fs.readdirSync(tmp.dir)).toEqual(['vocals.wav']);
  });
});

describe('sweepLeftovers', () => {
  it('removes what a killed process left half-written and nothing else', async () => {
    const dataDir = tmp.dir;
    const db = await openStore(path.join(dataDir, 'lib.db'));
    try {
      const upload = path.join(dataDir, 'uploads', 'u1');
      const done = path.join(dataDir, 'uploads', 'u2');
      const peaks = path.join(dataDir, 'cache', 'peaks');
      for (const d of [upload, done, peaks]) fs.mkdirSync(d, { recursive: true });
      fs.writeFileSync(path.join(upload, 'song.wav.tmp-0123456789ab'), 'half');
      fs.writeFileSync(path.join(done, 'song.wav'), 'whole');
      fs.writeFileSync(path.join(peaks, 'track-abc.peaks'), 'whole');
      fs.writeFileSync(path.join(peaks, 'track-def.peaks.2864425162'), 'half');
      const removed = await sweepLeftovers(db, dataDir, peaks);
      expect(removed.map((p) => path.relative(dataDir, p)).sort()).toEqual([
        path.join('cache', 'peaks', 'track-def.peaks.2864425162'),
        path.join('uploads', 'u1', 'song.wav.tmp-0123456789ab'),
      ]);
      expect(fs.existsSync(upload)).toBe(false);
      expect(fs.readdirSync(done)).toEqual(['song.wav']);
      expect(fs.readdirSync(peaks)).toEqual(['track-abc.peaks']);
    } finally {
      await db.close();
    }
  });

  it('removes pack installs and removals a killed process left, but not an install still running', async () => {
    const dataDir = tmp.dir;
    const db = await openStore(path.join(dataDir, 'lib.db'));
    try {
      const packs = path.join(dataDir, 'packs');
      // A process that has exited (its pid is free) and this one, which is still installing.
      const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
      const dead = path.join(packs, packStagingName(deadPid));
      const live = path.join(packs, packStagingName(process.pid));
      const removing = path.join(packs, '.removing-0b5f0a4e-8d1c-4c36-9a52-9f1d3cf0a1b2');
      const installed = path.join(packs, 'kept@1.0.0');
      for (const d of [dead, live, removing, installed]) {
        fs.mkdirSync(d, { recursive: true });
        fs.writeFileSync(path.join(d, 'weights.onnx'), 'x'.repeat(1000));
      }
      const removed = await sweepLeftovers(db, dataDir, path.join(dataDir, 'cache', 'peaks'));
      expect(removed.sort()).toEqual([dead, removing].sort());
      expect(fs.readdirSync(packs).sort()).toEqual([path.basename(live), 'kept@1.0.0'].sort());
    } finally {
      await db.close();
    }
  });
});
