// What the annotation specs share (annotate.spec.ts, annotateTeam.spec.ts): a track long enough
// for several 5–30 s segments (the audio fixtures are 2 s, so one is looped with ffmpeg), seeding
// segments and built-in suggestions through the served StudioApi, the `s2cap` CLI run on the
// served library, and the Annotate panel's test ids in one place.
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { CaptionRevision, SegmentCaption } from '../src/shared/annotation';
import type { Segment, TrackDetail } from '../src/shared/types';
import { importCopy, rpc } from './playerPage';
import { FIXTURES, ROOT, type Served } from './serve';

export const LONG_TITLE = 'Aria Looped';

/** Writes a 36 s WAV (the aria fixture looped 18 times, titled LONG_TITLE) into `dir` and returns its path. */
export function makeLongTrack(dir: string): string {
  const out = path.join(dir, 'aria-looped.wav');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-stream_loop', '17', '-i', path.join(FIXTURES, 'aria.wav'), '-metadata', `title=${LONG_TITLE}`, '-c:a', 'pcm_s16le', out]);
  return out;
}

/**
 * A library with the long track, `spans` as segments, the built-in suggester's captions for them
 * (unless `suggest` is false) and, for the library token, the annotator `name`.
 */
export async function seedTrack(
  served: Served,
  request: APIRequestContext,
  o: { spans: [number, number][]; suggest?: boolean; name?: string },
): Promise<{ trackId: number; segments: Segment[] }> {
  const trackId = await importCopy(served, request, makeLongTrack(served.dir));
  const segments: Segment[] = [];
  for (const [startSec, endSec] of o.spans) segments.push(await rpc<Segment>(served, request, 'createSegment', { trackId, startSec, endSec }));
  if (o.suggest !== false) {
    await rpc(served, request, 'startCaptioning', { trackId });
    await expect
      .poll(async () => (await rpc<TrackDetail>(served, request, 'openTrack', { id: trackId })).suggestions.length, { timeout: 60_000 })
      .toBe(segments.length);
  }
  if (o.name) await rpc(served, request, 'setAnnotatorName', { name: o.name });
  return { trackId, segments };
}

/** Runs `s2cap ARGS --db <the served library>` and returns what it printed. */
export function s2cap(served: Served, ...args: string[]): string {
  return execFileSync(process.execPath, [path.join(ROOT, 'bin', 's2cap.js'), ...args, '--db', served.db], {
    cwd: ROOT,
    env: { ...process.env, S2CAP_HOME: served.dir },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
}

/** One segment's caption as `s2cap captions SEGMENT --json` prints it. */
export const cliCaption = (served: Served, segmentId: number): SegmentCaption => JSON.parse(s2cap(served, 'captions', String(segmentId), '--json'));
/** One segment's revisions, oldest first, as `s2cap captions history SEGMENT --json` prints them. */
export const cliHistory = (served: Served, segmentId: number): CaptionRevision[] => JSON.parse(s2cap(served, 'captions', 'history', String(segmentId), '--json'));

/** The studio's address for `token` (a server user's, or the library's). */
export function urlWithToken(served: Served, token: string): string {
  const u = new URL(served.openUrl);
  u.searchParams.set('token', token);
  return u.toString();
}

/** Opens the long track from the library and waits for its one lane to be drawn. */
export async function openLongTrack(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('track-row').filter({ hasText: LONG_TITLE }).click();
  await expect(page.getByTestId('player-loading')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.locator('[data-testid=waveform][data-ready=true]')).toHaveCount(1, { timeout: 30_000 });
}

/** The Annotate panel's parts. */
export function annotate(page: Page) {
  const panel = page.getByTestId('annotate-panel');
  return {
    panel,
    heading: panel.locator('h3'),
    editor: page.getByTestId('caption-editor'),
    state: panel.getByTestId('segment-state'),
    saveStatus: page.getByTestId('save-status'),
    suggestion: panel.getByTestId('suggestion-text'),
  };
}

/** Waits until the Annotate panel shows segment `id` with its caption loaded. */
export async function expectSegmentOpen(page: Page, id: number): Promise<void> {
  const a = annotate(page);
  await expect(a.heading).toHaveText(`Segment #${id}`);
  await expect(a.editor).toBeVisible();
}
