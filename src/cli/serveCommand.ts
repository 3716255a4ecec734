// `s2cap serve`: opens the library, builds the browser app if this checkout lacks it, keeps the
// library's token (or sets or rotates it), confines the server paths browser clients may name,
// and serves until SIGINT/SIGTERM. startServe is the part tests drive in process.
import path from 'node:path';
import type { Studio } from '../core/studio';
import { STUDIO_VERSION } from '../core/version';
import { startServer, type RunningServer } from '../server/server';
import { checkTokenShape, libraryToken } from '../server/tokenStore';
import { describeFailure } from '../core/api/failureText';
import { parseCommandArgs, parsePort, UsageError } from './args';
import type { CliIo, LibraryFlags } from './main';
import { buildRenderer, rendererPlan } from './rendererBuild';

export const SERVE_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'allow-path': { type: 'string', multiple: true },
  'public-host': { type: 'string', multiple: true },
  token: { type: 'string' },
  'new-token': { type: 'boolean', default: false },
} as const;

export interface ServeDeps {
  /** Opens the library named by --db and --data-dir (absent: the default one) with the job queue running. */
  open: (where: LibraryFlags) => Promise<Studio>;
  help: () => void;
  env?: NodeJS.ProcessEnv;
  /** The checkout whose out/renderer is served (and built when missing); undefined: API only. */
  root?: string;
}

export interface Serving {
  server: RunningServer;
  studio: Studio;
  stop(): Promise<void>;
}

/** Starts serving; resolves once the server listens (null after --help). */
export async function startServe(argv: string[], io: CliIo, deps: ServeDeps): Promise<Serving | null> {
  const { values, positionals } = parseCommandArgs(argv, SERVE_OPTIONS);
  if (values.help) return deps.help(), null;
  if (positionals.length) throw new UsageError(`serve takes no arguments, got "${positionals[0]}"`);
  const port = parsePort(values.port, 5273);
  const host = values.host ?? '127.0.0.1';
  const env = deps.env ?? process.env;
  const given = values.token ?? (env.S2CAP_TOKEN || undefined);
  if (given !== undefined && values['new-token']) throw new UsageError('give either --token (or S2CAP_TOKEN) or --new-token, not both');
  if (given !== undefined) {
    try {
      checkTokenShape(given, values.token !== undefined ? '--token' : 'S2CAP_TOKEN');
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }

  const staticDir = await rendererFor(deps.root, io);
  const studio = await deps.open(values);
  let server: RunningServer;
  let token;
  try {
    token = libraryToken(studio.dataDir, { given, rotate: values['new-token'] });
    server = await startServer({ studio, token: token.token, host, port, staticDir, allowedPaths: values['allow-path'], publicHosts: values['public-host'] });
  } catch (err) {
    await studio.close();
    throw err;
  }
  const paths = server.allowedPaths;
  if (values.json) {
    io.out(JSON.stringify({ url: server.url, openUrl: server.openUrl, port: server.port, db: studio.dbPath, dataDir: studio.dataDir, allowedPaths: paths, token: token.source }));
  } else {
    io.out(
      [
        `S2Cap Studio ${STUDIO_VERSION} — library ${studio.dbPath}`,
        `Open ${server.openUrl}`,
        token.source === 'kept' ? '(the library keeps this token across restarts; --new-token replaces it)' : `(token ${token.source === 'new' ? 'made' : 'set'} for this library, kept across restarts)`,
        paths.length ? `Server paths: files under ${paths.join(', ')} (--allow-path DIR to change)` : 'Server paths: none, uploads only (--allow-path DIR to allow a folder)',
        '(Ctrl+C to stop)',
      ].join('\n'),
    );
  }
  return {
    server,
    studio,
    async stop() {
      await server.close();
      await studio.close();
    },
  };
}

export async function cmdServe(argv: string[], io: CliIo, deps: ServeDeps): Promise<number> {
  const serving = await startServe(argv, io, deps);
  if (!serving) return 0;
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await serving.stop();
  return 0;
}

/** out/renderer of the checkout, built first when it is missing and can be built. */
async function rendererFor(root: string | undefined, io: CliIo): Promise<string | undefined> {
  const plan = root ? rendererPlan(root) : 'unavailable';
  if (!root || plan === 'unavailable') {
    io.err('s2cap: the browser app is not built (run `npm run build`); serving the API only');
    return undefined;
  }
  const dir = path.join(root, 'out', 'renderer');
  if (plan === 'ready') return dir;
  io.err('s2cap: building the browser app (out/renderer is missing; takes a few seconds)…');
  try {
    await buildRenderer(root);
    return dir;
  } catch (err) {
    io.err(`s2cap: ${describeFailure(err)}; serving the API only`);
    return undefined;
  }
}

