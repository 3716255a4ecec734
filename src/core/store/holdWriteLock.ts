// Test helper: a second process that takes a library's write lock (BEGIN IMMEDIATE) and holds it
// for a while, as another studio, a CLI import or a backup tool would. Tests use it to check that
// this process stays responsive and loses nothing while it cannot write. (In core/store because it
// speaks SQL to a raw SQLite connection; nothing outside core/store does.)
import { spawn } from 'node:child_process';
import path from 'node:path';

export interface HeldLock {
  /** Resolves (Date.now()) once the other process holds the write lock. */
  acquired: Promise<number>;
  /** Resolves once it has committed and exited, with its clock (Date.now()) just before COMMIT:
   *  any write this process makes after the lock was taken lands at or after that instant. */
  released: Promise<number>;
}

const REPO = path.resolve(__dirname, '../../..');

export function holdWriteLock(dbFile: string, holdMs: number): HeldLock {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1], { timeout: 30000 });
    db.exec('BEGIN IMMEDIATE');
    db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('lock-holder', '1')").run();
    process.stdout.write('locked\\n');
    setTimeout(() => { const t = Date.now(); db.exec('COMMIT'); db.close(); process.stdout.write('released ' + t + '\\n'); }, Number(process.argv[2]));
  `;
  const child = spawn(process.execPath, ['-e', script, dbFile, String(holdMs)], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let onLocked!: (t: number) => void;
  let onFailed!: (e: Error) => void;
  const acquired = new Promise<number>((resolve, reject) => {
    onLocked = resolve;
    onFailed = reject;
  });
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    if (out.includes('locked\n')) onLocked(Date.now());
  });
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const released = new Promise<number>((resolve, reject) => {
    child.on('exit', (code) => {
      const at = /released (\d+)/.exec(out);
      if (code === 0 && at) resolve(Number(at[1]));
      else reject(new Error(`lock holder exited ${code}: ${err.trim()}`));
    });
  });
  // Surface a failed child through `acquired` too, so a test never waits forever.
  released.catch(onFailed);
  return { acquired, released };
}
