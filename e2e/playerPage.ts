// What the player specs share (player, zoom, memory, inference): reading the playhead from the
// transport, calling the served StudioApi, opening a track and waiting for its lanes, collecting
// page errors. One copy, so a change to the page's test ids is made once.
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import type { Served } from './serve';

/** Playhead in seconds, read from the transport's clock ("m:ss.t"). */
export async function position(page: Page): Promise<number> {
  const [m, s] = ((await page.getByTestId('position').textContent()) ?? '').split(':');
  return Number(m) * 60 + Number(s);
}

/** The renderer's clock text for `sec` (m:ss.t). */
export const clock = (sec: number): string => `${Math.floor(sec / 60)}:${(sec % 60).toFixed(1).padStart(4, '0')}`;

/** Calls a StudioApi command on the served library and returns its value (the call must succeed). */
export async function rpc<T = unknown>(served: Served, request: APIRequestContext, command: string, data: unknown): Promise<T> {
  const r = await request.post(`${served.url}api/rpc/${command}`, { headers: { authorization: `Bearer ${served.token}` }, data, timeout: 120_000 });
  const body = await r.json();
  expect(r.status(), JSON.stringify(body)).toBe(200);
  return body.value as T;
}

/** Copies `file` into the library's folder, imports it and returns the track id. */
export async function importCopy(served: Served, request: APIRequestContext, file: string): Promise<number> {
  const copy = path.join(served.dir, path.basename(file));
  fs.copyFileSync(file, copy);
  const imp = await rpc<{ imported: { id: number }[] }>(served, request, 'importPaths', { paths: [copy] });
  expect(imp.imported.length, `${file} was not imported`).toBe(1);
  return imp.imported[0]!.id;
}

/** Opens the library, clicks the track whose row shows `title`, and waits until `lanes` lanes are drawn and loaded. */
export async function openTrack(page: Page, served: Served, title: string, lanes: number): Promise<void> {
  await page.goto(served.openUrl);
  await page.getByTestId('track-row').filter({ hasText: title }).click();
  await expect(page.getByTestId('player-loading')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.locator('[data-testid=waveform][data-ready=true]')).toHaveCount(lanes, { timeout: 30_000 });
}

/** Page errors and console errors, collected from now on. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}
