// Error codes that cross every transport. Electron's ipcMain.handle and HTTP both lose custom
// Error fields, so failures travel as plain { code, message } envelopes and are rebuilt here.

export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  /** Authenticated, but not allowed here (e.g. a server path outside `--allow-path`). */
  'FORBIDDEN',
  'NOT_FOUND',
  'UNSUPPORTED',
  'IO',
  'CONFLICT',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

export class StudioError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'StudioError';
    this.code = code;
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message };
  }
}

/** Turns anything thrown into a transportable payload; unknown errors keep only their message. */
export function toErrorPayload(err: unknown): ErrorPayload {
  if (err instanceof StudioError) return err.toPayload();
  if (isErrorPayload(err)) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: oneLine(message) };
}

export function isErrorPayload(x: unknown): x is ErrorPayload {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as ErrorPayload).message === 'string' &&
    (ERROR_CODES as readonly string[]).includes((x as ErrorPayload).code)
  );
}

/** Unwraps an envelope received from a transport, throwing a StudioError on failure. */
export function unwrap<T>(env: Envelope<T>): T {
  if (env.ok) return env.value;
  throw new StudioError(env.error.code, env.error.message);
}

export function oneLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
