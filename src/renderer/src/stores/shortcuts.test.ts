import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { actionForKey, DEFAULT_BINDINGS } from '../player/keymap';
import { SHORTCUTS_STORAGE_KEY, useShortcutsStore } from './shortcuts';

/** The browser's localStorage, as far as the store uses it. */
class MemoryStorage {
  data = new Map<string, string>();
  getItem = (k: string) => this.data.get(k) ?? null;
  setItem = (k: string, v: string) => void this.data.set(k, String(v));
  removeItem = (k: string) => void this.data.delete(k);
}
let ls: MemoryStorage;
const fresh = () => {
  setActivePinia(createPinia());
  return useShortcutsStore();
};

beforeEach(() => {
  ls = new MemoryStorage();
  (globalThis as { localStorage?: unknown }).localStorage = ls;
});

describe('shortcuts store', () => {
  it('starts from the defaults and stores nothing until changed', () => {
    const s = fresh();
    expect(s.bindings).toEqual(DEFAULT_BINDINGS);
    expect(ls.data.size).toBe(0);
  });

  it('remaps a command, and the keymap follows', () => {
    const s = fresh();
    expect(s.bind('togglePlay', 'Ctrl+p')).toBe(true);
    expect(s.bindings.togglePlay).toEqual(['Ctrl+p']);
    expect(actionForKey({ key: 'p', ctrlKey: true }, { typing: false }, s.bindings)).toEqual({ type: 'togglePlay' });
    expect(actionForKey({ key: ' ' }, { typing: false }, s.bindings)).toBeNull();
  });

  it('refuses a chord another command uses, saying which, and changes nothing', () => {
    const s = fresh();
    expect(s.bind('togglePlay', 'j')).toBe(false);
    expect(s.message).toBe('J is already "Next segment": change that one first.');
    expect(s.bindings.togglePlay).toEqual(['Space']);
    expect(s.bindings.nextSegment).toEqual(['j', 'Alt+ArrowDown']);
    expect(ls.data.size).toBe(0);
    // Free it first, then it can move.
    s.unbind('nextSegment', 'j');
    expect(s.bind('togglePlay', 'j')).toBe(true);
    expect(s.message).toBeNull();
  });

  it('the review shortcuts take part in the same rule: their chords are refused to others, and are remappable', () => {
    const s = fresh();
    expect(s.bind('approveNext', 'Ctrl+Shift+Enter')).toBe(false);
    expect(s.message).toBe('Ctrl+Shift+Enter is already "Accept the caption & next": change that one first.');
    expect(s.bind('sendBack', 'Ctrl+Enter')).toBe(false);
    expect(s.bind('sendBack', 'Alt+b')).toBe(true);
    expect(actionForKey({ key: 'b', altKey: true }, { typing: true }, s.bindings)).toEqual({ type: 'sendBack' });
  });

  it('refuses what is not a chord', () => {
    const s = fresh();
    expect(s.bind('togglePlay', 'Ctrl+Shift')).toBe(false);
    expect(s.message).toMatch(/no key/);
  });

  it('replaces the chord at an index or adds one', () => {
    const s = fresh();
    s.bind('nextSegment', 'n', 0);
    expect(s.bindings.nextSegment).toEqual(['n', 'Alt+ArrowDown']);
    s.bind('nextSegment', 'Ctrl+ArrowDown', 5);
    expect(s.bindings.nextSegment).toEqual(['n', 'Alt+ArrowDown', 'Ctrl+ArrowDown']);
  });

  it('persists changes across a reload and resets to the defaults', () => {
    const s = fresh();
    s.bind('flagSegment', 'Shift+f');
    expect(JSON.parse(ls.getItem(SHORTCUTS_STORAGE_KEY)!)).toEqual({ version: 1, bindings: { flagSegment: ['Shift+f'] } });
    const again = fresh();
    expect(again.bindings.flagSegment).toEqual(['Shift+f']);
    expect(actionForKey({ key: 'F', shiftKey: true }, { typing: false }, again.bindings)).toEqual({ type: 'flagSegment' });
    again.reset();
    expect(again.bindings).toEqual(DEFAULT_BINDINGS);
    expect(ls.getItem(SHORTCUTS_STORAGE_KEY)).toBeNull();
    expect(fresh().bindings).toEqual(DEFAULT_BINDINGS);
  });

  it('binding a command back to its defaults drops the override', () => {
    const s = fresh();
    s.bind('playSegment', 'o');
    s.bind('playSegment', 'p');
    expect(s.overrides).toEqual({});
    expect(ls.getItem(SHORTCUTS_STORAGE_KEY)).toBeNull();
  });

  it('survives a corrupt or foreign stored value', () => {
    ls.setItem(SHORTCUTS_STORAGE_KEY, '{not json');
    expect(fresh().bindings).toEqual(DEFAULT_BINDINGS);
    ls.setItem(SHORTCUTS_STORAGE_KEY, JSON.stringify({ version: 1, bindings: { nope: ['x'], undo: ['Ctrl+Shift', 'Ctrl+u'] } }));
    const s = fresh();
    expect(s.bindings.undo).toEqual(['Ctrl+u']);
    expect(s.bindings.nope).toBeUndefined();
  });
});
