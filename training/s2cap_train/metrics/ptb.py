"""Caption tokenization as pycocoevalcap v1.2 does it before scoring (Stanford CoreNLP 3.4.1's
PTBTokenizer, `-preserveLines -lowerCase`, then its punctuation removal): a line-for-line port of
the studio's src/core/metrics/caption/ptbTokenize.ts, whose header documents each rule and how it
was checked against the Java tokenizer. Hand-written because pycocoevalcap (and the Java jar it
shells out to) cannot be installed where training runs, and the validation numbers must equal the
studio's `s2cap metrics`. Python's `re` has no \\p{..} classes, so they are expanded from
unicodedata once; match lengths are compared in UTF-16 units, as JavaScript measures them."""
from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache

from ..byte_level import JS_SPACE

L = r"[\p{L}\p{M}\u00AD]"
D = r"\p{Nd}"
LD = r"[\p{L}\p{M}\u00AD\p{Nd}]"
APOS = r"(?:['\u0092\u2019]|&apos;)"
APOSETC = r"(?:['\u0092\u2019`\u0091\u2018\u201B]|&apos;)"
HYPHEN = r"[-_\u058A\u2010\u2011]"
SPACE = r"[ \t\u00A0\u2000-\u200A\u3000]"
SPACENL = r"[ \t\u00A0\u2000-\u200A\u3000\r\n\u2028\u2029\u000B\u000C\u0085]"
SGML = (r"""<(?:[!?][A-Za-z-][^>\r\n]*|[A-Za-z][A-Za-z0-9_:.-]*(?:[ ]+(?:[A-Za-z][A-Za-z0-9_:.-]*|"""
        r"""[A-Za-z][A-Za-z0-9_:.-]*[ ]*=[ ]*(?:'[^']*'|"[^"]*")))*[ ]*\/?|\/[A-Za-z][A-Za-z0-9_:.-]*)[ ]*>""")
INSENTP = r"[,;:\u3001]"
WORD = L + LD + r"*(?:[.!?]" + L + LD + r"*)*"
REDAUX = APOS + r"(?:[msdMSD]|re|ve|ll)"
SWORD = r"[A-Za-z\u00AD]*[A-MO-Za-mo-z]\u00AD*"
SREDAUX = r"n" + APOSETC + r"t"
NUM = r"[-+]?(?:" + D + r"*(?:[.:,\u00AD\u066B\u066C]" + D + r"+)+|" + D + r"+)"
ACRO = r"[A-Za-z](?:\.[A-Za-z])*"
ACRO2 = r"[A-Za-z](?:\.[A-Za-z])+"
THING = (r"(?:[dDoOlL]" + APOSETC + LD + r")?" + LD + r"+(?:" + HYPHEN + r"(?:[dDoOlL]" + APOSETC + LD + r")?"
         + LD + r"+)*")
HTHING = r"[A-Za-z0-9][A-Za-z0-9.,\u00AD]*(?:-(?:" + ACRO2 + r"\.|[A-Za-z0-9\u00AD]+))+"
THINGA = r"[A-Z]+(?:(?:[+&]|&amp;)[A-Z]+)+"
THING3 = r"[A-Za-z0-9]+(?:-[A-Za-z]+){0,2}(?:\\?\/[A-Za-z0-9]+(?:-[A-Za-z]+){0,2}){1,2}"
ABBREV1 = (r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec|Mon|Tues|Tue|Wed|Thurs|Thu|Fri|Ala|Ariz|[A]z|[A]rk|"
           r"Calif|Colo|Conn|Ct|Dak|[D]el|Fla|Ga|[I]ll|Ind|Kans?|Ky|[L]a|[M]ass|Md|Mich|Minn|[M]iss|Mo|Mont|Neb|Nev|"
           r"Okla|[O]re|[P]a|Penn|Tenn|[T]ex|Va|Vt|[W]ash|Wisc?|Wyo|Inc|Cos?|Corp|Pp?t[ye]s?|Ltd|Plc|Rt|Bancorp|Bhd|"
           r"Assn|Univ|Intl|Sys|tel|est|ext|sq|Jr|Sr|Bros|(?:Ed|Ph)\.D|Blvd|Rd|Esq|etc|al|seq|Bldg)\.")
ABTITLE = (r"Mr|Mrs|Ms|[M]iss|Drs?|Profs?|Sens?|Reps?|Attys?|Lt|Col|Gen|Messrs|Govs?|Adm|Rev|Maj|Sgt|Cpl|Pvt|Capt|"
           r"Ste?|Ave|Pres|Lieut|Hon|Brig|Co?mdr|Pfc|Spc|Supts?|Det|Mt|Ft|Adj|Adv|Asst|Assoc|Ens|Insp|Mlle|Mme|Msgr|Sfc")
ABBREV4 = r"(?:" + ABTITLE + r"|vs|Alex|Wm|Jos|Cie|a\.k\.a|cf|TREAS|Ph|" + ACRO + r"|Invt|Elec|Natl|M[ft]g|Dept)"
ACRONYM_NEXT = (r"[A]bout|[A]ccording|[A]dditionally|[A]fter|[A]n|[A]|[A]s|[A]t|[B]ut|[E]arlier|[H]e|[H]er|[H]ere|"
                r"[H]owever|[I]f|[I]n|[I]t|[L]ast|[M]any|[M]ore|[M]r\.|[M]s\.|[N]ow|[O]nce|[O]ne|[O]ther|[O]ur|[S]he|"
                r"[S]ince|[S]o|[S]ome|[S]uch|[T]hat|[T]he|[T]heir|[T]hen|[T]here|[T]hese|[T]hey|[T]his|[W]e|[W]hen|"
                r"[W]hile|[W]hat|[Y]et|[Y]ou")
QUOTE_CHARS = r"[`\u2018\u2019\u201A\u201B\u201C\u201D\u0091\u0092\u0093\u0094\u201E\u201F\u2039\u203A\u00AB\u00BB]"
MISCSYMBOL = (r"[+%&~\^|\\\u00A6\u00A7\u00A8\u00A9\u00AC\u00AE\u00AF\u00B0-\u00BA\u00D7\u00F7\u0387\u2016\u2017"
              r"\u2020-\u2023\u2030-\u2038\u203B\u203E-\u2042\u2044\u207A-\u207F\u208A-\u208E\u2100-\u214F"
              r"\u2190-\u21FF\u2200-\u2BFF\u3012\u30FB\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65]")

PROPERTIES = {"L": lambda c: c[0] == "L", "M": lambda c: c[0] == "M", "Nd": lambda c: c == "Nd", "Lu": lambda c: c == "Lu"}


@lru_cache(maxsize=None)
def _property_class(name: str) -> str:
    """The body of a character class (no brackets) matching Unicode general category `name`."""
    test = PROPERTIES[name]
    out, start = [], None
    for cp in range(sys.maxunicode + 2):
        inside = cp <= sys.maxunicode and test(unicodedata.category(chr(cp)))
        if inside and start is None:
            start = cp
        elif not inside and start is not None:
            out.append(f"\\U{start:08x}" if start == cp - 1 else f"\\U{start:08x}-\\U{cp - 1:08x}")
            start = None
    return "".join(out)


def caseless(src: str) -> str:
    """The studio's caseless(): letters outside a class match either case (JFlex %caseless keeps
    class letters as written); here \\p{X} is also expanded for Python's `re`, and `[` inside a
    class escaped (Python warns about nested sets)."""
    out, in_class, i = [], False, 0
    while i < len(src):
        c = src[i]
        if c == "\\":
            n = src[i + 1] if i + 1 < len(src) else ""
            if n in ("p", "P") and src[i + 2:i + 3] == "{":
                end = src.index("}", i)
                body = _property_class(src[i + 3:end])
                out.append(body if in_class else f"[{body}]")
                i = end
            elif n == "u":
                out.append(src[i:i + 6])
                i += 5
            else:
                out.append(c + n)
                i += 1
        elif in_class:
            if c == "]":
                in_class = False
            out.append("\\[" if c == "[" else c)
        elif c == "[":
            in_class = True
            out.append(c)
            if src[i + 1:i + 2] == "^":
                out.append("^")
                i += 1
            if src[i + 1:i + 2] == "]":
                out.append("\\]")
                i += 1
        elif c.isascii() and c.isalpha() and not (src[i - 1:i] == "?" and src[i - 2:i - 1] == "("):
            out.append(f"[{c.lower()}{c.upper()}]")
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _same(t):
    return [t], None


def _no_soft_hyphen(t):
    return [(t.replace("\u00ad", "") or "-") if "\u00ad" in t else t], None


def _amp(t):
    return [re.sub("&amp;", "&", t, flags=re.I)], None


def _nbsp(t):
    return [t.replace(" ", "\u00a0")], None


def _pushback(n):
    return lambda t: ([t[:len(t) - n]], len(t) - n)


def _const(tok):
    return lambda t: ([tok], None)


def latex_quotes(tok: str, probably_left: bool) -> str:
    if probably_left:
        s = re.sub(r"&apos;|'", "`", tok)
        s = re.sub(r'"|&quot;', "``", s)
    else:
        s = re.sub(r"&apos;|'", "'", tok)
        s = re.sub(r'"|&quot;', "''", s)
    s = re.sub("[\u0091\u2018\u201b\u2039]", "`", s)
    s = re.sub("[\u0092\u2019\u203a]", "'", s)
    s = re.sub("[\u0093\u201c\u00ab]", "``", s)
    return re.sub("[\u0094\u201d\u00bb]", "''", s)


def _quotes(left):
    return lambda t: ([latex_quotes(t, left)], None)


def _fraction(t):
    for a, b in (("\u00bc", "1/4"), ("\u00bd", "1/2"), ("\u00be", "3/4"), ("\u2153", "1/3"), ("\u2154", "2/3")):
        t = t.replace(a, b, 1)
    return [t], None


def _currency(t):
    t = t.replace("\u00a2", "cents", 1).replace("\u00a3", "#", 1)
    return [re.sub("[\u0080\u00a4\u20a0\u20ac]", "$", t, count=1)], None


def _acronym(t):
    return ([t[0]], 1) if len(t) == 2 else ([t], len(t) - 1)


def _abbrev_keep_period(t):
    return [t], len(t) - 1


def _smiley(t):
    return [t.replace("(", "-LRB-").replace(")", "-RRB-")], None


def _dashes(t):
    return ["--" if 3 <= len(t) <= 4 else t], None


def _rule(alts, act, look=None):
    alts = alts if isinstance(alts, list) else [alts]
    la = None if look is None else caseless(look)
    return ([re.compile(f"(?:{caseless(a)})" if la is None else f"({caseless(a)})(?:{la})") for a in alts], look, act)


@lru_cache(maxsize=1)
def rules() -> list:
    """PTBLexer.flex's rules in its order (the order breaks ties between equally long matches)."""
    return [
        _rule(r"c\+\+", _same),
        _rule(r"(?:c|f)#", _same),
        _rule(r"cannot", _pushback(3)),
        _rule(r"'twas", _pushback(3)),
        _rule(r"'tis", _pushback(2)),
        _rule(r"gonna|gotta|lemme|gimme|wanna", _pushback(2)),
        _rule(SGML, _nbsp),
        _rule(r"&(?:MD|mdash|ndash);|[\u0096\u0097\u2013\u2014\u2015]", _const("--")),
        _rule(r"&amp;", _const("&")),
        _rule(r"&(?:HT|TL|UR|LR|QC|QL|QR|odq|cdq|#[0-9]+);", _same),
        _rule(WORD, _no_soft_hyphen, REDAUX),
        _rule(SWORD, _no_soft_hyphen, SREDAUX),
        _rule(WORD, _no_soft_hyphen),
        _rule([APOS + "n" + APOS + "?", "[lLdDjJ]" + APOS, "Dunkin" + APOS, "somethin" + APOS, "ol" + APOS, APOS + "em",
               r"[A-HJ-XZn]" + APOSETC + r"\p{L}{2}\p{L}*", APOS + r"[2-9]0s", APOS + r"till?",
               r"\p{L}\p{L}*[aeiouyAEIOUY]" + APOSETC + r"[aeiouA-Z]\p{L}*", APOS + "cause", r"cont'd\.?", "'twas",
               "nor'easter", "c'mon", "e'er", "s'mores", "ev'ry", "li'l", "nat'l", "O" + APOSETC + "o"], _same),
        _rule("y" + APOS, _same, r"\p{L}"),
        _rule(r'https?:\/\/[^ \t\n\f\r"<>|(){}]+[^ \t\n\f\r"<>|.!?(){},-]', _same),
        _rule([r'(?:www\.(?:[^ \t\n\f\r"<>|.!?(){},]+\.)+[a-zA-Z]{2,4})(?:\/[^ \t\n\f\r"<>|()]+[^ \t\n\f\r"<>|.!?(){},-])?',
               r"""(?:(?:[^ \t\n\f\r"`'<>|.!?(){},-_$]+\.)+(?:com|net|org|edu))(?:\/[^ \t\n\f\r"<>|()]+[^ \t\n\f\r"<>|.!?(){},-])?"""],
              _same),
        _rule(r'(?:&lt;|<)?[a-zA-Z0-9][^ \t\n\f\r"<>|()\u00A0{}]*@(?:[^ \t\n\f\r"<>|(){}.\u00A0]+\.)*'
              r'(?:[^ \t\n\f\r"<>|(){}.\u00A0]+)(?:&gt;|>)?', _same),
        _rule(r"@[a-zA-Z_][a-zA-Z_0-9]*|#" + L + "+", _same),
        _rule(REDAUX, _quotes(False), "[^A-Za-z]"),
        _rule(SREDAUX, _quotes(False), "[^A-Za-z]"),
        _rule(D + "{1,2}[-/]" + D + "{1,2}[-/]" + D + "{2,4}", _same),
        _rule(NUM, _no_soft_hyphen),
        _rule(r"[\u207A\u207B\u208A\u208B]?(?:[\u2070\u00B9\u00B2\u00B3\u2074-\u2079]+|[\u2080-\u2089]+)", _same),
        _rule(r"(?:" + D + r"{1,4}[- \u00A0])?" + D + r"{1,4}(?:\\?\/|\u2044)" + D + "{1,4}", _nbsp),
        _rule(r"[\u00BC\u00BD\u00BE\u2153-\u215E]", _fraction),
        _rule([r"-(?:RRB|LRB|RCB|LCB|RSB|LSB)-", r"C\.D\.s", "pro-", "anti-", r"S(?:&|&amp;)P-500", r"S(?:&|&amp;)Ls",
               "Cap" + APOS + "n", "c" + APOS + "est"], _amp),
        _rule(THING3, _same),
        _rule(r"[A-Z]*\$|#", _same),
        _rule(r"[\u00A2\u00A3\u00A4\u00A5\u0080\u20A0\u20AC\u060B\u0E3F\u20A4\uFFE0\uFFE1\uFFE5\uFFE6]", _currency),
        # ACRONYM before a word that usually starts a sentence: "I." → "I" ".", "e.g." → "e.g." "."
        _rule(ACRO + r"\.", _acronym, SPACENL + "+(?:" + ACRONYM_NEXT + "|" + SGML + ")" + SPACENL),
        _rule(r"(?:ca|figs?|prop|nos?|art|bldg|pp|op)\.", _same, SPACENL + "?" + D),
        _rule(r"(?:pt[eyEY]|co)\.", _same, SPACE + "(?:ltd|lim)"),
        # ABBREV1: before a sentence start or at the end it also yields its period as "." (dropped later).
        _rule(ABBREV1, _abbrev_keep_period, SPACENL + r"(?:" + SPACENL + r"|\p{Lu}|" + SGML + ")"),
        _rule(ABBREV1, _same, r"[\s\S]{2}"),
        _rule(ABBREV1, _abbrev_keep_period),
        _rule(ABBREV4 + r"\.", _same),
        _rule(ABBREV4, _same, SPACE),
        _rule(ACRO, _same, SPACENL),
        _rule(APOS + "[0-9][0-9]", _same, SPACENL),
        _rule(LD + r"+(?:[.]" + LD + r"+)*[.](?:bat|bmp|c|class|cgi|cpp|dll|doc|docx|exe|gif|gz|h|htm|html|jar|java|jpeg|"
              r"jpg|mov|mp3|pdf|php|pl|png|ppt|ps|py|sql|tar|txt|wav|x|xml|zip)", _same, "(?:" + SPACENL + r"|[.?!,])"),
        _rule(WORD + r"\.", _no_soft_hyphen, INSENTP),
        _rule(r'"|&quot;', _quotes(True), r"[A-Za-z0-9$]"),
        _rule(r'"|&quot;', _quotes(False)),
        _rule(r"<|&lt;", _const("<")),
        _rule(r">|&gt;", _const(">")),
        _rule(r"[<>]?[:;=][-o*']?[()DPdpO\\{@|[\]]", _smiley, "[^A-Za-z0-9]"),
        _rule(r"\{", _const("-LCB-")),
        _rule(r"\}", _const("-RCB-")),
        _rule(r"\[", _const("-LSB-")),
        _rule(r"\]", _const("-RSB-")),
        _rule(r"\(", _const("-LRB-")),
        _rule(r"\)", _const("-RRB-")),
        _rule(r"-+", _dashes),
        _rule([r"\.{3,5}", r"(?:\.[ \u00A0]){2,4}\.", r"[\u0085\u2026]"], _const("...")),
        _rule(["@+", "#+", "_+"], _same),
        _rule([r"\*+", r"(?:\\\*){1,3}"], _same),
        _rule(INSENTP, _same),
        _rule(r"[?!]+", _same),
        _rule(r"[.\u00A1\u00BF\u037E\u0589\u061F\u06D4\u0700-\u0702\u07FA\u3002]", _same),
        _rule("=", _same),
        _rule(r"\/", _same),
        _rule(HTHING + r"\.", _no_soft_hyphen, INSENTP),
        _rule(HTHING, _no_soft_hyphen),
        _rule(THING + r"\.", _same, INSENTP),
        _rule(THING, _same),
        _rule(THINGA + r"\.", _amp, INSENTP),
        _rule(THINGA, _amp),
        _rule("'", _quotes(True), r"[A-Za-z][^ \t\n\r\u00A0]"),
        _rule(REDAUX, _quotes(False)),
        _rule(SREDAUX, _quotes(False)),
        _rule([APOS, "''", QUOTE_CHARS + "{1,2}"], _quotes(False)),
        _rule("<<|>>", _same),
        _rule(MISCSYMBOL, _same),
    ]


SKIP = re.compile(r"(?:\0|[ \t\u00A0\u2000-\u200A\u3000\u200B\u200E\u200F\uFEFF\r\n\u2028\u2029\u000B\u000C]|&nbsp;)+")


def _u16len(s: str) -> int:
    return len(s) + sum(1 for c in s if ord(c) > 0xFFFF)


def ptb_lex(text: str) -> list[str]:
    """The PTBTokenizer's tokens of one line, before lowercasing and punctuation removal."""
    out: list[str] = []
    pos = 0
    table = rules()
    while pos < len(text):
        m = SKIP.match(text, pos)
        if m:
            pos = m.end()
            continue
        best = None  # (total length in UTF-16 units, token, action)
        for alts, look, act in table:
            for rx in alts:
                m = rx.match(text, pos)
                if not m or m.end() == pos:
                    continue
                total = _u16len(m.group(0))
                if best is None or total > best[0]:
                    best = (total, m.group(0) if look is None else m.group(1), act)
        if best is None:
            pos += 1  # untokenizable (the lexer deletes it): one code point
            continue
        tokens, keep = best[2](best[1])
        out.extend(tokens)
        pos += len(best[1]) if keep is None else keep
    return out


PTB_PUNCTUATION = frozenset(["''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-", ".", "?", "!", ",", ":", "-", "--",
                             "...", ";"])
JS_SPACE_OR_NEL = "".join(sorted(JS_SPACE | {"\u0085"}))  # the studio strips /[\s\u0085]+$/u at the end


def ptb_tokenize(caption: str) -> str:
    """One caption as pycocoevalcap's PTBTokenizer returns it: lowercase tokens joined by single
    spaces, punctuation removed ("" for a caption with no words)."""
    line = " ".join(t.lower() for t in ptb_lex(caption.replace("\n", " ") + "\n"))
    return " ".join(w for w in line.rstrip(JS_SPACE_OR_NEL).split(" ") if w not in PTB_PUNCTUATION)
