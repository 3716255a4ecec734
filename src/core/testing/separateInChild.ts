// Test helper script, run in a child process (`node --import tsx separateInChild.ts DB TRACK`):
// opens a library, starts a separation of one track and prints every job update as a JSON line,
// so a test can kill -9 this process at a chosen moment of the job (see jobs/reseparation.test.ts).
import { createStudio } from '../studio';

const [dbPath, trackId] = process.argv.slice(2);
if (!dbPath || !trackId) throw new Error('usage: separateInChild.ts DB TRACK_ID');
const studio = createStudio({ dbPath });
studio.on('jobUpdated', (j) => process.stdout.write(`${JSON.stringify({ id: j.id, status: j.status, progress: j.progress })}\n`));
await studio.startSeparation({ trackId: Number(trackId) });
