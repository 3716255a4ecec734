// Test helper run as its own process (`node --import tsx importFolderChild.ts DB PATH…`): imports
// paths into a library as a second studio or a CLI would, and prints a one-line JSON summary
// (content hashes imported, duplicates, failures with reasons) for a test to combine.
import { importPaths } from '../library/importer';
import { openStore } from '../store/store';

const [dbFile, ...paths] = process.argv.slice(2);
const store = await openStore(dbFile!);
const report = await importPaths(store, paths);
await store.close();
process.stdout.write(
  `${JSON.stringify({
    imported: report.imported.map((t) => t.sha256),
    relinked: report.relinked.map((t) => t.sha256),
    duplicates: report.duplicates.map((d) => d.track.sha256),
    failed: report.failed.map((f) => `${f.name}: ${f.reason}`),
  })}\n`,
);
