// The studio's version, from package.json (bundled at build time, read as-is under tsx/vitest).
import pkg from '../../package.json';

export const STUDIO_VERSION: string = pkg.version;
