import { describe, expect, it } from 'vitest';
import { actionForKey, COMMANDS, DEFAULT_BINDINGS, eventChord, formatChord, isTypingTarget, parseChord, type KeyLike } from './keymap';

const idle = { typing: false };
const typing = { typing: true };

describe('keymap defaults', () => {
  it.each<[KeyLike, unknown]>([
    [{ key: ' ' }, { type: 'togglePlay' }],
    [{ key: 'ArrowLeft' }, { type: 'seekBy', seconds: -5 }],
    [{ key: 'ArrowRight' }, { type: 'seekBy', seconds: 5 }],
    [{ key: 'a' }, { type: 'setLoopStart' }],
    [{ key: 'b' }, { type: 'setLoopEnd' }],
    [{ key: 'l' }, { type: 'toggleLoop' }],
    [{ key: 'L' }, { type: 'toggleLoop' }], // Caps Lock
    [{ key: 'm' }, { type: 'toggleMuteFocused' }],
    [{ key: 's' }, { type: 'toggleSoloFocused' }],
    [{ key: '1' }, { type: 'focusStem', index: 0 }],
    [{ key: '5' }, { type: 'focusStem', index: 4 }],
    [{ key: 'Delete' }, { type: 'deleteSelectedSegment' }],
    [{ key: 'Backspace' }, { type: 'deleteSelectedSegment' }],
    [{ key: 'Enter', ctrlKey: true }, { type: 'approveNext' }],
    [{ key: 'Enter', metaKey: true }, { type: 'approveNext' }],
    [{ key: 's', ctrlKey: true }, { type: 'saveDraft' }],
    [{ key: 'k' }, { type: 'prevSegment' }],
    [{ key: 'ArrowUp', altKey: true }, { type: 'prevSegment' }],
    [{ key: 'j' }, { type: 'nextSegment' }],
    [{ key: 'ArrowDown', altKey: true }, { type: 'nextSegment' }],
    [{ key: 'p' }, { type: 'playSegment' }],
    [{ key: 'P', shiftKey: true }, { type: 'acceptProposal' }],
    [{ key: 'e' }, { type: 'editCaption' }],
    [{ key: 'Enter' }, { type: 'editCaption' }],
    [{ key: 'Escape' }, { type: 'leaveEditor' }],
    [{ key: 'r' }, { type: 'rejectSuggestion' }],
    [{ key: 'f' }, { type: 'flagSegment' }],
    [{ key: 'Enter', ctrlKey: true, shiftKey: true }, { type: 'acceptReview' }],
    [{ key: 'Backspace', ctrlKey: true, shiftKey: true }, { type: 'sendBack' }],
    [{ key: 'z', ctrlKey: true }, { type: 'undo' }],
    [{ key: 'Z', ctrlKey: true, shiftKey: true }, { type: 'redo' }],
    [{ key: 'y', ctrlKey: true }, { type: 'redo' }],
    [{ key: '?', shiftKey: true }, { type: 'showHelp' }],
    [{ key: '6' }, null],
    [{ key: 'x' }, null],
    [{ key: 'A', shiftKey: true }, null], // Shift+A is not A
    [{ key: 'Shift', shiftKey: true }, null],
  ])('%j → %j', (e, action) => expect(actionForKey(e, idle)).toEqual(action));

  it('leaves browser and OS shortcuts it does not use alone', () => {
    expect(actionForKey({ key: 'l', ctrlKey: true }, idle)).toBeNull();
    expect(actionForKey({ key: 'm', metaKey: true }, idle)).toBeNull();
  });

  it('while typing, only chords with Ctrl/Alt and Escape fire', () => {
    for (const key of [' ', 'a', 'j', 'Enter', 'Backspace', 'Delete', 'ArrowLeft', '?', '1']) expect(actionForKey({ key }, typing)).toBeNull();
    expect(actionForKey({ key: 'Enter', ctrlKey: true }, typing)).toEqual({ type: 'approveNext' });
    expect(actionForKey({ key: 'ArrowDown', altKey: true }, typing)).toEqual({ type: 'nextSegment' });
    expect(actionForKey({ key: 'z', ctrlKey: true }, typing)).toEqual({ type: 'undo' });
    expect(actionForKey({ key: 'Escape' }, typing)).toEqual({ type: 'leaveEditor' });
  });

  it('review verdicts are Ctrl+Shift chords apart from approve & next, and work from the editor', () => {
    expect(actionForKey({ key: 'Enter', ctrlKey: true, shiftKey: true }, typing)).toEqual({ type: 'acceptReview' });
    expect(actionForKey({ key: 'Enter', metaKey: true, shiftKey: true }, typing)).toEqual({ type: 'acceptReview' });
    expect(actionForKey({ key: 'Backspace', ctrlKey: true, shiftKey: true }, typing)).toEqual({ type: 'sendBack' });
    expect(actionForKey({ key: 'Backspace', ctrlKey: true }, typing)).toBeNull(); // Ctrl+Backspace still deletes a word
    expect(COMMANDS.filter((c) => c.group === 'Review').map((c) => c.id)).toEqual(['acceptReview', 'sendBack']);
  });

  it('every default chord is canonical and bound once', () => {
    const seen = new Map<string, string>();
    for (const c of COMMANDS) {
      for (const chord of DEFAULT_BINDINGS[c.id]!) {
        expect(parseChord(chord)).toBe(chord);
        expect(seen.get(chord), `${chord} bound twice`).toBeUndefined();
        seen.set(chord, c.id);
      }
    }
  });

  it('follows remapped bindings', () => {
    const bindings = { ...DEFAULT_BINDINGS, togglePlay: ['p'], playSegment: ['Shift+p'] };
    expect(actionForKey({ key: 'p' }, idle, bindings)).toEqual({ type: 'togglePlay' });
    expect(actionForKey({ key: ' ' }, idle, bindings)).toBeNull();
    expect(actionForKey({ key: 'P', shiftKey: true }, idle, bindings)).toEqual({ type: 'playSegment' });
  });
});

describe('chords', () => {
  it.each([
    ['Space', 'Space'],
    ['space', 'Space'],
    ['ctrl+Enter', 'Ctrl+Enter'],
    ['Shift+Ctrl+Z', 'Ctrl+Shift+z'],
    ['Cmd+s', 'Ctrl+s'],
    ['alt+arrowdown', 'Alt+ArrowDown'],
    ['esc', 'Escape'],
    ['Alt+ArrowDown', 'Alt+ArrowDown'],
    ['Shift+?', '?'],
    ['A', 'a'],
    ['Ctrl++', 'Ctrl++'],
  ])('parseChord(%j) = %j', (text, chord) => expect(parseChord(text)).toBe(chord));

  it('refuses a chord without a key, or with the key before a modifier', () => {
    expect(() => parseChord('Ctrl+Shift')).toThrow(/no key/);
    expect(() => parseChord('a+Ctrl')).toThrow(/key must come last/);
  });

  it('reads events as chords; a lone modifier is none', () => {
    expect(eventChord({ key: 'Control', ctrlKey: true })).toBeNull();
    expect(eventChord({ key: 'Enter', ctrlKey: true, shiftKey: true })).toBe('Ctrl+Shift+Enter');
    expect(eventChord({ key: '?', shiftKey: true })).toBe('?');
    expect(eventChord({ key: ' ' })).toBe('Space');
  });

  it('shows chords the way keys are printed', () => {
    expect(formatChord('Ctrl+Shift+z')).toBe('Ctrl+Shift+Z');
    expect(formatChord('ArrowLeft')).toBe('←');
    expect(formatChord('Alt+ArrowDown')).toBe('Alt+↓');
    expect(formatChord('Ctrl++')).toBe('Ctrl++');
  });
});

describe('typing targets', () => {
  it('ignores keys typed into text fields but not sliders', () => {
    expect(isTypingTarget({ tagName: 'INPUT', type: 'text' } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'TEXTAREA' } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'INPUT', type: 'range' } as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget({ tagName: 'DIV', isContentEditable: false } as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
