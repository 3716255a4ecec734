// mpg123-decoder (inside audio-decode) prints `mpg123-decoder: -1 MPG123_ERR` with console.error for
// every frame it cannot decode — 149 lines for one junk MP3 at import, on every CLI call that meets
// one. The same errors are returned with the decoded audio, and the studio reports the file once,
// in one line, from what decodes; so those lines, and only those, are dropped from the console.
// Written here because the package has no option to turn its logging off.
const PREFIX = 'mpg123-decoder: ';
let installed = false;

/** Filters the MP3 decoder's per-frame error lines out of console.error (once per process). */
export function quietDecoderLogs(): void {
  if (installed) return;
  installed = true;
  const original = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith(PREFIX)) return;
    original(...args);
  };
}
