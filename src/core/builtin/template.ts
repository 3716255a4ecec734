// Turns measured attributes into an S2Cap-style sentence. It only states what was measured (and
// hedges the one guess, the singer's gender, from pitch); attributes it cannot measure — mood
// beyond tempo and level, genre beyond the file's tag — it leaves out rather than invent.
import type { Measured } from './measure';

export interface TemplateInput extends Measured {
  genre: string | null;
}

export interface AttributeWords {
  gender: string | null;
  pitch: string | null;
  tempo: string | null;
  volume: string;
  timbre: string;
  mood: string | null;
  genre: string | null;
}

export function describe(m: TemplateInput): AttributeWords {
  const f0 = m.f0Hz;
  const gender = f0 === null ? null : f0 < 160 ? 'male' : f0 > 190 ? 'female' : null;
  const pitch = f0 === null ? null : f0 < 150 ? 'low' : f0 < 300 ? 'medium' : 'high';
  const tempo = m.tempoBpm === null ? null : m.tempoBpm < 85 ? 'slow' : m.tempoBpm < 120 ? 'moderate' : 'fast';
  const volume = m.loudnessDb < -30 ? 'soft' : m.loudnessDb < -16 ? 'moderate' : 'loud';
  const timbre = m.centroidHz < 1000 ? 'dark' : m.centroidHz < 2200 ? 'warm' : 'bright';
  const mood = tempo === 'fast' && volume === 'loud' ? 'energetic' : tempo === 'slow' && volume === 'soft' ? 'calm' : null;
  return { gender, pitch, tempo, volume, timbre, mood, genre: m.genre?.toLowerCase() ?? null };
}

export function templateCaption(m: TemplateInput): string {
  const w = describe(m);
  const singer = w.gender ? `A ${w.gender} singer` : 'A singer';
  const voice = [w.pitch ? `${w.pitch}-pitched` : null, w.timbre].filter(Boolean).join(', ');
  const how = w.volume === 'soft' ? 'softly' : w.volume === 'loud' ? 'loudly' : 'at a moderate volume';
  const track = [w.tempo, w.mood].filter(Boolean).join(', ');
  const song = `${track ? `${indefinite(track)} ${track} ` : 'a '}${w.genre ? `${w.genre} ` : ''}track`.replace(/^a a/, 'a');
  return `${singer} with ${indefinite(voice)} ${voice} voice sings ${how} over ${song}.`;
}

const indefinite = (word: string) => (/^[aeiou]/i.test(word) ? 'an' : 'a');
