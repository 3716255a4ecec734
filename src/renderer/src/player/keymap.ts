// The studio's keyboard shortcuts as a pure mapping from a key event to an action, so the
// bindings are tested without a browser, remapped by the shortcuts store (stores/shortcuts.ts) and
// listed by the cheat sheet from one table.
//
// Bindings are chord strings: modifiers in the order Ctrl, Alt, Shift, then the key as the
// browser names it ("Space", "ArrowLeft", "Enter", "a", "?"): "Ctrl+Enter", "Alt+ArrowDown",
// "Ctrl+Shift+z". Cmd on a Mac counts as Ctrl. Letters are matched case-blind (Caps Lock does not
// change a shortcut; Shift does). For other printable characters the Shift that produced them is
// implied ("Shift+?" and "?" are the same chord), since keyboards differ in where they put "?".
// Written by hand: the maintained hotkey libraries (hotkeys-js, tinykeys, @vueuse's onKeyStroke)
// bind handlers to the window themselves and cannot answer "which action is this event?" purely,
// which is what the tests, the remapping and the typing rule need.

export type StudioAction =
  | { type: 'togglePlay' }
  | { type: 'seekBy'; seconds: number }
  | { type: 'setLoopStart' }
  | { type: 'setLoopEnd' }
  | { type: 'toggleLoop' }
  | { type: 'toggleMuteFocused' }
  | { type: 'toggleSoloFocused' }
  | { type: 'focusStem'; index: number }
  | { type: 'deleteSelectedSegment' }
  | { type: 'acceptProposal' }
  | { type: 'approveNext' }
  | { type: 'saveDraft' }
  | { type: 'prevSegment' }
  | { type: 'nextSegment' }
  | { type: 'playSegment' }
  | { type: 'editCaption' }
  | { type: 'leaveEditor' }
  | { type: 'rejectSuggestion' }
  | { type: 'flagSegment' }
  | { type: 'acceptReview' }
  | { type: 'sendBack' }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'showHelp' };

/** A remappable command: one action with fixed arguments (seek back and seek forward are two). */
export interface ShortcutCommand {
  id: string;
  label: string;
  group: 'Playback' | 'Lanes' | 'Segments' | 'Caption' | 'Review' | 'Help';
  action: StudioAction;
  defaults: string[];
}

export const COMMANDS: readonly ShortcutCommand[] = [
  { id: 'togglePlay', label: 'Play / pause', group: 'Playback', action: { type: 'togglePlay' }, defaults: ['Space'] },
  { id: 'seekBack', label: 'Seek 5 s back', group: 'Playback', action: { type: 'seekBy', seconds: -5 }, defaults: ['ArrowLeft'] },
  { id: 'seekForward', label: 'Seek 5 s forward', group: 'Playback', action: { type: 'seekBy', seconds: 5 }, defaults: ['ArrowRight'] },
  { id: 'setLoopStart', label: 'Set loop start (A) at the playhead', group: 'Playback', action: { type: 'setLoopStart' }, defaults: ['a'] },
  { id: 'setLoopEnd', label: 'Set loop end (B) at the playhead', group: 'Playback', action: { type: 'setLoopEnd' }, defaults: ['b'] },
  { id: 'toggleLoop', label: 'Loop A–B (or the selected segment) on / off', group: 'Playback', action: { type: 'toggleLoop' }, defaults: ['l'] },
  { id: 'toggleMuteFocused', label: 'Mute the focused lane', group: 'Lanes', action: { type: 'toggleMuteFocused' }, defaults: ['m'] },
  { id: 'toggleSoloFocused', label: 'Solo the focused lane', group: 'Lanes', action: { type: 'toggleSoloFocused' }, defaults: ['s'] },
  ...[1, 2, 3, 4, 5].map(
    (n): ShortcutCommand => ({ id: `focusStem${n}`, label: n === 1 ? 'Focus lane 1 (the mix)' : `Focus lane ${n}`, group: 'Lanes', action: { type: 'focusStem', index: n - 1 }, defaults: [String(n)] }),
  ),
  { id: 'prevSegment', label: 'Previous segment', group: 'Segments', action: { type: 'prevSegment' }, defaults: ['k', 'Alt+ArrowUp'] },
  { id: 'nextSegment', label: 'Next segment', group: 'Segments', action: { type: 'nextSegment' }, defaults: ['j', 'Alt+ArrowDown'] },
  { id: 'playSegment', label: 'Play the segment', group: 'Segments', action: { type: 'playSegment' }, defaults: ['p'] },
  { id: 'deleteSelectedSegment', label: 'Delete the selected segment', group: 'Segments', action: { type: 'deleteSelectedSegment' }, defaults: ['Delete', 'Backspace'] },
  { id: 'acceptProposal', label: 'Add the next proposed segment (most vocal first)', group: 'Segments', action: { type: 'acceptProposal' }, defaults: ['Shift+p'] },
  { id: 'approveNext', label: 'Approve & next', group: 'Caption', action: { type: 'approveNext' }, defaults: ['Ctrl+Enter'] },
  { id: 'saveDraft', label: 'Save draft', group: 'Caption', action: { type: 'saveDraft' }, defaults: ['Ctrl+s'] },
  { id: 'editCaption', label: 'Edit the caption', group: 'Caption', action: { type: 'editCaption' }, defaults: ['e', 'Enter'] },
  { id: 'leaveEditor', label: 'Leave the editor', group: 'Caption', action: { type: 'leaveEditor' }, defaults: ['Escape'] },
  { id: 'rejectSuggestion', label: 'Reject the suggestion (write from scratch)', group: 'Caption', action: { type: 'rejectSuggestion' }, defaults: ['r'] },
  { id: 'flagSegment', label: 'Flag with a note', group: 'Caption', action: { type: 'flagSegment' }, defaults: ['f'] },
  { id: 'undo', label: 'Undo', group: 'Caption', action: { type: 'undo' }, defaults: ['Ctrl+z'] },
  { id: 'redo', label: 'Redo', group: 'Caption', action: { type: 'redo' }, defaults: ['Ctrl+Shift+z', 'Ctrl+y'] },
  // Review mode (a reviewer on someone else's approved caption): Ctrl+Shift beside approve & next's Ctrl+Enter.
  { id: 'acceptReview', label: 'Accept the caption & next', group: 'Review', action: { type: 'acceptReview' }, defaults: ['Ctrl+Shift+Enter'] },
  { id: 'sendBack', label: 'Send the caption back with a note', group: 'Review', action: { type: 'sendBack' }, defaults: ['Ctrl+Shift+Backspace'] },
  { id: 'showHelp', label: 'Show these shortcuts', group: 'Help', action: { type: 'showHelp' }, defaults: ['?'] },
];

/** Chords per command id. */
export type Bindings = Record<string, string[]>;

export const DEFAULT_BINDINGS: Readonly<Bindings> = Object.freeze(Object.fromEntries(COMMANDS.map((c) => [c.id, [...c.defaults]])));

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
}

const MODIFIER_KEYS = new Set(['Control', 'Shift', 'Alt', 'Meta', 'AltGraph', 'CapsLock', 'OS', 'Dead', 'Unidentified', 'Process']);
const KEY_ALIASES: Record<string, string> = { ' ': 'Space', Spacebar: 'Space', Esc: 'Escape', Del: 'Delete', Up: 'ArrowUp', Down: 'ArrowDown', Left: 'ArrowLeft', Right: 'ArrowRight' };

const NAMED_KEYS = ['Space', 'Enter', 'Escape', 'Tab', 'Backspace', 'Delete', 'Insert', 'Home', 'End', 'PageUp', 'PageDown', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight'];
const NAMED = new Map([...NAMED_KEYS, ...Array.from({ length: 12 }, (_, i) => `F${i + 1}`)].map((k) => [k.toLowerCase(), k]));

function canonicalKey(key: string): string {
  const alias = Object.keys(KEY_ALIASES).find((a) => a === key || (a.length > 1 && a.toLowerCase() === key.toLowerCase()));
  const k = alias ? KEY_ALIASES[alias]! : key;
  if (k.length === 1) return k.toLowerCase();
  return NAMED.get(k.toLowerCase()) ?? k;
}

function build(ctrl: boolean, alt: boolean, shift: boolean, key: string): string {
  // Shift is part of a printable non-letter character (Shift+/ is "?"), so it is not written.
  const impliedShift = key.length === 1 && !/[a-z]/.test(key);
  return [ctrl && 'Ctrl', alt && 'Alt', shift && !impliedShift && 'Shift', key].filter(Boolean).join('+');
}

/** The chord an event is, or null for a lone modifier (nothing to bind yet). */
export function eventChord(e: KeyLike): string | null {
  if (!e.key || MODIFIER_KEYS.has(e.key)) return null;
  return build(!!(e.ctrlKey || e.metaKey), !!e.altKey, !!e.shiftKey, canonicalKey(e.key));
}

/**
 * A chord string in canonical form ("ctrl+Z" → "Ctrl+z": letters are case-blind, write Shift to
 * mean it; "Shift+?" → "?"), or throws with the reason it is not one.
 */
export function parseChord(text: string): string {
  const parts = text.trim() === '+' ? ['+'] : text.trim().split(/\+(?!$)/);
  let ctrl = false;
  let alt = false;
  let shift = false;
  let key: string | null = null;
  for (const raw of parts) {
    const p = raw.trim();
    const low = p.toLowerCase();
    if (key !== null) throw new Error(`"${text}": the key must come last`);
    if (low === 'ctrl' || low === 'control' || low === 'cmd' || low === 'meta' || low === 'mod') ctrl = true;
    else if (low === 'alt' || low === 'option') alt = true;
    else if (low === 'shift') shift = true;
    else if (p) key = canonicalKey(p);
  }
  if (key === null) throw new Error(`"${text}" has no key, only modifiers`);
  return build(ctrl, alt, shift, key);
}

/** How a chord is shown: "Ctrl+Shift+z" → "Ctrl+Shift+Z", "ArrowLeft" → "←". */
export function formatChord(chord: string): string {
  const names: Record<string, string> = { ArrowLeft: '←', ArrowRight: '→', ArrowUp: '↑', ArrowDown: '↓', Escape: 'Esc' };
  return chord
    .split(/\+(?!$)/)
    .map((p) => names[p] ?? (p.length === 1 ? p.toUpperCase() : p))
    .join('+');
}

/** Whether a chord may fire while the user types in a text field (it cannot type a character). */
export function firesWhileTyping(chord: string): boolean {
  return chord === 'Escape' || /^(Ctrl|Alt)\+/.test(chord);
}

const lookups = new WeakMap<object, Map<string, StudioAction>>();
function lookup(bindings: Bindings): Map<string, StudioAction> {
  let map = lookups.get(bindings);
  if (!map) {
    map = new Map();
    for (const c of COMMANDS) for (const chord of bindings[c.id] ?? []) if (!map.has(chord)) map.set(chord, c.action);
    lookups.set(bindings, map);
  }
  return map;
}

/**
 * The action a key press asks for under `bindings`, or null. While the user types in a text field
 * only chords with Ctrl/Alt (or Cmd) and Escape fire, so typing is never taken for a shortcut.
 */
export function actionForKey(e: KeyLike, ctx: { typing: boolean }, bindings: Bindings = DEFAULT_BINDINGS): StudioAction | null {
  const chord = eventChord(e);
  if (!chord) return null;
  if (ctx.typing && !firesWhileTyping(chord)) return null;
  return lookup(bindings).get(chord) ?? null;
}

/** Shortcuts stay out of the way while the user types. */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as { tagName?: string; isContentEditable?: boolean; type?: string } | null;
  if (!el?.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  return el.tagName === 'INPUT' && !['range', 'checkbox', 'button', 'radio'].includes(el.type ?? '');
}
