// `s2cap attributes AUDIO [--segment S:E] [--vocals FILE] [--json]`: the measured singing
// attributes of a file (or a span of it) as AttributeReport (shared/attributes.ts) — tempo and
// beats, pitch median and 5–95 % range, loudness and loudness range, vibrato, brightness,
// breathiness, voiced ratio, S2Cap categories — or, without --json, a table an annotator reads.
// A local-file command: it opens no library unless --db names one, whose thresholds it then uses
// (the library's own pitch quantiles once it has enough approved captions).
import path from 'node:path';
import type { AttributeReport, AttributeThresholds, MeasuredAttribute, MeasuredName } from '../shared/attributes';
import { measureSpans } from '../core/analysis/measureSpans';
import { noteName } from '../shared/notes';
import { DEFAULT_THRESHOLDS } from '../core/analysis/thresholds';
import { requireRegularFile } from '../core/regularFile';
import type { Studio } from '../core/studio';
import { parseCommandArgs, UsageError } from './args';
import type { CliIo, LibraryFlags } from './main';
import { parseSegment } from './inferenceCommands';

export interface AttributesDeps {
  open: (where: LibraryFlags) => Promise<Studio>;
  help: () => void;
}

export async function cmdAttributes(argv: string[], io: CliIo, deps: AttributesDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { segment: { type: 'string' }, vocals: { type: 'string' } });
  if (values.help) return deps.help(), 0;
  if (positionals.length !== 1) throw new UsageError('usage: s2cap attributes AUDIO [--segment S:E] [--vocals FILE] [--json]');
  await requireRegularFile(positionals[0]!);
  const file = path.resolve(positionals[0]!);
  if (values.vocals !== undefined) await requireRegularFile(values.vocals);
  const vocalsFile = values.vocals === undefined ? null : path.resolve(values.vocals);
  const seg = parseSegment(values.segment);
  const thresholds = values.db ? await libraryThresholdsOf(deps, values) : DEFAULT_THRESHOLDS;
  const [a] = await measureSpans({ file, vocalsFile, spans: [seg], thresholds });
  const startSec = seg.startSec ?? 0;
  const report = toReport(a!, { file, vocalsFile, startSec, endSec: startSec + a!.durationSec });
  if (values.json) io.out(JSON.stringify(report));
  else io.out(formatReport(report, thresholds));
  return 0;
}

async function libraryThresholdsOf(deps: AttributesDeps, flags: LibraryFlags): Promise<AttributeThresholds> {
  const studio = await deps.open(flags);
  try {
    return await studio.getAttributeThresholds();
  } finally {
    await studio.close();
  }
}

type Analysis = Awaited<ReturnType<typeof measureSpans>>[number];

export function toReport(a: Analysis, where: { file: string; vocalsFile: string | null; startSec: number; endSec: number }): AttributeReport {
  const by = (n: MeasuredName): MeasuredAttribute => a.attributes.find((x) => x.name === n)!;
  const num = (n: MeasuredName) => (typeof by(n).value === 'number' ? (by(n).value as number) : null);
  const shift = (t: number) => Math.round((where.startSec + t) * 1000) / 1000;
  const median = num('pitch');
  return {
    ...where,
    tempo_bpm: num('tempo'),
    tempo_octave_ambiguous: a.tempoOctaveAmbiguous,
    beats: a.beats.map(shift),
    pitch_median_hz: median,
    pitch_low_hz: num('pitch_low'),
    pitch_high_hz: num('pitch_high'),
    pitch_median_note: median === null ? null : noteName(median),
    loudness_lufs: num('loudness'),
    loudness_range_lu: num('loudness_range'),
    vibrato_rate_hz: num('vibrato_rate'),
    vibrato_extent_cents: num('vibrato_extent'),
    voiced_ratio: num('voiced_ratio') ?? 0,
    brightness_hz: num('brightness'),
    hnr_db: num('breathiness'),
    categories: {
      gender: by('gender').category,
      pitch: by('pitch').category,
      tempo: by('tempo').category,
      volume: by('loudness').category,
      timbre: by('brightness').category,
      breathiness: by('breathiness').category,
    },
    attributes: a.attributes,
    proposals: a.proposals.map((p) => ({ ...p, startSec: shift(p.startSec), endSec: shift(p.endSec) })),
  };
}

/** The report as a table: one attribute a line (value, unit, category, confidence, reading aid). */
export function formatReport(r: AttributeReport, t: AttributeThresholds): string {
  const rows = r.attributes.map((a) => [
    a.name,
    a.value === null ? '—' : String(a.value),
    a.unit ?? '',
    a.category ?? '—',
    a.confidence.toFixed(2),
    a.detail ?? '',
  ]);
  const head = ['attribute', 'value', 'unit', 'category', 'confidence', 'detail'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 || i === 4 ? c.padStart(width[i]!) : c.padEnd(width[i]!))).join('  ').trimEnd();
  const out = [
    `${r.file}${r.vocalsFile ? ` (voice from ${r.vocalsFile})` : ''}, ${r.startSec.toFixed(2)}–${r.endSec.toFixed(2)} s`,
    line(head),
    ...rows.map(line),
    `beats: ${r.beats.length}${r.beats.length ? ` (first at ${r.beats[0]!.toFixed(2)} s)` : ''}${r.tempo_octave_ambiguous ? '; tempo octave-ambiguous' : ''}`,
    `thresholds: ${t.source === 'library' ? `the library's (${t.counts?.male ?? 0} male, ${t.counts?.female ?? 0} female approved captions)` : 'defaults'}`,
  ];
  if (r.proposals.length) out.push(`proposed segments: ${r.proposals.map((p) => `${p.startSec.toFixed(1)}–${p.endSec.toFixed(1)} s (${Math.round(p.vocalDensity * 100)} % vocal)`).join(', ')}`);
  return out.join('\n');
}
