#!/usr/bin/env python3
"""Generate heldout7.jsonl - a blind, hand-templated evaluation set for a PII
detector, written without any reference to the detector's code, lexicons or
other test sets.  Emphasis is on personal NAMES (Chinese, compound/rare
surnames, names made of common words, English and pinyin names), plus ~100 hard
negatives and a small amount of phone / id / card / email / ip / address cover.

Deterministic: fixed seed, Python standard library only.  Run:

    python3 make_heldout7.py            # writes heldout7.jsonl next to this file

Each output line: {"text": ..., "entities": [{"type": T, "value": V}, ...], "note": ...}
with T in {name, phone, id, card, email, ip, address}.  Every V is an exact
substring of text; an entity that occurs twice is listed twice (entities are
listed in order of appearance).  Lines with "entities": [] are hard negatives.

Labelling conventions:
  * name: only the person's name.  "王建国经理" -> 王建国; "Dr. Emily Carter" ->
    "Emily Carter".  Bare surname + title (王经理, 李老师, 张总) and nicknames
    (小王, 老张, 阿强) are NOT names.  Brands, shops, dishes, places, herbs,
    idioms and words that merely contain a surname character (李宁, 王老吉,
    杨国福麻辣烫, 东坡肉, 黄山, 陈皮, 马上, 高兴 ...) are NOT names.  Famous
    people (鲁迅, 苏轼) ARE names.  Pinyin names in any case are names.
  * phone: Chinese mobile (1[3-9] + 9 digits) as written, incl. +86 / 0086,
    spaces, dashes or full-width digits.
  * id: PRC resident ID - 18 digits with a valid ISO 7064 MOD 11-2 check digit
    (X may be lower case), or a 15-digit legacy ID.
  * card: Luhn-valid bank card number as written (spaces/dashes kept).
  * email, ip (IPv4 / IPv6), address (the full street address phrase).
  Invalid-checksum IDs / cards, order numbers, tracking numbers, dates and
  amounts are negatives.
"""
import json
import os
import random
import re
import sys
from collections import Counter

SEED = 20240707
TARGET_CASES = 550
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "heldout7.jsonl")
TYPES = ("name", "phone", "id", "card", "email", "ip", "address")

rng = random.Random(SEED)

# ---------------------------------------------------------------------------
# Name pools (invented).  Lists only - never iterate over sets (hash order).
# ---------------------------------------------------------------------------
COMMON_SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹"
    "薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易"
    "乔伍庞颜倪庄聂章鲁岳翟殷詹申耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季裴"
    "霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶牟艾尤穆卓古吉缪简车"
    "项连麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟应臧闵邬边卞姬栾隋商刁沙荣巫"
    "寇桑郎甄丛仲虞敖巩佘池苑迟邝")
RARE_SURNAMES = list("亓仉阙禚逄冼邰訾笪滑璩郜蔺眭昝麹亢厍遆揭桓展乜綦於帅练隗封那佴钮")
GIVEN_1 = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚英华鹏辉玲燕飞斌宇浩凯健俊帆旭"
               "龙林欣雪颖琳晨婷倩蕾萌璐瑶怡楠彤岩峰晶博昊睿然阳悦薇茜蓉莉鑫毅恒航坤"
               "珊妍琪翔锐瑾璇")
GIVEN_2 = [
    "建国", "志强", "秀英", "桂英", "丽华", "国强", "晓明", "晓东", "文杰", "海燕",
    "春梅", "宏伟", "俊杰", "子涵", "梓萱", "一诺", "欣怡", "浩然", "雨轩", "思彤",
    "佳怡", "嘉怡", "子轩", "雨桐", "诗涵", "梦琪", "宇航", "博文", "晓燕", "玉兰",
    "淑珍", "建华", "建军", "志刚", "海涛", "红梅", "丽娟", "美玲", "秋菊", "冬梅",
    "德胜", "福生", "金凤", "振华", "立新", "卫东", "向红", "少华", "家豪", "子墨",
    "一鸣", "若曦", "沐阳", "思远", "明轩", "皓轩", "昕怡", "晓彤", "可馨", "静怡",
    "晓雯", "佳琪", "雅婷", "婉婷", "慧敏", "丽萍", "文博", "天宇", "俊熙", "泽宇",
    "宇轩", "浩宇", "瑞霖", "梓涵", "欣妍", "心怡", "艺涵", "雨欣", "晨曦", "天佑",
    "承志", "永强", "国庆", "建平", "宝珍", "桂兰", "凤英", "秀兰", "玉梅", "淑华",
    "秀珍", "海峰", "云飞", "鹏飞", "晓峰", "志远", "文斌", "国栋", "少杰", "嘉伟",
    "锦程", "思琪", "若彤", "诗雨", "梦瑶", "亦菲", "景行", "书瑶", "星辰", "安琪",
    "昱辰", "可欣", "梓轩", "语桐", "乐怡", "嘉懿", "修远", "知秋", "慕白", "清扬",
    "振宇", "伟东", "永红", "秀梅", "长青", "春生", "爱华", "玉芬", "月娥", "翠花",
]
# Names made of common words - hard because they read like ordinary vocabulary.
WORD_NAMES = [
    "张伟", "李娜", "王平", "刘洋", "陈静", "杨帆", "周平安", "林海", "高峰", "金鑫",
    "江涛", "夏雨", "白雪", "何平", "方圆", "田野", "常青", "向前", "程功", "安宁",
    "文静", "林森", "周正", "钱进", "高远", "石磊", "于洋", "许愿", "朱红", "温暖",
    "杨光", "齐心", "高山", "高洁", "陈晨", "王芳", "李强", "刘军", "张敏", "黄勇",
    "赵磊", "万里", "江海", "孙悦", "何畅", "韩雪", "邓飞", "宋平", "马明", "叶青",
    "秦川", "钟情", "夏天宇", "金秋", "龙飞",
]
COMPOUND_NAMES = [
    "欧阳明远", "司马晓峰", "诸葛文杰", "上官婉清", "慕容雪", "东方晨", "皇甫嘉怡",
    "令狐晓东", "夏侯俊", "公孙立新", "尉迟佳", "长孙慧敏", "宇文昊", "端木蓉蓉",
    "司徒浩然", "澹台静", "独孤远航", "南宫瑾", "轩辕晴", "呼延志强", "闻人雅",
    "申屠健", "百里晓", "太史明哲", "欧阳子墨", "司马可欣", "诸葛玉兰", "上官一鸣",
    "慕容思远", "司徒婉婷",
]
# Brand / famous / word collisions that must never be generated as a person.
EXCLUDE = [
    "李宁", "张小泉", "周大福", "周生生", "王致和", "马应龙", "雷军", "王菲", "刘翔",
    "马云", "杨幂", "赵薇", "周迅", "孙俪", "黄渤", "杨洋", "吴京", "王源", "王石",
    "章子怡", "李晨", "陈坤", "张杰", "李健", "王力", "何炅", "高兴", "马上", "白天",
    "常常", "万一", "方便", "金额", "钱包", "程序", "文件", "安全", "和平", "黄金",
    "毛毛", "马虎", "刘海", "杨梅", "江山", "明明", "安然", "陈皮", "杜仲", "黄芪",
    "常山", "时然", "向阳", "金龙", "林业",
]

EN_FIRST = ["Grace", "Emily", "Michael", "David", "Sarah", "James", "Olivia", "Daniel",
            "Sophia", "Matthew", "Hannah", "Ethan", "Chloe", "Ryan", "Natalie", "Kevin",
            "Laura", "Brian", "Megan", "Jason", "Rachel", "Andrew", "Julia", "Tyler",
            "Lauren", "Nathan", "Amelia", "Lucas", "Isabel", "Owen", "Priya", "Carlos",
            "Fatima", "Mateo", "Aisha", "Hiroshi", "Yuki", "Lars", "Ingrid", "Pierre",
            "Elena", "Marco", "Nadia", "Tomas", "Zoe", "Liam", "Noah", "Ava", "Ella",
            "Victor", "Helen", "Gavin", "Rosa", "Felix", "Irene", "Dmitri", "Leah"]
EN_LAST = ["Johnson", "Carter", "Smith", "Williams", "Brown", "Miller", "Davis", "Garcia",
           "Martinez", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Thompson",
           "White", "Harris", "Clark", "Lewis", "Hall", "Young", "Wright", "Scott",
           "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell",
           "Roberts", "Turner", "Phillips", "Parker", "Evans", "Edwards", "Collins",
           "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Patel", "Nguyen", "Kim",
           "Tanaka", "Schmidt", "Rossi", "Dubois", "Kowalski", "Novak", "Hansen",
           "Fischer", "Silva", "Okafor", "Larsen", "Brennan", "Whitfield"]
EN_SPECIAL = ["Sean O'Brien", "Siobhan O'Connor", "Anne-Marie Dupont", "Jean-Paul Laurent",
              "Sarah Lloyd-Jones", "Patrick O'Neill", "Oliver Smith-Jones",
              "Mary-Beth Collins", "Liam McAllister", "Chloe MacKenzie", "DeShawn Brooks",
              "Laura M. Whitfield"]
EN_EXCLUDE = ["Michael Jackson", "James Brown", "Michael Jordan", "Emily Brown"]

PY_SUR = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
          "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Gao", "Lin", "Luo", "Zheng",
          "Liang", "Xie", "Song", "Tang", "Han", "Feng", "Deng", "Cao", "Peng", "Zeng",
          "Xiao", "Tian", "Dong", "Pan", "Yuan", "Jiang", "Cai", "Du", "Ye", "Cheng",
          "Su", "Wei", "Ding", "Shen", "Yao", "Lu", "Cui", "Zhong", "Tan", "Fan", "Jin",
          "Shi", "Liao", "Jia", "Xia", "Fang", "Bai", "Zou", "Meng", "Qin", "Qiu",
          "Ouyang", "Sima"]
PY_GIVEN = ["Xiaoming", "Wei", "Na", "Jing", "Yang", "Fang", "Min", "Lei", "Jun", "Qiang",
            "Tao", "Hao", "Yu", "Xin", "Ting", "Yan", "Jie", "Lin", "Hui", "Bo", "Chen",
            "Yifan", "Zihan", "Haoran", "Xinyi", "Jiahui", "Mingyu", "Siyu", "Yuxuan",
            "Zhiqiang", "Jianguo", "Xiaoyan", "Lili", "Dandan", "Wenjie", "Tianyu",
            "Ruoxi", "Yiming", "Shuang", "Kai", "Peng", "Rui", "Ying", "Qian", "Xue",
            "Zhihao", "Yutong", "Kexin", "Jiayi", "Haoyu"]
PY_SPECIAL = ["Wang Xiaoming", "Zhang Wei", "Li Na", "Chen Jing", "Liu Yang"]


def build_cn_pool():
    out, seen = [], set(EXCLUDE) | set(WORD_NAMES) | set(COMPOUND_NAMES)
    while len(out) < 430:
        s = rng.choice(COMMON_SURNAMES)
        g = rng.choice(GIVEN_1) if rng.random() < 0.32 else rng.choice(GIVEN_2)
        n = s + g
        if n not in seen:
            seen.add(n)
            out.append(n)
    return out


def build_rare_pool():
    out, seen = [], set()
    while len(out) < 40:
        s = rng.choice(RARE_SURNAMES)
        g = rng.choice(GIVEN_1) if rng.random() < 0.4 else rng.choice(GIVEN_2)
        if s + g not in seen:
            seen.add(s + g)
            out.append(s + g)
    return out


def build_en_pool():
    out, seen = [], set(EN_EXCLUDE) | set(EN_SPECIAL)
    while len(out) < 140:
        n = rng.choice(EN_FIRST) + " " + rng.choice(EN_LAST)
        if n not in seen:
            seen.add(n)
            out.append(n)
    return out


def build_py_pool():
    out, seen = [], set(PY_SPECIAL)
    while len(out) < 120:
        s, g = rng.choice(PY_SUR), rng.choice(PY_GIVEN)
        n = s + " " + g
        if n not in seen and (g + " " + s) not in seen:
            seen.add(n)
            out.append((s, g))
    return out


class Cycler:
    """Draw without replacement; reshuffle (deterministically) when exhausted."""

    def __init__(self, items, head=()):
        self.items = list(items)
        self.queue = list(head) + rng.sample(self.items, len(self.items))

    def next(self):
        if not self.queue:
            self.queue = rng.sample(self.items, len(self.items))
        return self.queue.pop(0)


CN_POOL = build_cn_pool()
CN_TWO = [n for n in CN_POOL if len(n) == 2]
RARE_POOL = build_rare_pool()
EN_POOL = build_en_pool()
PY_POOL = build_py_pool()

cyc_cn = Cycler(CN_POOL)
cyc_two = Cycler(CN_TWO)
cyc_rare = Cycler(RARE_POOL)
cyc_word = Cycler(WORD_NAMES)
cyc_comp = Cycler(COMPOUND_NAMES)
cyc_en = Cycler(EN_POOL, head=EN_SPECIAL)
cyc_first = Cycler(EN_FIRST)
cyc_py = Cycler(PY_POOL, head=[tuple(x.split()) for x in PY_SPECIAL])

# ---------------------------------------------------------------------------
# Structured identifiers
# ---------------------------------------------------------------------------
MOBILE_PREFIXES = ["130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
                   "145", "147", "150", "151", "152", "153", "155", "156", "157", "158",
                   "159", "166", "173", "175", "176", "177", "178", "180", "181", "182",
                   "183", "184", "185", "186", "187", "188", "189", "191", "193", "195",
                   "198", "199"]
FW = str.maketrans("0123456789+", "０１２３４５６７８９＋")
PHONE_FORMATS = ["plain", "plus86_space", "space344", "dash344", "0086_space344",
                 "fullwidth", "plus86_dash", "plus86_compact", "0086_compact",
                 "fullwidth_plus86"]
_phone_i = [0]


def gen_phone():
    d = rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))
    fmt = PHONE_FORMATS[_phone_i[0] % len(PHONE_FORMATS)]
    _phone_i[0] += 1
    a, b, c = d[:3], d[3:7], d[7:]
    return {
        "plain": d,
        "plus86_space": "+86 " + d,
        "space344": f"{a} {b} {c}",
        "dash344": f"{a}-{b}-{c}",
        "0086_space344": f"0086 {a} {b} {c}",
        "fullwidth": d.translate(FW),
        "plus86_dash": f"+86-{a}-{b}-{c}",
        "plus86_compact": "+86" + d,
        "0086_compact": "0086" + d,
        "fullwidth_plus86": ("+86 " + d).translate(FW),
    }[fmt]


def normalize_digits(s):
    return "".join(chr(ord(ch) - 0xFEE0) if "０" <= ch <= "９" or ch == "＋" else ch
                   for ch in s)


def valid_mobile(s):
    t = re.sub(r"[\s\-]", "", normalize_digits(s))
    if t.startswith("+86"):
        t = t[3:]
    elif t.startswith("0086"):
        t = t[4:]
    return re.fullmatch(r"1[3-9]\d{9}", t) is not None


def luhn_ok(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        v = int(ch)
        if i % 2 == 1:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return total % 10 == 0


def luhn_complete(body):
    for c in "0123456789":
        if luhn_ok(body + c):
            return body + c
    raise AssertionError


CARD_PREFIXES = [("622202", 19), ("621700", 19), ("622848", 19), ("436742", 16),
                 ("622588", 16), ("625911", 16), ("518710", 16), ("403391", 16),
                 ("621483", 16), ("620522", 19)]
CARD_FORMATS = ["space4", "plain", "dash4", "space4", "plain", "dash4", "space4", "plain",
                "space4", "plain"]
_card_i = [0]


def group4(d, sep):
    return sep.join(d[i:i + 4] for i in range(0, len(d), 4))


def gen_card_digits():
    pre, ln = rng.choice(CARD_PREFIXES)
    body = pre + "".join(rng.choice("0123456789") for _ in range(ln - len(pre) - 1))
    return luhn_complete(body)


def gen_card():
    d = gen_card_digits()
    fmt = CARD_FORMATS[_card_i[0] % len(CARD_FORMATS)]
    _card_i[0] += 1
    if fmt == "plain":
        return d
    return group4(d, " " if fmt == "space4" else "-")


def valid_card(s):
    d = re.sub(r"[\s\-]", "", s)
    return d.isdigit() and 13 <= len(d) <= 19 and luhn_ok(d)


ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_MAP = "10X98765432"
REGIONS = ["110101", "110108", "310104", "310115", "440305", "440106", "510107", "330106",
           "320102", "420111", "500103", "610113", "370202", "350203", "430104", "210102",
           "130102", "410105", "450103", "530102"]


def id_check(first17):
    return ID_MAP[sum(int(a) * b for a, b in zip(first17, ID_W)) % 11]


def rand_date(y0, y1):
    import datetime
    start = datetime.date(y0, 1, 1).toordinal()
    end = datetime.date(y1, 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(start, end))


def gen_id18(want=None):
    """want: None (any), 'X', 'x' (lower-case x check digit) or 'digit'."""
    while True:
        dt = rand_date(1950, 2012)
        first = rng.choice(REGIONS) + dt.strftime("%Y%m%d") + "%03d" % rng.randint(1, 999)
        c = id_check(first)
        if want in ("X", "x") and c != "X":
            continue
        if want == "digit" and c == "X":
            continue
        return first + (c.lower() if want == "x" else c)


def gen_id15():
    dt = rand_date(1940, 1983)
    return rng.choice(REGIONS) + dt.strftime("%y%m%d") + "%03d" % rng.randint(1, 999)


def valid_date(s):
    import datetime
    try:
        datetime.datetime.strptime(s, "%Y%m%d")
        return True
    except ValueError:
        return False


def valid_id(s):
    if re.fullmatch(r"\d{17}[\dXx]", s):
        return valid_date(s[6:14]) and id_check(s[:17]) == s[17].upper()
    if re.fullmatch(r"\d{15}", s):
        return valid_date("19" + s[6:12])
    return False


def gen_bad_id():
    good = gen_id18("digit")
    wrong = [c for c in "0123456789" if c != good[17]]
    return good[:17] + rng.choice(wrong)


def gen_bad_card():
    d = gen_card_digits()
    wrong = [c for c in "0123456789" if c != d[-1]]
    d = d[:-1] + rng.choice(wrong)
    assert not luhn_ok(d)
    return group4(d, " ") if rng.random() < 0.5 else d


EMAILS = ["zhangwei.sh@163.com", "lina_2019@qq.com", "grace.johnson@northwind-mail.com",
          "hr-recruit@zhiyuan-tech.cn", "chen.jing@fudan-alumni.org", "wxm1990@126.com",
          "d.okafor@lakeside.edu", "service@hengda-logistics.com.cn",
          "liuyang.dev@gmail.com", "m.kowalski@outlook.com", "qiu_rui88@sina.com",
          "finance.ap@blueriver.co"]
IPS = ["203.0.113.45", "198.51.100.23", "10.24.8.101", "192.168.1.108", "172.16.30.7",
       "114.114.114.114", "47.96.218.5", "121.40.155.62", "8.8.4.4", "58.217.200.39"]
IPV6 = ["2408:8207:2480:3a90::1f", "2001:db8:85a3::8a2e:370:7334"]
ADDR_CN = ["上海市浦东新区张杨路500号", "北京市东城区王府井大街255号",
           "杭州市西湖区文三路90号东部软件园2号楼", "深圳市南山区高新南七道12号",
           "广州市天河区林和西路9号耀中广场B座1208室", "成都市武侯区人民南路四段11号",
           "南京市鼓楼区中山北路105号", "武汉市洪山区珞喻路1037号",
           "北京市海淀区中关村大街27号1101室", "西安市雁塔区长安南路88号",
           "苏州市工业园区星湖街328号", "重庆市渝中区民族路166号", "天津市和平区南京路219号",
           "厦门市思明区湖滨南路57号", "长沙市岳麓区麓山南路932号"]
ADDR_EN = ["1428 Elm Street, Springfield, IL 62704", "221 Maple Avenue, Apt 3B, Boston, MA 02118",
           "77 Harbour Road, Wan Chai, Hong Kong"]


def gen_order():
    return "2024" + "%02d%02d" % (rng.randint(1, 12), rng.randint(1, 28)) + \
        "".join(rng.choice("0123456789") for _ in range(8))


def gen_tracking():
    p = rng.choice(["SF", "YT", "JT", "ZTO"])
    return p + "".join(rng.choice("0123456789") for _ in range(13 if p == "SF" else 12))


cyc_email = Cycler(EMAILS)
cyc_ip = Cycler(IPS)
cyc_ip6 = Cycler(IPV6)
cyc_addr = Cycler(ADDR_CN)
cyc_addr_en = Cycler(ADDR_EN)


def py_value(kind):
    s, g = cyc_py.next()
    if kind == "P":
        return f"{s} {g}"
    if kind == "Q":
        return f"{g} {s}"
    if kind == "L":
        return (f"{s} {g}" if rng.random() < 0.6 else f"{g} {s}").lower()
    if kind == "U":
        return f"{s} {g}".upper()
    raise KeyError(kind)


# kind -> (entity type or None, generator)
KINDS = {
    "N": ("name", lambda a: cyc_cn.next()),
    "T": ("name", lambda a: cyc_two.next()),
    "R": ("name", lambda a: cyc_rare.next()),
    "W": ("name", lambda a: cyc_word.next()),
    "C": ("name", lambda a: cyc_comp.next()),
    "E": ("name", lambda a: cyc_en.next()),
    "F": ("name", lambda a: cyc_first.next()),
    "P": ("name", lambda a: py_value("P")),
    "Q": ("name", lambda a: py_value("Q")),
    "L": ("name", lambda a: py_value("L")),
    "U": ("name", lambda a: py_value("U")),
    "LIT": ("name", lambda a: a),
    "PH": ("phone", lambda a: gen_phone()),
    "ID": ("id", lambda a: gen_id18(a or None)),
    "IDL": ("id", lambda a: gen_id15()),
    "CD": ("card", lambda a: gen_card()),
    "EM": ("email", lambda a: cyc_email.next()),
    "IP": ("ip", lambda a: cyc_ip.next()),
    "IPV": ("ip", lambda a: cyc_ip6.next()),
    "AD": ("address", lambda a: cyc_addr.next()),
    "AE": ("address", lambda a: cyc_addr_en.next()),
    # non-entities (fillers for negatives)
    "BADID": (None, lambda a: gen_bad_id()),
    "BADCD": (None, lambda a: gen_bad_card()),
    "ORD": (None, lambda a: gen_order()),
    "TRK": (None, lambda a: gen_tracking()),
}
PH_RE = re.compile(r"\{([A-Z]+)(\d*)(?::([^}]*))?\}")

# ---------------------------------------------------------------------------
# Templates.  (template, note).  Same placeholder key => same value (repeat).
# ---------------------------------------------------------------------------
NAME_TEMPLATES = [
    # --- chat requests, names after verbs / prepositions ---
    ("帮我给{N1}发个消息，说今晚的会改到八点。", "after 给"),
    ("跟{N1}说一声，报告我明天上午交。", "after 跟, sentence start"),
    ("提醒我下周三和{N1}吃饭。", "after 和"),
    ("让{N1}把上个月的考勤表发我一份。", "after 让"),
    ("去找{N1}拿一下会议室钥匙。", "after 找"),
    ("问问{N1}周末有没有空一起爬山。", "after 问"),
    ("我想叫{N1}一起去看电影，帮我写个邀请。", "after 叫"),
    ("替{N1}请个假，他今天发烧了。", "after 替"),
    ("昨天的方案被{N1}否了，帮我想想怎么改。", "after 被"),
    ("把这份合同转给{N1}审一下。", "after 转给"),
    ("把{N1}和{N2}拉进项目群。", "after 把, pair with 和"),
    ("被{N1}拉黑了怎么办？", "after 被, sentence start"),
    ("帮我问{N1}借一下充电器。", "after 问"),
    ("给{N1}和{N2}各买一份早餐。", "after 给, pair"),
    ("让{N1}先走，我们等{N2}。", "after 让 / 等"),
    ("和{N1}约的是几点？我忘了。", "sentence-initial 和"),
    ("叫{N1}过来一下，有个表要签。", "after 叫"),
    ("把钥匙交给{N1}就行，不用等我。", "after 交给"),
    ("你替我跟{T1}道个歉吧。", "替 + 跟, two-char"),
    ("找{T1}要一下发票抬头。", "after 找, two-char"),
    ("下次聚会叫上{N1}吧。", "after 叫上"),
    ("转发给{N1}看看，他懂这个。", "after 转发给"),
    ("把{N1}从群里移出去吧。", "after 把"),
    ("帮{N1}挂一个明天上午的骨科号。", "after 帮"),
    ("问一下{N1}老师明天的课调到哪个教室了。", "name + 老师"),
    # --- sentence start, no cue word ---
    ("{N1}刚才打电话说快递到了，帮我记一下。", "sentence start"),
    ("{N1}明天飞成都，帮我订个接机。", "sentence start"),
    ("{N1}和{N2}下午三点到，会议室准备好了吗？", "sentence start, pair"),
    ("{T1}今天请假了，他的活谁来干？", "sentence start, two-char"),
    ("{N1}提交的PR有冲突，需要rebase。", "sentence start, mixed"),
    ("{N1}总是迟到，我该怎么跟他谈？", "sentence start"),
    ("{N1}说他妈妈{N2}住院了，我们去看看吧。", "two names, family"),
    ("{N1}昨天在群里发的红包我没抢到。", "sentence start"),
    ("{N1}跟我说这家店很好吃。", "sentence start"),
    ("{N1}把钥匙落在我车上了。", "sentence start before 把"),
    ("{N1}他们几个已经到了。", "name + 他们"),
    ("{T1}在吗？在的话回个消息。", "two-char, question"),
    ("{N1}的论文答辩安排在6月12日上午。", "possessive"),
    ("{N1}的孩子满月，随多少份子钱合适？", "possessive"),
    ("{T1}的邮箱我没有，你有吗？", "two-char possessive"),
    ("{N1}，你的外卖到了。", "vocative"),
    ("{N1}说的对，这个方案风险太大。", "sentence start"),
    # --- names followed by titles ---
    ("{N1}经理说预算超了，让我们砍掉两个需求。", "name + 经理"),
    ("请{N1}主任在周五前签字。", "name + 主任"),
    ("今天{N1}医生说我的血压偏高，需要注意什么？", "name + 医生"),
    ("帮我写一封感谢信给{N1}老师，谢谢她这学期的照顾。", "name + 老师"),
    ("帮我润色一下：感谢{N1}教授多年来的悉心指导。", "name + 教授"),
    ("{N1}律师建议我们先发律师函。", "name + 律师"),
    ("{N1}总监下午要看demo，准备一下。", "name + 总监, mixed"),
    ("这事得{N1}局长点头才行。", "name + 局长"),
    ("{N1}校长在开学典礼上讲了什么？帮我总结。", "name + 校长"),
    ("我妈让我问{N1}阿姨什么时候回老家。", "name + 阿姨"),
    ("楼下{T1}叔叔的车挡住我了。", "two-char + 叔叔"),
    ("维修{N1}师傅大概几点上门？", "name + 师傅"),
    ("{N1}博士的报告推迟到下午。", "name + 博士"),
    ("请{N1}处长审阅附件中的方案。", "name + 处长"),
    ("{N1}护士长说今晚加一个夜班。", "name + 护士长"),
    ("{N1}大夫开的药吃完了，还要复诊吗？", "name + 大夫"),
    ("请{N1}同学到教务处领取证书。", "name + 同学"),
    ("{N1}工程师已经远程看过服务器了。", "name + 工程师"),
    ("致{N1}女士：您的申请已受理。", "致 + name + 女士"),
    ("尊敬的{N1}先生，您好！", "尊敬的 + name + 先生"),
    ("{N1}同志因工作调动，自即日起不再担任本部门负责人。", "name + 同志"),
    ("{N1}会计说这笔账要下个月才能报。", "name + 会计"),
    ("{N1}队长让大家六点集合。", "name + 队长"),
    # --- forms / structured fields ---
    ("姓名：{N1}  性别：女  年龄：34", "form field"),
    ("联系人：{N1}", "form field"),
    ("收件人：{N1}，请尽快处理。", "form field"),
    ("申请人{N1}，申请事由：出差报销。", "form, no colon"),
    ("工单#4471 处理人：{N1}，状态：待回访。", "work order"),
    ("经办人：{N1}  复核人：{N2}", "form, two fields"),
    ("推荐人：{N1}", "form field"),
    ("导师：{N1} 教授   学生：{N2}", "form, name + space + title"),
    ("报名表——姓名：{N1}；年级：初二；特长：钢琴", "school form"),
    ("紧急联系人：{N1}（配偶）", "form with bracket"),
    ("家长签字：{N1}", "school form"),
    ("抄送：{N1}；{N2}", "cc list"),
    ("姓名:{T1}\n部门:财务部\n入职日期:2021-03-01", "multiline form, two-char"),
    ("【客户】{N1}【需求】改签到周五", "bracket form"),
    ("申请人姓名 {N1} 身份证件类型 居民身份证", "form without colon"),
    ("乘车人{N1}，座位号7车12F。", "ticket"),
    ("出票人：{N1}　审核：{N2}", "full-width space form"),
    ("Name: {N1}\nDept: R&D", "English form, Chinese name"),
    # --- work orders / HR / school / medical ---
    ("病历摘要：患者{N1}，男，57岁，主诉胸闷三天。", "medical note"),
    ("本次门诊医生：{N1}，科室：呼吸内科。", "medical"),
    ("主治医师{N1}建议复查血常规。", "medical, title before name"),
    ("值班护士{N1}已核对医嘱。", "medical"),
    ("{N1}同学本学期数学进步明显，语文还需加强。", "school comment"),
    ("家访记录：学生{N1}，家长{N2}在家，沟通良好。", "school visit"),
    ("面试反馈：候选人{N1}沟通能力强，建议进入二面。", "HR note"),
    ("请假条：本人{N1}因家中有事，申请请假两天。", "leave note"),
    ("HR备注：{N1}试用期考核合格，建议转正。", "HR note"),
    ("离职交接：{N1}的客户由{N2}接手。", "HR handover"),
    ("请把{N1}的档案调出来，我要核对入职时间。", "HR request"),
    ("客户{N1}投诉说快递三天没更新。", "customer service"),
    ("司机{N1}已接单，预计5分钟到达。", "ride hailing"),
    ("您的快递已由{N1}签收。", "delivery notice"),
    ("房东{N1}说下个月房租要涨。", "landlord"),
    ("工单备注：已电话联系{N1}，用户表示下午在家。", "work order"),
    ("护理记录：{N1}，女，72岁，夜间睡眠差。", "nursing record"),
    ("处方：阿莫西林胶囊 0.25g 患者：{T1}", "prescription"),
    ("检验报告 受检者 {N1} 送检科室 内分泌科", "lab report"),
    ("期末评语：{N1}上课认真，作业按时完成。", "school report"),
    ("录取通知：{N1}同学，恭喜你被我校计算机系录取。", "admission"),
    ("绩效面谈记录——员工：{N1}；主管：{N2}；结论：达标。", "HR review"),
    ("事故报告：当班操作员{N1}发现压力异常后立即停机。", "incident report"),
    ("会议纪要由{N1}整理，{N2}审核。", "minutes"),
    ("第一作者{N1}，通讯作者{N2}。", "paper authors"),
    ("讣告：{N1}先生于2023年11月3日因病逝世，享年八十一岁。", "obituary"),
    ("新郎{N1}先生与新娘{N2}女士", "wedding card"),
    # --- lists ---
    ("我们组{N1}、{N2}、{N3}三个人负责前端。", "list with 、"),
    ("参会人员：{N1}，{N2}，{N3}和{N4}。", "list with ，和"),
    ("这周值班表：周一{N1}，周二{N2}，周三{N3}。", "duty roster"),
    ("排名前三的是{N1}、{N2}和{N3}。", "ranking list"),
    ("本次获奖名单：一等奖{N1}；二等奖{N2}、{N3}。", "award list"),
    ("{N1}（技术部）和{N2}（市场部）负责本次活动。", "names with brackets"),
    ("{N1}、{N2}：请于本周五前提交季度总结。", "addressed list"),
    ("和{N1}、{N2}一起去的。", "list after 和"),
    ("婚礼伴郎是{N1}，伴娘是{N2}。", "wedding roles"),
    ("分组：A组 {T1} {T2} {T3}；B组 {N1} {N2}", "space separated list"),
    ("1. {N1}\n2. {N2}\n3. {N3}", "numbered list"),
    ("名单：{N1}/{N2}/{N3}", "slash list"),
    ("接龙：\n1.{T1} 2份\n2.{N1} 1份\n3.{N2} 3份", "group-buy chain"),
    ("今晚聚餐的有我、{N1}、{N2}，还有{N3}带的朋友。", "list with 我"),
    # --- family / personal ---
    ("我女儿{N1}今年上三年级。", "child name"),
    ("我儿子叫{N1}，帮他起个英文名。", "child name after 叫"),
    ("我爷爷{N1}今年九十岁了，想给他办个寿宴。", "grandparent"),
    ("我爸{N1}和我妈{N2}下周来看我。", "parents"),
    ("哥哥{N1}在深圳，姐姐{N2}在杭州。", "siblings"),
    ("我表哥{N1}想来上海找工作，有什么建议？", "cousin"),
    ("今年春节去{N1}家拜年。", "name + 家"),
    ("我和{N1}吵架了，怎么道歉比较好？", "after 和"),
    ("我跟{N1}是高中同学，后来她去了北京。", "after 跟"),
    ("你还记得{N1}吗？就是大学时坐我后面那个。", "question"),
    ("孩子的班主任是{N1}，家长会几点开始？", "after 是"),
    ("这张照片里左边是{N1}，右边是我。", "photo caption"),
    ("我老公{T1}最近老失眠，有什么办法？", "spouse, two-char"),
    ("外婆{N1}的医保卡在我这儿。", "grandparent"),
    # --- emails / letters / messages ---
    ("亲爱的{N1}：见字如面。", "letter opening"),
    ("谢谢{N1}！今天辛苦了。", "thanks"),
    ("嗨{N1}，周末一起打球吗？", "greeting"),
    ("您好，我叫{N1}，想咨询一下退货流程。", "self intro"),
    ("我是{N1}，之前跟您约过周四的面谈。", "self intro"),
    ("{N1}：\n附件是本月的对账单，请查收。\n{N2}\n财务部", "email with signature"),
    ("此致\n敬礼！\n{N1}\n2024年5月6日", "letter closing"),
    ("发件人：{N1}\n主题：关于周五团建的通知", "email header"),
    ("写个朋友圈文案，祝{N1}新婚快乐。", "greeting request"),
    ("恭喜{N1}荣获本年度优秀员工称号！", "announcement"),
    ("今天是{N1}入职一周年。", "anniversary"),
    ("帮我给{N1}写个推荐信，她在我们实验室做了两年。", "reference letter"),
    ("帮我翻译成英文：{N1}是我们公司的首席设计师。", "translation request"),
    # --- misc chat ---
    ("群里{N1}说的那个餐厅叫什么来着？", "group chat"),
    ("帮我查查{N1}上次发的那个链接。", "lookup"),
    ("下午开会{N1}要请假，{N2}代他汇报。", "two names"),
    ("老板让我跟{N1}对接一下新客户。", "after 跟"),
    ("明天记得把钱转给{N1}，一共三百二。", "money + name"),
    ("这个bug是{N1}提的，先别关。", "mixed"),
    ("周报：本周与{N1}完成了接口联调。", "after 与"),
    ("谁是{N1}？他为什么在我的审批流里？", "谁是"),
    ("你帮我评评理，{N1}借了我五百块到现在还没还。", "mid-sentence"),
    ("感觉{N1}最近心情不太好，要不要关心一下？", "after 感觉"),
    ("你觉得{N1}适合做组长吗？", "after 觉得"),
    ("我觉得{N1}比{N2}更适合这个岗位。", "comparison"),
    ("如果{N1}不同意，我们就找{N2}。", "conditional"),
    ("你知道{N1}的微信号吗？", "possessive"),
    ("上周五{N1}请客吃的火锅。", "after time word"),
    ("在吗？{N1}让我转告你明天别迟到。", "after question"),
    ("签到表里少了{N1}的名字。", "attendance"),
    ("快帮我查下{N1}的航班是不是延误了。", "flight"),
    ("我刚和{N1}通完电话，她说合同没问题。", "after 和"),
    ("把\"{N1}\"改成\"{N2}\"，名字写错了。", "quoted names"),
    ("这个文件的作者显示是{N1}，能改吗？", "document author"),
    ("我要投诉{N1}，服务态度太差了。", "complaint"),
    ("帮我算一下{N1}这个月的工资，底薪8000，加班12小时。", "salary"),
    ("这封邮件是{N1}写的还是{N2}写的？", "two names"),
    ("据{N1}回忆，当天晚上没有人进过机房。", "after 据"),
    ("由{N1}负责采购，{N2}负责验收。", "after 由"),
    ("对{N1}来说，这个机会很难得。", "after 对"),
    ("除了{N1}，其他人都到齐了。", "after 除了"),
    ("连{N1}都说这题太难了。", "after 连"),
    ("等{T1}回来再定吧。", "after 等, two-char"),
    ("给{T1}打了三个电话都没人接。", "after 给, two-char"),
    # --- nicknames / surname titles mixed with real names ---
    ("下周起由{N1}接手小王的工作。", "nickname not labelled"),
    ("老张说{N1}明天不来了。", "nickname + name"),
    ("李老师让{N1}放学后留一下。", "surname-title + name"),
    ("王总和{N1}今晚一起吃饭，帮我订个包间。", "王总 not a name"),
    ("阿强和{T1}去买水了，马上回来。", "nickname + 马上"),
    ("小陈说{N1}的电脑又蓝屏了。", "nickname + name"),
    ("刘经理让{N1}经理也来参加。", "surname-title vs name-title"),
    # --- repeated names ---
    ("{N1}说她明天来，可是{N1}上次也这么说。", "repeated name"),
    ("请{N1}确认。如{N1}无法参加，请提前告知。", "repeated name"),
    ("{T1}，{T1}！快来看！", "repeated vocative"),
    ("会议由{N1}主持。{N2}发言后，{N1}做了总结。", "repeated among two"),
    ("{N1}的车和{N1}爱人的车都停在B2。", "repeated possessive"),
    # --- compound surnames ---
    ("上周{C1}来公司面试了，印象不错。", "compound surname"),
    ("请{C1}经理审批这笔费用。", "compound + title"),
    ("我同桌叫{C1}，我们经常一起写作业。", "compound after 叫"),
    ("{C1}和{N1}是这次比赛的裁判。", "compound at start"),
    ("收件人：{C1}", "compound form"),
    ("{C1}的报告写得很清楚，直接用吧。", "compound possessive"),
    ("帮我给{C1}老师发一条教师节祝福。", "compound + 老师"),
    ("参赛选手：{C1}、{N1}、{C2}", "compound in list"),
    ("患者{C1}，女，45岁，术后第三天。", "compound medical"),
    ("明天跟{C1}一起去看房。", "compound after 跟"),
    ("{C1}同学请到办公室来一趟。", "compound + 同学"),
    ("被{C1}拒绝了，有点难过。", "compound after 被"),
    # --- rare surnames ---
    ("我们新来的同事叫{R1}，这个姓怎么读？", "rare surname"),
    ("{R1}今天负责开门，钥匙在他那儿。", "rare surname start"),
    ("请{R1}老师把成绩单发到群里。", "rare + 老师"),
    ("客户{R1}要求开增值税专票。", "rare customer"),
    ("把{R1}加到抄送里。", "rare after 把"),
    ("值班人员：{R1}、{N1}", "rare in list"),
    ("问{R1}要一下上次的会议录音。", "rare after 问"),
    ("{R1}和{R2}都没交作业。", "two rare"),
    ("证明：兹有我单位职工{R1}，自2019年起在我单位工作。", "rare certificate"),
    ("{R1}医生的号挂满了，换个医生吧。", "rare + 医生"),
    # --- names made of common words ---
    ("我跟{W1}说好了明天一起去。", "word-name after 跟"),
    ("{W1}今天请假，有事找我。", "word-name start"),
    ("通知{W1}下午来开会。", "word-name after 通知"),
    ("明天让{W1}把数据导出来。", "word-name after 让"),
    ("你把文件发给{W1}就行。", "word-name after 发给"),
    ("今天{W1}值班，有事找他。", "word-name after 今天"),
    ("{W1}和{W2}是同一批入职的。", "two word-names"),
    ("问问{W1}，她应该知道密码。", "word-name after 问问"),
    ("{W1}说她下周要出差。", "word-name start"),
    ("家长{W1}来电，孩子今天不舒服。", "word-name after 家长"),
    ("这次出差的同事有{W1}、{N1}和{W2}。", "word-names in list"),
    ("请{W1}同学上台领奖。", "word-name + 同学"),
    ("我的主管是{W1}，副主管是{N1}。", "word-name after 是"),
    ("{W1}经理刚发了邮件。", "word-name + 经理"),
    ("收件人：{W1}", "word-name form"),
    ("我被{W1}拉进了一个新群。", "word-name after 被"),
    ("昨天给{W1}打电话，他没接。", "word-name after 给"),
    ("麻烦替{W1}签个到。", "word-name after 替"),
    ("找{W1}拿一下U盘。", "word-name after 找"),
    ("叫{W1}来我办公室。", "word-name after 叫"),
    # --- mixed Chinese / English ---
    ("明天的meeting {N1}会present一下Q3的数据。", "mixed zh/en"),
    ("帮我cc一下{N1}，邮件subject写预算review。", "mixed zh/en"),
    ("{N1}的offer已经发了吗？", "mixed zh/en"),
    ("这个PR麻烦{N1}帮忙review一下，thanks!", "mixed zh/en"),
    ("和{E1}的call改到下午4点，顺便叫上{N1}。", "English + Chinese names"),
    ("新同事{F1}，中文名{N1}，坐你旁边。", "first name + Chinese name"),
    ("@{N1} 请看一下这个ticket", "at-mention"),
    ("{N1} is out of office today, please contact {E1} instead.", "Chinese name in English text"),
    ("Please ask {N1} to send the 发票 by Friday.", "Chinese name in English text"),
    ("{T1}老师的slides我放到共享盘了。", "mixed, two-char + 老师"),
    # --- English names ---
    ("Set a reminder to call {E1} at 3pm.", "English reminder"),
    ("Please forward the invoice to {E1} in accounting.", "English request"),
    ("{E1} will join the meeting remotely.", "English sentence start"),
    ("Can you draft an email to Dr. {E1} about the lab results?", "Dr. title"),
    ("Ms. {E1} asked to reschedule the appointment.", "Ms. title"),
    ("Mr. {E1} has checked in at the front desk.", "Mr. title"),
    ("Meeting notes - attendees: {E1}, {E2}, {E3}.", "English list"),
    ("Best regards,\n{E1}\nSenior Analyst", "email signature"),
    ("Thanks,\n{E1}", "email signature"),
    ("Hi team, {E1} is our new product manager starting Monday.", "announcement"),
    ("I had lunch with {E1} and {E2} yesterday.", "pair"),
    ("Patient: {E1}, admitted for observation overnight.", "medical"),
    ("Prof. {E1}'s office hours moved to Thursday.", "Prof. + possessive"),
    ("Could you ask {E1} whether the contract was signed?", "question"),
    ("{E1}'s flight lands at 7:40 PM.", "possessive start"),
    ("Interviewer: {E1}; Candidate: {E2}.", "form"),
    ("Tell {E1} I'll be late.", "short"),
    ("Please add {E1} to the shared drive.", "request"),
    ("帮我给{E1}写封英文邮件，感谢她上次的帮助。", "English name in Chinese"),
    ("明天和{E1}开会，帮我准备一下议程。", "English name in Chinese"),
    ("Dear {E1},\nThank you for your application.", "letter opening"),
    ("{E1} and I will cover the booth on Saturday.", "pair with I"),
    ("From: {E1}\nTo: {E2}\nSubject: Q3 budget", "email header"),
    ("lol {E1} just replied all to the whole company", "casual"),
    ("Mrs. {E1} called about the leaking pipe.", "Mrs. title"),
    ("My landlord {E1} wants to raise the rent.", "landlord"),
    ("Our coach {E1} said practice is cancelled.", "coach"),
    ("客户{E1}下周来上海，帮我安排接待。", "English name, Chinese context"),
    ("Reviewer #2 ({E1}) asked for more ablations.", "bracketed"),
    ("Congrats to {E1} on the promotion!", "congrats"),
    ("Signed,\nDr. {E1}, MD", "signature with title"),
    ("The award goes to {E1}, {E2} and {E3}.", "list with and"),
    ("Hi {F1}, are we still on for tomorrow?", "first name only"),
    ("Thanks {F1}! See you at the airport.", "first name only"),
    # --- pinyin names ---
    ("{P1} sent the slides last night.", "pinyin start"),
    ("Please book a table for {P1} at 7.", "pinyin"),
    ("我的护照名字是{U1}，订机票要填这个吗？", "uppercase pinyin"),
    ("Passenger: {U1}  Seat 32A", "uppercase pinyin form"),
    ("lol {L1} is late again", "lowercase pinyin casual"),
    ("tell {L1} to bring the charger", "lowercase pinyin casual"),
    ("{L1} 你今天来不来", "lowercase pinyin start"),
    ("ask {L1} if he's free tmr", "lowercase pinyin"),
    ("hey {L1}!! long time no see", "lowercase pinyin"),
    ("{Q1} (our new intern) starts next week.", "given-first pinyin"),
    ("Please welcome {Q1} to the Shanghai team.", "given-first pinyin"),
    ("Author: {P1}, {P2}", "pinyin authors"),
    ("Regards,\n{Q1}\nBeijing Office", "pinyin signature"),
    ("跟{P1}说一下，英文简历我改好了。", "pinyin in Chinese"),
    ("Visa applicant {P1} needs an invitation letter.", "pinyin visa"),
    ("{P1} and {Q1} will present the demo.", "two pinyin"),
    ("ok i'll ping {L1} later", "lowercase pinyin"),
    ("Contact person: {P1} (sales)", "pinyin form"),
    # --- more English / pinyin ---
    ("Can you proofread this bio: {E1} is a data scientist based in Singapore.", "bio"),
    ("{E1} (she/her) - Head of Design", "signature line"),
    ("Forwarding {E1}'s CV for the backend role.", "possessive"),
    ("Who is {E1}? She keeps emailing me.", "question"),
    ("Remind me to send {E1} the contract on Monday.", "reminder"),
    ("Dr. {E1} and Dr. {E2} co-authored the paper.", "two Dr."),
    ("Guest list: {E1}; {E2}; {P1}", "mixed list"),
    ("{E1}，周四下午你有空吗？", "English name, Chinese sentence"),
    ("我的导师是{E1}教授。", "English name + 教授"),
    ("帮我查一下{P1}的签证进度。", "pinyin in Chinese"),
    ("wechat上{L1}说他到了", "lowercase pinyin in Chinese"),
    ("Dear Mr. {P1},\nYour parcel has arrived.", "Mr. + pinyin"),
    ("{U1}/{U2} booking confirmed, 2 adults", "uppercase pinyin pair"),
    ("cc: {Q1}, {E1}", "cc list"),
    ("my roommate {L1} keeps eating my food lol", "lowercase pinyin"),
    ("Driver {P1} is arriving in a white sedan.", "pinyin driver"),
    ("Nurse {E1} will take your blood pressure.", "nurse"),
    ("Please welcome our new hires {E1} and {Q1}.", "English + pinyin"),
    ("{E1} left a voicemail; {E1} sounded upset.", "repeated English name"),
    # --- more word-names / compound ---
    ("让{W1}和{T1}一起去仓库盘点。", "word-name after 让"),
    ("{W1}的方案我看了，挺好。", "word-name possessive"),
    ("下午三点{W1}要来面试。", "word-name after time"),
    ("等{W1}到了我们就出发。", "word-name after 等"),
    ("刚才{W1}来找过你。", "word-name after 刚才"),
    ("{C1}，你的包裹到了。", "compound vocative"),
    ("替{C1}交一下班费。", "compound after 替"),
    ("{C1}、{C2}和{N1}组成评审小组。", "compound list"),
    ("{LIT:Li Na} from finance asked about the travel reimbursement.", "short pinyin name Li Na"),
    ("Can {LIT:Chen Jing} cover my shift tomorrow? Ask {LIT:Liu Yang} too.", "short pinyin names"),
    # --- famous people (are names) ---
    ("最近在读{LIT:鲁迅}的《朝花夕拾》，有什么读后感思路？", "famous person"),
    ("{LIT:苏轼}的《水调歌头》帮我翻译成现代文。", "famous person start"),
    ("帮我找几首{LIT:李白}写月亮的诗。", "famous person"),
]

OTHER_TEMPLATES = [
    # phone (15)
    ("我的手机号是{PH}，有事打给我。", "phone"),
    ("收货人：{N1}，电话：{PH}", "name + phone"),
    ("联系人{N1}{PH}（微信同号）", "name adjacent to phone"),
    ("Call me at {PH} after 6pm.", "phone English"),
    ("请拨打{PH}联系{N1}老师。", "phone + name"),
    ("紧急联系人：{N1}，{PH}", "name + phone"),
    ("电话：{PH}", "phone field"),
    ("新号码{PH}，旧的不用了。", "phone"),
    ("{PH}是谁的号码？一直打给我。", "phone start"),
    ("帮我把{N1}的手机号{PH}存到通讯录。", "name + phone"),
    ("快递员电话{PH}，说放在门卫了。", "phone"),
    ("注册账号时填的手机{PH}收不到验证码。", "phone"),
    ("报名电话：{PH}（{N1}）", "phone + bracket name"),
    ("WhatsApp: {PH}", "phone"),
    ("打{PH}找{E1}。", "phone + English name"),
    # id (10)
    ("身份证号：{ID:x}", "id lowercase x"),
    ("帮我核对一下{N1}的身份证号{ID}是否正确。", "name + id"),
    ("乘机人：{N1}，证件号{ID:X}", "name + id uppercase X"),
    ("我身份证{ID:x}，帮我填一下表。", "id lowercase x"),
    ("入住登记 {N1} {ID}", "name + id"),
    ("老身份证号{IDL}还能用吗？", "15-digit legacy id"),
    ("户口本上是{IDL}，跟新证号对不上。", "15-digit legacy id"),
    ("证件号码{ID}（{N1}）", "id + name"),
    ("ID number: {ID}", "id English"),
    ("开户资料：姓名{N1}，身份证{IDL}", "name + legacy id"),
    # card (10)
    ("卡号{CD}，户名{N1}。", "card + name"),
    ("工资卡{CD}丢了，怎么挂失？", "card"),
    ("请转账到{CD}（{N1}，招商银行）", "card + name"),
    ("Card number: {CD}, exp 09/27.", "card English"),
    ("我的银行卡{CD}扣了两次款。", "card"),
    ("退款请退回原卡{CD}。", "card"),
    ("帮我记一下：{N1}的卡{CD}", "name + card"),
    ("信用卡{CD}本期账单多少？", "card"),
    ("收款账户：{CD}", "card field"),
    ("换绑新卡{CD}，旧卡注销了。", "card"),
    # email (10)
    ("我的邮箱是{EM}。", "email"),
    ("请把简历发到{EM}，抄送{N1}。", "email + name"),
    ("Contact {E1} at {EM}.", "English name + email"),
    ("{N1}（{EM}）负责对接。", "name + email"),
    ("发票寄到{EM}", "email"),
    ("邮箱{EM}登录不上。", "email"),
    ("Email: {EM}", "email field"),
    ("把{EM}加到白名单。", "email"),
    ("回复{EM}的那封邮件还没发出去。", "email"),
    ("Best,\n{E1}\n{EM}", "signature name + email"),
    # ip (10)
    ("服务器IP是{IP}，帮我ping一下。", "ip"),
    ("这个IP {IP} 一直在暴力破解SSH。", "ip"),
    ("把{IP}加到防火墙白名单。", "ip"),
    ("Login from {IP} at 03:12 UTC flagged.", "ip English"),
    ("我家路由器的公网IP是{IP}。", "ip"),
    ("nginx日志里{IP}请求量异常。", "ip"),
    ("数据库在{IP}:3306，账号找{N1}要。", "ip with port + name"),
    ("ssh root@{IP} 连不上", "ip ssh"),
    ("{N1}的电脑IP是{IP}，打印机共享不了。", "name + ip"),
    ("IPv6地址{IPV}能ping通吗？", "ipv6"),
    # address (15)
    ("收货地址：{AD}", "address field"),
    ("我住在{AD}，最近的地铁站是哪个？", "address"),
    ("寄到{AD}，{N1}收。", "address + name"),
    ("公司搬到了{AD}。", "address"),
    ("请于周六上午到{AD}参加面试。", "address"),
    ("Ship to: {AE}", "English address"),
    ("家庭住址：{AD}", "address field"),
    ("{N1}家在{AD}，我们一起去。", "name + address"),
    ("快递放在{AD}的丰巢柜了。", "address"),
    ("开票地址：{AD}", "address field"),
    ("My address is {AE}.", "English address"),
    ("婚礼在{AD}举行。", "address"),
    ("导航到{AD}", "address"),
    ("房子在{AD}，月租4500。", "address"),
    ("户籍地址：{AD}", "address field"),
]

NEGATIVES = [
    # brands / shops / products
    ("李宁的新款跑鞋打折吗？帮我比较一下价格。", "brand 李宁"),
    ("来两瓶王老吉，再加一份周黑鸭鸭脖。", "brands 王老吉 周黑鸭"),
    ("海底捞和张亮麻辣烫哪个更适合聚餐？", "restaurant brands"),
    ("帮我订一份杨国福麻辣烫，多加麻酱。", "brand looks like name"),
    ("楼下新开了一家杨铭宇黄焖鸡米饭。", "brand looks like name"),
    ("超市里有没有王守义十三香？", "brand looks like name"),
    ("买一瓶李锦记生抽。", "brand"),
    ("徐福记的糖果礼盒多少钱？", "brand"),
    ("晚上叫个曹操出行回家。", "brand with historical name"),
    ("钱大妈的菜今天打折。", "brand"),
    ("周大福的金价今天多少一克？", "brand"),
    ("张小泉的菜刀好用吗？", "brand"),
    ("王小卤的虎皮凤爪是不是很辣？", "brand looks like name"),
    ("钟薛高雪糕为什么这么贵？", "brand looks like name"),
    ("陶陶居的虾饺很出名。", "restaurant"),
    ("老干妈和李锦记哪个更下饭？", "brands"),
    ("用高德地图导航到公司要多久？", "app 高德"),
    ("马蜂窝上的攻略靠谱吗？", "app"),
    ("马上消费金融的借款利息怎么算？", "company 马上"),
    ("张江高科站附近有什么好吃的？", "place/company 张江高科"),
    # dishes / food / herbs
    ("晚饭想做东坡肉，需要准备哪些材料？", "dish"),
    ("宫保鸡丁和麻婆豆腐哪个更辣？", "dishes"),
    ("宋嫂鱼羹是杭州菜吗？", "dish with 宋"),
    ("陈皮泡水喝有什么好处？", "herb looks like name"),
    ("何首乌真的能让白发变黑吗？", "herb looks like name"),
    ("黄芪和党参可以一起泡水吗？", "herbs"),
    ("杜仲茶适合什么人喝？", "herb looks like name"),
    ("白菜和黄瓜各买两斤。", "vegetables"),
    ("这家店的汤圆很好吃。", "food"),
    ("杨梅季快到了，去哪里摘比较好？", "fruit looks like name"),
    ("龙井茶用多少度的水泡？", "tea"),
    # places
    ("国庆打算去黄山看日出，行程怎么安排？", "place"),
    ("周末去王府井逛街，顺便吃烤鸭。", "place"),
    ("石家庄到张家界怎么走最快？", "places"),
    ("在杨浦区找个两居室，预算五千。", "district"),
    ("徐汇区的图书馆几点关门？", "district"),
    ("史家胡同博物馆需要预约吗？", "place"),
    ("明天去周庄还是朱家角？", "places"),
    ("马鞍山离南京多远？", "place"),
    ("常州和高邮哪个更适合周末游？", "places"),
    ("陆家嘴的写字楼租金多少？", "place"),
    ("白云机场T2航站楼怎么去？", "place"),
    ("潘家园旧货市场周末开吗？", "place"),
    ("秦淮河夜游船票在哪买？", "place"),
    ("岳阳楼和黄鹤楼哪个更值得去？", "places"),
    # books / titles
    ("最近在读《平凡的世界》，挺好看的。", "book title"),
    ("《林海雪原》讲的是什么故事？", "book title contains 林海"),
    ("《白鹿原》和《红高粱》哪本更适合高中生？", "book titles"),
    ("帮我找一下《黄金时代》的电子版。", "book title"),
    # idioms
    ("张冠李戴这个成语什么意思？", "idiom"),
    ("王婆卖瓜，自卖自夸，用英文怎么说？", "idiom"),
    ("祝你马到成功！", "idiom"),
    ("我们要做到万无一失。", "idiom"),
    ("他是白手起家的。", "idiom"),
    ("周而复始，永无止境。", "idiom"),
    ("这个行业方兴未艾。", "idiom"),
    ("大家安居乐业，其乐融融。", "idiom"),
    # common words containing surname characters
    ("马上就到，你先点菜吧。", "word 马上"),
    ("今天很高兴认识大家！", "word 高兴"),
    ("白天太热了，我们晚上再出门。", "word 白天"),
    ("他常常加班到十点。", "word 常常"),
    ("万一下雨怎么办？带伞吧。", "word 万一"),
    ("这里停车方便吗？", "word 方便"),
    ("程序跑到一半报错了，帮我看看日志。", "word 程序"),
    ("转账金额填错了，能撤回吗？", "word 金额"),
    ("我的钱包落在出租车上了。", "word 钱包"),
    ("温度太高了，空调开到26度吧。", "word 温度"),
    ("于是我就回家了。", "word 于是"),
    ("关于明天的安排，请看附件。", "word 关于"),
    ("许多人都不知道这个功能。", "word 许多"),
    ("他曾经在这里工作过。", "word 曾经"),
    ("黄金价格最近涨得厉害。", "word 黄金"),
    ("我孙子今年上小学了。", "word 孙子"),
    ("刘海剪短一点，两边别动。", "word 刘海"),
    ("做题别马虎，检查两遍。", "word 马虎"),
    ("朱红色和正红色有什么区别？", "word 朱红色"),
    ("宋体和黑体哪个更适合正文？", "word 宋体"),
    ("单位要求周一前交体检报告。", "word 单位"),
    ("江湖救急，借我个充电宝。", "word 江湖"),
    ("高铁票买好了吗？周末一起去江边跑步吧。", "words 高铁 江边"),
    # bare surname + title, nicknames
    ("请王经理明天上午确认一下报价。", "surname + title"),
    ("李老师布置的作业是什么？", "surname + title"),
    ("张总说这周五开季度会。", "surname + title"),
    ("刘医生的门诊是周三下午，陈主任在开会。", "surname + titles"),
    ("孙阿姨家的猫又跑出来了，周师傅说空调明天来修。", "surname + titles"),
    ("赵工，图纸已经更新了，黄律师那边怎么回复的？", "surname + titles"),
    ("徐教授的课换教室了，林姐让我们先下班。", "surname + titles"),
    ("小王，帮我拿一下快递。", "nickname"),
    ("老张今天又迟到了，阿强说他晚点到。", "nicknames"),
    ("大刘和老陈在楼下等你，马哥请大家喝奶茶。", "nicknames"),
    ("阿珍今天请假，小李顶她的班。", "nicknames"),
    # numbers that are not PII
    ("订单号{ORD}，什么时候发货？", "order number"),
    ("快递单号{TRK}，帮我查物流。", "tracking number"),
    ("2024年3月15日下午两点开会，地点另行通知。", "date"),
    ("这个月水电费一共¥356.80，下个月预计400元左右。", "amounts"),
    ("验证码是582913，五分钟内有效。", "verification code"),
    ("发票号码04418273，金额1280元。", "invoice number"),
    ("ISBN 978-7-02-000220-7 这本书还有货吗？", "ISBN"),
    ("航班CA1831明天8:05起飞。", "flight number"),
    ("这个身份证号{BADID}校验不通过，是不是输错了？", "invalid-checksum id"),
    ("证件号：{BADID}（系统提示格式错误）", "invalid-checksum id"),
    ("卡号{BADCD}提示无效，帮我看看哪里错了。", "invalid-Luhn card"),
    ("系统显示{BADCD}不是有效卡号。", "invalid-Luhn card"),
    # English negatives
    ("Please reorder the Johnson & Johnson baby shampoo.", "English brand"),
    ("I need directions to Baker Street station.", "English place"),
    ("Is Morgan Stanley hiring interns this summer?", "company looks like name"),
    ("Grab me a Dr Pepper and a Ben & Jerry's pint.", "brands"),
    ("The Tim Hortons on King Street closes at 11.", "brand + street"),
    ("Wells Fargo charged me an overdraft fee.", "bank"),
]

# ---------------------------------------------------------------------------
# Instantiation + invariant checks
# ---------------------------------------------------------------------------


def fill(template):
    values = {}
    for m in PH_RE.finditer(template):
        kind, idx, arg = m.group(1), m.group(2), m.group(3)
        key = m.group(0)
        if key in values:
            continue
        if kind not in KINDS:
            raise KeyError(kind)
        values[key] = (KINDS[kind][0], KINDS[kind][1](arg))
    # names within one text must be distinct across different keys
    names = [v for t, v in values.values() if t == "name"]
    if len(set(names)) != len(names):
        return None
    text_parts, entities, pos = [], [], 0
    for m in PH_RE.finditer(template):
        text_parts.append(template[pos:m.start()])
        typ, val = values[m.group(0)]
        text_parts.append(val)
        if typ:
            entities.append({"type": typ, "value": val})
        pos = m.end()
    text_parts.append(template[pos:])
    return "".join(text_parts), entities


def entity_ok(e):
    t, v = e["type"], e["value"]
    if t == "phone":
        return valid_mobile(v)
    if t == "id":
        return valid_id(v)
    if t == "card":
        return valid_card(v)
    if t == "email":
        return re.fullmatch(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", v) is not None
    if t == "ip":
        if ":" in v:
            return re.fullmatch(r"[0-9a-f:]+", v) is not None and ("::" in v or v.count(":") == 7)
        parts = v.split(".")
        return len(parts) == 4 and all(p.isdigit() and 0 <= int(p) <= 255 for p in parts)
    if t == "name":
        return (re.fullmatch(r"[\u4e00-\u9fff]{2,4}", v) is not None or
                re.fullmatch(r"[A-Za-z][A-Za-z'\-. ]*[A-Za-z]", v) is not None)
    if t == "address":
        return len(v) >= 8
    return False


DIGIT_RUN = re.compile(r"[0-9０-９Xx][0-9０-９Xx \-]*[0-9０-９Xx]")


def unlabelled_pii(text, entities):
    """Find phone/id/card-looking digit runs that are valid yet not covered."""
    covered = []
    for e in entities:
        start = 0
        while True:
            i = text.find(e["value"], start)
            if i < 0:
                break
            covered.append((i, i + len(e["value"])))
            start = i + 1
    bad = []
    for m in re.finditer(r"[0-9０-９]{11,19}[Xx]?", text):
        s = normalize_digits(m.group(0))
        cand = (valid_mobile(s) and len(s) == 11) or (len(s) in (15, 18) and valid_id(s)) \
            or (16 <= len(s) <= 19 and s.isdigit() and luhn_ok(s))
        if cand and not any(a <= m.start() and m.end() <= b for a, b in covered):
            bad.append(m.group(0))
    return bad


def make_case(template, note, negative=False):
    for _ in range(60):
        r = fill(template)
        if r is None:
            continue
        text, ents = r
        cnt = Counter(e["value"] for e in ents)
        if any(text.count(v) != c for v, c in cnt.items()):
            continue
        if negative and unlabelled_pii(text, ents):
            continue
        return {"text": text, "entities": ents, "note": note}
    raise AssertionError("could not instantiate: " + template)


def main():
    cases = []
    used_templates = []
    # every name template once, then a second pass over a deterministic subset
    for t, n in NAME_TEMPLATES:
        cases.append(make_case(t, n))
        used_templates.append(t)
    target_name_mentions = 450
    extra = [x for x in NAME_TEMPLATES if "{LIT" not in x[0]]
    order = rng.sample(extra, len(extra))
    i = 0

    def name_mentions():
        return sum(1 for c in cases for e in c["entities"] if e["type"] == "name")

    for t, n in OTHER_TEMPLATES:
        cases.append(make_case(t, n))
        used_templates.append(t)
    hard = [x for x in order if re.search(r"\{(W|C|R|E|P|Q|L|U|T)\d", x[0])]
    while name_mentions() < target_name_mentions or \
            len(cases) < TARGET_CASES - len(NEGATIVES):
        pool = hard if name_mentions() >= target_name_mentions else order
        t, n = pool[i % len(pool)]
        i += 1
        cases.append(make_case(t, n))
    for t, n in NEGATIVES:
        cases.append(make_case(t, n, negative=True))
        used_templates.append(t)

    rng.shuffle(cases)

    # ---------------- invariants ----------------
    seen_text = set()
    for c in cases:
        assert set(c) == {"text", "entities", "note"}
        text = c["text"]
        assert text not in seen_text, "duplicate text: " + text
        seen_text.add(text)
        cnt = Counter(e["value"] for e in c["entities"])
        for e in c["entities"]:
            assert e["type"] in TYPES, e
            assert e["value"] and e["value"] in text, (e, text)
            assert entity_ok(e), ("invalid entity", e, text)
        for v, k in cnt.items():
            assert text.count(v) == k, ("occurrence count mismatch", v, text)
        # entities listed in order of appearance
        pos, ok = 0, True
        for e in c["entities"]:
            j = text.find(e["value"], pos)
            if j < 0:
                ok = False
                break
            pos = j + len(e["value"])
        assert ok, ("entity order", text)
        assert not unlabelled_pii(text, c["entities"]), ("unlabelled pii", text)
        if not c["entities"]:
            for nm in CN_POOL + COMPOUND_NAMES + RARE_POOL:  # word-names may appear as words
                assert nm not in text, ("pool name inside negative", nm, text)
    # id variety: lower-case x and 15-digit legacy present
    ids = [e["value"] for c in cases for e in c["entities"] if e["type"] == "id"]
    assert any(v.endswith("x") for v in ids) and any(len(v) == 15 for v in ids)
    assert any(v.endswith("X") for v in ids)
    phones = [e["value"] for c in cases for e in c["entities"] if e["type"] == "phone"]
    assert any("+86" in p for p in phones) and any(p.startswith("0086") for p in phones)
    assert any("１" <= p[-1] <= "９" or p[-1] == "０" for p in phones), "full-width phone"
    cards = [e["value"] for c in cases for e in c["entities"] if e["type"] == "card"]
    assert any(" " in v for v in cards) and any("-" in v for v in cards) \
        and any(v.isdigit() for v in cards)

    with open(OUT, "w", encoding="utf-8") as f:
        for c in cases:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")

    # ---------------- report ----------------
    type_counts = Counter(e["type"] for c in cases for e in c["entities"])
    names = [e["value"] for c in cases for e in c["entities"] if e["type"] == "name"]
    cn = sorted({n for n in names if re.search(r"[\u4e00-\u9fff]", n)})
    en = sorted({n for n in names if not re.search(r"[\u4e00-\u9fff]", n)})
    negs = sum(1 for c in cases if not c["entities"])
    n_templates = len(set(used_templates))
    n_entity_templates = len({t for t, _ in NAME_TEMPLATES + OTHER_TEMPLATES})
    print(f"wrote {OUT}")
    print(f"cases: {len(cases)}  (hard negatives: {negs})")
    for t in TYPES:
        print(f"  {t:8s} {type_counts.get(t, 0)}")
    print(f"distinct Chinese names: {len(cn)}  distinct English/pinyin names: {len(en)}")
    print(f"compound-surname mentions: {sum(1 for n in names if n in COMPOUND_NAMES)}  "
          f"word-name mentions: {sum(1 for n in names if n in WORD_NAMES)}  "
          f"rare-surname mentions: {sum(1 for n in names if n in RARE_POOL)}  "
          f"two-char CN mentions: {sum(1 for n in names if len(n) == 2 and n[0] >= chr(0x4e00))}")
    print(f"templates: {n_entity_templates} entity templates + {len(NEGATIVES)} negative "
          f"sentences = {n_templates} distinct")
    assert len(cn) >= 300 and len(en) >= 80, (len(cn), len(en))
    assert n_entity_templates >= 150


if __name__ == "__main__":
    sys.exit(main())
