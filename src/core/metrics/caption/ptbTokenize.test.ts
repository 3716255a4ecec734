// Hand-checked tokenizer cases: each expected string is what Stanford PTBTokenizer 3.4.1
// (`-preserveLines -lowerCase`, the tokenizer pycocoevalcap runs) printed for the input, after
// pycocoevalcap's punctuation removal.
import { describe, expect, it } from 'vitest';
import { ptbLex, ptbTokenize } from './ptbTokenize';

const CASES: [string, string][] = [
  ["A female singer's mid-tempo R&B song, with \"soft\" vocals (breathy).", "a female singer 's mid-tempo r&b song with soft vocals -lrb- breathy -rrb-"],
  ["I don't know... it's 3.5 times louder; wow!", "i do n't know it 's 3.5 times louder wow"],
  ['cannot won\'t gonna U.S. e.g. 1,000 -- well', "can not wo n't gon na u.s. e.g. 1,000 well"],
  ["rock'n'roll singers' voices -- a pop/rock track", "rock 'n' roll singers voices a pop/rock track"],
  ['She sings in F# minor at 120bpm, a slow 4/4 ballad.', 'she sings in f# minor at 120bpm a slow 4/4 ballad'],
  ['The song is an upbeat K-pop track; the singer’s voice is bright and “airy”.', "the song is an upbeat k-pop track the singer 's voice is bright and airy"],
  ['Soft, breathy, and intimate: a woman sings a lullaby…', 'soft breathy and intimate a woman sings a lullaby'],
  ["They're singing a cappella in the '80s style, y'all.", "they 're singing a cappella in the '80s style y' all"],
  ['Mid- to up-tempo rhythm & blues with a gospel choir.', 'mid to up-tempo rhythm & blues with a gospel choir'],
  ['a woman with a raspy voice sings the blues... slowly . . . and sadly', 'a woman with a raspy voice sings the blues slowly and sadly'],
  ['male singer, 30-40 years old, sings in a whispery tone {very quiet}', 'male singer 30-40 years old sings in a whispery tone -lcb- very quiet -rcb-'],
  ['An opera singer (soprano) performs an aria at 50% volume & full power.', 'an opera singer -lrb- soprano -rrb- performs an aria at 50 % volume & full power'],
  ["Singer isn't loud; we'll hear he'd've sung louder. I'm sure you've heard it.", "singer is n't loud we 'll hear he 'd 've sung louder i 'm sure you 've heard it"],
  ['He sings about love & loss in the key of C.', 'he sings about love & loss in the key of c.'],
  ["She's got a soulful, gospel-inspired voice w/ lots of runs.", "she 's got a soulful gospel-inspired voice w / lots of runs"],
  ['an electronic dance (EDM) track with a female vocal hook; very catchy!!', 'an electronic dance -lrb- edm -rrb- track with a female vocal hook very catchy !!'],
  ['A choir sings in Latin, accompanied by an organ [live recording].', 'a choir sings in latin accompanied by an organ -lsb- live recording -rsb-'],
  ['Wanna hear a gimme-style song? Lemme think, gotta go.', 'wan na hear a gimme-style song lem me think got ta go'],
  ['don’t stop, can’t stop, won’t stop', "do n't stop ca n't stop wo n't stop"],
  ['a song in 3/4 time, 6/8 feel, and 12-bar blues form', 'a song in 3/4 time 6/8 feel and 12-bar blues form'],
  ['A café-style chanson with naïve, délicat vocals.', 'a café-style chanson with naïve délicat vocals'],
  ['She hits a high note (E5) at 2:30 into the song.', 'she hits a high note -lrb- e5 -rrb- at 2:30 into the song'],
  ["a 50's doo-wop group sings 'in harmony'", "a 50 's doo-wop group sings in harmony"],
  ['Vocals by Mr. Smith vs. Dr. Jones.', 'vocals by mr. smith vs. dr. jones'],
  ['it was 5 p.m. The singer was tired.', 'it was 5 p.m. the singer was tired'],
  // The lexer's character classes are case-sensitive: "&" joins uppercase letters only.
  ['mid-tempo r&b, R&B, r&B, AT&T', 'mid-tempo r & b r&b r & b at&t'],
  ['CANNOT Gonna DON\'T SHE’S', "can not gon na do n't she 's"],
  ['"', ''],
  ['', ''],
  ['- -- --- ---- — –', ''],
  ['sings 🎤 loudly', 'sings loudly'],
];

describe('ptbTokenize (pycocoevalcap PTBTokenizer)', () => {
  it.each(CASES)('%s', (input, want) => {
    expect(ptbTokenize(input)).toBe(want);
  });

  it('keeps the lexer tokens that pycocoevalcap then removes', () => {
    expect(ptbLex('Wow -- "yes" (really)...')).toEqual(['Wow', '--', '``', 'yes', "''", '-LRB-', 'really', '-RRB-', '...']);
  });
});
