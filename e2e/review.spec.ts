// Review mode end to end (issue 10, item 4), in Chromium against a real `s2cap serve` with two
// server users: alice (annotator) approves, rita (reviewer) finds it in the queue's Review mode and
// sends it back with a note, alice sees the note, fixes the caption and approves again, rita accepts
// it with the keyboard (accept & next moves on to the next caption awaiting review), and the history
// keeps every step. Screenshots in e2e/artifacts.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { annotate, cliHistory, expectSegmentOpen, openLongTrack, s2cap, seedTrack, urlWithToken } from './annotatePage';
import { collectErrors } from './playerPage';
import { screenshotPath, serveTempLibrary, type Served } from './serve';

let served: Served;
test.use({ viewport: { width: 1440, height: 1000 } });
test.beforeEach(async () => {
  served = await serveTempLibrary();
});
test.afterEach(async () => served.stop());

async function session(browser: Browser, token: string) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await openLongTrack(page, urlWithToken(served, token));
  return { context, page, errors, a: annotate(page) };
}

const segmentRow = (page: Page, id: number) => page.locator(`[data-testid=segment-row][data-segment="${id}"]`);
const queueRow = (page: Page, id: number) => page.locator(`[data-testid=queue-row][data-segment-id="${id}"]`);

async function reviewQueue(page: Page, expected: number[]): Promise<void> {
  await page.getByTestId('nav-queue').click();
  await page.getByTestId('queue-review').check();
  await expect(page.getByTestId('queue-row')).toHaveCount(expected.length);
  for (const id of expected) await expect(queueRow(page, id)).toBeVisible();
}

test('a reviewer sends a caption back with a note, the annotator fixes it, the reviewer accepts it; the history keeps it all', async ({ browser, request }) => {
  test.setTimeout(180_000);
  const { segments } = await seedTrack(served, request, { spans: [[0, 8], [8, 16]], suggest: false });
  const [s1, s2] = segments.map((s) => s.id) as [number, number];
  const aliceToken = s2cap(served, 'users', 'add', 'alice').trim();
  const ritaToken = s2cap(served, 'users', 'add', 'rita', '--role', 'reviewer').trim();
  const alice = await session(browser, aliceToken);
  const rita = await session(browser, ritaToken);

  // Alice captions both segments with approve & next. An annotator gets no review buttons.
  const first = 'A soprano sings softly over a slow piano.';
  const second = 'A bright soprano holds a long high note.';
  await segmentRow(alice.page, s1).click();
  await expectSegmentOpen(alice.page, s1);
  await alice.a.editor.fill(first);
  await alice.page.getByTestId('approve-next').click();
  await expectSegmentOpen(alice.page, s2);
  await alice.a.editor.fill(second);
  await alice.page.getByTestId('approve-next').click();
  await expect(alice.page.getByTestId('notice')).toContainText('That was the last segment');
  await expect.poll(() => cliHistory(served, s2).map((r) => r.status)).toEqual(['approved']);
  await expect(alice.page.getByTestId('review-bar')).toHaveCount(0);

  // Rita's Review queue lists both; she opens the first and sends it back with a note.
  await reviewQueue(rita.page, [s1, s2]);
  await rita.page.screenshot({ path: screenshotPath('review-queue'), fullPage: true });
  await queueRow(rita.page, s1).click();
  await expectSegmentOpen(rita.page, s1);
  const bar = rita.page.getByTestId('review-bar');
  await expect(bar).toContainText('Approved by alice');
  await expect(rita.a.editor).toHaveValue(first);
  await rita.page.getByTestId('review-send-back').click();
  await expect(rita.page.getByTestId('send-back-confirm')).toBeDisabled(); // a note is required
  const note = 'Name the genre: it is an opera aria, not a piano ballad.';
  await rita.page.getByTestId('send-back-note').fill(note);
  await rita.page.getByTestId('send-back-confirm').click();
  await expect(rita.page.getByTestId('review-sent-back')).toContainText(note);
  await expect(bar).toHaveCount(0);
  await expect(rita.a.state).toHaveText('draft');

  // Alice sees the note, prominently, on the caption that is hers to fix again.
  await segmentRow(alice.page, s1).click();
  await expectSegmentOpen(alice.page, s1);
  const sentBack = alice.page.getByTestId('review-sent-back');
  await expect(sentBack).toContainText('Sent back by rita');
  await expect(alice.page.getByTestId('review-note')).toHaveText(note);
  await expect(alice.a.state).toHaveText('draft');
  await expect(alice.a.saveStatus).toHaveText('Sent back by rita: a draft again');
  await expect(alice.a.editor).toHaveValue(first);
  await alice.page.screenshot({ path: screenshotPath('review-sent-back-annotator'), fullPage: true });
  const fixed = 'A soprano sings an opera aria softly over a slow piano.';
  await alice.a.editor.fill(fixed);
  await alice.page.getByTestId('approve-next').click();
  await expectSegmentOpen(alice.page, s2);
  await expect.poll(() => cliHistory(served, s1).length).toBe(3);

  // Rita: both await review again. Accept & next from the keyboard moves to the next one.
  await reviewQueue(rita.page, [s1, s2]);
  await queueRow(rita.page, s1).click();
  await expectSegmentOpen(rita.page, s1);
  await expect(bar).toContainText('Approved by alice');
  await expect(rita.a.editor).toHaveValue(fixed);
  await rita.page.screenshot({ path: screenshotPath('review-reviewer-bar'), fullPage: true });
  await rita.page.keyboard.press('Control+Shift+Enter');
  await expectSegmentOpen(rita.page, s2);
  await expect(bar).toContainText('Approved by alice');
  await expect(rita.a.editor).toHaveValue(second);
  await expect.poll(() => cliHistory(served, s1).at(-1)?.review).toBe('accepted');
  await rita.page.getByTestId('review-accept').click();
  await expect(rita.page.getByTestId('review-accepted')).toContainText('Accepted by rita');
  await expect(rita.page.getByTestId('notice')).toContainText('That was the last segment');

  // The cheat sheet lists the review shortcuts.
  await rita.page.keyboard.press('?');
  await expect(rita.page.getByTestId('shortcut-acceptReview')).toContainText('Ctrl+Shift+Enter');
  await expect(rita.page.getByTestId('shortcut-sendBack')).toContainText('Ctrl+Shift+Backspace');
  await rita.page.screenshot({ path: screenshotPath('review-cheat-sheet') });
  await rita.page.getByTestId('cheat-sheet-close').click();

  // The history of the first segment: approved, sent back with the note, approved again, accepted.
  await segmentRow(rita.page, s1).click();
  await expectSegmentOpen(rita.page, s1);
  await expect(rita.page.getByTestId('review-accepted')).toContainText('Accepted by rita');
  await rita.page.getByTestId('toggle-history').click();
  const history = rita.page.getByTestId('history');
  await expect(history.getByTestId('history-author')).toHaveText(['rita', 'alice', 'rita', 'alice']);
  await expect(history.getByTestId('history-status')).toHaveText(['approved', 'approved', 'draft', 'approved']);
  await expect(history.getByTestId('history-row').nth(0)).toContainText('review: accepted');
  await expect(history.getByTestId('history-row').nth(2)).toContainText('review: sent back');
  await expect(history.getByTestId('history-row').nth(2)).toContainText(note);
  await rita.page.screenshot({ path: screenshotPath('review-history'), fullPage: true });
  expect(cliHistory(served, s1).map((r) => [r.author, r.status, r.review, r.text, r.note])).toEqual([
    ['alice', 'approved', 'pending', first, null],
    ['rita', 'draft', 'sentBack', first, note],
    ['alice', 'approved', 'pending', fixed, null],
    ['rita', 'approved', 'accepted', fixed, null],
  ]);
  await reviewQueue(rita.page, []);

  // Alice sees it accepted.
  await segmentRow(alice.page, s1).click();
  await expectSegmentOpen(alice.page, s1);
  await expect(alice.page.getByTestId('review-accepted')).toContainText('Accepted by rita');
  await expect(alice.a.saveStatus).toHaveText('Approved, accepted by rita');
  await alice.page.screenshot({ path: screenshotPath('review-accepted-annotator'), fullPage: true });

  expect(alice.errors).toEqual([]);
  expect(rita.errors).toEqual([]);
  for (const s of [alice, rita]) await s.context.close();
});
