// Which data folder a PostgreSQL library's files live in. A database has no file to put a folder
// beside, so the library names its folder in its own settings (`dataDir`), and every process that
// opens it (this machine or another mounting the same folder at the same path) finds it there:
//   - no setting yet: --data-dir (or S2CAP_DATA_DIR), else <S2CAP_HOME or per-user folder>/
//     libraries/<host>-<port>-<database>.data; created and recorded (unless another process
//     recorded its folder at the same moment: then that one, as below).
//   - a setting and no --data-dir: that folder; it must exist (a missing one is an error naming
//     it, never silently re-created empty somewhere the other processes do not look).
//   - --data-dir naming another folder: when the recorded folder is gone from this machine the
//     library has moved: the given folder (which must exist) is recorded. When the recorded one
//     is still there, the given one is used for this process only (a machine that mounts the
//     folder elsewhere) and the setting is left for everyone else. Either case says so in one line.
// Files under the folder are recorded relative to it (store/libraryPaths.ts), so only this one
// setting changes when the folder moves.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../shared/errors';
import type { SettingsRepo } from './store/settings';

export const DATA_DIR_SETTING = 'dataDir';

export interface DataFolderRequest {
  url: string;
  /** --data-dir or S2CAP_DATA_DIR, if given. */
  given?: string;
  /** Used (and recorded) when the library names no folder and none is given. */
  fallback: string;
  /** Told one line when the choice is worth saying (a moved folder, a per-process folder). */
  notice?: (line: string) => void;
}

const isDir = (dir: string) => fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;

/** Reads, decides and (where the rule says so) records the library's data folder. */
export async function choosePgDataDir(settings: SettingsRepo, req: DataFolderRequest): Promise<string> {
  const { redactUrl } = await import('./store/postgres');
  const shown = redactUrl(req.url);
  let recorded = await settings.get<string>(DATA_DIR_SETTING);
  const given = req.given ? path.resolve(req.given) : undefined;
  if (typeof recorded !== 'string' || !recorded) {
    const dir = given ?? path.resolve(req.fallback);
    const made = fs.mkdirSync(dir, { recursive: true });
    // Recorded only if no other process opening the library at the same moment recorded its own.
    recorded = await settings.setIfAbsent<string>(DATA_DIR_SETTING, dir);
    if (recorded === dir || typeof recorded !== 'string' || !recorded) {
      if (recorded !== dir) await settings.set(DATA_DIR_SETTING, dir); // a setting that names no folder
      req.notice?.(`library ${shown} keeps its files in ${dir} (recorded in the library; --data-dir DIR to use another)`);
      return dir;
    }
    // Lost the race: remove the folder made just now if it is still empty (rmdir only, never
    // recursive: a parent made here may hold the winning folder by now).
    if (made) {
      try {
        fs.rmdirSync(dir);
      } catch {
        /* not empty or gone: leave it */
      }
    }
  }
  if (!given || given === recorded) {
    if (!isDir(recorded)) {
      throw new StudioError('NOT_FOUND', `the data folder of library ${shown} is missing here: ${recorded} (mount it there, or give --data-dir DIR where it is now)`);
    }
    return recorded;
  }
  if (!isDir(given)) throw new StudioError('NOT_FOUND', `--data-dir ${given} is not a folder (library ${shown} keeps its files in ${recorded})`);
  if (!isDir(recorded)) {
    await settings.set(DATA_DIR_SETTING, given);
    req.notice?.(`library ${shown}: its data folder moved from ${recorded} to ${given} (recorded in the library)`);
  } else {
    req.notice?.(`library ${shown}: using data folder ${given} for this run; the library's own stays ${recorded}`);
  }
  return given;
}
