// Test helper script, run in a child process (`node --import tsx separateInChild.ts DB TRACK
// [TIMING_JSON]`): opens a library, starts a separation of one track and prints every job update
// as a JSON line, so a test can kill -9 this process at a chosen moment of the job, or open the
// library in a second process meanwhile (see jobs/reseparation.test.ts, jobs/twoProcesses.test.ts).
// TIMING_JSON sets the job runner's heartbeat/lapse/poll intervals (jobs/jobOwner JobTiming).
import { createStudio } from '../studio';

const [dbPath, trackId, timing] = process.argv.slice(2);
if (!dbPath || !trackId) throw new Error('usage: separateInChild.ts DB TRACK_ID [TIMING_JSON]');
const studio = await createStudio({ dbPath, jobTiming: timing ? JSON.parse(timing) : undefined });
studio.on('jobUpdated', (j) => process.stdout.write(`${JSON.stringify({ id: j.id, status: j.status, progress: j.progress })}\n`));
await studio.startSeparation({ trackId: Number(trackId) });
