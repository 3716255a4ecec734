// Test helper run as a child process (export tests): opens a library and starts an export whose
// writer writes one file into the temporary folder, prints "writing <folder>" and then never
// finishes, so the test can kill -9 the process mid-export and check what the next export makes of
// the temporary folder it left. argv: library, out.
import fs from 'node:fs';
import path from 'node:path';
import { runExport } from '../export/runExport';
import { openStore } from '../store/store';

const [target, out] = process.argv.slice(2) as [string, string];
const store = await openStore(target);
await runExport(store, { format: 'jsonl', out }, {
  writer: {
    async write(dir) {
      fs.writeFileSync(path.join(dir, 'data.jsonl'), '{"partial":true}\n');
      process.stdout.write(`writing ${dir}\n`);
      await new Promise(() => {}); // until killed
    },
  },
});
