// Fills a library with N tracks' rows before a test starts the studio on it (e2e: the library
// list with thousands of tracks). Usage: node --import tsx bench/seedLibrary.ts <db> <count>
import { openStore } from '../src/core/store/store';
import { seedTracks } from '../src/core/testing/seedTracks';

const [target, countArg] = process.argv.slice(2);
const count = Number(countArg);
if (!target || !Number.isInteger(count) || count < 1) {
  console.error('usage: seedLibrary.ts <library file or postgres:// URL> <count>');
  process.exit(2);
}
const store = await openStore(target);
try {
  await seedTracks(store, count);
} finally {
  await store.close();
}
