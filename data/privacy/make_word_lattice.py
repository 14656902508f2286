#!/usr/bin/env python3
"""Generates src/privacy/names/chinese_lexicon_data.cc, the word and name statistics behind the
segmentation lattice of src/privacy/names/chinese_segmenter.cc, from jieba's dictionary (Debian
python3-jieba 0.42.1, MIT licence: /usr/lib/python3/dist-packages/jieba/dict.txt, "word freq
tag" lines, 60 million word occurrences of a segmented corpus).

Every table holds costs, -log(probability), quantised to one printable byte (STEP nats from
BASE; see chinese_lexicon.cc for the decoding):
- words: Han words of 2 characters (frequency >= MIN_FREQ), of 3 characters with a surname
  among their first two (>= MIN_FREQ), of 4 with a surname among their first three
  (>= MIN_FREQ4); any tag, nr included, because jieba tags many ordinary words nr (胡萝卜,
  黄金周, 杨树). Words without a surname character compete with no name candidate except
  across its last character, so only two-character ones are kept; cost -log(freq / total).
- non-person words: the three-character words above not tagged as person names (马鞍山, 龙井茶,
  吴江区), keys only: a name the context scorer finds inside one is vetoed.
- characters: single-character entries, the cost of a character standing alone.
- given-name characters: how often a character is a given-name character in the person names
  (tag nr/nrfg/nrt, a listed surname + 1-2 characters) of the dictionary, add-0.1 smoothed.
- surnames: how often each listed surname starts those names, add-1 smoothed.

The surname lists are read from src/privacy/names/names.cc (keep it in step: regenerate after
editing them), widened for the lattice alone by the rest of the Hundred Family Surnames
(百家姓, a public-domain Song dynasty text) and a few frequent modern surnames missing from it
(HUNDRED_FAMILY below); a surname no dictionary name starts costs most (add-1 smoothing). Usage: make_word_lattice.py [DICT] > src/privacy/names/chinese_lexicon_data.cc
"""
import collections
import math
import sys

# The surname lists of names.cc, read as make_famous_names.py reads them (same folder).
from make_famous_names import is_han  # noqa: E402
from make_famous_names import surname_tables as famous_surname_tables  # noqa: E402

MIN_FREQ, MIN_FREQ4 = 3, 10
BASE, STEP, LEVELS = 2.0, 0.2, 90  # keep in step with kBase/kStep in chinese_lexicon.cc
# The single and compound surnames of the Hundred Family Surnames not already in names.cc, less
# characters that are mostly function words or word parts (和 时 从 都 有 能 后 相 公 那 于 国
# 家 东 空 红 利 通 别 终 步 居 满 广 越 益 充 养 须 法 年 爱 言 福), plus frequent modern
# surnames (冼 隋 佟 覃 亓 禤 眭), and modern ones that are everyday characters too, for the
# lattice alone, where a name must be cheaper than the words (时 利 区 代 占 敬 银 修 苑 玄).
HUNDRED_FAMILY = (
    "卫华喻窦云奚郎昌凤酆费廉岑毕安乐元卜平米明计季麻强支管经房干解应宗宣贲诸於惠松井富乌"
    "巴山全秋印双郤农习鱼容古易慎戈庾暨弘隆师融毋晋楚汝鄢涂钦帅缑亢郈琴商牟佘佴墨哈谯笪阳"
    "冼隋佟亓禤眭"
    "时利区代占敬银修苑玄")
HUNDRED_FAMILY_COMPOUND = (
    "万俟 闻人 赫连 公羊 澹台 公冶 宗政 濮阳 淳于 单于 太叔 申屠 仲孙 钟离 鲜于 闾丘 司空 亓官 "
    "司寇 仉督 子车 颛孙 巫马 公西 漆雕 乐正 壤驷 公良 拓跋 夹谷 宰父 谷梁 段干 百里 东郭 南门 "
    "归海 羊舌 微生 梁丘 左丘 东门 伯赏 第五").split()


def surname_tables():
    singles, compounds = famous_surname_tables()
    # The name model's training names draw surnames from make_name_sentences.FREQUENT; one
    # missing here is no candidate at all, so its names could never be found (丛 迟 芦 were).
    # 和 stays out: a conjunction first (the exclusions above).
    from make_name_sentences import FREQUENT
    trained = set(FREQUENT) - set("和")
    return singles | set(HUNDRED_FAMILY) | trained, compounds | set(HUNDRED_FAMILY_COMPOUND)


def quantise(cost):
    # Printable bytes 35..125 without the backslash (92): no escapes in the string literal.
    q = max(0, min(LEVELS - 1, round((cost - BASE) / STEP)))
    c = 35 + q
    return chr(c + 1 if c >= 92 else c)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "/usr/lib/python3/dist-packages/jieba/dict.txt"
    singles, compounds = surname_tables()
    total = 0
    words, chars, non_person3 = {}, {}, set()
    sur, given = collections.Counter(), collections.Counter()
    n_names = 0
    for line in open(path, encoding="utf-8"):
        w, f, tag = line.split()
        f = int(f)
        total += f
        if not is_han(w):
            continue
        if tag in ("nr", "nrfg", "nrt"):
            s = 2 if w[:2] in compounds else 1 if w[0] in singles else 0
            if s and 1 <= len(w) - s <= 2:
                n_names += 1
                sur[w[:s]] += 1
                for c in w[s:]:
                    given[c] += 1
        n = len(w)
        if n == 1:
            chars[w] = chars.get(w, 0) + f
        elif (n == 2 and f >= MIN_FREQ) or (
                n == 3 and f >= MIN_FREQ and (w[0] in singles or w[1] in singles)) or (
                n == 4 and f >= MIN_FREQ4 and any(c in singles for c in w[:3])):
            words[w] = words.get(w, 0) + f
            if n == 3 and tag not in ("nr", "nrfg", "nrt"):
                non_person3.add(w)
    log_total = math.log(total)
    n_given = sum(given.values())

    def table(entries, per_line):
        items = sorted(entries.items(), key=lambda kv: kv[0].encode("utf-8"))
        cells = [k + quantise(v) for k, v in items]
        return "\n".join('    "' + "".join(cells[i:i + per_line]) + '"'
                         for i in range(0, len(cells), per_line))

    def keys(entries, per_line):
        items = sorted(entries, key=lambda k: k.encode("utf-8"))
        return "\n".join('    "' + "".join(items[i:i + per_line]) + '"'
                         for i in range(0, len(items), per_line))

    def word_costs(n):
        return {w: log_total - math.log(f) for w, f in words.items() if len(w) == n}

    char_costs = {c: log_total - math.log(f) for c, f in chars.items()}
    given_costs = {c: -math.log((k + 0.1) / n_given) for c, k in given.items()}
    sur_costs = {s: -math.log((sur[s] + 1) / n_names) for s in singles | compounds}
    counts = {n: len(word_costs(n)) for n in (2, 3, 4)}
    sys.stdout.write(f"""// Generated by data/privacy/make_word_lattice.py from jieba 0.42.1's dict.txt (MIT); do not
// edit. {counts[2]} + {counts[3]} + {counts[4]} words of 2/3/4 characters, {len(char_costs)} characters,
// {len(non_person3)} non-person three-character words, {len(given_costs)} given-name characters and {len(sur_costs)} surnames from {n_names} person names.
#include "privacy/names/chinese_lexicon_data.h"

namespace tandem::privacy::lexicon_data {{

namespace {{

// Each entry: the UTF-8 key, then one cost byte; sorted by key bytes. Arrays with sizeof, not
// a string_view of a literal: no compile-time strlen over a megabyte.
constexpr char kWords2Data[] =
{table(word_costs(2), 40)};
constexpr char kWords3Data[] =
{table(word_costs(3), 30)};
constexpr char kWords4Data[] =
{table(word_costs(4), 24)};
constexpr char kNonPerson3Data[] =
{keys(non_person3, 30)};
constexpr char kCharsData[] =
{table(char_costs, 60)};
constexpr char kGivenData[] =
{table(given_costs, 60)};
constexpr char kSurnames1Data[] =
{table({s: c for s, c in sur_costs.items() if len(s) == 1}, 60)};
constexpr char kSurnames2Data[] =
{table({s: c for s, c in sur_costs.items() if len(s) == 2}, 30)};

}}  // namespace

const std::string_view kWords2(kWords2Data, sizeof kWords2Data - 1);
const std::string_view kWords3(kWords3Data, sizeof kWords3Data - 1);
const std::string_view kWords4(kWords4Data, sizeof kWords4Data - 1);
const std::string_view kNonPerson3(kNonPerson3Data, sizeof kNonPerson3Data - 1);
const std::string_view kChars(kCharsData, sizeof kCharsData - 1);
const std::string_view kGiven(kGivenData, sizeof kGivenData - 1);
const std::string_view kSurnames1(kSurnames1Data, sizeof kSurnames1Data - 1);
const std::string_view kSurnames2(kSurnames2Data, sizeof kSurnames2Data - 1);

}}  // namespace tandem::privacy::lexicon_data
""")
    print(f"words {counts}, chars {len(char_costs)}, given {len(given_costs)}", file=sys.stderr)


if __name__ == "__main__":
    main()
