import { describe, expect, it } from 'vitest';
import { actionForKey, isTypingTarget } from './keymap';

describe('player keymap', () => {
  it.each([
    [' ', { type: 'togglePlay' }],
    ['ArrowLeft', { type: 'seekBy', seconds: -5 }],
    ['ArrowRight', { type: 'seekBy', seconds: 5 }],
    ['l', { type: 'toggleLoop' }],
    ['L', { type: 'toggleLoop' }],
    ['m', { type: 'toggleMuteFocused' }],
    ['S', { type: 'toggleSoloFocused' }],
    ['1', { type: 'focusStem', index: 0 }],
    ['5', { type: 'focusStem', index: 4 }],
    ['Delete', { type: 'deleteSelectedSegment' }],
    ['6', null],
    ['x', null],
  ])('%j → %j', (key, action) => expect(actionForKey({ key })).toEqual(action));

  it('leaves browser and OS shortcuts alone', () => {
    expect(actionForKey({ key: 'l', ctrlKey: true })).toBeNull();
    expect(actionForKey({ key: 's', metaKey: true })).toBeNull();
  });

  it('ignores keys typed into text fields but not sliders', () => {
    expect(isTypingTarget({ tagName: 'INPUT', type: 'text' } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'TEXTAREA' } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'INPUT', type: 'range' } as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget({ tagName: 'DIV', isContentEditable: false } as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
