// The desktop path without Electron: main's registrar and the preload bridge wired together
// through an in-process stand-in for ipcMain/ipcRenderer that behaves like Electron's (one
// handler per channel, unknown channels rejected), over a real in-memory library.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStudio, type Studio } from '../core/studio';
import { fixture } from '../core/testing/tmp';
import { createStudioBridge } from '../preload/bridge';
import { COMMAND_NAMES, commandChannel } from '../shared/api';
import { DESKTOP_CHANNELS } from '../shared/desktop';
import { forwardStudioEvents, registerDesktopIpc, registerStudioIpc, type IpcEventLike, type IpcMainLike } from './ipc';
import { makeTrustedUrlCheck } from './security';

const APP_URL = 'file:///opt/s2cap/resources/app.asar/out/renderer/index.html';

class FakeIpc implements IpcMainLike {
  handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>();
  renderer = new EventEmitter();
  senderUrl = APP_URL;
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown) {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  /** ipcRenderer side, as the preload sees it. */
  ipcRenderer = {
    invoke: async (channel: string, ...args: unknown[]) => {
      const h = this.handlers.get(channel);
      if (!h) throw new Error(`No handler registered for '${channel}'`);
      // Electron structured-clones arguments and results across the process boundary.
      return structuredClone(await h({ senderFrame: { url: this.senderUrl } }, ...structuredClone(args)));
    },
    on: (channel: string, l: (e: unknown, ...a: unknown[]) => void) => this.renderer.on(channel, l),
    removeListener: (channel: string, l: (e: unknown, ...a: unknown[]) => void) => this.renderer.removeListener(channel, l),
  };
  send = (channel: string, payload: unknown) => this.renderer.emit(channel, { sender: 'secret' }, structuredClone(payload));
}

let studio: Studio;
let ipc: FakeIpc;
beforeEach(async () => {
  studio = await createStudio({ dbPath: ':memory:' });
  ipc = new FakeIpc();
});
afterEach(() => studio.close());

const isTrustedUrl = makeTrustedUrlCheck(APP_URL);

describe('registerStudioIpc', () => {
  it('registers exactly one handler per StudioApi command, and removes them all', () => {
    const off = registerStudioIpc(ipc, studio, { isTrustedUrl });
    expect([...ipc.handlers.keys()].sort()).toEqual(COMMAND_NAMES.map(commandChannel).sort());
    for (const name of COMMAND_NAMES) expect(typeof studio[name]).toBe('function');
    off();
    expect(ipc.handlers.size).toBe(0);
  });

  it('validates payloads before core sees them', async () => {
    const spy = vi.spyOn(studio, 'importPaths');
    registerStudioIpc(ipc, studio, { isTrustedUrl });
    const bad = [undefined, { paths: [] }, { paths: 'x' }, { paths: ['/a'], extra: 1 }, { paths: [42] }];
    for (const payload of bad) {
      const env = await ipc.ipcRenderer.invoke(commandChannel('importPaths'), payload);
      expect(env).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      expect((env as { error: { message: string } }).error.message).toMatch(/^invalid importPaths payload: /);
    }
    expect(await ipc.ipcRenderer.invoke(commandChannel('getTrack'), { id: -3 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(spy).not.toHaveBeenCalled();
  });

  it('refuses calls from any page but the studio window', async () => {
    registerStudioIpc(ipc, studio, { isTrustedUrl });
    for (const url of ['https://evil.example/', 'file:///tmp/other.html', 'about:blank']) {
      ipc.senderUrl = url;
      expect(await ipc.ipcRenderer.invoke(commandChannel('listTracks'))).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    }
  });

  it('maps core errors to coded envelopes', async () => {
    registerStudioIpc(ipc, studio, { isTrustedUrl });
    expect(await ipc.ipcRenderer.invoke(commandChannel('getTrack'), { id: 77 })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'no track with id 77' },
    });
  });
});

describe('preload bridge over the registrar', () => {
  const connect = () => {
    registerStudioIpc(ipc, studio, { isTrustedUrl });
    registerDesktopIpc(ipc, { chooseImportPaths: async (kind) => [`/picked/${kind}`] }, { isTrustedUrl });
    forwardStudioEvents(studio.events, ipc.send);
    return createStudioBridge({ ipc: ipc.ipcRenderer, pathForFile: () => '/dropped/file.wav' });
  };

  it('exposes one wrapper per command and nothing else', () => {
    const bridge = connect();
    expect(Object.keys(bridge.commands).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it('runs commands end to end and delivers events without the IPC event object', async () => {
    const bridge = connect();
    const progress: unknown[] = [];
    const finished: unknown[] = [];
    bridge.on('importProgress', (p) => progress.push(p));
    const off = bridge.on('importFinished', (r) => finished.push(r));
    const env = await bridge.commands.importPaths({ paths: [fixture('aria.wav'), fixture('lullaby.wav')] });
    expect(env.ok).toBe(true);
    if (env.ok) expect(env.value.imported).toHaveLength(2);
    expect(progress).toHaveLength(2);
    expect(progress[1]).toMatchObject({ done: 2, total: 2, outcome: 'imported' });
    expect(finished).toHaveLength(1);
    off();
    await bridge.commands.importPaths({ paths: [fixture('aria.wav')] });
    expect(finished).toHaveLength(1);
    const list = await bridge.commands.listTracks();
    expect(list.ok && list.value.map((t) => t.fileName).sort()).toEqual(['aria.wav', 'lullaby.wav']);
  });

  it('refuses unknown commands and events by name', async () => {
    const bridge = connect();
    expect(await bridge.invoke('dropAllTables', {})).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await bridge.invoke('__proto__')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(() => bridge.on('evil' as never, () => {})).toThrow(/unknown event/);
    // And main has no handler for channels outside the contract, as in Electron.
    await expect(ipc.ipcRenderer.invoke('studio:cmd:dropAllTables')).rejects.toThrow(/No handler/);
  });

  it('exposes the desktop dialog with its kind validated', async () => {
    const bridge = connect();
    expect(await bridge.desktop.chooseImportPaths('folder')).toEqual(['/picked/folder']);
    await expect(ipc.ipcRenderer.invoke(DESKTOP_CHANNELS.chooseImportPaths, 'rm -rf')).rejects.toThrow(/invalid dialog kind/);
    expect(bridge.desktop.pathForFile({} as File)).toBe('/dropped/file.wav');
  });
});

describe('makeTrustedUrlCheck', () => {
  it('trusts only the app page (file) or the dev server origin', () => {
    expect(isTrustedUrl(APP_URL)).toBe(true);
    expect(isTrustedUrl(APP_URL + '#/track/1')).toBe(true);
    expect(isTrustedUrl('file:///etc/passwd')).toBe(false);
    const dev = makeTrustedUrlCheck('http://localhost:5173/');
    expect(dev('http://localhost:5173/index.html')).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
    expect(dev('not a url')).toBe(false);
  });
});
