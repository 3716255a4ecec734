// The user's keyboard shortcuts: the default bindings of player/keymap.ts with the user's changes
// on top, persisted in localStorage ('s2cap.shortcuts', only the commands that differ from the
// defaults, so new defaults reach users who never changed them). A chord already used by another
// command is refused with a message naming it, never silently stolen.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { COMMANDS, DEFAULT_BINDINGS, formatChord, parseChord, type Bindings } from '../player/keymap';

export const SHORTCUTS_STORAGE_KEY = 's2cap.shortcuts';

type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
const storage = (): StorageLike | null => (globalThis as { localStorage?: StorageLike }).localStorage ?? null;

const labelOf = (id: string) => COMMANDS.find((c) => c.id === id)?.label ?? id;

/** Overrides read back from storage: unknown commands, bad chords and chords used twice are dropped. */
function readOverrides(): Record<string, string[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(storage()?.getItem(SHORTCUTS_STORAGE_KEY) ?? 'null');
  } catch {
    return {};
  }
  const saved = (raw as { bindings?: unknown } | null)?.bindings;
  if (!saved || typeof saved !== 'object') return {};
  const out: Record<string, string[]> = {};
  for (const c of COMMANDS) {
    const chords = (saved as Record<string, unknown>)[c.id];
    if (!Array.isArray(chords)) continue;
    const ok: string[] = [];
    for (const x of chords) {
      try {
        if (typeof x === 'string') ok.push(parseChord(x));
      } catch {
        // a chord this version cannot read: the rest of the user's bindings still apply
      }
    }
    out[c.id] = [...new Set(ok)];
  }
  return out;
}

export const useShortcutsStore = defineStore('shortcuts', () => {
  const overrides = ref<Record<string, string[]>>(readOverrides());
  /** Why the last change was refused, for the cheat sheet to show; null after a change that worked. */
  const message = ref<string | null>(null);

  /** Every command's chords: the defaults with the user's changes; a chord taken by an override loses its default owner. */
  const bindings = computed<Bindings>(() => {
    const taken = new Set(Object.values(overrides.value).flat());
    const out: Bindings = {};
    for (const c of COMMANDS) out[c.id] = overrides.value[c.id] ?? DEFAULT_BINDINGS[c.id]!.filter((k) => !taken.has(k));
    return out;
  });

  function persist(): void {
    const s = storage();
    if (!s) return;
    try {
      if (Object.keys(overrides.value).length) s.setItem(SHORTCUTS_STORAGE_KEY, JSON.stringify({ version: 1, bindings: overrides.value }));
      else s.removeItem(SHORTCUTS_STORAGE_KEY);
    } catch (err) {
      message.value = `Shortcuts could not be saved in this browser: ${(err as Error).message}`;
    }
  }

  function refuse(why: string): false {
    message.value = why;
    return false;
  }

  /** The command a chord fires now, if any. */
  function commandFor(chord: string): string | null {
    for (const c of COMMANDS) if (bindings.value[c.id]!.includes(chord)) return c.id;
    return null;
  }

  function set(id: string, chords: string[]): void {
    const next = { ...overrides.value, [id]: chords };
    const same = chords.length === DEFAULT_BINDINGS[id]!.length && chords.every((k, i) => k === DEFAULT_BINDINGS[id]![i]);
    if (same) delete next[id];
    overrides.value = next;
    message.value = null;
    persist();
  }

  /**
   * Binds `chordText` to a command, replacing its chord at `index` (or adding one when index is
   * past its chords). Refused, with `message` saying why, when another command uses the chord.
   */
  function bind(id: string, chordText: string, index = 0): boolean {
    if (!COMMANDS.some((c) => c.id === id)) return refuse(`There is no shortcut "${id}".`);
    let chord: string;
    try {
      chord = parseChord(chordText);
    } catch (err) {
      return refuse(`Not a shortcut: ${(err as Error).message}.`);
    }
    const owner = commandFor(chord);
    if (owner && owner !== id) return refuse(`${formatChord(chord)} is already "${labelOf(owner)}": change that one first.`);
    const chords = [...bindings.value[id]!];
    if (chords.includes(chord)) {
      message.value = null;
      return true;
    }
    if (index < chords.length) chords[index] = chord;
    else chords.push(chord);
    set(id, chords);
    return true;
  }

  /** Removes one chord from a command (a command may end up with none). */
  function unbind(id: string, chord: string): void {
    set(
      id,
      bindings.value[id]!.filter((k) => k !== chord),
    );
  }

  /** Every command back to its default chords. */
  function reset(): void {
    overrides.value = {};
    message.value = null;
    persist();
  }

  return { bindings, overrides, message, bind, unbind, reset, commandFor };
});
