// One of the two processes of the store benchmark's job-claim race (bench/store.ts): opens the
// library, says "ready", waits for "go" on stdin, then claims queued jobs one by one (marking each
// done) until none is left, and prints the ids it claimed as one JSON line.
import readline from 'node:readline';
import { openStore } from '../src/core/store/store';

const [target, owner] = process.argv.slice(2);
if (!target || !owner) throw new Error('usage: storeClaimChild.ts <library> <owner>');
const store = await openStore(target);
process.stdout.write('ready\n');
const stdin = readline.createInterface({ input: process.stdin });
await new Promise<void>((resolve) => stdin.once('line', () => resolve()));
stdin.close();
const claimed: string[] = [];
for (;;) {
  const job = await store.jobs.claimNext(owner, Date.now());
  if (!job) break;
  claimed.push(job.id);
  await store.jobs.updateIf(job.id, 'running', { status: 'done', progress: 1 }, owner);
}
process.stdout.write(`${JSON.stringify(claimed)}\n`);
await store.close();
