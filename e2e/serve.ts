// Starts a real `s2cap serve` on a temp library for a test file and stops it afterwards: a SQLite
// file in a temp folder, or (opts.db) a postgres:// library with its data folder in that temp folder.
// A test may also kill the server (SIGKILL: a crash) and start it again on the same library, folder
// and port, so a page that was open keeps its address and its token.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'audio');
export const ARTIFACTS = path.join(ROOT, 'e2e', 'artifacts');

export interface Served {
  url: string;
  openUrl: string;
  token: string;
  dir: string;
  db: string;
  /** Ends the server with `signal` (SIGKILL: a crash) and waits until it exited; the library and its folder stay. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts `s2cap serve` again on the same library, data folder and port (after kill); url and token are updated. */
  restart(): Promise<void>;
  /** Ends the server and removes its temp folder. */
  stop(): Promise<void>;
}

/** `prepare` runs on the library (file or URL) before the studio opens it, e.g. to seed rows. */
export async function serveTempLibrary(opts: { db?: string; prepare?(db: string): void } = {}): Promise<Served> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's2cap-e2e-'));
  const db = opts.db ?? path.join(dir, 'library.s2cap.db');
  opts.prepare?.(db);
  const dataDir = opts.db ? ['--data-dir', path.join(dir, 'library.data')] : [];
  let child = await startServe(db, dir, dataDir, '0');
  const served: Served = {
    ...child.info,
    dir,
    db,
    kill: (signal = 'SIGTERM') => exit(child.process, signal),
    async restart() {
      if (child.process.exitCode === null && child.process.signalCode === null) throw new Error('restart: the server is still running (kill it first)');
      child = await startServe(db, dir, dataDir, String(new URL(served.url).port));
      Object.assign(served, child.info);
    },
    async stop() {
      await exit(child.process, 'SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return served;
}

interface Started {
  process: ChildProcess;
  info: { url: string; openUrl: string; token: string };
}

async function startServe(db: string, dir: string, dataDir: string[], port: string): Promise<Started> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 's2cap.js'), 'serve', '--db', db, ...dataDir, '--port', port, '--json', '--allow-path', dir, '--allow-path', ROOT], {
    cwd: ROOT,
    env: { ...process.env, S2CAP_HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const first = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`s2cap serve exited ${code}: ${stderr}`)));
    setTimeout(() => reject(new Error(`s2cap serve did not start: ${stderr}`)), 30_000);
  });
  const info = JSON.parse(first) as { url: string; openUrl: string };
  const token = new URL(info.openUrl).searchParams.get('token')!;
  return { process: child, info: { url: info.url, openUrl: info.openUrl, token } };
}

async function exit(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, `${name}.png`);
}
