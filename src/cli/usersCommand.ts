// `s2cap users add NAME [--role annotator|reviewer] | list | remove NAME`: the server accounts of a
// team library, made on the server's machine (core/userAccounts; never through the StudioApi).
// `add` prints the new token once: the studio keeps only its sha256.
import type { Studio } from '../core/studio';
import { ACCOUNT_ROLES, type AccountRole } from '../core/userAccounts';
import { parseCommandArgs, UsageError } from './args';
import type { CliIo, LibraryFlags } from './main';

export const USERS_OPTIONS = { role: { type: 'string' } } as const;

export interface UsersCliDeps {
  open: (where: LibraryFlags) => Promise<Studio>;
  help: () => void;
}

const USAGE = 'usage: s2cap users add NAME [--role annotator|reviewer] | users list | users remove NAME';

export async function cmdUsers(argv: string[], io: CliIo, deps: UsersCliDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, USERS_OPTIONS);
  if (values.help) return deps.help(), 0;
  const [action = 'list', name, extra] = positionals;
  if (!['add', 'list', 'remove'].includes(action)) throw new UsageError(`users: unknown action "${action}" (${USAGE})`);
  if (action !== 'list' && !name) throw new UsageError(USAGE);
  if (extra !== undefined || (action === 'list' && name !== undefined)) throw new UsageError(`users ${action}: unexpected argument "${extra ?? name}" (${USAGE})`);
  if (values.role !== undefined && action !== 'add') throw new UsageError('--role goes with users add');
  const role = values.role ?? 'annotator';
  if (!ACCOUNT_ROLES.includes(role as AccountRole)) throw new UsageError(`--role must be annotator or reviewer, got "${role}"`);
  const studio = await deps.open(values);
  try {
    if (action === 'add') {
      const { user, token } = await studio.users.add(name!, role as AccountRole);
      if (values.json) io.out(JSON.stringify({ ...user, token }));
      else {
        io.out(token);
        io.err(`s2cap: added ${user.role} "${user.name}". Give them the studio's address with ?token= and this token (shown only now).`);
      }
    } else if (action === 'remove') {
      const user = await studio.users.remove(name!);
      io.out(values.json ? JSON.stringify(user) : `removed ${user.role} "${user.name}": their token no longer works`);
    } else {
      const users = await studio.users.list();
      if (values.json) io.out(JSON.stringify(users));
      else io.out(users.length ? users.map((u) => `${u.name}\t${u.role}\tadded ${u.createdAt}`).join('\n') : 'no users (s2cap users add NAME)');
    }
    return 0;
  } finally {
    await studio.close();
  }
}
