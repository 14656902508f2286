"""Candidates and features of the Chinese name model, the Python twin of
src/privacy/names/name_model.cc: both must produce the same feature strings for the same text,
so the C++ scores equal the ones train_name_model.py writes (tests/privacy/name_model_test.cc).

A candidate is a surname of the word-lattice tables (compound first, one per position) + one or
two Han given characters that are not particles (names.cc's stop characters). Its features are
strings hashed with 32-bit FNV-1a: the characters, how the dictionary sees them (word costs of
the pairs across each edge, given-name and surname costs, as quantised bytes of
chinese_lexicon_data.cc), the hand and measured given-name weights, and the neighbours.
"""
import re

ROOT = __file__.rsplit("/data/", 1)[0]


def _literal(src, name):
    m = re.search(name + r"(?:Data\[\])? =\n(.*?\");\n", src, re.S)
    return "".join(re.findall(r'"([^"]*)"', m.group(1)))


def _table(src, name, chars):
    raw = _literal(src, name)
    out = {}
    for k in range(0, len(raw), chars + 1):
        out[raw[k:k + chars]] = ord(raw[k + chars])
    return out


class Lexicon:
    def __init__(self):
        lex = open(f"{ROOT}/src/privacy/names/chinese_lexicon_data.cc", encoding="utf-8").read()
        self.words = {2: _table(lex, "kWords2", 2), 3: _table(lex, "kWords3", 3),
                      4: _table(lex, "kWords4", 4)}
        self.chars = _table(lex, "kChars", 1)
        self.given = _table(lex, "kGiven", 1)
        self.sur1 = _table(lex, "kSurnames1", 1)
        self.sur2 = _table(lex, "kSurnames2", 2)
        np3 = _literal(lex, "kNonPerson3")
        self.non_person = {np3[k:k + 3] for k in range(0, len(np3), 3)}
        names = open(f"{ROOT}/src/privacy/names/names.cc", encoding="utf-8").read()
        self.stop = set(_literal(names, "kStopChars"))
        self.hand_strong = set(_literal(names, "kStrongGiven"))
        self.hand_weak = set(_literal(names, "kWeakGiven"))
        stats = open(f"{ROOT}/src/privacy/names/chinese_name_stats.cc", encoding="utf-8").read()
        self.data_strong = set(_literal(stats, "kStrong"))
        self.data_weak = set(_literal(stats, "kWeak"))

    def weight(self, c):
        """names.cc given_name_char_weight()."""
        if c in self.hand_strong:
            return 2
        if c in "二三四五六七八九十百千":
            return 0
        data = 2 if c in self.data_strong else 1 if c in self.data_weak else 0
        return max(1 if c in self.hand_weak else 0, data)

    def word_bucket(self, w):
        b = self.words.get(len(w), {}).get(w)
        return "n" if b is None else str(b // 4)


def is_han(c):
    return "\u4000" <= c <= "\u9fff"


def tok(c, edge):
    if c is None:
        return edge
    if is_han(c):
        return c
    o = ord(c)
    if 0x30 <= o <= 0x39 or 0xFF10 <= o <= 0xFF19:
        return "D"
    if 0x41 <= o <= 0x5A or 0x61 <= o <= 0x7A or 0xFF21 <= o <= 0xFF3A or 0xFF41 <= o <= 0xFF5A:
        return "A"
    if c in " \t\n\r\u3000":
        return "_"
    return "P"


def cls(t):
    return "H" if len(t) == 1 and is_han(t) else t


def candidates(lex, text):
    """(begin, surname length, given length) in characters, in order."""
    out = []
    n = len(text)
    for i in range(n):
        if not is_han(text[i]):
            continue
        if text[i:i + 2] in lex.sur2:
            ls = 2
        elif text[i] in lex.sur1:
            ls = 1
        else:
            continue
        for lg in (1, 2):
            e = i + ls + lg
            if e > n:
                break
            c = text[e - 1]
            if not is_han(c) or c in lex.stop:
                break
            out.append((i, ls, lg))
    return out


def features(lex, text, i, ls, lg):
    n = len(text)
    e = i + ls + lg
    s, g = text[i:i + ls], text[i + ls:e]
    l1 = text[i - 1] if i >= 1 else None
    l2 = text[i - 2] if i >= 2 else None
    r1 = text[e] if e < n else None
    r2 = text[e + 1] if e + 1 < n else None
    tl1, tr1 = tok(l1, "^"), tok(r1, "$")
    tl2 = tok(l2, "^") if cls(tl1) == "H" else "-"
    tr2 = tok(r2, "$") if cls(tr1) == "H" else "-"
    sur = lex.sur2[s] if ls == 2 else lex.sur1[s]
    f = ["b", f"sh{ls}{lg}", f"s:{s}", f"sc{lg}:{sur // 3}", f"g1:{g[0]}"]
    if lg == 2:
        f += [f"g2:{g[1]}", f"gg:{g}"]
    else:
        f.append(f"go:{g}")
    for k, c in enumerate(g):
        gb = lex.given.get(c)
        cb = lex.chars.get(c)
        f += [f"gc{lg}{k}:{'n' if gb is None else gb // 3}",
              f"cc{lg}{k}:{'n' if cb is None else cb // 4}",
              f"gw{lg}{k}:{lex.weight(c)}"]
    f.append(f"gws:{lex.weight(g[0])}{lex.weight(g[1]) if lg == 2 else '-'}")
    f += [f"l1:{tl1}", f"r1:{tr1}", f"l1g{lg}:{tl1}", f"r1g{lg}:{tr1}", f"l2:{tl2}{tl1}",
          f"r2:{tr1}{tr2}", f"lc:{cls(tl1)}{cls(tr1)}{lg}"]
    han_l1 = cls(tl1) == "H"
    han_r1 = cls(tr1) == "H"
    if han_l1:
        f.append(f"wls:{lex.word_bucket(l1 + s[0])}")
        if len(tl2) == 1 and is_han(tl2):
            f.append(f"wll:{lex.word_bucket(l2 + l1)}")
        if ls + lg + 1 <= 4:
            f.append(f"wlc:{lex.word_bucket(l1 + s + g)}")
    f.append(f"wsg:{lex.word_bucket(s[-1] + g[0])}")
    if lg == 2:
        f.append(f"wgg:{lex.word_bucket(g)}")
    f.append(f"wc:{lex.word_bucket(s + g)}")
    if han_r1:
        f.append(f"wgr{lg}:{lex.word_bucket(g[-1] + r1)}")
        if len(tr2) == 1 and is_han(tr2):
            f.append(f"wrr:{lex.word_bucket(r1 + r2)}")
        if ls + lg + 1 <= 4:
            f.append(f"wcr:{lex.word_bucket(s + g + r1)}")
    if ls + lg == 3 and s + g in lex.non_person:
        f.append("np")
    return f


def fnv1a(s):
    h = 0x811C9DC5
    for b in s.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h
