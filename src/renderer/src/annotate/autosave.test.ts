import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AUTOSAVE_DELAY_MS, createAutosave } from './autosave';

describe('autosave', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup() {
    const state = { segment: 1, text: '', saved: '' };
    const saves: { segment: number; text: string }[] = [];
    let release: (() => void) | null = null;
    let hold = false;
    const a = createAutosave({
      snapshot: () => (state.text === state.saved ? null : ((state.saved = state.text), { segment: state.segment, text: state.text })),
      save: (v) => {
        saves.push(v);
        return hold ? new Promise<void>((r) => (release = r)) : Promise.resolve();
      },
    });
    return { state, saves, a, hold: (on: boolean) => (hold = on), release: () => release?.() };
  }

  it('saves once, a pause after the last keystroke', async () => {
    const { state, saves, a } = setup();
    for (const t of ['A', 'A s', 'A si']) {
      state.text = t;
      a.schedule();
      await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS - 100);
    }
    expect(saves).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(saves).toEqual([{ segment: 1, text: 'A si' }]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(saves).toHaveLength(1);
  });

  it('flush saves at once, taking the snapshot before the editor moves to another segment', async () => {
    const { state, saves, a } = setup();
    state.text = 'first segment text';
    a.schedule();
    const done = a.flush();
    state.segment = 2; // the editor now shows the next segment
    state.text = 'x';
    await done;
    expect(saves).toEqual([{ segment: 1, text: 'first segment text' }]);
    expect(a.pending).toBe(false);
    await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS * 2);
    expect(saves).toHaveLength(1); // the cancelled timer does not save again
  });

  it('nothing unsaved: flush writes nothing; cancel forgets a pending save', async () => {
    const { state, saves, a } = setup();
    await a.flush();
    state.text = 'typed';
    a.schedule();
    a.cancel();
    await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS * 2);
    expect(saves).toEqual([]);
  });

  it('saves never overlap: a change during a slow save is written after it', async () => {
    const s = setup();
    s.hold(true);
    s.state.text = 'one';
    const first = s.a.flush();
    s.state.text = 'one two';
    const second = s.a.flush();
    s.state.segment = 2; // moved on while the first save was still in flight
    s.state.text = 'next segment';
    await vi.advanceTimersByTimeAsync(0);
    expect(s.saves.map((x) => x.text)).toEqual(['one']);
    s.hold(false);
    s.release();
    await first;
    await second;
    expect(s.saves).toEqual([
      { segment: 1, text: 'one' },
      { segment: 1, text: 'one two' },
    ]);
  });

  it('after: a task runs once the save in flight has landed, keeps its own result and failure, and later saves wait for it', async () => {
    const s = setup();
    const order: string[] = [];
    s.hold(true);
    s.state.text = 'typed';
    void s.a.flush();
    const task = s.a.after(async () => (order.push(`task after ${s.saves.length} save(s)`), 'revision'));
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual([]); // the draft is still in flight
    s.hold(false);
    s.release();
    expect(await task).toBe('revision');
    expect(order).toEqual(['task after 1 save(s)']);
    await expect(s.a.after(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    s.state.text = 'typed more';
    await s.a.flush(); // a failed task does not stop the saves after it
    expect(s.saves.map((x) => x.text)).toEqual(['typed', 'typed more']);
  });
});
