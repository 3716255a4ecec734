import { describe, expect, it } from 'vitest';
import { EditorHistory } from './editorHistory';

const c = (text: string, attributes = {}) => ({ text, attributes });

describe('EditorHistory', () => {
  it('undoes and redoes text and chip changes in order', () => {
    let t = 0;
    const h = new EditorHistory(c('a'), () => t);
    h.record(c('a b'));
    t += 5000;
    h.record(c('a b', { mood: 'calm' }));
    expect(h.undo()).toEqual(c('a b'));
    expect(h.undo()).toEqual(c('a'));
    expect(h.undo()).toBeNull();
    expect(h.redo()).toEqual(c('a b'));
    expect(h.redo()).toEqual(c('a b', { mood: 'calm' }));
    expect(h.canRedo).toBe(false);
  });

  it('coalesces a burst of typing into one step, and starts a new one after a pause', () => {
    let t = 0;
    const h = new EditorHistory(c(''), () => t);
    for (const text of ['A', 'A ', 'A s', 'A si', 'A sin']) {
      h.record(c(text), true);
      t += 100;
    }
    t += 2000;
    h.record(c('A sing'), true);
    expect(h.undo()).toEqual(c('A sin'));
    expect(h.undo()).toEqual(c(''));
    expect(h.canUndo).toBe(false);
  });

  it('a new change after undo drops what could be redone; reset forgets everything', () => {
    const h = new EditorHistory(c('x'), () => 0);
    h.record(c('xy'));
    h.undo();
    h.record(c('xz'));
    expect(h.canRedo).toBe(false);
    expect(h.undo()).toEqual(c('x'));
    h.reset(c('other segment'));
    expect(h.canUndo).toBe(false);
    expect(h.canRedo).toBe(false);
  });

  it('ignores a change that changes nothing (chip order or an empty value does not count)', () => {
    const h = new EditorHistory(c('x', { mood: 'calm' }), () => 0);
    h.record(c('x', { mood: 'calm', genre: undefined } as never));
    expect(h.canUndo).toBe(false);
  });
});
