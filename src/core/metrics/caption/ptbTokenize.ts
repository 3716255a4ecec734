// Caption tokenization as pycocoevalcap v1.2 does it before scoring: it runs Stanford CoreNLP
// 3.4.1's PTBTokenizer (`-preserveLines -lowerCase`, default options) over one caption per line,
// lowercases every token (Locale.ENGLISH), splits the line on " " and drops the tokens
//   '' ' `` ` -LRB- -RRB- -LCB- -RCB- . ? ! , : - -- ... ;
// Written by hand because no npm library reproduces that Java lexer; this is a port of the rules
// of its PTBLexer.flex (v3.4.1) that English caption text reaches, checked token for token against
// the real tokenizer on the fixture captions and the hand cases in ptbTokenize.test.ts.
//
// The rules, as the lexer applies them (longest match wins, ties go to the earlier rule; the
// lexer is caseless):
// - words are runs of letters and digits starting with a letter; a period inside a word stays
//   ("e.g", "u.s."), a sentence-final period is split off and dropped;
// - contractions split as in the Penn Treebank: "don't" → "do n't", "can't" → "ca n't",
//   "singer's" → "singer 's", "they're" → "they 're", "I'll" → "i 'll", "cannot" → "can not",
//   "gonna/gotta/wanna/gimme/lemme" → "gon na" …; plural possessive "singers'" → "singers" (the
//   lone quote is dropped); "rock'n'roll" → "rock 'n' roll", "'80s", "'cause", "y'all" kept whole;
//   curly apostrophes (’) behave as straight ones and come out straight;
// - hyphenated and slashed words stay one token: "mid-tempo", "lo-fi", "pop/rock", "3/4";
//   "&" between letters stays inside ("r&b", "AT&T"); a lone "&" is its own token;
// - numbers keep their inner periods, commas and colons ("3.5", "1,000", "2:30"), a leading sign
//   ("-5"); letters after digits make one token ("120bpm", "90s"); "c#"/"f#" and "c++" are tokens;
// - quotes " “ ” ‘ ’ ` become `` '' ` ' and are dropped; "..."/"…"/". . ." become "..." and are
//   dropped, as are . , ; : ! ? - -- (and 3–4 hyphens or an en/em dash, which become "--");
// - parentheses become -lrb- -rrb-, brackets -lsb- -rsb-, braces -lcb- -rcb-. pycocoevalcap's
//   list names the UPPERCASE forms while -lowerCase has already lowercased them, so pycocoevalcap
//   KEEPS "-lrb-", "-rrb-", "-lsb-", "-rsb-", "-lcb-", "-rcb-" as words; so does this port, since
//   its scores must equal pycocoevalcap's;
// - single letters with a period keep it ("c." at the end of "in the key of C."), a few
//   abbreviations too ("etc.", "vs.", "mr.");
// - other symbols (% + = ~ ♪ …) are one token each; characters the lexer cannot tokenize (emoji)
//   are deleted; line separators (\r, U+2028 …) count as spaces here (each caption is one line).
// Left out (never met in captions; documented so a difference can be traced): phone numbers and
// Asian smileys are tokenized by the generic rules; letters outside the Basic Multilingual Plane
// are deleted by the Java lexer and kept here.

const L = '[\\p{L}\\p{M}\\u00AD]';
const D = '\\p{Nd}';
const LD = '[\\p{L}\\p{M}\\u00AD\\p{Nd}]';
const APOS = "(?:['\\u0092\\u2019]|&apos;)";
const APOSETC = "(?:['\\u0092\\u2019`\\u0091\\u2018\\u201B]|&apos;)";
const HYPHEN = '[-_\\u058A\\u2010\\u2011]';
const SPACE = '[ \\t\\u00A0\\u2000-\\u200A\\u3000]';
const SPACENL = '[ \\t\\u00A0\\u2000-\\u200A\\u3000\\r\\n\\u2028\\u2029\\u000B\\u000C\\u0085]';
const SGML =
  '<(?:[!?][A-Za-z-][^>\\r\\n]*|[A-Za-z][A-Za-z0-9_:.-]*(?:[ ]+(?:[A-Za-z][A-Za-z0-9_:.-]*|[A-Za-z][A-Za-z0-9_:.-]*[ ]*=[ ]*(?:\'[^\']*\'|"[^"]*")))*[ ]*\\/?|\\/[A-Za-z][A-Za-z0-9_:.-]*)[ ]*>';
const INSENTP = '[,;:\\u3001]';
const WORD = `${L}${LD}*(?:[.!?]${L}${LD}*)*`;
const REDAUX = `${APOS}(?:[msdMSD]|re|ve|ll)`;
const SWORD = '[A-Za-z\\u00AD]*[A-MO-Za-mo-z]\\u00AD*';
const SREDAUX = `n${APOSETC}t`;
const NUM = `[-+]?(?:${D}*(?:[.:,\\u00AD\\u066B\\u066C]${D}+)+|${D}+)`;
const ACRO = '[A-Za-z](?:\\.[A-Za-z])*';
const ACRO2 = '[A-Za-z](?:\\.[A-Za-z])+';
const THING = `(?:[dDoOlL]${APOSETC}${LD})?${LD}+(?:${HYPHEN}(?:[dDoOlL]${APOSETC}${LD})?${LD}+)*`;
const HTHING = `[A-Za-z0-9][A-Za-z0-9.,\\u00AD]*(?:-(?:${ACRO2}\\.|[A-Za-z0-9\\u00AD]+))+`;
const THINGA = '[A-Z]+(?:(?:[+&]|&amp;)[A-Z]+)+';
const THING3 = '[A-Za-z0-9]+(?:-[A-Za-z]+){0,2}(?:\\\\?\\/[A-Za-z0-9]+(?:-[A-Za-z]+){0,2}){1,2}';
const ABBREV1 =
  '(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec|Mon|Tues|Tue|Wed|Thurs|Thu|Fri|Ala|Ariz|[A]z|[A]rk|Calif|Colo|Conn|Ct|Dak|[D]el|Fla|Ga|[I]ll|Ind|Kans?|Ky|[L]a|[M]ass|Md|Mich|Minn|[M]iss|Mo|Mont|Neb|Nev|Okla|[O]re|[P]a|Penn|Tenn|[T]ex|Va|Vt|[W]ash|Wisc?|Wyo|Inc|Cos?|Corp|Pp?t[ye]s?|Ltd|Plc|Rt|Bancorp|Bhd|Assn|Univ|Intl|Sys|tel|est|ext|sq|Jr|Sr|Bros|(?:Ed|Ph)\\.D|Blvd|Rd|Esq|etc|al|seq|Bldg)\\.';
const ABTITLE =
  'Mr|Mrs|Ms|[M]iss|Drs?|Profs?|Sens?|Reps?|Attys?|Lt|Col|Gen|Messrs|Govs?|Adm|Rev|Maj|Sgt|Cpl|Pvt|Capt|Ste?|Ave|Pres|Lieut|Hon|Brig|Co?mdr|Pfc|Spc|Supts?|Det|Mt|Ft|Adj|Adv|Asst|Assoc|Ens|Insp|Mlle|Mme|Msgr|Sfc';
const ABBREV4 = `(?:${ABTITLE}|vs|Alex|Wm|Jos|Cie|a\\.k\\.a|cf|TREAS|Ph|${ACRO}|Invt|Elec|Natl|M[ft]g|Dept)`;
const ACRONYM_NEXT =
  '[A]bout|[A]ccording|[A]dditionally|[A]fter|[A]n|[A]|[A]s|[A]t|[B]ut|[E]arlier|[H]e|[H]er|[H]ere|[H]owever|[I]f|[I]n|[I]t|[L]ast|[M]any|[M]ore|[M]r\\.|[M]s\\.|[N]ow|[O]nce|[O]ne|[O]ther|[O]ur|[S]he|[S]ince|[S]o|[S]ome|[S]uch|[T]hat|[T]he|[T]heir|[T]hen|[T]here|[T]hese|[T]hey|[T]his|[W]e|[W]hen|[W]hile|[W]hat|[Y]et|[Y]ou';
const QUOTE_CHARS = '[`\\u2018\\u2019\\u201A\\u201B\\u201C\\u201D\\u0091\\u0092\\u0093\\u0094\\u201E\\u201F\\u2039\\u203A\\u00AB\\u00BB]';
const MISCSYMBOL =
  '[+%&~\\^|\\\\\\u00A6\\u00A7\\u00A8\\u00A9\\u00AC\\u00AE\\u00AF\\u00B0-\\u00BA\\u00D7\\u00F7\\u0387\\u2016\\u2017\\u2020-\\u2023\\u2030-\\u2038\\u203B\\u203E-\\u2042\\u2044\\u207A-\\u207F\\u208A-\\u208E\\u2100-\\u214F\\u2190-\\u21FF\\u2200-\\u2BFF\\u3012\\u30FB\\uFF01-\\uFF0F\\uFF1A-\\uFF20\\uFF3B-\\uFF40\\uFF5B-\\uFF65]';

type Action = (text: string) => { tokens: string[]; keep?: number };

interface Rule {
  /** Alternatives of the rule's expression (each tried; the longest counts, as in a DFA). */
  alts: RegExp[];
  /** Trailing context (JFlex r1/r2): counts toward the match length, not the token. */
  look?: string;
  act: Action;
}

const same: Action = (t) => ({ tokens: [t] });
const noSoftHyphen: Action = (t) => ({ tokens: [t.includes('\u00AD') ? t.replace(/\u00AD/g, '') || '-' : t] });
const amp: Action = (t) => ({ tokens: [t.replace(/&amp;/gi, '&')] });
const nbsp: Action = (t) => ({ tokens: [t.replace(/ /g, '\u00A0')] });
const pushback = (n: number): Action => (t) => ({ tokens: [t.slice(0, t.length - n)], keep: t.length - n });

function latexQuotes(tok: string, probablyLeft: boolean): string {
  let s = probablyLeft
    ? tok.replace(/&apos;|'/g, '`').replace(/"|&quot;/g, '``')
    : tok.replace(/&apos;|'/g, "'").replace(/"|&quot;/g, "''");
  s = s.replace(/[\u0091\u2018\u201B\u2039]/g, '`').replace(/[\u0092\u2019\u203A]/g, "'");
  return s.replace(/[\u0093\u201C\u00AB]/g, '``').replace(/[\u0094\u201D\u00BB]/g, "''");
}
const quotes = (left: boolean): Action => (t) => ({ tokens: [latexQuotes(t, left)] });

/**
 * The lexer is %caseless: its literal letters match either case, but (JFlex's rule) letters inside
 * a character class match only as written — [A-Z]+ in "R&B" matches, in "r&b" it does not.
 * Rewrites each letter outside a class into [xX]; escapes (\\p{L}, \\u00AD) are left alone.
 */
function caseless(src: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1] ?? '';
      if ((n === 'p' || n === 'P') && src[i + 2] === '{') {
        const end = src.indexOf('}', i);
        out += src.slice(i, end + 1);
        i = end;
      } else if (n === 'u') {
        out += src.slice(i, i + 6);
        i += 5;
      } else {
        out += c + n;
        i += 1;
      }
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') (out += '^'), (i += 1);
      if (src[i + 1] === ']') (out += '\\]'), (i += 1);
    } else if (/[a-z]/i.test(c) && !(src[i - 1] === '?' && src[i - 2] === '(')) {
      out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    } else {
      out += c;
    }
  }
  return out;
}

function rule(alts: string | string[], act: Action, look?: string): Rule {
  const list = Array.isArray(alts) ? alts : [alts];
  const la = look === undefined ? undefined : caseless(look);
  return {
    alts: list.map((a) => new RegExp(la === undefined ? `(?:${caseless(a)})` : `(${caseless(a)})(?:${la})`, 'uy')),
    look,
    act,
  };
}

// In PTBLexer.flex order (the order breaks ties between equally long matches).
const RULES: Rule[] = [
  rule('c\\+\\+', same),
  rule('(?:c|f)#', same),
  rule('cannot', pushback(3)),
  rule("'twas", pushback(3)),
  rule("'tis", pushback(2)),
  rule('gonna|gotta|lemme|gimme|wanna', pushback(2)),
  rule(SGML, nbsp),
  rule('&(?:MD|mdash|ndash);|[\\u0096\\u0097\\u2013\\u2014\\u2015]', () => ({ tokens: ['--'] })),
  rule('&amp;', () => ({ tokens: ['&'] })),
  rule('&(?:HT|TL|UR|LR|QC|QL|QR|odq|cdq|#[0-9]+);', same),
  rule(WORD, noSoftHyphen, REDAUX),
  rule(SWORD, noSoftHyphen, SREDAUX),
  rule(WORD, noSoftHyphen),
  rule(
    [
      `${APOS}n${APOS}?`, `[lLdDjJ]${APOS}`, `Dunkin${APOS}`, `somethin${APOS}`, `ol${APOS}`, `${APOS}em`,
      `[A-HJ-XZn]${APOSETC}\\p{L}{2}\\p{L}*`, `${APOS}[2-9]0s`, `${APOS}till?`,
      `\\p{L}\\p{L}*[aeiouyAEIOUY]${APOSETC}[aeiouA-Z]\\p{L}*`, `${APOS}cause`, "cont'd\\.?", "'twas", "nor'easter",
      "c'mon", "e'er", "s'mores", "ev'ry", "li'l", "nat'l", `O${APOSETC}o`,
    ],
    same,
  ),
  rule(`y${APOS}`, same, '\\p{L}'),
  rule('https?:\\/\\/[^ \\t\\n\\f\\r"<>|(){}]+[^ \\t\\n\\f\\r"<>|.!?(){},-]', same),
  rule(
    [
      '(?:www\\.(?:[^ \\t\\n\\f\\r"<>|.!?(){},]+\\.)+[a-zA-Z]{2,4})(?:\\/[^ \\t\\n\\f\\r"<>|()]+[^ \\t\\n\\f\\r"<>|.!?(){},-])?',
      '(?:(?:[^ \\t\\n\\f\\r"`\'<>|.!?(){},-_$]+\\.)+(?:com|net|org|edu))(?:\\/[^ \\t\\n\\f\\r"<>|()]+[^ \\t\\n\\f\\r"<>|.!?(){},-])?',
    ],
    same,
  ),
  rule('(?:&lt;|<)?[a-zA-Z0-9][^ \\t\\n\\f\\r"<>|()\\u00A0{}]*@(?:[^ \\t\\n\\f\\r"<>|(){}.\\u00A0]+\\.)*(?:[^ \\t\\n\\f\\r"<>|(){}.\\u00A0]+)(?:&gt;|>)?', same),
  rule(`@[a-zA-Z_][a-zA-Z_0-9]*|#${L}+`, same),
  rule(REDAUX, quotes(false), '[^A-Za-z]'),
  rule(SREDAUX, quotes(false), '[^A-Za-z]'),
  rule(`${D}{1,2}[-/]${D}{1,2}[-/]${D}{2,4}`, same),
  rule(NUM, noSoftHyphen),
  rule('[\\u207A\\u207B\\u208A\\u208B]?(?:[\\u2070\\u00B9\\u00B2\\u00B3\\u2074-\\u2079]+|[\\u2080-\\u2089]+)', same),
  rule(`(?:${D}{1,4}[- \\u00A0])?${D}{1,4}(?:\\\\?\\/|\\u2044)${D}{1,4}`, nbsp),
  rule('[\\u00BC\\u00BD\\u00BE\\u2153-\\u215E]', (t) => ({
    tokens: [t.replace('\u00BC', '1/4').replace('\u00BD', '1/2').replace('\u00BE', '3/4').replace('\u2153', '1/3').replace('\u2154', '2/3')],
  })),
  rule(
    [`-(?:RRB|LRB|RCB|LCB|RSB|LSB)-`, 'C\\.D\\.s', 'pro-', 'anti-', 'S(?:&|&amp;)P-500', 'S(?:&|&amp;)Ls', `Cap${APOS}n`, `c${APOS}est`],
    amp,
  ),
  rule(THING3, same),
  rule('[A-Z]*\\$|#', same),
  rule('[\\u00A2\\u00A3\\u00A4\\u00A5\\u0080\\u20A0\\u20AC\\u060B\\u0E3F\\u20A4\\uFFE0\\uFFE1\\uFFE5\\uFFE6]', (t) => ({
    tokens: [t.replace('\u00A2', 'cents').replace('\u00A3', '#').replace(/[\u0080\u00A4\u20A0\u20AC]/, '$')],
  })),
  // ACRONYM before a word that usually starts a sentence: "I." → "I" ".", "e.g." → "e.g." "."
  rule(`${ACRO}\\.`, (t) => (t.length === 2 ? { tokens: [t[0]!], keep: 1 } : { tokens: [t], keep: t.length - 1 }),
    `${SPACENL}+(?:${ACRONYM_NEXT}|${SGML})${SPACENL}`),
  rule('(?:ca|figs?|prop|nos?|art|bldg|pp|op)\\.', same, `${SPACENL}?${D}`),
  rule('(?:pt[eyEY]|co)\\.', same, `${SPACE}(?:ltd|lim)`),
  // ABBREV1: before a sentence start or at the end it also yields its period as "." (dropped later).
  rule(ABBREV1, (t) => ({ tokens: [t], keep: t.length - 1 }), `${SPACENL}(?:${SPACENL}|\\p{Lu}|${SGML})`),
  rule(ABBREV1, same, '[\\s\\S]{2}'),
  rule(ABBREV1, (t) => ({ tokens: [t], keep: t.length - 1 })),
  rule(`${ABBREV4}\\.`, same),
  rule(ABBREV4, same, SPACE),
  rule(ACRO, same, SPACENL),
  rule(`${APOS}[0-9][0-9]`, same, SPACENL),
  rule(`${LD}+(?:[.]${LD}+)*[.](?:bat|bmp|c|class|cgi|cpp|dll|doc|docx|exe|gif|gz|h|htm|html|jar|java|jpeg|jpg|mov|mp3|pdf|php|pl|png|ppt|ps|py|sql|tar|txt|wav|x|xml|zip)`, same, `(?:${SPACENL}|[.?!,])`),
  rule(`${WORD}\\.`, noSoftHyphen, INSENTP),
  rule('"|&quot;', quotes(true), '[A-Za-z0-9$]'),
  rule('"|&quot;', quotes(false)),
  rule('<|&lt;', () => ({ tokens: ['<'] })),
  rule('>|&gt;', () => ({ tokens: ['>'] })),
  rule('[<>]?[:;=][-o*\']?[()DPdpO\\\\{@|[\\]]', (t) => ({ tokens: [t.replace(/\(/g, '-LRB-').replace(/\)/g, '-RRB-')] }), '[^A-Za-z0-9]'),
  rule('\\{', () => ({ tokens: ['-LCB-'] })),
  rule('\\}', () => ({ tokens: ['-RCB-'] })),
  rule('\\[', () => ({ tokens: ['-LSB-'] })),
  rule('\\]', () => ({ tokens: ['-RSB-'] })),
  rule('\\(', () => ({ tokens: ['-LRB-'] })),
  rule('\\)', () => ({ tokens: ['-RRB-'] })),
  rule('-+', (t) => ({ tokens: [t.length >= 3 && t.length <= 4 ? '--' : t] })),
  rule(['\\.{3,5}', '(?:\\.[ \\u00A0]){2,4}\\.', '[\\u0085\\u2026]'], () => ({ tokens: ['...'] })),
  rule(['@+', '#+', '_+'], same),
  rule(['\\*+', '(?:\\\\\\*){1,3}'], same),
  rule(INSENTP, same),
  rule('[?!]+', same),
  rule('[.\\u00A1\\u00BF\\u037E\\u0589\\u061F\\u06D4\\u0700-\\u0702\\u07FA\\u3002]', same),
  rule('=', same),
  rule('\\/', same),
  rule(`${HTHING}\\.`, noSoftHyphen, INSENTP),
  rule(HTHING, noSoftHyphen),
  rule(`${THING}\\.`, same, INSENTP),
  rule(THING, same),
  rule(`${THINGA}\\.`, amp, INSENTP),
  rule(THINGA, amp),
  rule("'", quotes(true), '[A-Za-z][^ \\t\\n\\r\\u00A0]'),
  rule(REDAUX, quotes(false)),
  rule(SREDAUX, quotes(false)),
  rule([APOS, "''", `${QUOTE_CHARS}{1,2}`], quotes(false)),
  rule('<<|>>', same),
  rule(MISCSYMBOL, same),
];

const SKIP = /(?:\0|[ \t\u00A0\u2000-\u200A\u3000\u200B\u200E\u200F\uFEFF\r\n\u2028\u2029\u000B\u000C]|&nbsp;)+/y;

/** The PTBTokenizer's tokens of one line, before lowercasing and punctuation removal. */
export function ptbLex(text: string): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < text.length) {
    SKIP.lastIndex = pos;
    if (SKIP.test(text)) {
      pos = SKIP.lastIndex;
      continue;
    }
    let best: { rule: Rule; total: number; token: string } | null = null;
    for (const r of RULES) {
      for (const re of r.alts) {
        re.lastIndex = pos;
        const m = re.exec(text);
        if (!m || m[0].length === 0) continue;
        const token = r.look === undefined ? m[0] : m[1]!;
        if (best === null || m[0].length > best.total) best = { rule: r, total: m[0].length, token };
      }
    }
    if (best === null) {
      // Untokenizable (the lexer's default: delete it, warn once): one code point.
      pos += (text.codePointAt(pos) ?? 0) > 0xffff ? 2 : 1;
      continue;
    }
    const { tokens, keep } = best.rule.act(best.token);
    out.push(...tokens);
    pos += keep ?? best.token.length;
  }
  return out;
}

/** The tokens pycocoevalcap's PTBTokenizer wrapper removes after tokenizing. */
export const PTB_PUNCTUATION: ReadonlySet<string> = new Set([
  "''", "'", '``', '`', '-LRB-', '-RRB-', '-LCB-', '-RCB-', '.', '?', '!', ',', ':', '-', '--', '...', ';',
]);

/**
 * One caption as pycocoevalcap's PTBTokenizer returns it: lowercase tokens joined by single
 * spaces, punctuation removed ("" for a caption with no words).
 */
export function ptbTokenize(caption: string): string {
  // pycocoevalcap writes one caption per line: the lexer sees the newline after it.
  const line = ptbLex(`${caption.replace(/\n/g, ' ')}\n`).map((t) => t.toLowerCase()).join(' ');
  return line
    .replace(/[\s\u0085]+$/u, '')
    .split(' ')
    .filter((w) => !PTB_PUNCTUATION.has(w))
    .join(' ');
}
