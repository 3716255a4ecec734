// Import as the user experiences it: pick or drop files, see progress, then a report that names
// every file that could not be imported and why. Imports started elsewhere (the desktop menu)
// show their report here too, through the importFinished event.
import { onScopeDispose, ref, type Ref } from 'vue';
import type { ImportReport } from '../../../shared/types';
import { useClient } from '../client/inject';

export interface ImportProgressState {
  done: number;
  total: number;
}

export interface UseImport {
  busy: Ref<boolean>;
  progress: Ref<ImportProgressState | null>;
  /** The last finished import's report, until dismissed. */
  report: Ref<ImportReport | null>;
  error: Ref<string | null>;
  canPickPaths: boolean;
  /** Desktop: native picker, then import. */
  pick(kind: 'files' | 'folder'): Promise<void>;
  /** Paths on the studio's machine (desktop paths, or server paths in browser mode). */
  importPaths(paths: string[]): Promise<void>;
  /** Files dropped on or chosen in the page. */
  importFiles(files: File[]): Promise<void>;
  dismiss(): void;
}

export function useImport(): UseImport {
  const client = useClient();
  const busy = ref(false);
  const progress = ref<ImportProgressState | null>(null);
  const report = ref<ImportReport | null>(null);
  const error = ref<string | null>(null);

  const offProgress = client.on('importProgress', (p) => {
    if (busy.value) progress.value = { done: p.done, total: p.total };
  });
  const offFinished = client.on('importFinished', (r) => {
    if (!busy.value) report.value = r;
  });
  onScopeDispose(() => {
    offProgress();
    offFinished();
  });

  async function run(work: () => Promise<ImportReport>): Promise<void> {
    busy.value = true;
    error.value = null;
    report.value = null;
    progress.value = null;
    try {
      report.value = await work();
    } catch (err) {
      error.value = `Import failed: ${(err as Error).message}`;
    } finally {
      busy.value = false;
      progress.value = null;
    }
  }

  return {
    busy,
    progress,
    report,
    error,
    canPickPaths: client.canPickPaths,
    async pick(kind) {
      const paths = await client.choosePaths(kind);
      if (paths.length) await run(() => client.importPaths({ paths }));
    },
    importPaths: (paths) => run(() => client.importPaths({ paths })),
    importFiles: (files) =>
      run(() => client.importFiles(files, (done, total) => (progress.value = { done, total }))),
    dismiss() {
      report.value = null;
      error.value = null;
    },
  };
}
