// Worker bootstrap used when running from source (tsx, vitest): loads the TypeScript worker
// through tsx. Bundled builds start dspWorker.js directly.
import { tsImport } from 'tsx/esm/api';

await tsImport('./dspWorker.ts', import.meta.url);
