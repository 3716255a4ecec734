// The payload fields that name a path on the studio's machine, as zod schemas of their own so that
// every schema table (schemas.ts and the ones it spreads) uses the same objects: pathGuard.test.ts
// finds path fields by these identities and checks them against pathArgs.ts.
import { z } from 'zod';

/** A path on the studio's machine (confined by the server: see pathArgs.ts). */
export const filePath = z.string().min(1).max(4096);
/** An installed pack's NAME@VERSION or a pack folder on the studio's machine (confined like filePath). */
export const packOrFolder = z.string().min(1).max(4096);
