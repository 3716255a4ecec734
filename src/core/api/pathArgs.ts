// Which command payload fields name a path on the studio's machine. A transport that serves
// untrusted clients (the HTTP server) confines exactly these fields; the desktop app and the CLI
// do not. Keyed by every command, so adding a command without deciding its path fields is a type
// error, and a test checks this table against the schemas (filePath / packOrFolder fields).
import type { CommandInput, CommandName } from '../../shared/api';

/** `path`: one path; `paths`: a list of paths; `packOrFolder`: an installed pack id or a folder. */
export type PathArgKind = 'path' | 'paths' | 'packOrFolder';

type FieldsOf<K extends CommandName> = CommandInput<K> extends object ? Extract<keyof CommandInput<K>, string> : never;

export const PATH_ARGS: { readonly [K in CommandName]: Readonly<Partial<Record<FieldsOf<K>, PathArgKind>>> } = {
  getInfo: {},
  listTracks: {},
  queryTracks: {},
  getTrack: {},
  importPaths: { paths: 'paths' },
  openTrack: {},
  relinkTrack: { path: 'path' },
  createSegment: {},
  updateSegment: {},
  deleteSegment: {},
  restoreSegment: {},
  attachStem: { path: 'path' },
  getPeaks: {},
  listPacks: {},
  installPack: { path: 'path' },
  removePack: {},
  usePack: {},
  getSettings: {},
  updateSettings: {},
  calibratePack: { id: 'packOrFolder' },
  startSeparation: { pack: 'packOrFolder' },
  startCaptioning: { pack: 'packOrFolder' },
  startTraining: { data: 'path', out: 'path', config: 'path', initEncoder: 'path', initDecoder: 'path' },
  listJobs: {},
  cancelJob: {},
  whoAmI: {},
  setAnnotatorName: {},
  getCaption: {},
  saveCaption: {},
  saveDraft: {},
  discardDraft: {},
  captionHistory: {},
  restoreRevision: {},
  reviewCaption: {},
  queryQueue: {},
  getStats: {},
  exportDataset: { out: 'path', since: 'path' },
  cancelExport: {},
  listEvals: {},
  getAnalysis: {},
  getAttributeThresholds: {},
};

/** The path-valued fields of one validated payload, as [field, kind, value] triples. */
export function pathFieldsOf(name: CommandName, input: unknown): { field: string; kind: PathArgKind; values: string[] }[] {
  const spec = PATH_ARGS[name] as Record<string, PathArgKind | undefined>;
  const out: { field: string; kind: PathArgKind; values: string[] }[] = [];
  if (!input || typeof input !== 'object') return out;
  for (const [field, kind] of Object.entries(spec)) {
    const v = (input as Record<string, unknown>)[field];
    if (v === undefined || v === null || !kind) continue;
    const values = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
    out.push({ field, kind, values });
  }
  return out;
}
