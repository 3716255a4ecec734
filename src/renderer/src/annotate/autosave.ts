// Autosave of the caption editor's working copy: a save goes out `delayMs` after the last change
// (typing), and at once when the editor is left (blur, another segment, another route, the page
// closing). The snapshot is taken when the save is decided, so flushing before a segment switch
// saves the segment being left, not the one being opened. Saves never overlap: a change made while
// one is in flight is saved after it. Other writes of the same working copy (a save as a revision,
// a discarded draft) go through `after`, so an autosave already in flight lands before them and
// cannot bring back a draft they cleared. Timers are injectable so the debounce is tested with fake ones.
export interface AutosaveOptions<T> {
  delayMs?: number;
  /** What to save now, or null when there is nothing new (unchanged since the last save). */
  snapshot(): T | null;
  save(value: T): Promise<void>;
  /** A save failed (it is retried with the next change or flush). */
  onError?(err: unknown): void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export const AUTOSAVE_DELAY_MS = 400;

export interface Autosave {
  /** A change: save after the pause. */
  schedule(): void;
  /** Save now if something is pending or unsaved; resolves when it is written. */
  flush(): Promise<void>;
  /** Forget a pending save (the change was saved another way, e.g. as a revision). */
  cancel(): void;
  /**
   * Runs `task` once the saves under way have finished (its result or failure is the caller's);
   * saves decided later wait for it. A revision save goes through here, so a draft still in flight
   * cannot land after the save cleared it.
   */
  after<R>(task: () => Promise<R>): Promise<R>;
  readonly pending: boolean;
}

export function createAutosave<T>(o: AutosaveOptions<T>): Autosave {
  const delay = o.delayMs ?? AUTOSAVE_DELAY_MS;
  const setTimer = o.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = o.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let timer: unknown = null;
  /** The saves under way, in order: each starts when the one before has finished. */
  let chain: Promise<void> = Promise.resolve();

  const stopTimer = () => {
    if (timer !== null) clearTimer(timer);
    timer = null;
  };

  function run(): Promise<void> {
    stopTimer();
    // The snapshot is taken now (synchronously), so a flush before a segment switch writes the
    // segment being left even when an earlier save is still in flight.
    const value = o.snapshot();
    if (value === null) return chain;
    chain = chain.then(() =>
      o.save(value).then(
        () => undefined,
        (err: unknown) => o.onError?.(err),
      ),
    );
    return chain;
  }

  return {
    schedule() {
      stopTimer();
      timer = setTimer(() => {
        timer = null;
        void run();
      }, delay);
    },
    flush() {
      return run();
    },
    cancel: stopTimer,
    after<R>(task: () => Promise<R>): Promise<R> {
      const result = chain.then(task);
      chain = result.then(
        () => undefined,
        () => undefined,
      );
      return result;
    },
    get pending() {
      return timer !== null;
    },
  };
}
