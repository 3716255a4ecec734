// Entry point of the `s2cap` binary (see bin/s2cap.js).
import { runCli } from './main';

runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
