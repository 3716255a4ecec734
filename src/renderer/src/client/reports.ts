// Merges per-file import reports (browser uploads arrive one file at a time) into one.
import type { ImportReport } from '../../../shared/types';

export const emptyReport = (): ImportReport => ({ imported: [], duplicates: [], relinked: [], failed: [], skipped: 0 });

export function mergeReports(a: ImportReport, b: ImportReport): ImportReport {
  return {
    imported: [...a.imported, ...b.imported],
    duplicates: [...a.duplicates, ...b.duplicates],
    relinked: [...a.relinked, ...b.relinked],
    failed: [...a.failed, ...b.failed],
    skipped: a.skipped + b.skipped,
    truncated: [...(a.truncated ?? []), ...(b.truncated ?? [])],
  };
}
