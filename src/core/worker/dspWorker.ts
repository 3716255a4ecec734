// Entry point of the DSP/inference worker thread: runs TASKS on request, reports progress (and the
// partial results a task hands over early), and
// honours cancellation, so decoding and model work never block the main process or the server.
// A failure crosses back with the error code the task raised (see errorCodeOf).
import { parentPort } from 'node:worker_threads';
import { errorCodeOf, TASKS, type FromWorker, type ToWorker } from './tasks';

const port = parentPort;
if (!port) throw new Error('dspWorker must run as a worker thread');

const running = new Map<number, AbortController>();
const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') {
    running.get(msg.id)?.abort();
    return;
  }
  const ac = new AbortController();
  running.set(msg.id, ac);
  const task = TASKS[msg.task] as (args: unknown, ctx: unknown) => Promise<unknown>;
  task(msg.args, {
    signal: ac.signal,
    progress: (fraction: number, detail?: string) => post({ type: 'progress', id: msg.id, fraction, detail }),
    partial: (value: unknown) => post({ type: 'partial', id: msg.id, value }),
  })
    .then((result) => {
      const transfer = result instanceof Uint8Array && result.byteOffset === 0 ? [result.buffer as ArrayBuffer] : [];
      post({ type: 'done', id: msg.id, result }, transfer);
    })
    .catch((err: unknown) =>
      post({ type: 'error', id: msg.id, message: err instanceof Error ? err.message : String(err), aborted: ac.signal.aborted, code: errorCodeOf(err) }),
    )
    .finally(() => running.delete(msg.id));
});
