// Crash safety of autosave (issue 10): a studio process autosaves a caption draft and is killed
// with SIGKILL straight after (no shutdown, no flush); the library opened again still has the
// draft, because saveDraft returns only once its statement is committed. Every back end.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANNOTATOR_NAME_SETTING } from '../annotator';
import { startChildStudio } from '../testing/childStudio';
import { trackRow } from '../testing/rowStudios';
import { testStores } from '../testing/testStores';
import { tempDir } from '../testing/tmp';

const backends = testStores();
const tmp = tempDir();
afterAll(tmp.cleanup);

describe.each(backends)('a draft survives SIGKILL ($name)', (backend) => {
  it('shows the draft after the process that saved it was killed', async () => {
    const { store, target } = await backend.open();
    const t = await store.tracks.insert(trackRow(1));
    const seg = await store.segments.insert(t.id, 0, 10);
    await store.settings.set(ANNOTATOR_NAME_SETTING, 'ann');
    const text = 'A breathy alto over a slow piano, the last words typed';
    const child = startChildStudio({
      target,
      dataDir: path.join(tmp.dir, `data-${backend.name}`),
      runJobs: false,
      saveDraft: { segmentId: seg.id, text, attributes: { gender: 'female' }, baseRevisionId: null, secondsSpent: 7 },
    });
    await child.ready;
    expect(await child.kill()).toBe('SIGKILL');
    const again = await backend.reopen(target);
    expect(await again.captions.getDraft(seg.id, 'ann')).toMatchObject({ text, attributes: { gender: 'female' }, secondsSpent: 7, baseRevisionId: null });
  }, 60_000);
});
