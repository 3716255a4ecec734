// The stem player's audio engine: the transport (play, pause, seek, loop, speed) over lanes, and
// the loop that keeps them on the same sample. Every source (the mix and each stem) is STREAMED by
// its own <audio> element from /api/media (HTTP Range; s2cap-media:// in the desktop app), routed
// through createMediaElementSource → DelayNode → gate → Tone.Channel (lane.ts), so the tab
// never holds decoded tracks: decoding them whole cost 602 MB for a 20-minute mix and about 3 GB
// with four stems; streamed, the renderer stays under 400 MB (e2e/memory.spec.ts).
//
// Why media elements and not windowed decoding: windows of PCM scheduled as AudioBufferSources
// would need a server endpoint that seeks sample-exactly into compressed files (the decoders in
// core/audio decode from the start, so it would mean a decoded cache per lane on disk, ~200 MB per
// 20-minute lane, in the server and in the desktop protocol) and a hand-written granular
// time-stretcher for keep-pitch over windows. Media elements give seeking, buffering and
// keep-pitch (preservesPitch) from Chromium; what they lack is a shared start: each element
// resumes on whichever render quantum its pipeline is ready for (measured up to 120 ms apart).
// Their clocks, though, agree to a sample (read a few times: one reading can be a quantum off),
// so each lane's DelayNode is set to its lead over the others (laneSync.ts) and the lanes'
// outputs carry the same sample; a lane that
// stalls or falls out of reach is gated and sent back to the others' position. Each lane's gate
// opens only once it is aligned and closes on the loop end at the exact context time, so a start,
// seek or loop wrap is never heard misaligned (e2e/memory.spec.ts measures clicks at the outputs).
// Measured in Chromium at the lanes' outputs: 0–1 frame apart after a start, a seek and a loop
// wrap. At speeds other than 1× with keep-pitch each element stretches its lane on its own, so lanes
// agree within a few ms (0–4 ms measured at 1.5×). A start, seek or wrap sounds ~60 ms later.
// MP3s are seeked by the browser's demuxer: VBR files without a seek index may land off after a
// seek; WAV, FLAC, Ogg and CBR MP3 land exactly.
//
// The playhead is the context clock anchored to what the lanes output, so it is smooth at any
// speed; it is re-anchored when it strays more than 20 ms from the lanes.
import * as Tone from 'tone';
import { applyRate, closeGate, closeGateAt, covers, FADE, isReady, openGate, openLane, pend, releaseLane, sendTo, setDelay, type Lane } from './lane';
import { alignStart, consensus, contextTimeOf, correction, delayFor, FIRST_READINGS, heardTime, MAX_DELAY, median, remember } from './laneSync';

export interface EngineSource {
  key: string;
  url: string;
}

export interface LoopRange {
  start: number;
  end: number;
}

const TICK_MS = 10;
/** How long a start waits for every lane before the ready ones play and the rest catch up. */
const START_WAIT_MS = 3000;
const REANCHOR = 0.02;

export class StemEngine {
  private lanes: Lane[] = [];
  /** Context time and the content the lanes output then; null while a start waits for the lanes. */
  private anchor: { ctx: number; offset: number } | null = null;
  /** Paused position, or where the running start began. */
  private anchorOffset = 0;
  private playing = false;
  private startedAt = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private rate = 1;
  private preservePitch = true;
  private loop: LoopRange | null = null;
  private loadSeq = 0;
  duration = 0;

  /** Opens every source as a stream; a source that fails is reported, the others still load. */
  async load(sources: EngineSource[], fetchInit?: RequestInit): Promise<{ key: string; error: string }[]> {
    this.dispose();
    // A newer load (stems arrived while the mix was opening) makes this one's results stale.
    const seq = ++this.loadSeq;
    const errors: { key: string; error: string }[] = [];
    const opened: Lane[] = [];
    await Promise.all(
      sources.map(async (s) => {
        try {
          opened.push(await openLane(s.key, s.url, fetchInit, this.rate, this.preservePitch));
        } catch (err) {
          errors.push({ key: s.key, error: (err as Error).message || 'could not be played' });
        }
      }),
    );
    if (seq !== this.loadSeq) {
      opened.forEach(releaseLane);
      return [];
    }
    this.lanes = opened.sort((a, b) => sources.findIndex((s) => s.key === a.key) - sources.findIndex((s) => s.key === b.key));
    this.duration = Math.max(0, ...this.lanes.map((l) => (Number.isFinite(l.el.duration) ? l.el.duration : 0)));
    return errors;
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  /** Current position in seconds of the source timeline: what the lanes are sounding now. */
  position(): number {
    if (!this.playing || !this.anchor) return this.anchorOffset;
    // Math.max: the lanes start BASE_DELAY late; until then the playhead waits at the start.
    let pos = Math.max(this.anchorOffset, this.rawPosition());
    if (this.loop && this.anchorOffset < this.loop.end && pos >= this.loop.end) {
      const len = this.loop.end - this.loop.start;
      pos = this.loop.start + ((pos - this.loop.start) % len);
    }
    return Math.min(pos, this.duration);
  }

  async play(): Promise<void> {
    if (this.playing || this.lanes.length === 0) return;
    await Tone.start();
    if (this.playing) return; // a second play() while the context was resuming
    if (this.anchorOffset >= this.duration - 1e-3) this.anchorOffset = this.loop?.start ?? 0;
    this.startAll(this.anchorOffset);
  }

  pause(): void {
    if (!this.playing) return;
    const pos = this.position();
    this.stopAll();
    this.anchorOffset = pos;
  }

  stop(): void {
    this.stopAll();
    this.anchorOffset = this.loop?.start ?? 0;
  }

  seek(seconds: number): void {
    const t = Math.max(0, Math.min(seconds, this.duration));
    if (this.playing) this.startAll(t);
    else this.anchorOffset = t;
  }

  /** Loops [start, end) on every lane; null plays through. Seeks into the loop when enabling. */
  setLoop(range: LoopRange | null): void {
    const pos = this.position();
    this.loop = range && range.end - range.start > 0.01 ? range : null;
    if (this.loop && (pos < this.loop.start || pos >= this.loop.end)) this.seek(this.loop.start);
    else if (this.playing && this.anchor) {
      // Stay where we are; only the gates' closing time at the loop end changes.
      this.anchorOffset = Math.min(this.anchorOffset, pos);
      const now = this.ctx().currentTime;
      for (const l of this.lanes) {
        if (l.state !== 'sounding') continue;
        l.gate.gain.cancelScheduledValues(now);
        l.gate.gain.setValueAtTime(1, now);
        this.closeAtLoopEnd(l, now);
      }
    }
  }

  /** Playback speed 0.5–2×; with preservePitch the browser's time-stretcher keeps the pitch. */
  setRate(rate: number, preservePitch = this.preservePitch): void {
    const pos = this.position();
    this.rate = Math.max(0.5, Math.min(2, rate));
    this.preservePitch = preservePitch;
    for (const l of this.lanes) applyRate(l, this.rate, this.preservePitch);
    // Elements take a new rate on their own render quanta: restart together to stay aligned.
    if (this.playing) this.startAll(pos);
    else this.anchorOffset = pos;
  }

  setMute(key: string, muted: boolean): void {
    const l = this.lane(key);
    if (l) l.channel.mute = muted;
  }

  setSolo(key: string, soloed: boolean): void {
    const l = this.lane(key);
    if (l) l.channel.solo = soloed;
  }

  /** Linear gain 0–1.5, applied in dB on the lane's channel. */
  setVolume(key: string, gain: number): void {
    const l = this.lane(key);
    if (l) l.channel.volume.value = gain <= 0 ? -Infinity : Tone.gainToDb(gain);
  }

  /** Stops and releases every lane, including those of a load still under way. */
  dispose(): void {
    this.loadSeq++; // a load still opening its lanes releases them when they arrive
    this.stopAll();
    this.lanes.forEach(releaseLane);
    this.lanes = [];
    this.anchorOffset = 0;
    this.duration = 0;
    this.loop = null;
  }

  private ctx(): ReturnType<typeof Tone.getContext> {
    return Tone.getContext();
  }

  private lane(key: string): Lane | undefined {
    return this.lanes.find((l) => l.key === key);
  }

  /** Content leaving the lanes now by the context clock, unwrapped. */
  private rawPosition(): number {
    const a = this.anchor!;
    return a.offset + Math.max(0, this.ctx().currentTime - a.ctx) * this.rate;
  }

  private startAll(offset: number): void {
    const now = this.ctx().currentTime;
    for (const l of this.lanes) {
      closeGate(l, now);
      sendTo(l, offset);
    }
    this.anchor = null;
    this.anchorOffset = offset;
    this.playing = true;
    this.startedAt = performance.now();
    this.timer ??= setInterval(() => this.tick(), TICK_MS);
  }

  private stopAll(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (!this.playing) return;
    const now = this.ctx().currentTime;
    for (const l of this.lanes) {
      closeGate(l, now);
      l.el.pause();
    }
    this.playing = false;
    this.anchor = null;
  }

  private tick(): void {
    if (!this.playing) return;
    const now = this.ctx().currentTime;
    if (this.anchor && this.loop && this.anchorOffset < this.loop.end && this.rawPosition() >= this.loop.end) {
      this.startAll(this.loop.start);
      return;
    }
    const ready = this.lanes.filter((l) => covers(l) && isReady(l));
    if (!this.anchor) this.anchorStart(ready, now);
    else this.keepAligned(ready, now);
  }

  /** A start: once every lane plays, read their leads a few times, delay each to the median lane, open together. */
  private anchorStart(ready: Lane[], now: number): void {
    const waiting = this.lanes.some((l) => covers(l) && !isReady(l));
    if (ready.length === 0 || (waiting && performance.now() - this.startedAt < START_WAIT_MS)) return;
    const ref = median(ready.map((l) => l.el.currentTime));
    for (const l of ready) remember(l.readings, l.el.currentTime - ref);
    if (ready.some((l) => l.readings.length < FIRST_READINGS)) return;
    const { heard, delays } = alignStart(
      ready.map((l) => ref + median(l.readings)),
      this.rate,
    );
    this.anchor = { ctx: now, offset: heard };
    // Open when the lanes output the start position: nothing of it is lost, nothing before it is heard.
    const openAt = Math.max(now + FADE, contextTimeOf(this.anchorOffset, heard, now, this.rate));
    ready.forEach((l, i) => {
      const d = delays[i];
      if (d === null || d === undefined) return this.catchUp(l, heard);
      setDelay(l, d, now);
      this.openGateLooped(l, openAt);
    });
  }

  /** Steady state: re-delay lanes that moved, re-seek lanes out of reach, bring late lanes in. */
  private keepAligned(ready: Lane[], now: number): void {
    // A sounding lane that is not ready (stalled, buffering) is gated until it comes back.
    for (const l of this.lanes) if (l.state === 'sounding' && !ready.includes(l)) pend(l, now);
    const sounding = ready.filter((l) => l.state === 'sounding');
    const clock = (l: Lane) => ({ time: l.el.currentTime, delay: l.delaySec });
    const heard = sounding.length ? consensus(sounding.map(clock), this.rate) : this.rawPosition();
    for (const l of sounding) {
      remember(l.readings, heardTime(clock(l), this.rate) - heard);
      const fix = correction(l.delaySec, l.readings, this.rate);
      if (fix === null) this.catchUp(l, heard);
      else if (fix !== undefined) {
        setDelay(l, fix, now, 0.01);
        l.readings = [];
      }
    }
    for (const l of ready) {
      if (l.state !== 'pending') continue;
      remember(l.readings, l.el.currentTime - heard);
      if (l.readings.length < FIRST_READINGS) continue;
      const d = delayFor(heard + median(l.readings), heard, this.rate);
      if (d === null) this.catchUp(l, heard);
      else {
        setDelay(l, d, now);
        l.catchUps = 0;
        this.openGateLooped(l, now + FADE);
      }
    }
    if (sounding.length && Math.abs(this.rawPosition() - heard) > REANCHOR) this.anchor = { ctx: now, offset: heard };
  }

  /** Sends a lane ahead of the others by a lead that covers its seek, growing on each retry. */
  private catchUp(l: Lane, heard: number): void {
    pend(l, this.ctx().currentTime);
    const lead = Math.min(MAX_DELAY / 2, 0.1 * 2 ** l.catchUps++) * this.rate;
    sendTo(l, Math.min(heard + lead, this.duration));
  }

  /** Fades a lane in at `at` and, with a loop, out exactly when its output reaches the loop end. */
  private openGateLooped(l: Lane, at: number): void {
    openGate(l, at);
    this.closeAtLoopEnd(l, at + FADE);
  }

  /** With a loop, fades the lane out exactly when its output reaches the loop end (the wrap follows). */
  private closeAtLoopEnd(l: Lane, after: number): void {
    if (!this.loop || !this.anchor || this.anchorOffset >= this.loop.end) return;
    const end = this.anchor.ctx + (this.loop.end - this.anchor.offset) / this.rate;
    if (end - FADE > after) closeGateAt(l, end);
  }
}
