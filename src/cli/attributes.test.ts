// `s2cap attributes` on a real WAV made by ffmpeg (a voice-like tone with vibrato over a kick drum
// at 120 BPM): the report's keys, values against the truth (and the loudness against ffmpeg's own
// EBU R128 meter), a span, the readable table, and one-line errors naming a bad file.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttributeReport } from '../shared/attributes';
import { tempDir } from '../core/testing/tmp';
import { runCaptured as run } from './runCaptured';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const song = path.join(tmp.dir, 'song.wav');

// 220 Hz with ±40 cents of 5.5 Hz vibrato (phase modulation index 220·(2^(40/1200) − 1)/5.5), four
// harmonics; a soft decaying 55 Hz kick every 0.5 s.
const BETA = (220 * (2 ** (40 / 1200) - 1)) / 5.5;
const P = `(2*PI*220*t+${BETA.toFixed(6)}*sin(2*PI*5.5*t))`;
const EXPR = `0.2*sin(${P})+0.1*sin(2*${P})+0.06*sin(3*${P})+0.04*sin(4*${P})+0.1*exp(-25*mod(t,0.5))*sin(2*PI*55*t)`;

beforeAll(() => {
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `aevalsrc=exprs='${EXPR}|${EXPR}':s=44100:d=12`, '-c:a', 'pcm_s16le', song]);
});

/** ffmpeg's integrated loudness (ebur128 filter) of a file or a span of it. */
function ffmpegLufs(file: string, from?: number, to?: number): number {
  const span = from === undefined ? [] : ['-ss', String(from), '-to', String(to)];
  const res = spawnSync('ffmpeg', ['-nostats', ...span, '-i', file, '-filter_complex', 'ebur128', '-f', 'null', '-'], { encoding: 'utf8' });
  // The summary at the end (with -ss/-to ffmpeg prints an empty one first).
  const m = [...res.stderr.matchAll(/Integrated loudness:\s*I:\s*(-?[\d.]+) LUFS/g)].at(-1);
  if (!m) throw new Error(`no ebur128 summary: ${res.stderr.slice(-500)}`);
  return Number(m[1]);
}

describe('s2cap attributes', () => {
  it('--json prints the report with the keys scripts read, values matching the truth', async () => {
    const res = await run('attributes', song, '--json');
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    const r = JSON.parse(res.out) as AttributeReport;
    for (const key of ['tempo_bpm', 'beats', 'pitch_median_hz', 'pitch_low_hz', 'pitch_high_hz', 'loudness_lufs', 'loudness_range_lu', 'vibrato_rate_hz', 'vibrato_extent_cents', 'voiced_ratio', 'categories']) {
      expect(r, key).toHaveProperty(key);
    }
    expect(r).toMatchObject({ file: song, vocalsFile: null, startSec: 0, pitch_median_note: 'A3' });
    expect(r.endSec).toBeCloseTo(12, 2);
    expect(Math.abs(r.pitch_median_hz! / 220 - 1)).toBeLessThan(0.01);
    expect(r.pitch_low_hz!).toBeLessThan(220);
    expect(r.pitch_high_hz!).toBeGreaterThan(220);
    expect(Math.abs(r.vibrato_rate_hz! - 5.5)).toBeLessThan(0.5);
    expect(r.vibrato_extent_cents!).toBeGreaterThan(25);
    expect(r.vibrato_extent_cents!).toBeLessThan(55);
    expect(r.voiced_ratio).toBeGreaterThan(0.8);
    if (r.tempo_octave_ambiguous) expect([60, 120, 240].some((b) => Math.abs(r.tempo_bpm! / b - 1) < 0.02)).toBe(true);
    else expect(Math.abs(r.tempo_bpm! / 120 - 1)).toBeLessThan(0.02);
    expect(r.beats.length).toBeGreaterThan(10);
    expect(Math.abs(r.loudness_lufs! - ffmpegLufs(song))).toBeLessThan(0.5);
    // A3 is above the 160–200 Hz overlap band: a modest female guess; measured on the mix (no
    // --vocals) it is too unsure to pick the female boundaries, so A3 is normal by the gender-unknown ones.
    expect(r.categories).toMatchObject({ gender: 'female', pitch: 'normal', tempo: 'normal' });
    expect(r.attributes.find((a) => a.name === 'gender')!.confidence).toBeLessThanOrEqual(0.7);
    expect(r.categories.volume).toMatch(/^(low|normal|high)$/);
    expect(r.attributes).toHaveLength(12);
  });

  it('--segment measures a span (beats in file time), --vocals takes the voice from a stem', async () => {
    const r = JSON.parse((await run('attributes', song, '--segment', '2:8', '--vocals', song, '--json')).out) as AttributeReport;
    expect(r).toMatchObject({ startSec: 2, endSec: 8, vocalsFile: song });
    expect(r.beats.every((b) => b >= 2 && b <= 8)).toBe(true);
    expect(Math.abs(r.pitch_median_hz! / 220 - 1)).toBeLessThan(0.01);
    // From a vocal stem the female guess is trusted: low by the female boundaries.
    expect(r.categories).toMatchObject({ gender: 'female', pitch: 'low' });
    expect(Math.abs(r.loudness_lufs! - ffmpegLufs(song, 2, 8))).toBeLessThan(0.5);
  });

  it('without --json prints a table: value, unit, category, confidence', async () => {
    const res = await run('attributes', song);
    expect(res.code).toBe(0);
    const lines = res.out.split('\n');
    expect(lines[1]).toMatch(/^attribute\s+value\s+unit\s+category\s+confidence\s+detail$/);
    expect(lines.find((l) => l.startsWith('pitch '))).toMatch(/^pitch\s+2\d\d(\.\d)?\s+Hz\s+normal\s+[01]\.\d\d\s+A3; 5–95 %/);
    expect(lines.find((l) => l.startsWith('loudness '))).toMatch(/LUFS/);
    expect(res.out).toMatch(/thresholds: defaults/);
    // --db: the library's thresholds (a new library has too few captions: the defaults).
    const withLib = await run('attributes', song, '--db', path.join(tmp.dir, 'lib.s2cap.db'));
    expect(withLib.code).toBe(0);
    expect(withLib.out).toMatch(/thresholds: defaults/);
    expect(fs.existsSync(path.join(tmp.dir, 'lib.s2cap.db'))).toBe(true);
  });

  it('a file that is not audio, or missing, is one line naming it', async () => {
    const bad = path.join(tmp.dir, 'notes.wav');
    fs.writeFileSync(bad, 'not audio at all');
    const res = await run('attributes', bad, '--json');
    expect(res.code).toBe(1);
    expect(res.out).toBe('');
    expect(res.err).toBe(`s2cap: cannot decode ${bad}: not a recognised audio format`);
    const missing = path.join(tmp.dir, 'gone.wav');
    const gone = await run('attributes', missing);
    expect(gone.code).not.toBe(0);
    expect(gone.err.split('\n')).toHaveLength(1);
    expect(gone.err).toContain(missing);
    const vocals = await run('attributes', song, '--vocals', missing);
    expect(vocals.err).toContain(missing);
    expect((await run('attributes', song, '--segment', '20:30')).err).toBe(`s2cap: ${song}: no audio in 20.00–30.00 s (it decodes to 12.00 s)`);
    expect((await run('attributes')).code).toBe(2);
  });
});
