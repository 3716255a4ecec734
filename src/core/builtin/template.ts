// Turns measured attributes into an S2Cap-style sentence, in one of several sentence shapes with
// synonyms, picked deterministically from the segment and what was measured (a re-run on the same
// audio writes the same sentence). It states only attributes with an S2Cap word (category) and a
// confidence of at least MENTION_CONFIDENCE — gender, pitch, tempo, volume, brightness,
// breathiness — and the genre only from the file's tag; anything it could not measure (mood, a
// gender in the overlap band, a tempo without a pulse) it leaves out rather than invent.
import { MENTION_CONFIDENCE, type MeasuredAttribute, type MeasuredName } from '../../shared/attributes';

/** Attributes below MENTION_CONFIDENCE (shared/attributes.ts) are not put into words. */
export { MENTION_CONFIDENCE };

export interface TemplateCaption {
  text: string;
  /** The attributes the sentence states (its confidence is theirs). */
  stated: MeasuredName[];
}

interface Words {
  gender: string | null;
  pitch: string | null;
  tempo: string | null;
  volume: string | null;
  timbre: string[];
  genre: string | null;
}

const PITCH: Record<string, string[]> = { low: ['low-pitched', 'low'], normal: ['medium-pitched', 'mid-range'], high: ['high-pitched', 'high'] };
const TEMPO: Record<string, string[]> = { slow: ['slow', 'slow-paced', 'unhurried'], normal: ['moderate-tempo', 'mid-tempo', 'moderately paced'], fast: ['fast', 'up-tempo', 'fast-paced'] };
const VOLUME: Record<string, string[]> = { low: ['softly', 'quietly', 'gently'], normal: ['at a moderate volume', 'at a moderate level'], high: ['loudly', 'powerfully', 'with force'] };
const SINGER = ['singer', 'vocalist'];
const SONG = ['track', 'song', 'piece', 'tune'];

/** What the sentence may say: names with an S2Cap word and enough confidence. */
export function mentionable(attributes: readonly MeasuredAttribute[]): MeasuredAttribute[] {
  const said = new Set<MeasuredName>(['gender', 'pitch', 'tempo', 'loudness', 'brightness', 'breathiness']);
  return attributes.filter((a) => said.has(a.name) && a.value !== null && a.category !== null && a.confidence >= MENTION_CONFIDENCE);
}

/** `key` (e.g. the segment's span) varies the wording between segments; the values vary it too. */
export function templateCaption(attributes: readonly MeasuredAttribute[], genre: string | null, key = ''): TemplateCaption {
  const use = mentionable(attributes);
  const cat = (n: MeasuredName) => use.find((a) => a.name === n)?.category ?? null;
  const seed = hash(`${key}|${use.map((a) => `${a.name}=${a.category}:${a.value}`).join(',')}|${genre ?? ''}`);
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const word = (table: Record<string, string[]>, c: string | null) => (c && table[c] ? pick(table[c]!) : null);
  const w: Words = {
    gender: cat('gender'),
    pitch: word(PITCH, cat('pitch')),
    tempo: word(TEMPO, cat('tempo')),
    volume: word(VOLUME, cat('loudness')),
    timbre: [cat('brightness'), cat('breathiness')].filter((x): x is string => x !== null),
    genre: cleanGenre(genre),
  };
  const singerNoun = pick(SINGER);
  const songNoun = pick(SONG);
  const shape = pick(SHAPES);
  const text = tidy(shape(w, singerNoun, songNoun));
  return { text, stated: use.map((a) => a.name) };
}

type Shape = (w: Words, singerNoun: string, songNoun: string) => string;

const SHAPES: Shape[] = [
  // A female singer with a low-pitched, warm voice sings softly over a slow folk track.
  (w, s, t) => `${cap(a(singer(w, s)))} with ${a(voice(w))} sings${w.volume ? ` ${w.volume}` : ''} over ${a(song(w, t))}.`,
  // A slow folk song in which a female vocalist sings softly in a low-pitched, warm voice.
  (w, s, t) => `${cap(a(song(w, t)))} in which ${a(singer(w, s))} sings${w.volume ? ` ${w.volume}` : ''}${adjs(w) ? ` in ${a(voice(w))}` : ''}.`,
  // This slow folk track features a female singer with a low-pitched, warm voice, singing softly.
  (w, s, t) => `This ${song(w, t)} features ${a(singer(w, s))}${adjs(w) ? ` with ${a(voice(w))}` : ''}${w.volume ? `, singing ${w.volume}` : ''}.`,
  // Over a slow folk tune, a female vocalist sings softly in a low-pitched, warm voice.
  (w, s, t) => `Over ${a(song(w, t))}, ${a(singer(w, s))} sings${w.volume ? ` ${w.volume}` : ''}${adjs(w) ? ` in ${a(voice(w))}` : ''}.`,
  // A low-pitched, warm voice from a female singer, sung softly, carries a slow folk piece.
  (w, s, t) => `${cap(a(voice(w)))} from ${a(singer(w, s))}${w.volume ? `, sung ${w.volume},` : ''} carries ${a(song(w, t))}.`,
];

const adjs = (w: Words) => [w.pitch, ...w.timbre].filter(Boolean).join(', ');
const voice = (w: Words) => [adjs(w), 'voice'].filter(Boolean).join(' ');
const singer = (w: Words, noun: string) => [w.gender, noun].filter(Boolean).join(' ');
const song = (w: Words, noun: string) => [w.tempo, w.genre, noun].filter(Boolean).join(' ');
/** With its indefinite article. */
const a = (phrase: string) => `${/^[aeiou]/i.test(phrase) && !/^(uni|use|one)/i.test(phrase) ? 'an' : 'a'} ${phrase}`;
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const tidy = (s: string) => s.replace(/\s+/g, ' ').replace(/ ,/g, ',').replace(/,\./g, '.').trim();

/** A tag's genre as a lower-case word or two (nothing for empty or odd tags). */
function cleanGenre(g: string | null): string | null {
  const s = g?.trim().toLowerCase().replace(/\s+/g, ' ');
  return s && s.length <= 30 && /^[\p{L}\p{N}&' -]+$/u.test(s) ? s : null;
}

/** FNV-1a, 32 bits: a stable seed from a string. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A small seeded PRNG (mulberry32), so the wording is a function of the seed. */
function mulberry32(seed: number): () => number {
  let t = seed;
  return () => {
    t = (t + 0x6d2b79f5) | 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 2 ** 32;
  };
}
