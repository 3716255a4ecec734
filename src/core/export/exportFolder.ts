// Where an export is written: a hidden sibling of the target (`.<name>.partial-<pid>-<rand>`, same
// filesystem, so the final step is one rename), filled by the format's writer, hashed into
// manifest.json, then renamed into place. The target is never half-written: a cancel or a failure
// removes the temporary folder, and one a killed process left behind is removed by the next
// export into the same parent folder. An existing target is refused unless `force`, and even then
// only an earlier export (a folder with manifest.json) or an empty folder is replaced — never a
// folder of someone's files named by mistake; it is replaced only once the new one is complete (old renamed aside, new renamed in, old removed; a
// crash between the two renames is repaired by the next export, which puts the old one back).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { currentPathScope } from '../pathScope';
import { syncDir } from './manifest';

const LEFTOVER = /^\.(.+)\.(partial|old)-(\d+)-[0-9a-f]{8}$/;

/** Whether a process with this id is running on this machine. */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const tempName = (name: string, kind: 'partial' | 'old') => `.${name}.${kind}-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;

export const conflictMessage = (out: string): string => `${out} exists: choose another folder or pass --force`;

/** Whether --force may replace `out`: it is an earlier export (has manifest.json) or an empty folder. */
function replaceable(out: string): boolean {
  try {
    if (!fs.statSync(out).isDirectory()) return false;
    const entries = fs.readdirSync(out);
    return entries.length === 0 || entries.includes('manifest.json');
  } catch {
    return false;
  }
}

const notAnExport = (out: string): string =>
  `${out} exists and is not an earlier export (no manifest.json): --force only replaces an export or an empty folder; choose another folder`;

/**
 * Removes what dead exports left in `parent` for the target `name`: temporary folders, and old
 * targets set aside by a --force that died before it finished (put back when the target is
 * missing, else removed). Returns the paths removed or restored.
 */
export async function sweepExportLeftovers(parent: string, name: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await fs.promises.readdir(parent);
  } catch {
    return [];
  }
  const done: string[] = [];
  const target = path.join(parent, name);
  for (const e of entries) {
    const m = LEFTOVER.exec(e);
    if (!m || m[1] !== name || alive(Number(m[3]))) continue;
    const p = path.join(parent, e);
    if (m[2] === 'old' && !fs.existsSync(target)) await fs.promises.rename(p, target);
    else await fs.promises.rm(p, { recursive: true, force: true });
    done.push(p);
  }
  return done;
}

/** An export's temporary folder beside its target. */
export class ExportFolder {
  readonly out: string;
  readonly parent: string;
  readonly name: string;
  readonly dir: string;

  private constructor(out: string) {
    this.out = path.resolve(out);
    this.parent = path.dirname(this.out);
    this.name = path.basename(this.out);
    this.dir = path.join(this.parent, tempName(this.name, 'partial'));
  }

  /** Checks the target (CONFLICT when it exists and not `force`), sweeps leftovers, makes the temporary folder. */
  static async create(out: string, force: boolean): Promise<ExportFolder> {
    const f = new ExportFolder(out);
    if (f.name === '' || f.name === '.' || f.name === '..') throw new StudioError('BAD_REQUEST', `${out}: not a folder name to export into`);
    // A confined caller (the HTTP server) may name an allowed folder itself as `out`; the temporary
    // and set-aside folders go in its parent, which must be allowed too (else --force would remove
    // the allowed folder and write outside it).
    const scope = currentPathScope();
    if (scope && !(await scope.allows(f.parent))) throw new StudioError('FORBIDDEN', `${out}: ${scope.refusal}`);
    await fs.promises.mkdir(f.parent, { recursive: true });
    await sweepExportLeftovers(f.parent, f.name);
    if (fs.existsSync(f.out)) {
      if (!force) throw new StudioError('CONFLICT', conflictMessage(f.out));
      if (!replaceable(f.out)) throw new StudioError('CONFLICT', notAnExport(f.out));
    }
    await fs.promises.mkdir(f.dir);
    return f;
  }

  /** Renames the complete temporary folder into place (replacing the target when `force`). */
  async publish(force: boolean): Promise<void> {
    const exists = fs.existsSync(this.out);
    if (exists && !force) throw new StudioError('CONFLICT', conflictMessage(this.out));
    if (exists && !replaceable(this.out)) throw new StudioError('CONFLICT', notAnExport(this.out));
    if (!exists) {
      try {
        await fs.promises.rename(this.dir, this.out);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // Someone made the target meanwhile.
        if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') throw new StudioError('CONFLICT', conflictMessage(this.out));
        throw err;
      }
    } else {
      const aside = path.join(this.parent, tempName(this.name, 'old'));
      await fs.promises.rename(this.out, aside);
      try {
        await fs.promises.rename(this.dir, this.out);
      } catch (err) {
        await fs.promises.rename(aside, this.out).catch(() => {});
        throw err;
      }
      await syncDir(this.parent);
      await fs.promises.rm(aside, { recursive: true, force: true });
    }
    await syncDir(this.parent);
  }

  /** Removes the temporary folder (after a cancel or a failure). Never throws. */
  async discard(): Promise<void> {
    await fs.promises.rm(this.dir, { recursive: true, force: true }).catch(() => {});
  }
}
