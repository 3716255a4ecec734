// The export under way (client.exportDataset) and its outcome, kept in a store so that leaving the
// Export view and coming back still shows the progress, the result or the error. Progress comes as
// exportProgress events for this export's id; Cancel asks the studio to stop it (the studio leaves
// no target folder behind). The form itself is remembered in localStorage (exportForm.ts).
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ExportProgress, ExportReport } from '../../../shared/dataset';
import { isErrorPayload } from '../../../shared/errors';
import { useClient } from '../client/inject';
import { readExportForm, toExportRequest, writeExportForm, type ExportForm } from '../exportForm';

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;
const storage = (): StorageLike | null => (globalThis as { localStorage?: StorageLike }).localStorage ?? null;

/** One line, whatever was thrown (an {code, message} envelope, an Error, anything else). */
const messageOf = (err: unknown): string => (err instanceof Error || isErrorPayload(err) ? err.message : String(err)).split('\n')[0]!;

/** A fresh id per export (crypto.randomUUID needs a secure context: localhost and the desktop app have one). */
function newExportId(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c?.randomUUID) return c.randomUUID();
  return `export-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export const useExportStore = defineStore('export', () => {
  const client = useClient();
  const form = ref<ExportForm>(readExportForm(storage()));
  const exportId = ref<string | null>(null);
  const progress = ref<ExportProgress | null>(null);
  const report = ref<ExportReport | null>(null);
  const error = ref<string | null>(null);
  const cancelling = ref(false);
  /** The form could not be remembered (storage full or refused). */
  const notRemembered = ref(false);
  const running = computed(() => exportId.value !== null);

  // Subscribed once for the store's life: events of other exports (another window's) are ignored.
  client.on('exportProgress', (p) => {
    if (p.exportId === exportId.value) progress.value = p;
  });

  /** Starts an export of what the form says; resolves when it finished, failed or was cancelled. */
  async function start(): Promise<void> {
    if (running.value) return;
    const checked = toExportRequest(form.value);
    if (!checked.ok) {
      error.value = checked.message;
      return;
    }
    notRemembered.value = !writeExportForm(storage(), form.value);
    const id = newExportId();
    exportId.value = id;
    progress.value = { exportId: id, phase: 'query', done: 0, total: 0 };
    report.value = null;
    error.value = null;
    cancelling.value = false;
    try {
      report.value = await client.exportDataset({ exportId: id, ...checked.request });
      // A replaced folder is replaced once: the next export asks again.
      form.value.force = false;
    } catch (err) {
      error.value = cancelling.value ? 'Export cancelled; nothing was written.' : `Export failed: ${messageOf(err)}`;
    } finally {
      exportId.value = null;
      progress.value = null;
      cancelling.value = false;
    }
  }

  async function cancel(): Promise<void> {
    const id = exportId.value;
    if (!id || cancelling.value) return;
    cancelling.value = true;
    try {
      const res = await client.cancelExport({ exportId: id });
      // Already finished (or never known to the studio): the export's own outcome will say so.
      if (!res.cancelled) cancelling.value = false;
    } catch (err) {
      cancelling.value = false;
      error.value = `Could not cancel: ${messageOf(err)}`;
    }
  }

  function dismiss(): void {
    report.value = null;
    error.value = null;
  }

  return { form, exportId, progress, report, error, cancelling, notRemembered, running, start, cancel, dismiss };
});
