// Confines the server paths a browser client may name (issue: a token holder could import any
// file the server user can read, walk /usr/share, probe which paths exist). Commands run through
// the HTTP transport have their path fields (core/api/pathArgs.ts) checked against the allowed
// folders before core sees them, and run inside a PathScope so folder walks follow links only into
// those folders. Every refusal reads the same whether the path exists, is missing, is unreadable
// or leads outside through a link. The desktop app and the CLI do not use this.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DispatchGuard } from '../core/api/dispatch';
import { pathFieldsOf } from '../core/api/pathArgs';
import { runInPathScope, type PathScope } from '../core/pathScope';
import type { CommandName, StudioApi } from '../shared/api';
import { StudioError } from '../shared/errors';

interface Root {
  /** As given, made absolute and normalised. */
  lexical: string;
  /** With every link resolved. */
  real: string;
}

/** Whether a host to bind is loopback-only (then the user's home folder is allowed by default). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The folders allowed when `--allow-path` is not given: home on loopback, none otherwise. */
export function defaultAllowedPaths(host: string): string[] {
  return isLoopbackHost(host) ? [os.homedir()] : [];
}

function within(p: string, root: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** The real path of `p`, or of its deepest existing ancestor when `p` itself cannot be resolved. */
async function realOrAncestor(p: string): Promise<string | null> {
  for (let cur = p; ; ) {
    try {
      return await fs.realpath(cur);
    } catch {
      const up = path.dirname(cur);
      if (up === cur) return null;
      cur = up;
    }
  }
}

export class PathConfinement implements PathScope {
  private constructor(private readonly roots: Root[]) {}

  /** Resolves the allowed folders once; each must be an existing folder. */
  static async create(dirs: readonly string[]): Promise<PathConfinement> {
    const roots: Root[] = [];
    for (const d of dirs) {
      const lexical = path.resolve(d);
      const st = await fs.stat(lexical).catch(() => null);
      if (!st?.isDirectory()) throw new StudioError('BAD_REQUEST', `--allow-path ${d}: not a folder`);
      roots.push({ lexical, real: await fs.realpath(lexical) });
    }
    return new PathConfinement(roots);
  }

  get folders(): string[] {
    return this.roots.map((r) => r.lexical);
  }

  get refusal(): string {
    return this.roots.length
      ? 'not inside a folder this server allows (s2cap serve --allow-path DIR)'
      : 'this server takes no paths on its machine (start it with --allow-path DIR, or upload files)';
  }

  /**
   * Lexical check first (an absolute path under an allowed folder), then the same check on the
   * real path, so a link inside an allowed folder cannot lead out. A path that does not exist is
   * judged by its deepest existing ancestor: inside, the command may say "not found"; outside,
   * the answer is the same refusal as for an existing file.
   */
  async allows(p: string): Promise<boolean> {
    if (!path.isAbsolute(p)) return false;
    const lex = path.resolve(p);
    if (!this.roots.some((r) => within(lex, r.lexical) || within(lex, r.real))) return false;
    const real = await realOrAncestor(lex);
    return real !== null && this.roots.some((r) => within(real, r.real));
  }

  /** Throws the one refusal for a path outside the allowed folders. */
  async require(p: string): Promise<void> {
    if (!(await this.allows(p))) throw new StudioError('FORBIDDEN', `${p}: ${this.refusal}`);
  }
}

/** The dispatch guard of the HTTP transport: path fields checked, then the command run in scope. */
export function pathGuard(api: StudioApi, confinement: PathConfinement): DispatchGuard {
  return {
    async check(name: CommandName, input: unknown) {
      for (const { kind, values } of pathFieldsOf(name, input)) {
        for (const v of values) {
          // An installed pack is named by NAME@VERSION; anything else is a folder on this machine.
          if (kind === 'packOrFolder' && (await api.listPacks()).some((p) => p.id === v)) continue;
          await confinement.require(v);
        }
      }
    },
    run: (fn) => runInPathScope(confinement, fn),
  };
}
