// Long tracks in the browser: a 20-minute track with four stems must play without the tab holding
// decoded audio (the renderer stays under 400 MB), and its five lanes must sound together. The
// material is made here with sox: a click every 2 s over a quiet tone, so the time each lane's
// click arrives in the audio graph shows how far apart the lanes are. An init script taps the node
// each DelayNode feeds (the engine's per-lane alignment delay feeds the lane's gate, the last node
// before its channel) with an AudioWorklet and records the context frame of each click heard.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { position } from './playerPage';
import { screenshotPath, serveTempLibrary, type Served } from './serve';

const MINUTES = 20;
const LIMIT_MB = 400;
const MAX_DRIFT_MS = 10;
const STEMS = ['vocals', 'drums', 'bass', 'other'];

let material: string;
let served: Served;

test.describe.configure({ timeout: 300_000 });
// The tap's worklet module is a blob: URL, which the studio's CSP rightly refuses.
test.use({ bypassCSP: true });

test.beforeAll(() => {
  material = fs.mkdtempSync(path.join(os.tmpdir(), 's2cap-long-'));
  const pattern = path.join(material, 'pattern.wav');
  // 2 s: a 2 ms full-scale click, then a quiet tone; repeated to 20 minutes of 44.1 kHz stereo FLAC.
  execFileSync('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', pattern, 'synth', '0.002', 'square', '1000', 'vol', '0.9', ':', 'synth', '1.998', 'sine', '220', 'vol', '0.05']);
  execFileSync('sox', [pattern, path.join(material, 'long.flac'), 'repeat', String(MINUTES * 30 - 1)]);
});
test.afterAll(() => fs.rmSync(material, { recursive: true, force: true }));

test.beforeEach(async ({ request }) => {
  served = await serveTempLibrary();
  const auth = { authorization: `Bearer ${served.token}` };
  const mix = path.join(served.dir, 'long.flac');
  fs.copyFileSync(path.join(material, 'long.flac'), mix);
  const imp = await (await request.post(`${served.url}api/rpc/importPaths`, { headers: auth, data: { paths: [mix] }, timeout: 120_000 })).json();
  expect(imp.value?.imported?.length, JSON.stringify(imp)).toBe(1);
  const trackId = imp.value.imported[0].id;
  for (const name of STEMS) {
    const file = path.join(served.dir, `long.${name}.flac`);
    fs.copyFileSync(path.join(material, 'long.flac'), file);
    const r = await request.post(`${served.url}api/rpc/attachStem`, { headers: auth, data: { trackId, name, path: file } });
    expect(r.status(), await r.text()).toBe(200);
  }
});
test.afterEach(async () => served?.stop());

/** Resident memory (MB) of the largest renderer process of the browser, from /proc. */
async function rendererMb(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
  await cdp.detach();
  let max = 0;
  for (const p of processInfo.filter((x) => x.type === 'renderer')) {
    let status = '';
    try {
      status = fs.readFileSync(`/proc/${p.id}/status`, 'utf8');
    } catch {
      continue; // exited (a spare renderer)
    }
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    max = Math.max(max, kb / 1024);
  }
  return max;
}

const TAP_SCRIPT = `(() => {
  const taps = [];
  window.__laneTaps = taps;
  const delays = new WeakSet();
  const createDelay = BaseAudioContext.prototype.createDelay;
  BaseAudioContext.prototype.createDelay = function (max) {
    const node = createDelay.call(this, max);
    if (this instanceof AudioContext) delays.add(node);
    return node;
  };
  // The tap runs on the audio thread: each click's context frame, exactly.
  const processor = 'class Tap extends AudioWorkletProcessor {' +
    ' constructor() { super(); this.last = -Infinity; }' +
    ' process(inputs) { const ch = inputs[0][0]; if (ch) for (let i = 0; i < ch.length; i++) {' +
    '  if (Math.abs(ch[i]) > 0.5 && currentFrame + i - this.last > sampleRate / 2) { this.last = currentFrame + i; this.port.postMessage(this.last); } }' +
    ' return true; } }' +
    ' registerProcessor("lane-tap", Tap);';
  const modules = new WeakMap();
  const connect = AudioNode.prototype.connect;
  // What a lane's delay feeds (its gate) is what the lane sounds: tap that node's output.
  AudioNode.prototype.connect = function (dest, ...rest) {
    const out = connect.call(this, dest, ...rest);
    if (delays.has(this) && dest instanceof AudioNode) {
      const ctx = dest.context;
      const onsets = [];
      taps.push(onsets);
      if (!modules.has(ctx)) modules.set(ctx, ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([processor], { type: 'text/javascript' }))));
      modules.get(ctx).then(() => {
        const tap = new AudioWorkletNode(ctx, 'lane-tap');
        tap.port.onmessage = (e) => onsets.push(e.data);
        connect.call(dest, tap);
        connect.call(tap, ctx.destination);
      });
    }
    return out;
  };
})();`;

type Drift = { spreadMs: number; clicks: number; lanes: number };

/**
 * Clears the taps, lets `seconds` of playback pass, then returns the largest spread (ms) between
 * the lanes' arrivals of the same click, and how many clicks every lane heard. A lane still
 * opening or catching up is gated (silent, never misaligned), which on a loaded machine can last
 * a few seconds after a seek or a speed change; so when fewer than two clicks reached every lane,
 * it listens on, up to three times as long, before returning what it heard.
 */
async function measureDrift(page: Page, seconds: number): Promise<Drift> {
  await page.evaluate(() => (window as unknown as { __laneTaps: number[][] }).__laneTaps.forEach((t) => (t.length = 0)));
  await page.waitForTimeout(seconds * 1000);
  let drift = await readDrift(page);
  for (const deadline = Date.now() + seconds * 2000; drift.clicks < 2 && Date.now() < deadline; drift = await readDrift(page)) {
    await page.waitForTimeout(500);
  }
  return drift;
}

/** The spread and common clicks of what the taps heard since they were cleared. */
function readDrift(page: Page): Promise<Drift> {
  return page.evaluate(() => {
    const taps = (window as unknown as { __laneTaps: number[][] }).__laneTaps;
    const sr = 44100;
    let spread = 0;
    let clicks = 0;
    for (const f0 of taps[0] ?? []) {
      const nearest = taps.map((t) => t.reduce((b, f) => (Math.abs(f - f0) < Math.abs(b - f0) ? f : b), Infinity));
      if (nearest.some((f) => Math.abs(f - f0) > sr / 2)) continue; // not heard by every lane yet
      clicks++;
      spread = Math.max(spread, ((Math.max(...nearest) - Math.min(...nearest)) / sr) * 1000);
    }
    return { spreadMs: spread, clicks, lanes: taps.length };
  });
}

test('a 20-minute track with four stems streams in bounded memory, its lanes sounding together', async ({ page, browser }) => {
  await page.addInitScript(TAP_SCRIPT);
  const samples: number[] = [];
  const sampler = setInterval(() => void rendererMb(browser).then((mb) => samples.push(mb), () => undefined), 500);
  try {
    await page.goto(served.openUrl);
    await page.getByTestId('track-row').first().click();
    await expect(page.locator('[data-testid=waveform][data-ready=true]')).toHaveCount(5, { timeout: 120_000 });
    await expect(page.getByTestId('player-loading')).toHaveCount(0, { timeout: 120_000 });
    for (const lane of ['mix', ...STEMS]) await expect(page.getByTestId(`lane-${lane}`)).toBeVisible();

    await page.getByTestId('play').click();
    await expect.poll(() => position(page), { timeout: 10_000 }).toBeGreaterThan(0.5);
    const start = await measureDrift(page, 7);
    expect(start.lanes).toBe(5);
    expect(start.clicks).toBeGreaterThanOrEqual(2);
    expect(start.spreadMs).toBeLessThan(MAX_DRIFT_MS);

    // Seek near the end (a click 95 % into the mix), where the whole-file decoder had to hold all of it.
    const wave = page.getByTestId('lane-mix').getByTestId('waveform');
    const box = (await wave.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.95, box.y + box.height * 0.8);
    await expect.poll(() => position(page)).toBeGreaterThan(MINUTES * 60 * 0.9);
    await page.waitForTimeout(500);
    const late = await measureDrift(page, 7);
    expect(late.clicks).toBeGreaterThanOrEqual(2);
    expect(late.spreadMs).toBeLessThan(MAX_DRIFT_MS);
    await page.screenshot({ path: screenshotPath('player-long-track-streaming'), fullPage: true });

    // An A–B loop of 2.6 s (at least one click in it): every wrap restarts the lanes together.
    await page.getByTestId('set-a').click();
    await page.waitForTimeout(2600);
    await page.getByTestId('set-b').click();
    await page.keyboard.press('l'); // B marks the end; L loops A–B
    await expect(page.getByTestId('loop')).toHaveAttribute('aria-pressed', 'true');
    const looped = await measureDrift(page, 7);
    expect(looped.clicks).toBeGreaterThanOrEqual(2);
    expect(looped.spreadMs).toBeLessThan(MAX_DRIFT_MS);
    await page.keyboard.press('l');
    await expect(page.getByTestId('loop')).toHaveAttribute('aria-pressed', 'false');

    // Faster, pitch kept: the lanes stay together.
    await page.getByTestId('speed').selectOption('1.5');
    await page.waitForTimeout(500);
    const fast = await measureDrift(page, 6);
    expect(fast.clicks).toBeGreaterThanOrEqual(2);
    expect(fast.spreadMs).toBeLessThan(MAX_DRIFT_MS);
    const ms = (d: { spreadMs: number }) => `${d.spreadMs.toFixed(2)} ms`;
    console.log(`lane spread: start ${ms(start)}, after seek ${ms(late)}, A–B loop ${ms(looped)}, at 1.5× ${ms(fast)}`);
  } finally {
    clearInterval(sampler);
    samples.push(await rendererMb(browser));
    console.log(`renderer peak ${Math.max(...samples).toFixed(0)} MB over ${samples.length} samples`);
  }
  expect(Math.max(...samples)).toBeLessThan(LIMIT_MB);
});
