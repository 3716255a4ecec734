// Reads a Label Studio JSON export of audio tasks (a list of tasks, as labelstud.io/guide/task_format
// documents it): `data.audio` names the file (a local path, file:// URL, or a Label Studio URL such
// as /data/upload/1/3f2a9c1e-song.wav, found by name in the --audio folder); each annotation's
// `result[]` entries of type `textarea` carry the caption in `value.text[]`, with the region's
// `value.start`/`value.end` in seconds (or those of the region result with the same id; neither:
// the whole file). Predictions' textarea results become suggestions (CaptionItem.suggestion) with
// the result's score (else the prediction's, else none; stored as given: its scale is the model's)
// and the source "label-studio:<model_version>" (no model_version: "label-studio:unknown"), so the
// studio names where they came from instead of passing them off as its built-in suggester's.
// A task this studio exported (core/export/labelStudio.ts) carries `data.s2cap`: the track's
// sha256 and path, and per region id the annotator, status and attributes, which are restored, and
// its predictions (model_version = name@version) come back labelled "label-studio:name@version",
// so such an export round-trips.
import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CAPTION_STATUSES, type CaptionStatus } from '../../shared/annotation';
import { StudioError } from '../../shared/errors';
import { isAudioFileName } from '../library/formats';
import { pickAttributes, type AudioRef, type CaptionItem, type ItemProblem } from './captionItem';

export const LABEL_STUDIO_AUTHOR = 'label-studio';

export interface LabelStudioTasks {
  items: CaptionItem[];
  problems: ItemProblem[];
  notes: string[];
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export async function readLabelStudioTasks(file: string): Promise<LabelStudioTasks> {
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new StudioError('BAD_REQUEST', `${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new StudioError('BAD_REQUEST', `${file}: not valid JSON (${(err as Error).message})`);
  }
  const tasks = Array.isArray(parsed) ? parsed : isObject(parsed) && Array.isArray(parsed.tasks) ? parsed.tasks : isObject(parsed) && isObject(parsed.data) ? [parsed] : null;
  if (!tasks) throw new StudioError('BAD_REQUEST', `${file}: not a Label Studio JSON export (a list of tasks)`);

  const items: CaptionItem[] = [];
  const problems: ItemProblem[] = [];
  let cancelled = 0;
  tasks.forEach((task: unknown, i: number) => {
    const where = `task ${isObject(task) && (typeof task.id === 'number' || typeof task.id === 'string') ? task.id : `#${i + 1}`}`;
    const fail = (reason: string) => void problems.push({ file, reason: `${where}: ${reason}` });
    if (!isObject(task) || !isObject(task.data)) return fail('no "data" object');
    const studio = isObject(task.data.s2cap) ? task.data.s2cap : {};
    const found = audioRef(task.data);
    const sha256 = typeof studio.track_sha256 === 'string' && /^[0-9a-f]{64}$/.test(studio.track_sha256) ? studio.track_sha256 : undefined;
    const sourcePath = typeof studio.source_path === 'string' && studio.source_path ? studio.source_path : undefined;
    if (!found && !sourcePath) return fail('no audio in "data" (data.audio, or a field naming an audio file)');
    const audio: AudioRef = { ...found, ...(sourcePath && !found?.path ? { path: sourcePath } : {}), ...(sha256 ? { sha256 } : {}) };
    const provenance = new Map((Array.isArray(studio.segments) ? studio.segments : []).filter(isObject).map((g) => [g.id, g]));
    for (const a of Array.isArray(task.annotations) ? task.annotations : []) {
      if (!isObject(a) || !Array.isArray(a.result)) continue;
      if (a.was_cancelled === true) {
        cancelled++;
        continue;
      }
      const author = authorOf(a.completed_by);
      for (const { r, begin, end, texts } of textareas(a.result, fail)) {
        const own = provenance.get(r.id);
        const status = own && CAPTION_STATUSES.includes(own.status as CaptionStatus) ? (own.status as CaptionStatus) : 'approved';
        const by = own && typeof own.annotator === 'string' && own.annotator.trim() ? own.annotator.trim().slice(0, 80) : author;
        for (const t of texts) items.push({ where, audio, begin, end, text: t, status, author: by, attributes: pickAttributes(own?.attributes) });
      }
    }
    for (const p of Array.isArray(task.predictions) ? task.predictions : []) {
      if (!isObject(p) || !Array.isArray(p.result)) continue;
      const source = labelStudioSource(p.model_version);
      for (const { r, begin, end, texts } of textareas(p.result, fail)) {
        const score = num(r.score) ?? num(p.score) ?? null;
        for (const t of texts) items.push({ where, audio, begin, end, text: t, status: 'draft', author: source, attributes: {}, suggestion: { source, score } });
      }
    }
  });
  const notes: string[] = [];
  if (cancelled) notes.push(`${cancelled} cancelled annotation${cancelled === 1 ? '' : 's'} skipped`);
  return { items, problems, notes };
}

/** The source label of a prediction: "label-studio:<model_version>" (one this studio already labelled so, as it is). */
export function labelStudioSource(modelVersion: unknown): string {
  const v = typeof modelVersion === 'string' || typeof modelVersion === 'number' ? String(modelVersion).trim().slice(0, 200) : '';
  if (!v) return `${LABEL_STUDIO_AUTHOR}:unknown`;
  return v.startsWith(`${LABEL_STUDIO_AUTHOR}:`) ? v : `${LABEL_STUDIO_AUTHOR}:${v}`;
}

/** The textarea results of one annotation or prediction, with their span (null: the whole file) and non-empty texts. */
function textareas(list: unknown[], fail: (reason: string) => void): { r: Obj; begin: number | null; end: number | null; texts: string[] }[] {
  const results = list.filter(isObject);
  const out: { r: Obj; begin: number | null; end: number | null; texts: string[] }[] = [];
  for (const r of results) {
    if (r.type !== 'textarea') continue;
    const value = isObject(r.value) ? r.value : {};
    const texts = (Array.isArray(value.text) ? value.text : [value.text]).filter((t): t is string => typeof t === 'string' && t.trim() !== '').map((t) => t.trim());
    if (!texts.length) continue;
    // The span: on the textarea itself (per-region TextArea), else on the region it belongs to.
    const region = results.find((o) => o !== r && o.id !== undefined && o.id === r.id && isObject(o.value) && num(o.value.start) !== undefined);
    const span = num(value.start) !== undefined ? value : region && isObject(region.value) ? region.value : null;
    const begin = span ? num(span.start) ?? null : null;
    const end = span ? num(span.end) ?? null : null;
    if (begin !== null && end !== null && !(end > begin)) {
      fail(`a region ends (${end} s) before it begins (${begin} s)`);
      continue;
    }
    out.push({ r, begin, end, texts });
  }
  return out;
}

/** completed_by is a user id, an object (older exports: id, email, names) or, from some tools, a name. */
function authorOf(v: unknown): string {
  if (typeof v === 'string' && v.trim()) return v.trim().slice(0, 80);
  if (typeof v === 'number') return `${LABEL_STUDIO_AUTHOR}:${v}`;
  if (isObject(v)) {
    const name = [v.first_name, v.last_name].filter((s) => typeof s === 'string' && s.trim()).join(' ');
    if (typeof v.email === 'string' && v.email) return v.email.slice(0, 80);
    if (name) return name.slice(0, 80);
    if (typeof v.id === 'number') return `${LABEL_STUDIO_AUTHOR}:${v.id}`;
  }
  return LABEL_STUDIO_AUTHOR;
}

/** Where a task's audio is: a local path or file:// URL as it is, a Label Studio URL by file name. */
function audioRef(data: Obj): AudioRef | null {
  const candidates = [data.audio, ...Object.values(data)];
  const raw = candidates.find((v): v is string => typeof v === 'string' && v.trim() !== '' && (v === data.audio || isAudioFileName(stripQuery(v))));
  if (!raw) return null;
  const v = raw.trim();
  if (/^file:\/\//i.test(v)) {
    try {
      return { path: fileURLToPath(v) };
    } catch {
      return { fileName: lastPart(v) };
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v) || v.startsWith('/data/')) {
    // Local storage serves /data/local-files/?d=<path>; uploads are /data/upload/<project>/<8 hex>-<name>.
    const url = new URL(v, 'http://label-studio.invalid');
    const d = url.searchParams.get('d');
    if (d) return { path: d.startsWith('/') ? d : undefined, fileName: lastPart(d) };
    const name = lastPart(url.pathname);
    const unprefixed = name.replace(/^[0-9a-f]{8}-/, '');
    return { fileName: unprefixed, ...(unprefixed !== name ? { path: name } : {}) };
  }
  return { path: v };
}

const stripQuery = (v: string): string => v.split(/[?#]/, 1)[0]!;
const lastPart = (p: string): string => {
  const part = stripQuery(p).split(/[\\/]/).pop() ?? '';
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};
