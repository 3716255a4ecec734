// The annotation workflow's safety nets end to end (issue 10, item 9), in Chromium against a real
// `s2cap serve`: two server users in two browser sessions on the same segment (the second save is
// refused and merged, nobody's text overwritten; also when the second one's typing was already
// autosaved, and after a reload), and a server killed with SIGKILL one second after
// typing (the typed text comes back as the annotator's draft). The main walk-through is in
// annotate.spec.ts.
import { expect, test, type Browser } from '@playwright/test';
import { annotate, cliHistory, expectSegmentOpen, openLongTrack, s2cap, seedTrack, urlWithToken } from './annotatePage';
import { collectErrors } from './playerPage';
import { screenshotPath, serveTempLibrary, type Served } from './serve';

let served: Served;
test.use({ viewport: { width: 1440, height: 1000 } });
test.beforeEach(async () => {
  served = await serveTempLibrary();
});
test.afterEach(async () => served.stop());

/** Server users alice and bob (bob a reviewer), each in a browser session with segment `seg` open. */
async function aliceAndBob(browser: Browser, seg: number) {
  // Accounts made with the CLI on the served library; the server sees them from the next request on.
  const alice = s2cap(served, 'users', 'add', 'alice').trim();
  const bob = s2cap(served, 'users', 'add', 'bob', '--role', 'reviewer').trim();
  expect(alice).toMatch(/^[A-Za-z0-9_-]{32}$/);
  const sessions = [];
  for (const [who, token] of [['alice', alice], ['bob', bob]] as const) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    await openLongTrack(page, urlWithToken(served, token));
    await expect(page.getByTestId('annotator-current')).toHaveText(who); // named by the token, never asked
    await expect(page.getByTestId('annotator-change')).toHaveCount(0);
    await page.getByTestId('segment-row').first().click();
    await expectSegmentOpen(page, seg);
    sessions.push({ context, page, a: annotate(page) });
  }
  return sessions as [(typeof sessions)[0], (typeof sessions)[0]];
}

test('two users on one segment: the later save is refused, merged, and the history names both', async ({ browser, request }) => {
  test.setTimeout(120_000);
  const { segments } = await seedTrack(served, request, { spans: [[0, 8]] });
  const seg = segments[0]!.id;
  const sessions = await aliceAndBob(browser, seg);
  const [A, B] = sessions;
  const suggested = (await A.a.suggestion.textContent())!.trim();
  await expect(B.a.editor).toHaveValue(suggested);
  await expect(B.page.getByTestId('annotator-current').locator('..')).toContainText('(reviewer)');

  // Bob is typing when Alice approves her version.
  const bobText = 'A low male voice, close and breathy, over a slow opera track.';
  await B.a.editor.fill('');
  const typing = B.a.editor.pressSequentially(bobText, { delay: 60 });
  await expect(B.a.editor).toHaveValue(/^A low/);
  const aliceText = 'A soprano with a bright, clear voice sings softly over a slow opera track.';
  await A.a.editor.fill(aliceText);
  await A.page.getByTestId('approve-next').click();
  await expect(A.a.saveStatus).toHaveText('Saved as approved by alice');
  await typing;
  await expect(B.a.editor).toHaveValue(bobText); // nothing of Bob's was replaced under his hands
  await expect(B.page.getByTestId('remote-change')).toContainText('alice saved a new version of this caption');

  // Bob's save names the revision he started from: refused, and both texts are shown to merge.
  await B.page.getByTestId('approve-next').click();
  const merge = B.page.getByTestId('merge-view');
  await expect(merge).toBeVisible();
  await expect(merge.getByTestId('merge-theirs')).toContainText('alice');
  await expect(merge.getByTestId('merge-theirs')).toContainText(aliceText);
  await expect(merge.getByTestId('merge-mine')).toContainText(bobText);
  await expect(B.a.editor).toHaveValue(bobText);
  await expect(B.page.getByTestId('remote-change')).toHaveCount(0); // the merge view says it now
  await expect(B.a.saveStatus).toHaveText("Your edits are not saved: merge them with alice's version, then save");
  expect(cliHistory(served, seg).map((r) => [r.author, r.text])).toEqual([['alice', aliceText]]); // Bob's was not written
  await B.page.screenshot({ path: screenshotPath('annotate-merge-view'), fullPage: true });

  // Bob merges by hand and saves on top of Alice's revision.
  const merged = 'A soprano with a bright, close and breathy voice sings softly over a slow opera track.';
  await B.a.editor.fill(merged);
  await expect(B.page.getByTestId('merge-diff')).toContainText('close and breathy');
  await B.page.getByTestId('merge-save').click();
  await expect(merge).toHaveCount(0);
  await expect(B.a.saveStatus).toHaveText('Saved as approved by bob');
  const revs = cliHistory(served, seg);
  expect(revs.map((r) => [r.author, r.status, r.text])).toEqual([
    ['alice', 'approved', aliceText],
    ['bob', 'approved', merged],
  ]);
  expect(revs[1]!.parentId).toBe(revs[0]!.id);

  // Both see the history with both authors; Alice's open editor follows Bob's save.
  for (const s of [A, B]) {
    await s.page.getByTestId('toggle-history').click();
    await expect(s.page.getByTestId('history-author')).toHaveText(['bob', 'alice']);
  }
  await expect(A.a.editor).toHaveValue(merged);
  await A.page.screenshot({ path: screenshotPath('annotate-two-users-history'), fullPage: true });
  for (const s of sessions) await s.context.close();
});

test("a save by someone else after the autosave landed keeps the typing, and a reload shows both to merge", async ({ browser, request }) => {
  test.setTimeout(120_000);
  const { segments } = await seedTrack(served, request, { spans: [[0, 8]] });
  const seg = segments[0]!.id;
  const sessions = await aliceAndBob(browser, seg);
  const [A, B] = sessions;

  // Bob types, then pauses long enough for the autosave to write his draft.
  const bobText = 'A low male voice, close and breathy, over a slow opera track.';
  await B.a.editor.fill(bobText);
  await B.page.waitForTimeout(1500);
  await expect(B.a.saveStatus).toHaveText('Your draft (not yet saved as a revision)');
  const aliceText = 'A soprano with a bright, clear voice sings softly over a slow opera track.';
  await A.a.editor.fill(aliceText);
  await A.page.getByTestId('approve-next').click();
  await expect(A.a.saveStatus).toHaveText('Saved as approved by alice');

  // Bob's text stays in his editor, with word of Alice's save.
  await expect(B.page.getByTestId('remote-change')).toContainText('alice saved a new version of this caption');
  await expect(B.a.editor).toHaveValue(bobText);
  await expect(B.a.saveStatus).toHaveText('Your draft (not yet saved as a revision)');

  // Reopened from scratch: his draft, started before Alice's head, comes back as the merge.
  await B.page.reload();
  await expect(B.page.locator('[data-testid=waveform][data-ready=true]')).toHaveCount(1, { timeout: 30_000 });
  await B.page.getByTestId('segment-row').first().click();
  await expectSegmentOpen(B.page, seg);
  const merge = B.page.getByTestId('merge-view');
  await expect(merge).toBeVisible();
  await expect(merge.getByTestId('merge-theirs')).toContainText(aliceText);
  await expect(merge.getByTestId('merge-mine')).toContainText(bobText);
  await expect(B.a.editor).toHaveValue(bobText);
  await expect(B.a.saveStatus).toHaveText("Your edits are not saved: merge them with alice's version, then save");
  await B.page.screenshot({ path: screenshotPath('annotate-merge-after-reload'), fullPage: true });

  // His version goes on top of Alice's: both are in the history.
  await B.page.getByTestId('merge-save').click();
  await expect(merge).toHaveCount(0);
  await expect(B.a.saveStatus).toHaveText('Saved as approved by bob');
  const revs = cliHistory(served, seg);
  expect(revs.map((r) => [r.author, r.text])).toEqual([
    ['alice', aliceText],
    ['bob', bobText],
  ]);
  expect(revs[1]!.parentId).toBe(revs[0]!.id);
  for (const s of sessions) await s.context.close();
});

test('a server killed one second after typing keeps what was typed, as the annotator\'s draft', async ({ page, request }) => {
  test.setTimeout(120_000);
  const { segments } = await seedTrack(served, request, { spans: [[0, 8], [8, 16]], name: 'crash-e2e' });
  const seg = segments[1]!.id;
  await openLongTrack(page, served.openUrl);
  const row = page.locator(`[data-testid=segment-row][data-segment="${seg}"]`);
  await row.click();
  await expectSegmentOpen(page, seg);
  const a = annotate(page);
  const suggested = (await a.suggestion.textContent())!.trim();
  await expect(a.editor).toHaveValue(suggested);

  await a.editor.click();
  await page.keyboard.press('End');
  const typed = ' Typed one second before the crash.';
  await page.keyboard.type(typed);
  await expect(a.editor).toHaveValue(suggested + typed);
  await page.waitForTimeout(1000);
  await served.kill('SIGKILL');
  await served.restart();

  // Errors are the reloaded page's: the old page, whose server just died, may still log a
  // reconnect attempt that was refused before the restarted server listened.
  await page.reload();
  const errors = collectErrors(page);
  await expect(page.locator('[data-testid=waveform][data-ready=true]')).toHaveCount(1, { timeout: 30_000 });
  await row.click();
  await expectSegmentOpen(page, seg);
  await expect(a.editor).toHaveValue(suggested + typed);
  await expect(a.saveStatus).toHaveText('Your draft (not yet saved as a revision)');
  await page.screenshot({ path: screenshotPath('annotate-draft-after-crash'), fullPage: true });
  expect(cliHistory(served, seg)).toEqual([]); // it came back as a draft: no revision was written for it
  // The draft is saved as a revision like any edit.
  await page.getByTestId('save-draft').click();
  await expect(a.saveStatus).toHaveText('Saved as draft by crash-e2e');
  expect(cliHistory(served, seg).map((r) => r.text)).toEqual([suggested + typed]);
  expect(errors).toEqual([]);
});
