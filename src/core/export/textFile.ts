// A text file written line by line inside an export's temporary folder, with the stream's
// backpressure honoured (a 100,000-row export never queues its whole text in memory) and the
// export's cancel checked before each line. No temp name or fsync here: the whole folder is the
// temporary thing, and the framework fsyncs every file as it hashes it (exportFolder.ts).
import fs from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

export class TextFile {
  private readonly stream: fs.WriteStream;
  private failed: Error | null = null;

  constructor(
    readonly path: string,
    private readonly signal?: AbortSignal,
  ) {
    this.stream = fs.createWriteStream(path, { flags: 'wx', encoding: 'utf8' });
    this.stream.on('error', (err) => (this.failed = err));
  }

  /** Writes text as it is (add the newline yourself, or use line()). */
  async write(text: string): Promise<void> {
    this.signal?.throwIfAborted();
    if (this.failed) throw this.failed;
    // events.once rejects if the stream errors while we wait for it to drain.
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }

  line(text: string): Promise<void> {
    return this.write(text + '\n');
  }

  /** Flushes and closes; throws the stream's error, if it had one. */
  async close(): Promise<void> {
    this.stream.end();
    await finished(this.stream);
    if (this.failed) throw this.failed;
  }

  /** Closes without caring how (the folder is being thrown away). */
  destroy(): void {
    this.stream.destroy();
  }
}

/** Runs `fn` on a new text file, closing it after (destroyed when `fn` throws). */
export async function withTextFile(file: string, signal: AbortSignal | undefined, fn: (f: TextFile) => Promise<void>): Promise<void> {
  const f = new TextFile(file, signal);
  try {
    await fn(f);
  } catch (err) {
    f.destroy();
    throw err;
  }
  await f.close();
}
