// Import as the user experiences it: pick or drop files, see progress, then a report that names
// every file that could not be imported and why. Imports started elsewhere (the desktop menu)
// show their report here too, through the importFinished event.
import { onScopeDispose, ref, type Ref } from 'vue';
import type { ImportFailure, ImportReport } from '../../../shared/types';
import { useClient } from '../client/inject';
import type { UploadProgress } from '../client/upload';

export interface ImportProgressState {
  done: number;
  total: number;
  /** The file being uploaded now and how much of it has gone (browser uploads). */
  upload?: UploadProgress;
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
  /**
   * Imports the decodable part of a file the last import refused as truncated (the same path, or
   * the same dropped/chosen file uploaded again with allowTruncated).
   */
  importDecodablePart(failure: ImportFailure): Promise<void>;
  dismiss(): void;
}

export function useImport(): UseImport {
  const client = useClient();
  const busy = ref(false);
  const progress = ref<ImportProgressState | null>(null);
  const report = ref<ImportReport | null>(null);
  const error = ref<string | null>(null);
  // The files of the last page import, by name: a refused one can be sent again on request.
  let lastFiles = new Map<string, File>();

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
      lastFiles = new Map();
      if (paths.length) await run(() => client.importPaths({ paths }));
    },
    importPaths: (paths) => {
      lastFiles = new Map();
      return run(() => client.importPaths({ paths }));
    },
    importFiles: (files) => {
      lastFiles = new Map(files.map((f) => [f.name, f]));
      return run(() =>
        client.importFiles(files, (done, total) => (progress.value = { done, total }), {
          onUpload: (upload) => (progress.value = { done: progress.value?.done ?? 0, total: files.length, upload }),
        }),
      );
    },
    importDecodablePart(failure) {
      const file = lastFiles.get(failure.name);
      return run(() =>
        file ? client.importFiles([file], undefined, { allowTruncated: true }) : client.importPaths({ paths: [failure.path], allowTruncated: true }),
      );
    },
    dismiss() {
      report.value = null;
      error.value = null;
    },
  };
}
