// The stem player's audio engine on Tone.js: every source (the mix and each stem) is a player
// into its own Tone.Channel (volume, mute, solo), all started at the same context time with
// the same offset, so they play sample-aligned. Position is derived from the context clock,
// never from timers, so the playhead is exact at any speed and across loops.
import * as Tone from 'tone';

export interface EngineSource {
  key: string;
  url: string;
}

type Voice = Tone.Player | Tone.GrainPlayer;

interface Lane {
  key: string;
  buffer: Tone.ToneAudioBuffer;
  channel: Tone.Channel;
  voice: Voice;
}

export interface LoopRange {
  start: number;
  end: number;
}

export class StemEngine {
  private lanes: Lane[] = [];
  private anchorTime = 0;
  private anchorOffset = 0;
  private playing = false;
  private rate = 1;
  private preservePitch = true;
  private loop: LoopRange | null = null;
  private loadSeq = 0;
  duration = 0;

  /** Fetches and decodes every source; a source that fails is reported, the others still load. */
  async load(sources: EngineSource[], fetchInit?: RequestInit): Promise<{ key: string; error: string }[]> {
    this.dispose();
    // A newer load (stems arrived while the mix was decoding) makes this one's results stale.
    const seq = ++this.loadSeq;
    const errors: { key: string; error: string }[] = [];
    const ctx = Tone.getContext();
    await Promise.all(
      sources.map(async (s) => {
        try {
          const res = await fetch(s.url, fetchInit);
          if (!res.ok) throw new Error(`${res.status} ${(await res.text()).slice(0, 200) || res.statusText}`);
          const audio = await ctx.decodeAudioData(await res.arrayBuffer());
          if (seq !== this.loadSeq) return;
          const buffer = new Tone.ToneAudioBuffer(audio);
          const channel = new Tone.Channel().toDestination();
          this.lanes.push({ key: s.key, buffer, channel, voice: this.makeVoice(buffer, channel) });
        } catch (err) {
          errors.push({ key: s.key, error: (err as Error).message || 'could not be decoded' });
        }
      }),
    );
    if (seq !== this.loadSeq) return [];
    this.lanes.sort((a, b) => sources.findIndex((s) => s.key === a.key) - sources.findIndex((s) => s.key === b.key));
    this.duration = Math.max(0, ...this.lanes.map((l) => l.buffer.duration));
    return errors;
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  get loaded(): string[] {
    return this.lanes.map((l) => l.key);
  }

  /** Current position in seconds of the source timeline. */
  position(): number {
    if (!this.playing) return this.anchorOffset;
    // Math.max: the shared start is scheduled slightly ahead; until then the playhead waits.
    let pos = this.anchorOffset + Math.max(0, Tone.now() - this.anchorTime) * this.rate;
    if (this.loop && this.anchorOffset < this.loop.end && pos >= this.loop.end) {
      const len = this.loop.end - this.loop.start;
      pos = this.loop.start + ((pos - this.loop.start) % len);
    }
    return Math.min(pos, this.duration);
  }

  async play(): Promise<void> {
    if (this.playing || this.lanes.length === 0) return;
    await Tone.start();
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
    if (this.playing) {
      this.stopAll();
      this.startAll(t);
    } else this.anchorOffset = t;
  }

  /** Loops [start, end) on every lane; null plays through. Seeks into the loop when enabling. */
  setLoop(range: LoopRange | null): void {
    const pos = this.position();
    this.loop = range && range.end - range.start > 0.01 ? range : null;
    for (const l of this.lanes) this.applyLoop(l.voice);
    if (this.loop && (pos < this.loop.start || pos >= this.loop.end)) this.seek(this.loop.start);
    else if (this.playing) this.seek(pos);
  }

  /** Playback speed 0.5–2×; with preservePitch a granular player keeps the pitch. */
  setRate(rate: number, preservePitch = this.preservePitch): void {
    const pos = this.position();
    const rebuild = preservePitch !== this.preservePitch || (rate === 1) !== (this.rate === 1);
    this.rate = Math.max(0.5, Math.min(2, rate));
    this.preservePitch = preservePitch;
    const wasPlaying = this.playing;
    if (wasPlaying) this.stopAll();
    if (rebuild) for (const l of this.lanes) {
      l.voice.dispose();
      l.voice = this.makeVoice(l.buffer, l.channel);
    }
    for (const l of this.lanes) l.voice.playbackRate = this.rate;
    this.anchorOffset = pos;
    if (wasPlaying) this.startAll(pos);
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

  dispose(): void {
    this.stopAll();
    for (const l of this.lanes) {
      l.voice.dispose();
      l.channel.dispose();
      l.buffer.dispose();
    }
    this.lanes = [];
    this.anchorOffset = 0;
    this.duration = 0;
    this.loop = null;
  }

  private lane(key: string): Lane | undefined {
    return this.lanes.find((l) => l.key === key);
  }

  private makeVoice(buffer: Tone.ToneAudioBuffer, channel: Tone.Channel): Voice {
    // The granular player only when it is needed: at 1× the plain player is bit-exact.
    const voice: Voice = this.preservePitch && this.rate !== 1 ? new Tone.GrainPlayer(buffer) : new Tone.Player(buffer);
    voice.playbackRate = this.rate;
    this.applyLoop(voice);
    voice.connect(channel);
    return voice;
  }

  private applyLoop(v: Voice): void {
    v.loop = !!this.loop;
    if (this.loop) {
      v.loopStart = this.loop.start;
      v.loopEnd = this.loop.end;
    }
  }

  private startAll(offset: number): void {
    // One shared start time a little ahead, so every lane begins on the same sample frame.
    const when = Tone.now() + 0.05;
    // GrainPlayer scales its start offset by the playback rate; Player does not.
    for (const l of this.lanes) l.voice.start(when, l.voice instanceof Tone.GrainPlayer ? offset / this.rate : offset);
    this.anchorTime = when;
    this.anchorOffset = offset;
    this.playing = true;
  }

  private stopAll(): void {
    if (!this.playing) return;
    for (const l of this.lanes) l.voice.stop();
    this.playing = false;
  }
}
