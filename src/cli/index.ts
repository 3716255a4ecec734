// Entry point of the `s2cap` binary (see bin/s2cap.js).
import { runCli } from './main';

// Output piped into a reader that stops early (`s2cap list --json | head`): stop quietly, as
// Unix tools do, instead of dying on an unhandled EPIPE with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
