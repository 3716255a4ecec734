// The measured evidence in the UI end to end (issue 12, item 2), in Chromium against a real
// `s2cap serve`: a synthetic stereo song made with ffmpeg (a centred harmonic "voice" with 5.5 Hz
// vibrato in four phrases, clicks at 150 BPM panned left) is separated with the built-in
// separator; the track view draws the pitch contour over the vocal lane, beat markers and the
// loudness curve over the mix, and the proposed segments as ghosts; the proposal shortcut adds
// one; the built-in suggester's attributes are listed with units and categories; a caption that
// says "slow" over the 150 BPM measurement is flagged as the annotator types, and a model's
// suggestion (a Label Studio prediction imported with `s2cap dataset import`) saying "slow" and
// "quiet" has those words highlighted.
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TrackAnalysis } from '../src/shared/attributes';
import type { TrackDetail } from '../src/shared/types';
import { annotate, s2cap } from './annotatePage';
import { collectErrors, importCopy, rpc } from './playerPage';
import { screenshotPath, serveTempLibrary, type Served } from './serve';

const TITLE = 'Evidence Song';
const DURATION = 40;
const BPM = 150;

/** The song: four sung phrases (A3, C4, E4, G3; louder, then softer) over a 150 BPM click, 40 s of 44.1 kHz stereo. */
function makeSong(dir: string): string {
  const out = path.join(dir, 'evidence-song.wav');
  const f = 'if(between(t,1,9),220,if(between(t,10,18),262,if(between(t,19,27),330,if(between(t,28,37),196,0))))';
  const a = 'if(between(t,1,9),0.22,if(between(t,10,18),0.3,if(between(t,19,27),0.38,if(between(t,28,37),0.26,0))))';
  const phase = `2*PI*${f}*t-${f}*0.0204/5.5*cos(2*PI*5.5*t)`; // ±35 cents of vibrato at 5.5 Hz
  const voice = `${a}*(sin(${phase})+0.5*sin(2*(${phase}))+0.33*sin(3*(${phase}))+0.25*sin(4*(${phase}))+0.2*sin(5*(${phase})))`;
  const beat = 60 / BPM;
  const click = `0.55*exp(-90*mod(t,${beat}))*sin(2*PI*1800*t)+0.5*exp(-25*mod(t,${beat}))*sin(2*PI*70*t)`;
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `aevalsrc=exprs='${voice}+0.9*(${click})|${voice}+0.25*(${click})':s=44100:d=${DURATION}`, '-metadata', `title=${TITLE}`, '-c:a', 'pcm_s16le', out]);
  return out;
}

const num = async (page: Page, testid: string, attr: string, lane = 'mix') => Number(await page.getByTestId(`lane-${lane}`).getByTestId(testid).getAttribute(attr));

let served: Served;
test.use({ viewport: { width: 1440, height: 1100 } });
test.beforeEach(async () => {
  served = await serveTempLibrary();
});
test.afterEach(async () => served.stop());

test('pitch contour, beats and loudness on the lanes; a proposal added by key; attributes listed; a contradiction flagged', async ({ page, request }) => {
  test.setTimeout(180_000);
  const errors = collectErrors(page);
  const trackId = await importCopy(served, request, makeSong(served.dir));
  await rpc(served, request, 'setAnnotatorName', { name: 'eve-e2e' });
  await page.goto(served.openUrl);
  await page.getByTestId('track-row').filter({ hasText: TITLE }).click();
  await expect(page.locator('[data-testid=waveform][data-ready=true]')).toHaveCount(1, { timeout: 30_000 });

  // Before separation the pitch contour is the mix's, drawn over the mix lane.
  const mix = page.getByTestId('lane-mix');
  await expect(mix.getByTestId('evidence-pitch')).toHaveAttribute('data-source', 'mix', { timeout: 60_000 });

  await page.getByTestId('separate').click();
  await expect(page.getByTestId('job').first()).toContainText('stems by the built-in separator', { timeout: 60_000 });
  await expect(page.locator('[data-testid=waveform][data-ready=true]')).toHaveCount(3, { timeout: 30_000 });

  // The stems changed: the contour moves to the vocal lane; beats and loudness stay on the mix.
  const vocals = page.getByTestId('lane-vocals');
  const pitch = vocals.getByTestId('evidence-pitch');
  await expect(pitch).toHaveAttribute('data-source', 'vocals', { timeout: 60_000 });
  await expect(mix.getByTestId('evidence-pitch')).toHaveCount(0);
  await expect(vocals.getByTestId('evidence-beats')).toHaveCount(0);
  const analysis = await rpc<TrackAnalysis>(served, request, 'getAnalysis', { trackId });
  await expect.poll(() => num(page, 'evidence-pitch', 'data-points', 'vocals')).toBeGreaterThan(300);
  // About 32 s of the 40 are sung: most of the lane's width carries the contour, and its median sits at the sung notes.
  const voiced = analysis.pitch.values.filter((f): f is number => f !== null).sort((x, y) => x - y);
  expect(voiced.length * analysis.pitch.hopSec).toBeGreaterThan(25);
  expect(voiced[Math.floor(voiced.length / 2)]!).toBeGreaterThan(200);
  expect(voiced[Math.floor(voiced.length / 2)]!).toBeLessThan(340);

  const beats = mix.getByTestId('evidence-beats');
  const count = Number(await beats.getAttribute('data-count'));
  expect(count).toBeGreaterThanOrEqual(Math.floor(DURATION * (BPM / 60) * 0.95));
  expect(count).toBeLessThanOrEqual(Math.ceil(DURATION * (BPM / 60) * 1.05));
  expect(await num(page, 'evidence-beats', 'data-in-view')).toBe(count); // the whole track fits the lane
  expect(Number(await beats.getAttribute('data-bpm'))).toBeCloseTo(BPM, -1);
  await expect(page.getByTestId('evidence-tempo')).toContainText(`${BPM} BPM`);
  await expect.poll(() => num(page, 'evidence-loudness', 'data-points')).toBeGreaterThan(200);

  // Proposed segments as ghosts on every lane, clickable on the mix's.
  expect(analysis.proposals.length).toBeGreaterThanOrEqual(2); // 32 s sung, at most 30 s a proposal
  await expect(mix.getByTestId('proposal-ghost')).toHaveCount(analysis.proposals.length);
  await expect(vocals.getByTestId('proposal-ghost')).toHaveCount(analysis.proposals.length);
  await expect(vocals.getByTestId('proposal-accept')).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('evidence-lanes'), fullPage: true });
  await page.locator('.lanes').screenshot({ path: screenshotPath('evidence-lanes-closeup') });

  // Zoomed in, only the beats in view are drawn, at the same times.
  await page.getByTestId('zoom-in').click();
  await page.getByTestId('zoom-in').click();
  await expect.poll(() => num(page, 'evidence-beats', 'data-in-view')).toBeLessThan(count / 2);
  await page.locator('.lanes').screenshot({ path: screenshotPath('evidence-lanes-zoomed') });
  await page.getByTestId('zoom-out').click();
  await page.getByTestId('zoom-out').click();
  await expect.poll(() => num(page, 'evidence-beats', 'data-in-view')).toBe(count);

  // The switch hides and shows it all.
  const toggle = page.getByTestId('evidence-toggle');
  await toggle.uncheck();
  await expect(page.getByTestId('evidence')).toHaveCount(0);
  await toggle.check();
  await expect(pitch).toBeVisible();

  // The proposal key adds the most vocal-dense proposal as a segment; its ghost goes.
  const best = [...analysis.proposals].sort((x, y) => y.vocalDensity - x.vocalDensity)[0]!;
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Shift+P');
  const rows = page.getByTestId('segment-row');
  await expect(rows).toHaveCount(1);
  const detail = await rpc<TrackDetail>(served, request, 'openTrack', { id: trackId });
  expect(detail.segments[0]).toMatchObject({ startSec: expect.closeTo(best.startSec, 1), endSec: expect.closeTo(best.endSec, 1) });
  await expect(mix.getByTestId('proposal-ghost')).toHaveCount(analysis.proposals.length - 1);
  // A click on a ghost's strip adds that one.
  await mix.getByTestId('proposal-accept').first().click();
  await expect(rows).toHaveCount(2);
  await expect(mix.getByTestId('proposal-ghost')).toHaveCount(analysis.proposals.length - 2);

  // The built-in suggester: the attributes beside the caption, with units, categories and confidence.
  await page.getByTestId('suggest').click();
  await expect(rows.getByTestId('suggestion')).toHaveCount(await rows.count(), { timeout: 60_000 });
  const edited = Number(await rows.first().getAttribute('data-segment'));
  await rows.first().click();
  const a = annotate(page);
  await expect(a.editor).toBeVisible();
  const tempo = a.panel.locator('[data-testid=measured-row][data-name=tempo]');
  await expect(tempo.getByTestId('measured-value')).toHaveText(/^1[45]\d BPM$/);
  await expect(tempo.getByTestId('measured-category')).toHaveText('fast');
  expect(Number(await tempo.getByTestId('measured-confidence').getAttribute('data-confidence'))).toBeGreaterThanOrEqual(0.6);
  await expect(a.panel.locator('[data-testid=measured-row][data-name=pitch]').getByTestId('measured-value')).toHaveText(/^\d+ Hz$/);
  await expect(a.panel.locator('[data-testid=measured-row][data-name=loudness]').getByTestId('measured-value')).toHaveText(/^−?\d+\.\d LUFS$/);
  // The suggester says what it measured: its own caption contradicts none of it.
  await expect(a.suggestion).toHaveAttribute('data-contradictions', '0');
  await expect(page.getByTestId('contradictions')).toHaveCount(0);

  // A caption saying "slow" over 150 BPM is flagged as it is typed, and the tempo row marked.
  await a.editor.fill('A slow song with a steady voice.');
  const flagged = page.getByTestId('contradiction');
  await expect(flagged).toHaveCount(1);
  await expect(flagged).toHaveAttribute('data-attribute', 'tempo');
  await expect(flagged).toContainText(/“slow” — tempo measures 1[45]\d BPM \(fast\)/);
  await expect(tempo.getByTestId('measured-contradicted')).toBeVisible();
  await page.screenshot({ path: screenshotPath('evidence-contradiction'), fullPage: true });
  await a.editor.fill('A fast song with a steady voice.');
  await expect(flagged).toHaveCount(0);

  // A model's suggestion for the other segment (a Label Studio prediction) that says "slow" and
  // "quiet" over a fast, loud measurement: both words are highlighted in the suggestion.
  const other = (await rpc<TrackDetail>(served, request, 'openTrack', { id: trackId })).segments.find((g) => g.id !== edited)!;
  const tasks = path.join(served.dir, 'predictions.json');
  const said = 'A slow, quiet song with a steady voice.';
  fs.writeFileSync(tasks, JSON.stringify([{ id: 1, data: { audio: path.join(served.dir, 'evidence-song.wav') }, annotations: [], predictions: [{ model_version: 'demo-captioner', result: [{ type: 'textarea', value: { start: other.startSec, end: other.endSec, text: [said] } }] }] }]));
  s2cap(served, 'dataset', 'import', 'label-studio', tasks);
  await page.reload();
  await page.locator(`[data-testid=segment-row][data-segment="${other.id}"]`).click();
  await expect(a.suggestion).toHaveText(said);
  await expect(a.panel.getByTestId('suggestion-model')).toContainText('demo-captioner');
  const marks = a.suggestion.getByTestId('contradiction-mark');
  await expect(marks).toHaveText(['slow', 'quiet']);
  await expect(marks.first()).toHaveAttribute('title', /“slow” — tempo measures 1[45]\d BPM \(fast\)/);
  await expect(marks.last()).toHaveAttribute('title', /“quiet” — loudness measures −?\d+\.\d LUFS \(high\)/);
  await expect(a.editor).toHaveValue(said); // prefilled with the suggestion: its words are listed under the editor too
  await expect(page.getByTestId('contradiction')).toHaveText([/^⚠ “slow” — tempo measures 1[45]\d BPM \(fast\)$/, /^⚠ “quiet” — loudness measures −?\d+\.\d LUFS \(high\)$/]);
  await a.panel.screenshot({ path: screenshotPath('evidence-suggestion-contradiction') });
  expect(errors).toEqual([]);
});
