// Quitting the desktop app waits for the studio to shut down: the running job is put back in the
// queue, the worker stops and the library is closed before the process exits. Electron does not
// wait for promises in quit handlers, so the first quit is held (preventDefault), the studio is
// closed, and the app then exits for real (app.exit emits no further quit events).

/** The part of Electron's `app` this needs (kept structural so it can be tested without Electron). */
export interface QuittingApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  exit(exitCode?: number): void;
}

export interface CloseOnQuitOptions {
  /** Exit anyway after this long, so a stuck shutdown never leaves a zombie app; default 15 s. */
  timeoutMs?: number;
  report?: (line: string) => void;
}

export function closeStudioOnQuit(app: QuittingApp, close: () => Promise<void> | void, opts: CloseOnQuitOptions = {}): void {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const report = opts.report ?? ((line: string) => console.error(`[s2cap] ${line}`));
  let closing = false;
  app.on('before-quit', (event) => {
    event.preventDefault();
    if (closing) return; // a second Quit while shutting down: the first one finishes it
    closing = true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    Promise.race([Promise.resolve().then(close), timedOut])
      .then(
        (r) => {
          if (r === 'timeout') report(`shutdown did not finish within ${timeoutMs / 1000} s; quitting anyway`);
          return r === 'timeout' ? 1 : 0;
        },
        (err: unknown) => {
          report(`shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
          return 1;
        },
      )
      .then((code) => {
        clearTimeout(timer);
        app.exit(code);
      });
  });
}
