// The Export view's form, as plain data: what the fields hold, the ExportRequest they make (checked
// before it is sent, so a bad value is explained next to the form rather than by the server), the
// last request remembered in localStorage ('s2cap.export.last', read back defensively: a stored
// value this version cannot use falls back to the default field by field), and the numbers the
// progress bar and the result show.
import { CAPTION_STATUSES, type CaptionStatus } from '../../shared/annotation';
import { EXPORT_FORMATS, SPLIT_NAMES, type ExportFormat, type ExportProgress, type ExportReport, type ExportRequest, type SplitName } from '../../shared/dataset';

export const EXPORT_FORM_STORAGE_KEY = 's2cap.export.last';

export interface ExportForm {
  format: ExportFormat;
  out: string;
  statuses: CaptionStatus[];
  annotator: string;
  /** '' = any pack; else name@version or 'built-in'. */
  pack: string;
  /** Percentages as typed, train/validation/test. */
  splits: [string, string, string];
  sampleRate: '16000' | 'original';
  vocals: boolean;
  /** An earlier export's manifest.json ('' = export everything). */
  since: string;
  force: boolean;
}

export const FORMAT_LABELS: Record<ExportFormat, string> = {
  jsonl: 'S2Cap JSONL',
  csv: 'S2Cap CSV',
  audiofolder: 'Hugging Face audiofolder (clips + metadata.jsonl)',
  pairs: 'Preference pairs (JSONL)',
  'label-studio': 'Label Studio JSON',
};

export function defaultExportForm(): ExportForm {
  return { format: 'jsonl', out: '', statuses: ['approved'], annotator: '', pack: '', splits: ['80', '10', '10'], sampleRate: '16000', vocals: false, since: '', force: false };
}

/** The request the form describes, or the first reason it cannot be sent. */
export function toExportRequest(form: ExportForm): { ok: true; request: ExportRequest } | { ok: false; message: string } {
  const out = form.out.trim();
  if (!out) return { ok: false, message: 'Choose the folder to export to (a path on the studio’s machine).' };
  if (!form.statuses.length) return { ok: false, message: 'Choose at least one caption status to export.' };
  const ratios: number[] = [];
  for (const [i, raw] of form.splits.entries()) {
    const t = raw.trim();
    const n = Number(t);
    if (t === '' || !Number.isFinite(n) || n < 0 || n > 100) return { ok: false, message: `The ${SPLIT_NAMES[i]} share "${raw}" is not a percentage from 0 to 100.` };
    ratios.push(n / 100);
  }
  const sum = ratios[0]! + ratios[1]! + ratios[2]!;
  if (sum <= 0) return { ok: false, message: 'The split shares cannot all be 0.' };
  if (Math.abs(sum - 1) > 1e-9) return { ok: false, message: `The split shares add up to ${Math.round(sum * 1000) / 10} %, not 100 %.` };
  const request: ExportRequest = { format: form.format, out, status: CAPTION_STATUSES.filter((s) => form.statuses.includes(s)) };
  const annotator = form.annotator.trim();
  if (annotator) request.annotator = annotator;
  const pack = form.pack.trim();
  if (pack) request.pack = pack;
  const since = form.since.trim();
  if (since) request.since = since;
  if (form.force) request.force = true;
  // The default split is left out so the manifest's query says only what was chosen.
  if (ratios[0] !== 0.8 || ratios[1] !== 0.1 || ratios[2] !== 0.1) request.splits = [ratios[0]!, ratios[1]!, ratios[2]!];
  if (form.format === 'audiofolder') {
    request.sampleRate = form.sampleRate === 'original' ? 'original' : 16000;
    if (form.vocals) request.vocals = true;
  }
  return { ok: true, request };
}

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

/** The remembered form (the default for anything missing or unusable). */
export function readExportForm(storage: StorageLike | null): ExportForm {
  const form = defaultExportForm();
  let raw: unknown;
  try {
    raw = JSON.parse(storage?.getItem(EXPORT_FORM_STORAGE_KEY) ?? 'null');
  } catch {
    return form;
  }
  if (!raw || typeof raw !== 'object') return form;
  const r = raw as Record<string, unknown>;
  const str = (v: unknown, max = 4096): v is string => typeof v === 'string' && v.length <= max;
  if (EXPORT_FORMATS.includes(r.format as ExportFormat)) form.format = r.format as ExportFormat;
  if (str(r.out)) form.out = r.out;
  if (Array.isArray(r.statuses)) {
    const s = CAPTION_STATUSES.filter((x) => (r.statuses as unknown[]).includes(x));
    if (s.length) form.statuses = s;
  }
  if (str(r.annotator, 80)) form.annotator = r.annotator;
  if (str(r.pack, 300)) form.pack = r.pack;
  if (Array.isArray(r.splits) && r.splits.length === 3 && r.splits.every((x) => str(x, 12))) form.splits = r.splits as [string, string, string];
  if (r.sampleRate === '16000' || r.sampleRate === 'original') form.sampleRate = r.sampleRate;
  if (typeof r.vocals === 'boolean') form.vocals = r.vocals;
  if (str(r.since)) form.since = r.since;
  // `force` is never remembered: replacing a folder is decided each time.
  return form;
}

/** Remembers the form (without `force`); false when the browser refused to store it. */
export function writeExportForm(storage: StorageLike | null, form: ExportForm): boolean {
  if (!storage) return false;
  try {
    const { force: _force, ...kept } = form;
    storage.setItem(EXPORT_FORM_STORAGE_KEY, JSON.stringify({ version: 1, ...kept }));
    return true;
  } catch {
    return false;
  }
}

export const PHASE_LABELS: Record<ExportProgress['phase'], string> = {
  query: 'Finding segments',
  write: 'Writing rows',
  audio: 'Cutting audio',
  done: 'Done',
};

/** 0–1 for the progress bar; null while the total is not known (an indeterminate bar). */
export function progressFraction(p: ExportProgress | null): number | null {
  if (!p) return null;
  if (p.phase === 'done') return 1;
  if (!(p.total > 0)) return null;
  return Math.min(1, Math.max(0, p.done / p.total));
}

export interface ExportSummary {
  total: number;
  splits: { name: SplitName; count: number }[];
  statuses: { name: CaptionStatus; count: number }[];
  /** Files written besides manifest.json. */
  files: number;
  packs: string[];
}

/** What the result panel lists: counts per split (all three, in order) and per status present, files written. */
export function exportSummary(report: ExportReport): ExportSummary {
  const c = report.manifest.counts;
  return {
    total: c.total,
    splits: SPLIT_NAMES.map((name) => ({ name, count: c.bySplit[name] ?? 0 })),
    statuses: CAPTION_STATUSES.flatMap((name) => (c.byStatus[name] ? [{ name, count: c.byStatus[name]! }] : [])),
    // Besides manifest.json, which lists the others' checksums.
    files: Object.keys(report.manifest.files).length,
    packs: report.manifest.packs,
  };
}
