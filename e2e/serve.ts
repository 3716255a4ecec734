// Starts a real `s2cap serve` on a temp library for a test file and stops it afterwards: a SQLite
// file in a temp folder, or (opts.db) a postgres:// library with its data folder in that temp folder.
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
  stop(): Promise<void>;
}

/** `prepare` runs on the library (file or URL) before the studio opens it, e.g. to seed rows. */
export async function serveTempLibrary(opts: { db?: string; prepare?(db: string): void } = {}): Promise<Served> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's2cap-e2e-'));
  const db = opts.db ?? path.join(dir, 'library.s2cap.db');
  opts.prepare?.(db);
  const dataDir = opts.db ? ['--data-dir', path.join(dir, 'library.data')] : [];
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 's2cap.js'), 'serve', '--db', db, ...dataDir, '--port', '0', '--json', '--allow-path', dir, '--allow-path', ROOT], {
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
  return { ...info, token, dir, db, stop: () => stop(child, dir) };
}

async function stop(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, `${name}.png`);
}
