// One lane of the stem player (the mix or a stem): a streamed <audio> element routed
// createMediaElementSource → DelayNode (its alignment delay) → gate → Tone.Channel (volume, mute,
// solo), and what the engine does to one lane: send it somewhere gated, tell whether its clock has
// moved since, set its delay, fade its gate. Kept apart from engine.ts, which owns the transport
// (start, seek, loop, speed) and the loop that keeps all the lanes on the same sample, so that
// each file reads on its own; the arithmetic of the alignment is in laneSync.ts.
import * as Tone from 'tone';
import { closeAudioElement, openAudioElement } from './audioElement';
import { MAX_DELAY } from './laneSync';

/** Length of a gate's fade in and out (seconds of context time): no click at a start or a wrap. */
export const FADE = 0.005;

export interface Lane {
  key: string;
  el: HTMLAudioElement;
  source: AudioNode;
  delay: DelayNode;
  gate: GainNode;
  channel: Tone.Channel;
  /** Delay set on the node, seconds of context time. */
  delaySec: number;
  /** sounding: aligned and heard; pending: gated until its clock is measured after a seek. */
  state: 'sounding' | 'pending';
  /** Content time the element was last sent to; it is ready once it has played past it. */
  seekedTo: number;
  catchUps: number;
  /** Recent readings: a pending lane's lead, a sounding lane's error against the others. */
  readings: number[];
}

/** Opens `url` as a stream and wires it into the context, gated shut. */
export async function openLane(key: string, url: string, fetchInit: RequestInit | undefined, rate: number, preservePitch: boolean): Promise<Lane> {
  const el = await openAudioElement(url, fetchInit);
  try {
    const ctx = Tone.getContext();
    const source = ctx.createMediaElementSource(el);
    const delay = ctx.createDelay(MAX_DELAY + 0.1);
    const gate = ctx.createGain();
    gate.gain.value = 0;
    const channel = new Tone.Channel().toDestination();
    source.connect(delay);
    delay.connect(gate);
    Tone.connect(gate, channel);
    const lane: Lane = { key, el, source, delay, gate, channel, delaySec: 0, state: 'pending', seekedTo: 0, catchUps: 0, readings: [] };
    applyRate(lane, rate, preservePitch);
    return lane;
  } catch (err) {
    closeAudioElement(el);
    throw err;
  }
}

/** Stops the lane's element, drops its buffers and takes its nodes out of the graph. */
export function releaseLane(l: Lane): void {
  closeAudioElement(l.el);
  l.source.disconnect();
  l.delay.disconnect();
  l.gate.disconnect();
  l.channel.dispose();
}

export function applyRate(l: Lane, rate: number, preservePitch: boolean): void {
  l.el.preservesPitch = preservePitch;
  l.el.defaultPlaybackRate = rate;
  l.el.playbackRate = rate;
}

/** Seeks one lane and plays it, gated until its clock says where it landed. */
export function sendTo(l: Lane, t: number): void {
  l.state = 'pending';
  l.readings = [];
  l.seekedTo = t;
  l.el.currentTime = t;
  if (t < l.el.duration) void l.el.play().catch(() => undefined); // a pause before it started
}

/** Whether a lane is playing and its clock has moved since it was sent somewhere. */
export function isReady(l: Lane): boolean {
  const el = l.el;
  return !el.paused && !el.seeking && !el.ended && el.readyState >= HTMLMediaElement.HAVE_FUTURE_DATA && el.currentTime > l.seekedTo + 1e-4;
}

/** Whether a lane has material at the position (a shorter stem ends early and is left alone). */
export function covers(l: Lane): boolean {
  return !l.el.ended && l.seekedTo < l.el.duration;
}

/** Sets the lane's alignment delay now, or glides to it (a small correction while sounding). */
export function setDelay(l: Lane, d: number, now: number, glide = 0): void {
  const p = l.delay.delayTime;
  p.cancelScheduledValues(now);
  if (glide > 0) p.setTargetAtTime(d, now, glide / 3);
  else p.setValueAtTime(d, now);
  l.delaySec = d;
}

/** Fades the lane in at `at`; from then on it is sounding. */
export function openGate(l: Lane, at: number): void {
  const g = l.gate.gain;
  g.cancelScheduledValues(at);
  g.setValueAtTime(0, at);
  g.linearRampToValueAtTime(1, at + FADE);
  l.state = 'sounding';
  l.readings = [];
}

/** Fades the (open) lane out so that it is silent exactly at context time `end`. */
export function closeGateAt(l: Lane, end: number): void {
  l.gate.gain.setValueAtTime(1, end - FADE);
  l.gate.gain.linearRampToValueAtTime(0, end);
}

/** Fades the lane out now, dropping whatever was scheduled on its gate. */
export function closeGate(l: Lane, now: number): void {
  const g = l.gate.gain;
  g.cancelScheduledValues(now);
  g.setTargetAtTime(0, now, FADE / 3);
}

/** Gates a lane until it is measured again (stalled, or sent somewhere new). */
export function pend(l: Lane, now: number): void {
  l.state = 'pending';
  l.readings = [];
  closeGate(l, now);
}
