// Reactive face of the StemEngine for the track view: lanes (mix + stems) with mute/solo/volume,
// transport, A–B loop (A and B mark it, L toggles it; abLoop.ts), speed, and the playhead,
// updated once per animation frame. Reloading the
// lanes (stems arrived) keeps the playhead, the loop, playing and each remaining lane's mute, solo
// and volume; overlapping play requests (a quick double click) start the lanes once.
import { computed, onScopeDispose, reactive, ref, type ComputedRef, type Ref } from 'vue';
import { abRange as rangeOf, isABLoop, placeA, placeB, type ABPoints } from './abLoop';
import { StemEngine, type EngineSource, type LoopRange } from './engine';

export interface LaneState {
  key: string;
  label: string;
  muted: boolean;
  soloed: boolean;
  /** Linear gain 0–1.5. */
  volume: number;
  error: string | null;
}

export interface UsePlayer {
  lanes: LaneState[];
  loading: Ref<boolean>;
  playing: Ref<boolean>;
  /** Playhead in seconds, refreshed every frame while playing. */
  position: Ref<number>;
  duration: Ref<number>;
  rate: Ref<number>;
  preservePitch: Ref<boolean>;
  /** A–B points set by the user (seconds), independent of segments. */
  pointA: Ref<number | null>;
  pointB: Ref<number | null>;
  /** The active loop, whatever set it (A–B or a segment); null plays through. */
  loop: Ref<LoopRange | null>;
  focused: Ref<number>;
  load(sources: (EngineSource & { label: string; muted?: boolean })[], fetchInit?: RequestInit): Promise<void>;
  togglePlay(): Promise<void>;
  play(): Promise<void>;
  pause(): void;
  stop(): void;
  seek(seconds: number): void;
  seekBy(seconds: number): void;
  setLoop(range: LoopRange | null): void;
  /** A: loop start at the playhead (a running A–B loop follows). */
  setPointA(): void;
  /** B: loop end at the playhead; does not switch the loop on (L does). */
  setPointB(): void;
  /** The range A and B mark (drawn on the ruler, on or off), null until both are set with A < B. */
  abRange: ComputedRef<LoopRange | null>;
  /** Whether the loop playing now is the A–B range. */
  abLooping: ComputedRef<boolean>;
  /** L with an A–B range: the A–B loop on or off; false when there is no range to loop. */
  toggleABLoop(): boolean;
  setRate(rate: number): void;
  setPreservePitch(on: boolean): void;
  toggleMute(index: number): void;
  toggleSolo(index: number): void;
  setVolume(index: number, gain: number): void;
}

export function usePlayer(): UsePlayer {
  const engine = new StemEngine();
  const lanes = reactive<LaneState[]>([]);
  const loading = ref(false);
  const playing = ref(false);
  const position = ref(0);
  const duration = ref(0);
  const rate = ref(1);
  const preservePitch = ref(true);
  const pointA = ref<number | null>(null);
  const pointB = ref<number | null>(null);
  const loop = ref<LoopRange | null>(null);
  const focused = ref(0);

  let raf = 0;
  let loadSeq = 0;
  const tick = () => {
    position.value = engine.position();
    // Reached the end without a loop: stop there, like any player.
    if (engine.isPlaying && !loop.value && position.value >= engine.duration - 1e-3) {
      engine.pause();
      position.value = engine.duration;
    }
    playing.value = engine.isPlaying;
    raf = engine.isPlaying ? requestAnimationFrame(tick) : 0;
  };
  const sync = () => {
    playing.value = engine.isPlaying;
    position.value = engine.position();
    if (engine.isPlaying && !raf) raf = requestAnimationFrame(tick);
  };
  onScopeDispose(() => {
    loadSeq++; // a load under way must not seek or play once the view is gone
    cancelAnimationFrame(raf);
    engine.dispose();
  });

  const lane = (i: number) => lanes[i];
  // Each lane's default mute when it was loaded: a lane the listener muted, soloed or turned down
  // keeps that across a reload (stems arrived), unless its default changed (the mix, once it has stems).
  const defaultMuted = new Map<string, boolean>();
  function carryOver(sources: { key: string; label: string; muted?: boolean }[]): LaneState[] {
    const before = new Map(lanes.map((l) => [l.key, l]));
    const focusedKey = lanes[focused.value]?.key;
    const next = sources.map((s): LaneState => {
      const was = before.get(s.key);
      const muted = !!s.muted;
      const keep = was && defaultMuted.get(s.key) === muted;
      return { key: s.key, label: s.label, muted: keep ? was.muted : muted, soloed: was?.soloed ?? false, volume: was?.volume ?? 1, error: null };
    });
    defaultMuted.clear();
    for (const s of sources) defaultMuted.set(s.key, !!s.muted);
    focused.value = Math.max(0, next.findIndex((l) => l.key === focusedKey));
    return next;
  }
  const points = (): ABPoints => ({ a: pointA.value, b: pointB.value });
  const abRange = computed(() => rangeOf(points()));
  const abLooping = computed(() => isABLoop(loop.value, points()));
  /** Moves A or B; a running A–B loop follows the new range (or stops when there is none). */
  function movePoints(next: ABPoints): void {
    const wasLooping = abLooping.value;
    pointA.value = next.a;
    pointB.value = next.b;
    if (wasLooping) api.setLoop(rangeOf(next));
  }
  // Where the listener was when a (re)load began; kept across loads that supersede each other.
  let resume: { at: number; playing: boolean; loop: LoopRange | null } | null = null;

  const api: UsePlayer = {
    lanes,
    loading,
    playing,
    position,
    duration,
    rate,
    preservePitch,
    pointA,
    pointB,
    loop,
    focused,
    async load(sources, fetchInit) {
      const seq = ++loadSeq;
      resume ??= { at: engine.position(), playing: engine.isPlaying, loop: loop.value };
      // The engine drops its lanes while loading: freeze the playhead instead of showing 0:00.
      cancelAnimationFrame(raf);
      raf = 0;
      loading.value = true;
      lanes.splice(0, lanes.length, ...carryOver(sources));
      try {
        const errors = await engine.load(sources, fetchInit);
        if (seq !== loadSeq) return; // a newer load (more stems) took over
        for (const e of errors) {
          const l = lanes.find((x) => x.key === e.key);
          if (l) l.error = e.error;
        }
        for (const l of lanes) {
          engine.setMute(l.key, l.muted);
          engine.setSolo(l.key, l.soloed);
          engine.setVolume(l.key, l.volume);
        }
        duration.value = engine.duration;
        const { at, playing: wasPlaying, loop: keptLoop } = resume!;
        resume = null;
        engine.setLoop(keptLoop);
        loop.value = keptLoop;
        engine.seek(at);
        if (wasPlaying) await engine.play();
        sync();
      } finally {
        if (seq === loadSeq) loading.value = false;
      }
    },
    async togglePlay() {
      if (engine.isPlaying) api.pause();
      else await api.play();
    },
    async play() {
      // A second play while the first waits for the audio context is ignored by the engine.
      await engine.play();
      sync();
    },
    pause() {
      engine.pause();
      sync();
    },
    stop() {
      engine.stop();
      sync();
    },
    seek(seconds) {
      // Seeking out of the loop means the listener wants to leave it.
      const l = loop.value;
      if (l && (seconds < l.start || seconds >= l.end)) api.setLoop(null);
      engine.seek(seconds);
      sync();
    },
    seekBy(seconds) {
      api.seek(engine.position() + seconds);
    },
    setLoop(range) {
      engine.setLoop(range);
      loop.value = range;
      sync();
    },
    setPointA() {
      movePoints(placeA(points(), engine.position()));
    },
    setPointB() {
      movePoints(placeB(points(), engine.position()));
    },
    abRange,
    abLooping,
    toggleABLoop() {
      if (abLooping.value) api.setLoop(null);
      else if (abRange.value) api.setLoop(abRange.value);
      else return false;
      return true;
    },
    setRate(r) {
      engine.setRate(r, preservePitch.value);
      rate.value = r;
      sync();
    },
    setPreservePitch(on) {
      engine.setRate(rate.value, on);
      preservePitch.value = on;
      sync();
    },
    toggleMute(i) {
      const l = lane(i);
      if (!l) return;
      l.muted = !l.muted;
      engine.setMute(l.key, l.muted);
    },
    toggleSolo(i) {
      const l = lane(i);
      if (!l) return;
      l.soloed = !l.soloed;
      engine.setSolo(l.key, l.soloed);
    },
    setVolume(i, gain) {
      const l = lane(i);
      if (!l) return;
      l.volume = gain;
      engine.setVolume(l.key, gain);
    },
  };
  return api;
}
