// The export store against a scripted client: the request sent (with a fresh exportId), progress
// taken only from its own export's events, Cancel asking the studio and the outcome said in one
// line, a refused form never sent, and the form remembered.
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from 'vue';
import type { ExportProgress, ExportReport } from '../../../shared/dataset';
import { CLIENT_KEY } from '../client/inject';
import type { StudioClient } from '../client/types';
import { EXPORT_FORM_STORAGE_KEY } from '../exportForm';
import { useExportStore } from './exportRun';

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), map: m };
}

const report = (out: string): ExportReport => ({
  out,
  skipped: [],
  manifest: { schemaVersion: 1, studioVersion: '0', format: 'jsonl', createdAt: '', query: { format: 'jsonl' }, maxRevisionId: 1, counts: { total: 1, bySplit: { train: 1, validation: 0, test: 0 }, byStatus: { approved: 1 } }, packs: [], files: { 'data.jsonl': 'x' } },
});

function setup() {
  const sent: Record<string, unknown>[] = [];
  const cancels: string[] = [];
  let progress: ((p: ExportProgress) => void) | undefined;
  let settle: { resolve(r: ExportReport): void; reject(e: unknown): void } | undefined;
  const client = {
    exportDataset: (input: Record<string, unknown>) => {
      sent.push(input);
      return new Promise<ExportReport>((resolve, reject) => (settle = { resolve, reject }));
    },
    cancelExport: async ({ exportId }: { exportId: string }) => {
      cancels.push(exportId);
      settle!.reject({ code: 'CANCELLED', message: 'export cancelled' });
      return { exportId, cancelled: true };
    },
    on: (event: string, h: (p: ExportProgress) => void) => {
      if (event === 'exportProgress') progress = h;
      return () => undefined;
    },
  } as unknown as StudioClient;
  const app = createApp({});
  app.provide(CLIENT_KEY, client);
  const pinia = createPinia();
  app.use(pinia);
  setActivePinia(pinia);
  const store = app.runWithContext(() => useExportStore());
  return { store, sent, cancels, emit: (p: ExportProgress) => progress!(p), settle: () => settle! };
}

let storage: ReturnType<typeof memoryStorage>;
beforeEach(() => {
  storage = memoryStorage();
  (globalThis as { localStorage?: unknown }).localStorage = storage;
});

describe('export store', () => {
  it('sends the form with a fresh id, follows only its own progress, shows the report, remembers the form', async () => {
    const { store, sent, emit, settle } = setup();
    store.form.out = '/exports/one';
    store.form.force = true;
    const done = store.start();
    expect(store.running).toBe(true);
    expect(sent).toHaveLength(1);
    const id = sent[0]!.exportId as string;
    expect(id).toMatch(/\S{8,}/);
    expect(sent[0]).toEqual({ exportId: id, format: 'jsonl', out: '/exports/one', status: ['approved'], force: true });
    emit({ exportId: 'someone-else', phase: 'write', done: 9, total: 10 });
    expect(store.progress).toMatchObject({ phase: 'query', done: 0 });
    emit({ exportId: id, phase: 'write', done: 3, total: 10 });
    expect(store.progress).toEqual({ exportId: id, phase: 'write', done: 3, total: 10 });
    settle().resolve(report('/exports/one'));
    await done;
    expect(store.running).toBe(false);
    expect(store.progress).toBeNull();
    expect(store.report?.out).toBe('/exports/one');
    expect(store.error).toBeNull();
    expect(store.form.force).toBe(false);
    expect(JSON.parse(storage.map.get(EXPORT_FORM_STORAGE_KEY)!)).toMatchObject({ out: '/exports/one', format: 'jsonl' });
    expect(JSON.parse(storage.map.get(EXPORT_FORM_STORAGE_KEY)!)).not.toHaveProperty('force');
  });

  it('Cancel asks the studio to stop this export, and says nothing was written', async () => {
    const { store, sent, cancels } = setup();
    store.form.out = '/exports/two';
    const done = store.start();
    await store.cancel();
    await done;
    expect(cancels).toEqual([sent[0]!.exportId]);
    expect(store.error).toBe('Export cancelled; nothing was written.');
    expect(store.running).toBe(false);
    expect(store.report).toBeNull();
  });

  it('a failure is one line; a form that cannot be sent is explained and not sent', async () => {
    const { store, sent, settle } = setup();
    store.form.out = '';
    await store.start();
    expect(sent).toHaveLength(0);
    expect(store.error).toMatch(/^Choose the folder/);
    store.form.out = '/exports/three';
    const done = store.start();
    settle().reject({ code: 'CONFLICT', message: '/exports/three already exists: choose another folder or replace it\n(details)' });
    await done;
    expect(store.error).toBe('Export failed: /exports/three already exists: choose another folder or replace it');
  });
});
