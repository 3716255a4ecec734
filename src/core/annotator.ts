// Who writes a caption revision: a server user (their token names them, currentCaller().user), or,
// for the desktop app, the CLI and the library token, the library's annotator name setting (asked
// on first run; the CLI may pass --author). One place decides it, so every command stamps
// revisions and drafts the same way and refuses the same way.
import type { Caller, UserRole } from '../shared/annotation';
import { StudioError } from '../shared/errors';
import { currentCaller } from './caller';
import type { SettingsRepo } from './store/settings';

/** The library setting holding the desktop/CLI annotator's name. */
export const ANNOTATOR_NAME_SETTING = 'annotator.name';

/** The calling role: a transport's caller, else the owner (desktop, CLI, tests). */
export const callerRole = (): UserRole => currentCaller()?.role ?? 'owner';

/** The caller's name: a server user's own, else the library's annotator name (null until one is set). */
export async function callerName(settings: SettingsRepo): Promise<string | null> {
  const user = currentCaller()?.user;
  if (user) return user;
  const name = await settings.get<string>(ANNOTATOR_NAME_SETTING);
  return typeof name === 'string' && name.trim() ? name.trim() : null;
}

export async function whoAmI(settings: SettingsRepo): Promise<Caller> {
  const c = currentCaller();
  if (c?.user) return { name: c.user, role: c.role, fixed: true };
  return { name: await callerName(settings), role: c?.role ?? 'owner', fixed: false };
}

/** Sets the library's annotator name; a server user's name comes from their token and is refused. */
export async function setAnnotatorName(settings: SettingsRepo, name: string): Promise<Caller> {
  const user = currentCaller()?.user;
  if (user) throw new StudioError('FORBIDDEN', `you are signed in as "${user}": a server user's name comes from their token and cannot be changed here`);
  const clean = name.trim();
  if (!clean) throw new StudioError('BAD_REQUEST', 'an annotator name cannot be empty');
  await settings.set(ANNOTATOR_NAME_SETTING, clean);
  return whoAmI(settings);
}

/**
 * The author of a save: the server user (who may not write under another name), else the name the
 * call gives (the CLI's --author), else the library's annotator name; none of them: refused.
 */
export async function resolveAuthor(settings: SettingsRepo, given?: string): Promise<string> {
  const user = currentCaller()?.user;
  if (user) {
    if (given !== undefined && given.trim() !== user) {
      throw new StudioError('FORBIDDEN', `you are signed in as "${user}" and cannot save as "${given.trim()}"`);
    }
    return user;
  }
  const name = given?.trim() || (await callerName(settings));
  if (!name) throw new StudioError('BAD_REQUEST', 'no annotator name: set one first (the studio asks for it; the CLI takes --author NAME)');
  return name;
}
