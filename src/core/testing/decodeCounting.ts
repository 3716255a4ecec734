// Test helper shared by the export tests that count decoder passes per file (export/audioClips.test.ts,
// export/audiofolder.test.ts). vitest hoists vi.mock above the imports, so the mock itself stays in
// each test file; its factory loads this module with `await import` and wraps the real module here:
//   vi.mock('../audio/decode', async (original) => (await import('../testing/decodeCounting')).countingDecode(await original()));
// It imports the decoder's types only, so loading it from inside that factory is not circular.
import { vi } from 'vitest';
import type * as Decode from '../audio/decode';

/** The decode module with decodeFileChunks wrapped in a vi.fn that calls through. */
export function countingDecode(mod: typeof Decode): typeof Decode {
  return { ...mod, decodeFileChunks: vi.fn(mod.decodeFileChunks) };
}

/** The files decodeFileChunks was called on so far, in order (pass the mocked module). */
export function decodeCallsOf(mod: typeof Decode): string[] {
  return vi.mocked(mod.decodeFileChunks).mock.calls.map((c) => c[0]);
}
