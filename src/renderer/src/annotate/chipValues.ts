// Common values offered for each caption attribute chip (free text is allowed too): the words
// S2Cap captions and the built-in suggester use.
import type { CaptionAttributeName } from '../../../shared/annotation';

export const CHIP_VALUES: Record<CaptionAttributeName, string[]> = {
  gender: ['female', 'male', 'mixed'],
  pitch: ['low', 'medium', 'high'],
  tempo: ['slow', 'moderate', 'fast'],
  volume: ['soft', 'moderate', 'loud'],
  mood: ['calm', 'sad', 'happy', 'energetic', 'romantic', 'melancholic', 'dreamy', 'tense'],
  timbre: ['bright', 'warm', 'dark', 'breathy', 'raspy', 'clear', 'nasal', 'powerful'],
  genre: ['pop', 'rock', 'jazz', 'r&b', 'hip hop', 'folk', 'classical', 'electronic', 'country', 'soul'],
};
