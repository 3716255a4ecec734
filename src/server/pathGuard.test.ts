// Path confinement on a real file tree: links in and out, missing paths, the defaults per bind
// address, and the PATH_ARGS table against the schemas (every path field is confined).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { PATH_ARGS } from '../core/api/pathArgs';
import { commandSchemas, filePath, packOrFolder } from '../core/api/schemas';
import { tempDir } from '../core/testing/tmp';
import { COMMAND_NAMES } from '../shared/api';
import { defaultAllowedPaths, isLoopbackHost, PathConfinement } from './pathGuard';

let tmp: ReturnType<typeof tempDir>;
let allowed: string;
let outside: string;
beforeEach(() => {
  tmp = tempDir();
  allowed = path.join(tmp.dir, 'allowed');
  outside = path.join(tmp.dir, 'outside');
  fs.mkdirSync(path.join(allowed, 'music'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(allowed, 'music', 'a.wav'), 'x');
  fs.writeFileSync(path.join(outside, 'secret.wav'), 'x', { mode: 0o600 });
  fs.symlinkSync(outside, path.join(allowed, 'door'));
  fs.symlinkSync(path.join(outside, 'secret.wav'), path.join(allowed, 'music', 'linked.wav'));
  fs.symlinkSync(path.join(allowed, 'music', 'a.wav'), path.join(allowed, 'music', 'inside-link.wav'));
});
afterEach(() => tmp.cleanup());

describe('PathConfinement', () => {
  it('allows files and missing names inside, refuses outside, through links, relative and dot-dot paths', async () => {
    const c = await PathConfinement.create([allowed]);
    expect(await c.allows(path.join(allowed, 'music', 'a.wav'))).toBe(true);
    expect(await c.allows(allowed)).toBe(true);
    expect(await c.allows(path.join(allowed, 'music', 'inside-link.wav'))).toBe(true);
    // Missing inside: the command itself may say "not found".
    expect(await c.allows(path.join(allowed, 'music', 'nope.wav'))).toBe(true);
    for (const p of [
      path.join(outside, 'secret.wav'),
      path.join(outside, 'missing.wav'),
      path.join(allowed, 'music', 'linked.wav'),
      path.join(allowed, 'door', 'secret.wav'),
      path.join(allowed, 'door', 'missing.wav'),
      path.join(allowed, '..', 'outside', 'secret.wav'),
      `${allowed}-sibling/x.wav`,
      'music/a.wav',
      '/etc/passwd',
    ]) {
      expect(await c.allows(p), p).toBe(false);
    }
  });

  it('gives one refusal that does not depend on whether the path exists', async () => {
    const c = await PathConfinement.create([allowed]);
    const existing = await c.require(path.join(outside, 'secret.wav')).catch((e: Error) => e.message);
    const missing = await c.require(path.join(outside, 'missing.wav')).catch((e: Error) => e.message);
    expect(existing).toBe(`${path.join(outside, 'secret.wav')}: ${c.refusal}`);
    expect(missing).toBe(`${path.join(outside, 'missing.wav')}: ${c.refusal}`);
  });

  it('refuses every path when no folder is allowed, and an allowed folder that is not one', async () => {
    const none = await PathConfinement.create([]);
    expect(await none.allows(path.join(allowed, 'music', 'a.wav'))).toBe(false);
    expect(none.refusal).toMatch(/upload/);
    await expect(PathConfinement.create([path.join(tmp.dir, 'nope')])).rejects.toThrow(/--allow-path .*nope: not a folder/);
  });

  it('defaults to the home folder on loopback and to nothing on other addresses', () => {
    for (const h of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3']) {
      expect(isLoopbackHost(h), h).toBe(true);
      expect(defaultAllowedPaths(h)).toEqual([os.homedir()]);
    }
    for (const h of ['0.0.0.0', '::', '192.168.1.5', 'example.org']) expect(defaultAllowedPaths(h), h).toEqual([]);
  });
});

describe('PATH_ARGS', () => {
  /** Fields of a command schema built on filePath / packOrFolder (directly, optional or in an array). */
  function pathFields(schema: z.ZodType): Record<string, string> {
    const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
    const out: Record<string, string> = {};
    for (const [field, s] of Object.entries(shape)) {
      let inner = s as z.ZodType & { unwrap?: () => z.ZodType; element?: z.ZodType };
      const list = inner.element !== undefined;
      if (list) inner = inner.element as typeof inner;
      if (inner.unwrap && inner !== filePath && inner !== packOrFolder) inner = inner.unwrap() as typeof inner;
      if (inner === filePath) out[field] = list ? 'paths' : 'path';
      else if (inner === packOrFolder) out[field] = 'packOrFolder';
    }
    return out;
  }

  it('lists exactly the path fields of every command schema', () => {
    for (const name of COMMAND_NAMES) expect(PATH_ARGS[name], name).toEqual(pathFields(commandSchemas[name]));
    expect(PATH_ARGS.importPaths).toEqual({ paths: 'paths' });
    expect(PATH_ARGS.startCaptioning).toEqual({ pack: 'packOrFolder' });
  });
});
