#!/usr/bin/env python3
"""Generate heldout8.jsonl - a blind, hand-templated evaluation set for a PII
detector, written from general knowledge only (no reference to the detector's
code, lexicons or any other test set).

Deterministic: fixed seed, Python standard library only.  Run:

    python3 make_heldout8.py            # writes heldout8.jsonl next to this file

Each output line: {"text": ..., "entities": [{"type": T, "value": V}, ...], "note": ...}
with T in {name, phone, id, card, email, ip, address}.  Every V is an exact
substring of text; an entity that occurs twice is listed twice (entities are
listed in order of appearance).  Lines with "entities": [] are hard negatives.

Labelling conventions:
  * name: only the person's name itself ("<name>经理" -> <name>,
    "Dr. <First Last>" -> "<First Last>").  Bare surname + title (周经理, 吴老师,
    郑总) and nicknames (小刘, 老赵, 阿珍) are NOT names.  Famous people ARE
    names.  Brands, shops, dishes, medicines, places, companies and titles that
    contain a surname character or even a person's name (王守义十三香, 周黑鸭,
    陈皮, 张家界, Jimmy Choo shoes) are NOT names.  An English first name used
    alone to address/mention a person ("Hi Rachel,") IS a name.  Pinyin names
    in either order ("Zhang Yutong", "Yutong Zhang") are names.
  * phone: valid Chinese mobile 1[3-9]xxxxxxxxx, the full number as written,
    including +86 / 0086 / (+86) prefix, spaces, dashes, full-width digits.
  * id: 18-digit PRC resident ID with valid ISO 7064 MOD 11-2 check digit
    (X or x), or a 15-digit legacy ID.
  * card: Luhn-valid bank card as written (with spaces/dashes if any).
  * email, ip (IPv4 / IPv6), address (the full street address phrase).

Invariants asserted at generation time (see check_case):
  * every value is a substring, and each value occurs in the text exactly as
    many times as it is listed;
  * labelled phones / ids / cards are valid;
  * no text contains an unlabelled digit run that is a valid mobile, a valid
    18-digit ID checksum, a plausible 15-digit legacy ID or a Luhn-valid
    13-19 digit number (hard negatives use order numbers, tracking numbers,
    invalid-checksum IDs/cards etc. that are checked to be invalid).
"""
import json
import os
import random
import re
from collections import Counter

SEED = 20240808
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "heldout8.jsonl")

rng = random.Random(SEED)

# ---------------------------------------------------------------------------
# validators
# ---------------------------------------------------------------------------
ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_C = "10X98765432"


def id_check(s17):
    return ID_C[sum(int(a) * b for a, b in zip(s17, ID_W)) % 11]


def luhn_ok(d):
    total = 0
    for i, ch in enumerate(reversed(d)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def luhn_digit(partial):
    for c in "0123456789":
        if luhn_ok(partial + c):
            return c
    raise AssertionError


def valid_date(y, m, d):
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return False
    mdays = [31, 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28,
             31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return d <= mdays[m - 1]


FW_TABLE = str.maketrans("０１２３４５６７８９＋－（）", "0123456789+-()")


def normalize(s):
    return s.translate(FW_TABLE)  # length preserving


RUN_RE = re.compile(r"(?:\(\+\d{1,3}\)\s?|\+)?\d(?:\d|[ \-](?=\d))*[xX]?")
MOBILE_RE = re.compile(r"1[3-9]\d{9}")


def classify(run):
    """Which PII kinds a digit run (already normalised) validly encodes."""
    d = re.sub(r"[^0-9xX]", "", run)
    kinds = set()
    core = d
    if d.startswith("0086"):
        core = d[4:]
    elif d.startswith("86") and len(d) == 13:
        core = d[2:]
    if MOBILE_RE.fullmatch(core) or MOBILE_RE.fullmatch(d):
        kinds.add("phone")
    if len(d) == 18 and d[:17].isdigit() and d[17] in "0123456789xX" \
            and d[17].upper() == id_check(d[:17]):
        kinds.add("id")
    if len(d) == 15 and d.isdigit() and valid_date(1900 + int(d[6:8]), int(d[8:10]), int(d[10:12])):
        kinds.add("id")
    if d.isdigit() and 13 <= len(d) <= 19 and luhn_ok(d):
        kinds.add("card")
    return kinds


def any_valid(s):
    for m in RUN_RE.finditer(normalize(s)):
        if classify(m.group()):
            return True
    return False


# ---------------------------------------------------------------------------
# value generators
# ---------------------------------------------------------------------------
MOBILE_PREFIX = ["130", "131", "132", "133", "135", "136", "137", "138", "139",
                 "145", "147", "150", "151", "152", "153", "155", "156", "157",
                 "158", "159", "166", "172", "173", "176", "177", "178", "180",
                 "181", "182", "183", "185", "186", "187", "188", "189", "191",
                 "195", "198", "199"]
_phone_i = [0]


def to_fullwidth(s):
    return "".join(chr(ord(c) - 0x30 + 0xFF10) if c.isdigit() else c for c in s)


def gen_phone():
    n = rng.choice(MOBILE_PREFIX) + "".join(rng.choice("0123456789") for _ in range(8))
    a, b, c = n[:3], n[3:7], n[7:]
    fmt = _phone_i[0] % 12
    _phone_i[0] += 1
    return [
        n,
        f"{a} {b} {c}",
        f"+86 {n}",
        f"{a}-{b}-{c}",
        to_fullwidth(n),
        f"0086 {n}",
        f"+86-{a}-{b}-{c}",
        n,
        f"(+86) {a} {b} {c}",
        f"+86{n}",
        to_fullwidth(f"{a} {b} {c}"),
        f"+86 {a} {b} {c}",
    ][fmt]


AREAS = ["110105", "110108", "310104", "310115", "440106", "440305", "330106",
         "320106", "510107", "420111", "610113", "370202", "350203", "430104",
         "120101", "500103", "210102", "410105", "130102", "230103", "450103",
         "530102", "360102", "340104", "220104"]
_id_i = [0]


def gen_id18():
    mode = _id_i[0] % 5  # 0,2,4 normal digit; 1 -> 'X'; 3 -> 'x'
    _id_i[0] += 1
    while True:
        y = rng.randint(1950, 2012)
        m = rng.randint(1, 12)
        d = rng.randint(1, 28)
        s17 = rng.choice(AREAS) + f"{y:04d}{m:02d}{d:02d}" + f"{rng.randint(0, 999):03d}"
        c = id_check(s17)
        if mode in (1, 3):
            if c != "X":
                continue
            return s17 + ("X" if mode == 1 else "x")
        if c == "X":
            continue
        return s17 + c


def gen_id15():
    while True:
        y = rng.randint(40, 84)
        m = rng.randint(1, 12)
        d = rng.randint(1, 28)
        s = rng.choice(AREAS) + f"{y:02d}{m:02d}{d:02d}" + f"{rng.randint(0, 999):03d}"
        return s


CARD_PREFIX = [("622202", 19), ("622848", 19), ("621700", 19), ("622588", 16),
               ("625911", 16), ("436742", 16), ("403391", 16), ("512425", 16),
               ("622609", 16), ("621483", 16), ("601382", 19), ("628288", 16),
               ("455952", 16), ("524047", 16)]
_card_i = [0]


def gen_card():
    pre, ln = CARD_PREFIX[_card_i[0] % len(CARD_PREFIX)]
    fmt = _card_i[0] % 4
    _card_i[0] += 1
    body = pre + "".join(rng.choice("0123456789") for _ in range(ln - len(pre) - 1))
    n = body + luhn_digit(body)
    groups = [n[i:i + 4] for i in range(0, len(n), 4)]
    if fmt == 0:
        return n
    if fmt == 1:
        return " ".join(groups)
    if fmt == 2:
        return "-".join(groups)
    return " ".join(groups) if ln == 16 else n


def gen_bad_card():
    while True:
        c = gen_card()
        digits = re.sub(r"\D", "", c)
        last = str((int(digits[-1]) + rng.randint(1, 9)) % 10)
        bad = c[:-1] + last
        if not any_valid(bad):
            return bad


def gen_bad_id():
    while True:
        s = gen_id18()
        good = s[-1].upper()
        choices = [c for c in "0123456789X" if c != good]
        bad = s[:-1] + rng.choice(choices)
        if not any_valid(bad):
            return bad


def gen_bad_phone():
    while True:
        k = rng.randint(0, 2)
        if k == 0:   # one digit short
            n = rng.choice(MOBILE_PREFIX) + "".join(rng.choice("0123456789") for _ in range(7))
            s = f"{n[:3]} {n[3:7]} {n[7:]}"
        elif k == 1:  # invalid 12x prefix
            n = "12" + "".join(rng.choice("0123456789") for _ in range(9))
            s = n
        else:         # one digit too many
            n = rng.choice(MOBILE_PREFIX) + "".join(rng.choice("0123456789") for _ in range(9))
            s = n
        if not any_valid(s):
            return s


def gen_order():
    while True:
        k = rng.randint(0, 3)
        if k == 0:
            s = "2024" + "".join(rng.choice("0123456789") for _ in range(14))
        elif k == 1:
            s = "".join(rng.choice("0123456789") for _ in range(3)) + "-" + \
                "".join(rng.choice("0123456789") for _ in range(7)) + "-" + \
                "".join(rng.choice("0123456789") for _ in range(7))
        elif k == 2:
            s = "DD" + "".join(rng.choice("0123456789") for _ in range(16))
        else:
            s = "".join(rng.choice("0123456789") for _ in range(20))
        if not any_valid(s):
            return s


def gen_tracking():
    while True:
        k = rng.randint(0, 3)
        if k == 0:
            s = "SF" + "".join(rng.choice("0123456789") for _ in range(13))
        elif k == 1:
            s = "YT" + "".join(rng.choice("0123456789") for _ in range(13))
        elif k == 2:
            s = "JDV" + "".join(rng.choice("0123456789") for _ in range(12))
        else:
            s = "75" + "".join(rng.choice("0123456789") for _ in range(12))
        if not any_valid(s):
            return s


def gen_ticket():
    return str(rng.randint(100000, 999999))


EMAILS = ["liyuhang.work@163.com", "rachel.owens@gmail.com", "2846150973@qq.com",
          "hr-recruit@xinghe-tech.cn", "k.tanaka@outlook.jp", "finance@lanshan-trading.com",
          "mingzhe_x@126.com", "a.okafor@lagosventures.ng", "sophie.b@protonmail.com",
          "zhaoqian1990@sina.com", "support@cloudpeak.io", "d.ramirez@correo.mx",
          "wenjing.hu@foxmail.com", "priya.n@infymail.in", "noreply-billing@shopwave.com"]
IPS = ["10.0.3.15", "192.168.1.1", "47.96.123.8", "203.0.113.45", "172.16.20.7",
       "114.114.114.114", "58.218.92.36", "192.168.31.254", "8.8.4.4",
       "120.79.201.16", "2408:8207:2c60:10e0::1a", "101.132.45.200",
       "198.51.100.23", "10.10.8.52", "39.108.66.131"]
ADDR_CN = ["北京市海淀区中关村大街27号院3号楼502室",
           "上海市徐汇区漕溪北路88号1801室",
           "广州市天河区体育西路191号中石化大厦B座2103",
           "深圳市南山区粤海街道高新南七道12号",
           "杭州市西湖区文三路259号昌地火炬大厦1号楼8层",
           "成都市武侯区人民南路四段11号附3号",
           "南京市鼓楼区中山北路200号2单元601",
           "武汉市洪山区珞喻路1037号",
           "西安市雁塔区小寨东路126号百隆广场A座15楼",
           "天津市和平区南京路219号"]
ADDR_EN = ["1420 Maple Avenue, Apt 3B, Portland, OR 97205",
           "27 Kensington Gardens Square, London W2 4BH",
           "Flat 5, 12 Harbour Road, Wan Chai, Hong Kong",
           "88 Orchard Road, #12-03, Singapore 238839"]

# ---------------------------------------------------------------------------
# name pools (invented; combinations of common surnames and given names)
# ---------------------------------------------------------------------------
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于"
                "蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛"
                "闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤常温康施牛樊葛邢齐易乔伍庞颜倪"
                "庄聂章鲁岳翟殷詹耿焦俞左柳祝宁尚舒阮柯纪梅童凌毕季裴霍涂苗谷盛翁冉骆蓝游辛靳"
                "管柴蒙鲍喻祁蒲房滕屈饶艾尤穆卓缪褚娄窦戚岑宫费席柏瞿桂佟臧闵邬卞姬仇栾隋荣寇"
                "桑郎甄仲虞敖巩佘苑迟邝")
GIVEN1 = list("伟芳娜敏丽强磊军洋勇艳杰娟涛超霞刚琳晶莉欣婷雪慧颖鑫浩宇凯鹏昊蕾琦瑶薇珊翔"
              "彬岚萍倩悦怡茜琪哲帆锐楠蓓骏瑾婕琛璇昕妍皓莹炜")
GIVEN2 = ["志强", "秀兰", "晓燕", "海涛", "丽娟", "子轩", "梓涵", "浩然", "欣怡", "雨桐",
          "宇航", "思远", "佳琪", "俊杰", "嘉怡", "一鸣", "文博", "若曦", "明轩", "诗琪",
          "晨曦", "雅婷", "子涵", "梦洁", "国栋", "振华", "建军", "桂芳", "春梅", "玉兰",
          "德明", "永红", "立新", "卫东", "红梅", "淑珍", "凤英", "金凤", "秀梅", "玉珍",
          "海燕", "丽华", "伟东", "志刚", "建平", "晓东", "晓丽", "少华", "亚楠", "嘉豪",
          "子墨", "奕辰", "沐晴", "语嫣", "书瑶", "芷若", "可馨", "昕怡", "梓萱", "皓轩",
          "博文", "天佑", "晓峰", "振宇", "敏慧", "婉清", "静怡", "慧敏", "嘉欣", "明哲",
          "俊宇", "泽宇", "锦程", "昊天", "慧琳", "永强", "福生", "学军", "秋菊", "冬梅",
          "卫国", "素芬", "翠兰", "丽萍", "晓光", "新民", "光辉", "宏亮", "嘉树", "知夏",
          "一诺", "若溪", "星辰", "子健", "家豪", "梓睿", "雨泽", "清妍", "佩瑶", "景行",
          "砚秋", "承泽", "怀瑾", "思齐", "瑞霖", "妙言", "元朗", "靖宇", "晓雯", "兆祥",
          "宝珠", "月娥", "长顺", "有才", "桂香", "金宝", "锦华", "美玲", "颂恩", "思琪"]
BLACKLIST = {"高峰", "文静", "安静", "宁静", "冷静", "和平", "华丽", "白洋", "商超",
             "龙凯", "金鑫", "毛毛", "蒋璐", "卫斌", "成娟", "姚宏伟", "党思彤", "明哲",
             "钱欣", "万欣", "石磊"}
COMPOUND = ["欧阳晓婷", "司马骏", "上官婉清", "诸葛明远", "慕容雪", "东方伟", "皇甫嘉禾",
            "尉迟恒", "公孙瑜", "令狐晨", "长孙思敏", "宇文昊", "司徒静", "夏侯楠",
            "端木青", "南宫月", "独孤雁", "申屠立新", "澹台明月", "欧阳振华", "司马婧",
            "上官俊豪", "诸葛文", "慕容清扬", "东方若兰"]
RARE = ["禤国豪", "蒯晓雯", "佘丽娜", "隗振东", "亓文慧", "逯永刚", "笪婷婷", "仉宏",
        "甄雅丽", "鄢凯", "冼嘉怡", "铁梦琪", "琚欣", "钭晓军", "幸佳", "栾晓峰", "昝云飞",
        "郗静", "訾明", "酆亮", "矫玉莹", "殳琳", "谌浩", "满春燕", "那佳宁", "揭慧",
        "勾敏", "郜思雨", "眭凯", "蔺嘉琪", "阙永平", "扈晓宁", "嵇文涛", "芮雪", "夔宇"]
WORDY = ["周全", "高明", "白云", "林海", "夏天", "向前", "常胜", "万里", "方圆", "安然",
         "丁香", "严肃", "黄河", "高原", "田野", "马力", "钱程", "华夏", "金星", "秦岭",
         "温暖", "叶子", "齐心", "陆地", "杨光", "高山", "甘甜", "程功", "于飞", "江帆"]
PY_SUR = ["Zhang", "Wang", "Li", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
          "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Luo", "Zheng", "Liang",
          "Xie", "Song", "Tang", "Han", "Feng", "Deng", "Cao", "Peng", "Zeng", "Xiao",
          "Tian", "Dong", "Pan", "Yuan", "Jiang", "Cai", "Du", "Ye", "Cheng", "Su",
          "Ding", "Shen", "Yao", "Cui", "Zhong", "Tan", "Fan", "Jin", "Shi", "Jia",
          "Xia", "Fang", "Bai", "Zou", "Meng", "Qin", "Qiu", "Xue", "Lei", "Hou",
          "Gu", "Mao", "Qian", "Dai", "Ouyang", "Sima"]
PY_GIV = ["Yuxuan", "Zihan", "Haoran", "Xinyi", "Yutong", "Siyuan", "Jiaqi", "Junjie",
          "Yiming", "Wenbo", "Ruoxi", "Mingxuan", "Shiqi", "Chenxi", "Yating", "Zhiqiang",
          "Xiaoyan", "Haitao", "Lijuan", "Jianjun", "Guodong", "Zhenhua", "Meiling",
          "Yifan", "Kaiwen", "Ruolan", "Zeyu", "Tianyi", "Shuyao", "Jingwen", "Muchen",
          "Xiaoxue", "Qiang", "Hui", "Yan", "Rui", "Bo", "Kai", "Dan", "Ying", "Xin",
          "Yue", "Hao", "Jing", "Min", "Fang", "Tao", "Lei", "Na", "Peng"]
INTL = [
    # Indian
    "Priya Sharma", "Arjun Mehta", "Ananya Iyer", "Rohan Gupta", "Kavya Reddy",
    "Vikram Nair", "Sneha Patel", "Aditya Banerjee", "Deepika Rao", "Rahul Verma",
    "Meera Krishnan", "Sanjay Kulkarni",
    # Arabic
    "Omar Al-Farsi", "Fatima Haddad", "Youssef Mansour", "Layla Hassan", "Ahmed Khalil",
    "Noor Abdullah", "Mariam Saleh", "Hana Jaber", "Khalid Al-Amin", "Rania Nasser",
    # Spanish / Latin American
    "Carlos Mendoza", "Lucía Fernández", "Diego Ramírez", "Sofía Castillo",
    "Javier Morales", "Valentina Ruiz", "Mateo Herrera", "Camila Ortega",
    "Alejandro Vargas", "Isabel Navarro",
    # Vietnamese
    "Nguyen Van An", "Tran Thi Mai", "Le Minh Tuan", "Pham Thu Ha", "Hoang Duc Anh",
    "Vu Thanh Huong", "Dang Quoc Bao", "Nguyễn Thị Hoa",
    # Korean
    "Kim Min-jun", "Park Ji-woo", "Lee Seo-yeon", "Choi Hyun-woo", "Jung Ha-eun",
    "Kang Do-hyun", "Yoon Soo-ah", "Min-seo Oh",
    # Japanese
    "Haruto Sato", "Yui Takahashi", "Kenji Watanabe", "Aiko Yamamoto", "Sota Nakamura",
    "Mei Kobayashi", "Takeshi Ito", "Rina Matsumoto", "Daiki Suzuki",
    # Nigerian / African
    "Chinedu Okafor", "Ngozi Adeyemi", "Oluwaseun Balogun", "Adaeze Nwosu", "Emeka Eze",
    "Funmilayo Adebayo", "Tunde Bakare", "Chiamaka Obi", "Wanjiru Kamau", "Otieno Ouma",
    "Thabo Nkosi",
    # European / Anglo
    "Harriet Bennett", "Liam O'Connor", "Hannah Schmidt", "Lukas Müller", "Chloé Dubois",
    "Pierre Lefèvre", "Giulia Rossi", "Marco Bianchi", "Ingrid Johansson",
    "Erik Lindqvist", "Anna Kowalska", "Piotr Nowak", "Dmitri Volkov",
    "Svetlana Petrova", "Sean Murphy", "Noah Williams", "Ava Martinez", "Ethan Brooks",
    "Mia Robinson", "Jacob Turner", "Zoe Campbell", "Nathan Hughes", "Siobhán Byrne",
    "Nikos Papadopoulos",
    # others
    "Emre Yılmaz", "Elif Demir", "Reza Tehrani", "Shirin Ahmadi", "João Silva",
    "Ana Souza", "Thiago Costa", "Maria Santos", "Jose Reyes", "Budi Santoso",
    "Siti Rahmawati", "Somchai Wongsakul", "Noa Levi", "Yosef Cohen",
    # Chinese people with English given names
    "Kevin Zhao", "Linda Xu", "Jason Peng", "Vivian Tang", "Cindy Huang", "Tony Feng",
]
FIRST = ["Rachel", "Kevin", "Marcus", "Jenny", "Sophie", "Ben", "Chloe", "Daniel",
         "Aisha", "Lucas", "Nina", "Ryan", "Hiroshi", "Jake", "Isla", "Leo", "Carmen",
         "Tyler", "Megan", "Oscar", "Yuki", "Ravi", "Sam", "Derek", "Priyanka", "Amir",
         "Ingrid", "Anika", "Diego", "Lena", "Kofi", "Farah", "Jonas", "Elena", "Raj",
         "Tanvi", "Bruno", "Keiko", "Malik", "Freya"]
WORDFIRST = ["Grace", "Rose", "Hope", "Jack", "Faith", "Joy", "Dawn", "Summer", "Ivy",
             "Chase", "Frank", "Penny", "Rob", "Sue", "Pat", "Cliff", "Drew", "Gene",
             "Sterling", "Hunter"]


class Pool:
    def __init__(self, items, used):
        self.items = list(items)
        rng.shuffle(self.items)
        self.i = 0
        self.used = used

    def draw(self, avoid):
        for _ in range(2 * len(self.items)):
            if self.i >= len(self.items):
                rng.shuffle(self.items)
                self.i = 0
            v = self.items[self.i]
            self.i += 1
            if v in avoid:
                continue
            if v in self.used and any(w not in self.used for w in self.items):
                continue
            self.used.add(v)
            return v
        raise AssertionError("pool exhausted")


# gender hints, used only where the template has a gendered word (她/他, 爸/妈, Mr./Ms.)
GIVEN1_F = set("芳娜敏丽艳娟霞琳晶莉欣婷雪慧颖蕾琦瑶薇珊岚萍倩悦怡茜琪蓓瑾婕璇妍莹")
GIVEN1_M = set("伟强磊军洋勇杰涛超刚鑫浩宇凯鹏昊翔彬哲帆锐骏琛皓炜")
GIVEN2_F = {"秀兰", "晓燕", "丽娟", "梓涵", "欣怡", "雨桐", "佳琪", "嘉怡", "若曦", "诗琪",
            "雅婷", "子涵", "梦洁", "桂芳", "春梅", "玉兰", "红梅", "淑珍", "凤英", "金凤",
            "秀梅", "玉珍", "海燕", "丽华", "晓丽", "亚楠", "沐晴", "语嫣", "书瑶", "芷若",
            "可馨", "昕怡", "梓萱", "敏慧", "婉清", "静怡", "慧敏", "嘉欣", "慧琳", "秋菊",
            "冬梅", "素芬", "翠兰", "丽萍", "知夏", "若溪", "清妍", "佩瑶", "砚秋", "妙言",
            "晓雯", "宝珠", "月娥", "桂香", "美玲", "思琪"}
GIVEN2_M = {"志强", "海涛", "子轩", "浩然", "宇航", "思远", "俊杰", "一鸣", "文博", "明轩",
            "国栋", "振华", "建军", "德明", "立新", "卫东", "伟东", "志刚", "建平", "晓东",
            "嘉豪", "子墨", "奕辰", "皓轩", "博文", "天佑", "晓峰", "振宇", "俊宇", "泽宇",
            "锦程", "昊天", "永强", "福生", "学军", "卫国", "新民", "光辉", "宏亮", "嘉树",
            "子健", "家豪", "梓睿", "雨泽", "景行", "承泽", "元朗", "靖宇", "兆祥", "长顺",
            "有才", "金宝", "锦华"}
INTL_F = {"Priya Sharma", "Ananya Iyer", "Kavya Reddy", "Sneha Patel", "Deepika Rao",
          "Meera Krishnan", "Fatima Haddad", "Layla Hassan", "Noor Abdullah", "Mariam Saleh",
          "Hana Jaber", "Rania Nasser", "Lucía Fernández", "Sofía Castillo", "Valentina Ruiz",
          "Camila Ortega", "Isabel Navarro", "Tran Thi Mai", "Pham Thu Ha", "Vu Thanh Huong",
          "Nguyễn Thị Hoa", "Park Ji-woo", "Lee Seo-yeon", "Jung Ha-eun", "Yoon Soo-ah",
          "Min-seo Oh", "Yui Takahashi", "Aiko Yamamoto", "Mei Kobayashi", "Rina Matsumoto",
          "Ngozi Adeyemi", "Adaeze Nwosu", "Funmilayo Adebayo", "Chiamaka Obi",
          "Wanjiru Kamau", "Harriet Bennett", "Hannah Schmidt", "Chloé Dubois", "Giulia Rossi",
          "Ingrid Johansson", "Anna Kowalska", "Svetlana Petrova", "Ava Martinez",
          "Mia Robinson", "Zoe Campbell", "Siobhán Byrne", "Elif Demir", "Shirin Ahmadi",
          "Ana Souza", "Maria Santos", "Siti Rahmawati", "Noa Levi", "Linda Xu",
          "Vivian Tang", "Cindy Huang"}
FIRST_F = {"Rachel", "Jenny", "Sophie", "Chloe", "Aisha", "Nina", "Isla", "Carmen", "Megan",
           "Yuki", "Priyanka", "Ingrid", "Anika", "Lena", "Farah", "Elena", "Tanvi", "Keiko",
           "Freya"}
WORDFIRST_F = {"Grace", "Rose", "Hope", "Faith", "Joy", "Dawn", "Summer", "Ivy", "Penny", "Sue"}
assert INTL_F <= set(INTL) and FIRST_F <= set(FIRST) and WORDFIRST_F <= set(WORDFIRST)

USED = set()
d_names = [s + g for s in SURNAMES for g in GIVEN1]
t_names = [s + g for s in SURNAMES for g in GIVEN2]
d_names = [n for n in d_names if n not in BLACKLIST]
t_names = [n for n in t_names if n not in BLACKLIST]
rng.shuffle(d_names)
rng.shuffle(t_names)
d_names = d_names[:500]
t_names = t_names[:900]
POOLS = {
    "D": Pool(d_names, USED),
    "DF": Pool([n for n in d_names if n[-1] in GIVEN1_F], USED),
    "DM": Pool([n for n in d_names if n[-1] in GIVEN1_M], USED),
    "T": Pool(t_names, USED),
    "TF": Pool([n for n in t_names if n[-2:] in GIVEN2_F], USED),
    "TM": Pool([n for n in t_names if n[-2:] in GIVEN2_M], USED),
    "K": Pool(COMPOUND, USED),
    "R": Pool(RARE, USED),
    "W": Pool(WORDY, USED),
    "E": Pool(INTL, USED),
    "EF": Pool([n for n in INTL if n in INTL_F], USED),
    "EM": Pool([n for n in INTL if n not in INTL_F], USED),
    "F": Pool(FIRST, USED),
    "FF": Pool([n for n in FIRST if n in FIRST_F], USED),
    "FM": Pool([n for n in FIRST if n not in FIRST_F], USED),
    "G": Pool(WORDFIRST, USED),
    "GF": Pool([n for n in WORDFIRST if n in WORDFIRST_F], USED),
    "GM": Pool([n for n in WORDFIRST if n not in WORDFIRST_F], USED),
}
py_sg = [(s, g) for s in PY_SUR for g in PY_GIV]
rng.shuffle(py_sg)
POOLS["P"] = Pool([f"{s} {g}" for s, g in py_sg[:150]], USED)
POOLS["Q"] = Pool([f"{g} {s}" for s, g in py_sg[150:300]], USED)
_p_upper = [0]


def draw_name(kind, avoid):
    if kind == "C":
        kind = "T" if rng.random() < 0.6 else "D"
    v = POOLS[kind].draw(avoid)
    if kind == "P":
        _p_upper[0] += 1
        if _p_upper[0] % 3 == 0:  # passport style: SURNAME Given
            s, g = v.split(" ", 1)
            v = s.upper() + " " + g
    return v


_email_i = [0]
_ip_i = [0]
_addr_cn_i = [0]
_addr_en_i = [0]


def cyc(lst, ctr):
    v = lst[ctr[0] % len(lst)]
    ctr[0] += 1
    return v


NAME_KINDS = set(POOLS) | {"C"}
GEN = {
    "PH": ("phone", gen_phone),
    "ID": ("id", gen_id18),
    "IDL": ("id", gen_id15),
    "CARD": ("card", gen_card),
    "MAIL": ("email", lambda: cyc(EMAILS, _email_i)),
    "IP": ("ip", lambda: cyc(IPS, _ip_i)),
    "ADDR": ("address", lambda: cyc(ADDR_CN, _addr_cn_i)),
    "ADDRE": ("address", lambda: cyc(ADDR_EN, _addr_en_i)),
    "ORD": (None, gen_order),
    "TRK": (None, gen_tracking),
    "TK": (None, gen_ticket),
    "BADID": (None, gen_bad_id),
    "BADCARD": (None, gen_bad_card),
    "BADPH": (None, gen_bad_phone),
}

SLOT_RE = re.compile(r"\{([A-Z]+)(\d*)\}|\[(name|phone|id|card|email|ip|address):([^\]]+)\]")


def render(tmpl):
    values = {}
    out = []
    ents = []
    pos = 0
    avoid = set()
    for m in SLOT_RE.finditer(tmpl):
        out.append(tmpl[pos:m.start()])
        pos = m.end()
        if m.group(3):
            typ, val = m.group(3), m.group(4)
        else:
            kind, idx = m.group(1), m.group(2)
            key = kind + idx
            if kind in NAME_KINDS:
                typ = "name"
                if key not in values:
                    values[key] = draw_name(kind, avoid)
                    avoid.add(values[key])
            else:
                typ, fn = GEN[kind]
                if key not in values:
                    values[key] = fn()
            val = values[key]
        out.append(val)
        if typ:
            ents.append({"type": typ, "value": val})
    out.append(tmpl[pos:])
    return "".join(out), ents


def check_case(text, ents):
    """Return None if OK, else a reason string."""
    cnt = Counter(e["value"] for e in ents)
    for v, k in cnt.items():
        if v not in text:
            return f"missing {v!r}"
        if text.count(v) != k:
            return f"count mismatch {v!r}: text {text.count(v)} vs listed {k}"
    # values must not overlap each other unexpectedly (substring of another value)
    vals = list(cnt)
    for a in vals:
        for b in vals:
            if a != b and a in b:
                return f"value {a!r} inside {b!r}"
    for e in ents:
        assert e["type"] in {"name", "phone", "id", "card", "email", "ip", "address"}
        if e["type"] in ("phone", "id", "card"):
            k = classify(normalize(e["value"]))
            if e["type"] not in k:
                raise AssertionError(f"invalid labelled {e}")
        if e["type"] == "email":
            assert re.fullmatch(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", e["value"]), e
    # spans of labelled numeric PII
    spans = []
    for e in ents:
        if e["type"] in ("phone", "id", "card"):
            start = 0
            while True:
                i = text.find(e["value"], start)
                if i < 0:
                    break
                spans.append((i, i + len(e["value"])))
                start = i + 1
    norm = normalize(text)
    for m in RUN_RE.finditer(norm):
        if classify(m.group()):
            s, t = m.span()
            if not any(a < t and s < b for a, b in spans):
                raise AssertionError(f"unlabelled valid number {m.group()!r} in {text!r}")
    return None


# ---------------------------------------------------------------------------
# templates
#   {C} any Chinese name, {D} 2-char, {T} 3-char, {K} compound surname,
#   {R} rare surname, {W} given name that is an ordinary word,
#   {P} pinyin surname-first, {Q} pinyin given-first, {E} international full
#   name, {F} English first name alone, {G} first name that is also a word.
#   Same kind+index => same value.  [type:value] = literal labelled entity.
#   {PH} {ID} {IDL} {CARD} {MAIL} {IP} {ADDR} {ADDRE} labelled PII;
#   {ORD} {TRK} {TK} {BADID} {BADCARD} {BADPH} unlabelled numbers.
# ---------------------------------------------------------------------------
CN_NAME = [
    # drafting messages
    ("帮我给{TF1}写一条微信，提醒她周五之前把季度报表交上来。", "draft wechat reminder"),
    ("写一封邮件给{C1}，说下周二的面试改到下午两点。", "draft email"),
    ("帮我拟一段话，感谢{T1}和{D2}这次帮忙搬家。", "thank-you, two names"),
    ("以我的名义给{T1}老师发个短信，孩子明天请病假。", "name + 老师"),
    ("帮我回复{D1}：收到，明天上午十点前给你答复。", "reply to 2-char name"),
    ("给{T1}经理写封正式的道歉信，因为发货延误了三天。", "name + 经理"),
    ("用轻松一点的语气写个生日祝福给{DF1}，她今年三十岁。", "birthday wish"),
    ("帮我润色一下：尊敬的{T1}教授，您好，我是您去年指导过的学生{T2}。", "professor + student"),
    ("起草一份通知：自即日起由{T1}接替{T2}担任行政主管。", "personnel notice"),
    ("帮我写一句婉拒的话，{D1}约我周末去爬山，但我要加班。", "decline invitation"),
    # meeting notes
    ("会议纪要：参会人{T1}、{T2}、{D3}；记录人{T4}。", "meeting attendees"),
    ("今天例会{T1}提出预算超支，{T2}建议先砍掉广告投放，最后{T1}同意了。", "meeting, repeated name"),
    ("整理一下分工：{T1}负责前端，{D2}负责后端接口，{K3}负责测试。", "task split, compound surname"),
    ("会上{T1}说客户那边还没回复，下周一再跟进。", "meeting remark"),
    ("帮我把这段录音转写总结一下，主要是{T1}和{T2}在讨论供应商的事。", "transcript summary"),
    ("行动项：1. {T1}周三前提交方案；2. {D2}联系法务；3. {T3}更新排期。", "action items"),
    # customer service
    ("工单{TK}：客户{T1}反映收到的商品有破损，要求退货。", "ticket with number"),
    ("客户{D1}来电投诉，说快递员没打电话就把包裹放在了门口。", "complaint"),
    ("帮我写个回复给用户{T1}，解释退款会在3到5个工作日内到账。", "cs reply"),
    ("售后登记：姓名{T1}，问题描述：空调制冷效果差，已上门两次。", "after-sales form"),
    ("{TF1}女士的会员积分没有到账，帮我查一下原因并给她回个消息。", "name + 女士 at start"),
    ("请转告{TM1}先生，他预约的维修师傅明天上午九点到。", "name + 先生"),
    # family chats
    ("妈，{DF1}说她今晚不回来吃饭了。", "family chat"),
    ("帮我在家庭群里发：周日中午在奶奶家吃饭，{T1}和{T2}负责买菜。", "family group"),
    ("我儿子{TM1}这学期数学退步了，帮我写几句跟老师沟通的话。", "child name"),
    ("我老婆{TF1}下个月生日，推荐几个礼物。", "spouse"),
    ("外公{TM1}住院了，帮我查查老年人髋关节置换后怎么护理。", "grandparent"),
    ("表妹{DF1}要来上海读研，帮我列一下租房注意事项。", "cousin"),
    ("告诉{T1}，钥匙放在门口的鞋柜里了。", "tell X"),
    ("我爸{TM1}今年七十大寿，帮我写一段祝寿词。", "father"),
    # school notices
    ("通知：三年级二班{T1}同学在区作文比赛中获得一等奖，特此表扬。", "school notice"),
    ("请以班主任名义写个通知，{T1}、{T2}、{T3}三位同学周四下午参加数学竞赛集训。", "school list"),
    ("家长会签到表：{T1}家长、{T2}家长、{D3}家长已到。", "parents sign-in"),
    ("{T1}同学的作业连续三次没交，帮我写一段给家长的提醒。", "student at start"),
    ("学生{T1}因病请假一周，请各科老师知悉。", "sick leave notice"),
    ("新学期班委名单：班长{T1}，学习委员{D2}，体育委员{T3}。", "class committee"),
    # medical
    ("帮我记一下：{T1}，周二上午挂了骨科{T2}主任的号。", "appointment with 主任"),
    ("就诊人：{T1}，科室：皮肤科，复诊时间：下周三上午。", "clinic form"),
    ("{T1}医生说我的血压有点高，让我少吃盐，帮我做个一周食谱。", "doctor name"),
    ("我妈{TF1}做完胃镜了，报告上写慢性浅表性胃炎，严重吗？", "mother medical"),
    ("提醒我给{D1}预约牙科洗牙，时间是周六上午。", "dental appointment"),
    ("病历摘要：患者{TM1}，男，56岁，主诉胸闷气短两周。", "medical record"),
    # HR / finance
    ("入职登记：姓名{T1}，部门市场部，入职日期2024年7月1日。", "onboarding form"),
    ("报销单：申请人{T1}，事由客户招待，金额860元，审批人{T2}。", "expense form"),
    ("帮我算一下{T1}这个月的实发工资，基本工资8500，扣社保和个税。", "salary calc"),
    ("请假申请：{T1}，事假两天，工作由{D2}代为处理。", "leave request"),
    ("离职交接清单：交出人{T1}，接收人{T2}，监交人{K3}。", "handover form"),
    ("绩效评语帮我写一下，对象是{T1}，这季度超额完成销售目标。", "performance review"),
    ("付款申请：收款人{T1}，金额¥12,000，用途为设计费。", "payment request"),
    ("{T1}的转正申请已经提交，帮我写一段部门意见。", "probation"),
    # logistics
    ("收件人{T1}，放菜鸟驿站就行，别打电话。", "delivery recipient"),
    ("快递到了帮我签收一下，写的是{T1}的名字。", "parcel"),
    ("司机{T1}说货车在高速上堵了，可能晚两个小时到。", "driver"),
    ("帮我把这批货的提货人改成{T1}。", "pickup person"),
    ("寄件人：{T1}，收件人：{T2}，物品：文件。", "waybill"),
    # travel
    ("帮我订两张明天去成都的高铁票，乘车人{T1}和{D2}。", "train booking"),
    ("酒店入住人写{T1}，两晚，大床房。", "hotel booking"),
    ("机票上乘客姓名要和证件一致，{T1}的拼音怎么写？", "flight name spelling"),
    ("导游{T1}会在机场接我们，举着写有公司名字的牌子。", "tour guide"),
    ("我们一行四人：{T1}、{T2}、{D3}和我，帮我规划一下三亚五日游。", "travel group"),
    # quoted dialogue
    ("“{D1}，你把那份合同放哪了？”“在我桌上第二个抽屉。”帮我续写这段对话。", "quoted dialogue vocative"),
    ("{TM1}说：“这个方案我不同意。”请帮我分析他的顾虑。", "quote attribution"),
    ("她跟我说“{T1}昨天辞职了”，我该怎么安慰团队？", "name inside quote"),
    ("翻译成英文：“{T1}是我们公司最好的工程师。”", "translate request"),
    # sentence start, no cue
    ("{T1}下午三点到，记得去接。", "sentence start"),
    ("{D1}又迟到了，这已经是本周第三次。", "sentence start 2-char"),
    ("{T1}把钥匙落在车上了。", "sentence start"),
    ("{K1}周四飞北京，帮我查下航班。", "compound at start"),
    ("{T1}和{T2}吵架了，我该站哪边？", "two names start"),
    # after verbs / prepositions
    ("我刚才碰到{TF1}了，她说要换工作。", "after verb"),
    ("把这个文件转发给{D1}。", "after 给"),
    ("跟{T1}确认一下周五的排班。", "after 跟"),
    ("我想约{T1}吃个饭，去哪家好？", "after 约"),
    ("替{T1}交一下这个月的物业费。", "after 替"),
    ("这个项目是{TM1}牵头的，有问题找他。", "after 是"),
    ("你能帮我问问{DF1}，她那边还有没有多余的票吗？", "after 问问"),
    ("由{T1}负责对接甲方，{T2}负责内部协调。", "after 由"),
    ("为{T1}准备一份欢送会的发言稿。", "after 为"),
    ("和{T1}一起去的还有{K2}。", "after 和 / 有"),
    ("被{T1}拉进了一个新群，群里都是做跨境电商的。", "after 被"),
    # titles / roles
    ("{T1}律师说合同第七条有风险，帮我看看怎么改。", "lawyer"),
    ("请{T1}总监审批这份采购单。", "director"),
    ("{D1}师傅明天上午来修热水器。", "name + 师傅"),
    ("设计部{T1}主管要一份竞品分析。", "supervisor"),
    ("副校长{T1}将出席开学典礼并致辞。", "vice principal"),
    ("{T1}博士的讲座安排在周四下午三点，学术报告厅。", "Dr."),
    ("请联系财务部的{T1}会计核对发票。", "accountant"),
    ("院长{T1}和{T2}教授一起参加评审。", "dean + professor"),
    # compound / rare surnames
    ("{K1}同学请到教务处领取奖学金证书。", "compound surname student"),
    ("{K1}和{K2}是这次项目的负责人。", "two compound surnames"),
    ("{R1}的快递放门卫室了。", "rare surname"),
    ("新同事叫{R1}，这个姓怎么念？我明天要点名。", "rare surname pronunciation"),
    ("签到：{R1}、{T2}、{K3}。", "sign-in mixed"),
    ("面试名单里有{R1}，简历在附件。", "interview list rare"),
    ("感谢{R1}和{R2}两位志愿者的付出。", "two rare surnames"),
    # word-like given names
    ("联系人：{W1}，负责本次活动的场地对接。", "word-like name"),
    ("我同事{W1}推荐了一家川菜馆。", "word-like name colleague"),
    ("{W1}同学，请于本周五前提交社会实践报告。", "word-like name student"),
    ("新来的实习生叫{W1}，帮我给他安排个导师。", "word-like name intern"),
    ("把{W1}加到项目群里。", "word-like name after 把"),
    ("下周值班表：周一{W1}，周二{T2}，周三{D3}。", "duty roster"),
    ("{W1}老师布置的作文题目是《我的家乡》。", "word-like name teacher"),
    # repeated names
    ("{T1}的报告写得不错，但{T1}上次承诺的数据还没补，帮我委婉地提醒一下。", "repeated name"),
    ("{D1}问能不能借车，我上次借给{D1}的时候油都没加满。", "repeated 2-char"),
    ("大家注意，{T1}的外卖到了，{T1}请到前台取一下。", "repeated announcement"),
    # mixed Chinese / English
    ("帮我写封英文邮件给{E1}，说我们同意报价，合同下周签。", "intl name in Chinese"),
    ("和{F1}约了周三下午的call，帮我设个提醒。", "English first name in Chinese"),
    ("明天{F1}和{T2}一起去客户那边做demo。", "mixed names"),
    ("把这段话翻译成中文：{E1} will join the board in March.", "translate English"),
    ("{E1}是我们在新加坡的合作伙伴，帮我查查当地的商务礼仪。", "intl partner"),
    ("HR说新来的外籍同事叫{E1}，帮我准备个欢迎词。", "foreign colleague"),
    ("帮我给{P1}发英文邀请函，参加下个月的行业峰会。", "pinyin surname-first"),
    ("护照上的名字是{P1}，订机票时姓和名怎么填？", "passport pinyin"),
    ("我英文简历上名字写成{Q1}，这样可以吗？", "pinyin given-first"),
    ("给外国客户介绍一下我们的项目经理{Q1}，帮我写两句英文。", "pinyin in Chinese text"),
    ("签证材料上我的名字拼成了{P1}，需要改成别的格式吗？", "visa pinyin"),
    ("Hi {F1}，明天的会改到下午三点，麻烦通知一下{T2}。", "Hi + first name, mixed"),
    # famous people
    ("[name:苏轼]在黄州写了哪些作品？", "famous poet"),
    ("推荐几首[name:杜甫]写秋天的诗。", "famous poet"),
    ("[name:屠呦呦]是哪一年获得诺贝尔奖的？", "famous scientist"),
    ("[name:袁隆平]的杂交水稻为什么这么重要？", "famous scientist"),
    ("帮我写一篇关于[name:钱学森]回国经历的演讲稿。", "famous scientist"),
    ("[name:周杰伦]和[name:林俊杰]的演唱会哪个门票更难抢？", "famous singers"),
    ("[name:张爱玲]和[name:萧红]的作品风格有什么不同？", "famous writers"),
    ("[name:诸葛亮]的《出师表》帮我翻译成白话文。", "famous compound surname"),
    ("给孩子讲讲[name:郑和]下西洋的故事。", "famous historical"),
    ("[name:谷爱凌]最近参加了什么比赛？", "famous athlete"),
    ("[name:钟南山]院士关于流感的建议有哪些？", "famous + 院士"),
    ("[name:李清照]的《声声慢》帮我赏析一下。", "famous poet"),
    ("[name:王羲之]的《兰亭序》真迹现在在哪里？", "famous calligrapher"),
    ("[name:郎朗]下个月在上海有演出吗？", "famous pianist 2-char"),
    ("[name:莫言]获诺奖的作品是哪部？", "famous writer 2-char"),
    # lists of attendees / winners
    ("出席名单：{T1}、{T2}、{T3}、{D4}、{T5}。", "attendee list 5"),
    ("获奖名单公布：一等奖{T1}，二等奖{T2}、{D3}，三等奖{K4}。", "award list"),
    ("本周生日的同事：{T1}（周二）、{D2}（周四）、{T3}（周六）。", "birthday list"),
    ("婚礼座位安排：1号桌{T1}、{T2}，2号桌{T3}、{D4}。", "seating plan"),
    ("志愿者分组：A组组长{T1}，B组组长{R2}。", "volunteer groups"),
    ("同学聚会名单：{T1}、{T2}、{T3}、{K4}，还差{D5}没回复。", "reunion list"),
    ("{D1}、{D2}、{D3}，今晚加班的人记得报餐。", "vocative list 2-char"),
    # everyday requests
    ("帮我查一下上次{T1}推荐的那本书叫什么名字。", "book recommendation"),
    ("提醒我下周一还{D1}两百块钱。", "debt reminder"),
    ("{T1}的婚礼在下个月十八号，随礼一般多少合适？", "wedding gift"),
    ("我跟{T1}分手了，帮我写一段不伤人的话。", "breakup"),
    ("邻居{T1}家的狗总在半夜叫，我该怎么沟通？", "neighbour"),
    ("孩子的钢琴老师是{T1}，每周六上课，帮我把课表做成表格。", "piano teacher"),
    ("{T1}推荐我去考PMP，值得吗？", "advice"),
    ("室友{D1}总是不打扫卫生，帮我想个委婉的说法。", "roommate"),
    ("教练{T1}让我每天跑五公里。", "coach"),
    ("昨天{T1}在群里@我，问周报的事。", "group chat"),
    ("我是{T1}，想咨询一下你们的课程价格。", "self intro"),
    ("你好，我叫{T1}，今年刚毕业，帮我写个自我介绍。", "self intro 叫"),
    ("以{T1}的口吻写一封推荐信，推荐{T2}申请研究生。", "recommendation letter"),
    ("{TM1}，男，1988年生，现任技术总监——帮我扩写成一段个人简介。", "bio"),
    ("客户经理{T1}今天休假，有事找何经理。", "name vs bare surname+title"),
    ("{T1}和周老师都在办公室。", "name vs bare surname+title"),
    ("小陈说{T1}已经到了。", "name vs nickname"),
    ("老郑让我转告{T1}，明天的会取消了。", "name vs nickname"),
    ("阿伟和{T1}一起去的。", "name vs nickname"),
    ("{T1}跟马总汇报完就走了。", "name vs 马总"),
    ("请{T1}到3号诊室就诊。", "clinic call"),
    ("{T1}家长您好，孩子今天在学校表现很好。", "parent greeting"),
    ("{T1}，你的简历我看了，下周一来面试。", "vocative start"),
    ("恭喜{T1}荣获年度最佳员工！", "congrats"),
    ("今天是{T1}入职一周年，帮我写个祝贺。", "anniversary"),
    ("请{T1}、{T2}两位同事于明天上午九点到大会议室。", "meeting summons"),
    ("业主{T1}反映楼上漏水，物业请尽快处理。", "property owner"),
    ("租客{T1}的合同下月到期，帮我写个续租提醒。", "tenant"),
    ("房东{D1}说押金下周退。", "landlord 2-char"),
    ("我在闲鱼上买了{TM1}的二手相机，他说包邮。", "second-hand seller"),
    ("帮我写段朋友圈文案，祝贺好友{T1}新店开业。", "social post"),
    ("代{T1}领取快递需要带什么？", "after 代"),
    ("明天陪{T1}去医院做核磁共振，要注意什么？", "after 陪"),
    ("老板让我把{TF1}的工作量减半，怎么跟她说？", "workload"),
    ("寻人启事：{T1}老人走失，身穿灰色外套，请大家帮忙留意。", "missing person"),
    ("研究生导师{T1}让我改第三章。", "supervisor"),
    ("论文致谢里要感谢{T1}老师和{TF2}师姐，帮我写一段。", "thesis acknowledgement"),
    ("篮球赛解说词：{T1}抢断，传给{D2}，上篮得分！", "sports commentary"),
    ("剧本里{TM1}和{TF2}是兄妹，帮我设计一段争吵的对白。", "script characters"),
    ("{T1}在吗？帮我看看这段代码。", "vocative question"),
    ("我朋友{T1}想来我们公司，帮我写个内推理由。", "referral"),
    ("提醒{T1}明早带上身份证原件和两张一寸照片。", "reminder"),
    ("{T1}的签名不清楚，合同需要重签吗？", "signature"),
    ("谁是{T1}？我怎么不记得这个人。", "who is"),
    ("{K1}的父亲{TM2}是退休教师。", "compound + father"),
    ("明天{R1}请假，{T2}顶班。", "rare + cover shift"),
    ("代课老师是{W1}，下周开始上课。", "word-like teacher"),
    ("{W1}和{W2}周末一起去钓鱼。", "two word-like names"),
    ("上个月{T1}在朋友圈晒了{T2}的照片。", "two names with possessive"),
    ("听说{T1}要调到深圳分公司了，是真的吗？", "gossip"),
    ("请假条：本人{T1}因家中有事，申请请假一天。", "leave note"),
    ("证明：兹证明{T1}系我单位正式员工，特此证明。", "employment certificate"),
    ("委托书：本人{T1}委托{T2}代为办理房产过户手续。", "power of attorney"),
    ("收据：今收到{T1}交来押金人民币伍仟元整。", "receipt"),
]

EN_NAME = [
    ("Draft an email to {E1} confirming the contract signing on Thursday.", "en draft email"),
    ("Hi {F1}, can you send me the slides before noon?", "Hi + first name"),
    ("Meeting notes: attendees {E1}, {E2}, and {E3}. {E2} will follow up with legal.", "en meeting notes repeated"),
    ("Remind me to call Dr. {E1} about my test results.", "Dr. + name"),
    ("{E1} from accounting needs the receipts by Friday.", "en sentence start"),
    ("Write a thank-you note to {E1} for hosting us in Lagos.", "thank-you note"),
    ("Ask {F1} whether the venue is confirmed.", "ask + first name"),
    ("Tell {G1} the car is ready for pickup.", "word-like first name"),
    ("{GF1} called while you were out; she wants to reschedule.", "word-like first name start"),
    ("Can you help me write a reference letter for {EF1}? She worked with me for three years.", "reference letter"),
    ("Patient: {E1}, follow-up in two weeks with Prof. {E2}.", "medical note"),
    ("Customer {E1} reports that the replacement charger never arrived.", "cs ticket"),
    ("Please book a table for four under the name {E1}.", "restaurant booking"),
    ("Passenger {E1} requested a window seat and a vegetarian meal.", "travel"),
    ("The hotel reservation is under {Q1}, checking in on the 14th.", "pinyin given-first"),
    ("Please add {E1} and {E2} to the project channel.", "add to channel"),
    ("I met {E1} at the conference; draft a LinkedIn message to follow up.", "networking"),
    ("Congratulations to {EF1} on her promotion to Senior Engineer!", "congrats"),
    ("Summarize this chat: {F1} says the build is broken, {F2} thinks it's the new dependency.", "chat summary"),
    ("\"{F1}, did you lock the back door?\" Continue this dialogue.", "quoted vocative"),
    ("My neighbour {E1} offered to water my plants; write a thank-you card.", "neighbour"),
    ("Reply to {F1}: thanks, I'll review it tonight.", "reply to"),
    ("Set up a recurring 1:1 with {E1} every other Monday.", "calendar"),
    ("{E1} and {E2} will co-chair the committee.", "two names start"),
    ("Interview schedule: 10:00 {E1}, 11:00 {E2}, 14:00 {E3}.", "interview schedule"),
    ("Ms. {EF1} will be our substitute teacher this week.", "Ms. + name"),
    ("Mr. {EM1} asked for a copy of the lease.", "Mr. + name"),
    ("Send flowers to {E1} at the hospital with a get-well card.", "flowers"),
    ("Write a eulogy for my grandfather, {EM1}, who was a fisherman for forty years.", "eulogy appositive"),
    ("{F1} said the invoice was already paid.", "first name start"),
    ("I'm {E1}, I'd like to change my delivery slot to Saturday.", "self intro"),
    ("My name is {E1} and I'm applying for the data analyst role.", "my name is"),
    ("Invite {E1}, {E2}, {E3} and {E4} to the Friday retrospective.", "invite list"),
    ("Coach {E1} wants the team at the field by 7 a.m.", "coach"),
    ("Forward the onboarding pack to {Q1} and cc {P2}.", "pinyin both orders"),
    ("Our Shanghai contact is {P1}; please set up a call next week.", "pinyin surname-first"),
    ("Book a ride for {E1} from the hotel to Changi Airport.", "ride booking"),
    ("Who is {E1}? The name came up in the board minutes.", "who is"),
    ("Tell {F1} and {G2} dinner's at eight.", "two first names"),
    ("Let {G1} know the package arrived.", "let X know"),
    ("{G1} and I are planning a surprise party for {F2}.", "party"),
    ("Thank {E1} for the referral and mention that {F2} got the job.", "referral"),
    ("Write a short bio of [name:Marie Curie] for a 10-year-old.", "famous scientist"),
    ("What did [name:Albert Einstein] win the Nobel Prize for?", "famous scientist"),
    ("Is [name:Taylor Swift] touring Asia next year?", "famous singer"),
    ("Compare [name:Lionel Messi] and [name:Cristiano Ronaldo] career goal records.", "famous athletes"),
    ("Summarize [name:Nelson Mandela]'s years on Robben Island.", "famous possessive"),
    ("Find quotes by [name:Maya Angelou] about courage.", "famous poet"),
    ("When did [name:Serena Williams] play her last match?", "famous athlete"),
    ("The school nurse, {E1}, said my son has a mild fever.", "appositive"),
    ("Per {E1}'s request, I've moved the deadline to June 30.", "possessive"),
    ("Landlord {E1} says the heating will be fixed tomorrow.", "landlord"),
    ("Please RSVP to {E1} by the end of the week.", "RSVP"),
    ("Cc {E1} on all emails about the audit.", "cc"),
    ("Dinner with {E1} at 7 - remind me at 6:30.", "dinner reminder"),
    ("The courier, {E1}, left the parcel with reception.", "courier"),
    ("Assign the ticket to {E1}; escalate to {E2} if it isn't resolved in 24h.", "ticket assignment"),
    ("Professor {E1} approved my thesis extension.", "professor"),
    ("Write a welcome message for our new hires: {E1}, {E2}, and {E3}.", "new hires"),
    ("Draft a condolence message to {FF1} - her father passed away last week.", "condolence"),
    ("Shoutout to {F1} for fixing the printer!", "shoutout"),
    ("Hey {G1}, are we still on for Saturday?", "hey + word-like name"),
    ("Dear {E1}, thank you for your application.", "dear"),
    ("Sign the card from me and {F1}.", "from me and X"),
    ("Can {F1} cover my shift on Sunday?", "can X"),
    ("Emergency contact: {E1} (spouse).", "emergency contact"),
    ("Witness statement: I saw {E1} leave the building around 6 p.m.", "witness"),
    ("The parcel is addressed to {EF1}, but she moved out last month.", "addressed to"),
    ("{G1} from the front desk says the room is ready.", "word-like name start"),
    ("Please pass the keys to {G1} before you leave.", "word-like name after to"),
    ("According to {E1}, the shipment cleared customs yesterday.", "according to"),
    ("Lunch order: {F1} wants the salad, {F2} the noodles, {F3} just coffee.", "lunch order"),
    ("Remind {F1} that the visa appointment is at 9.", "remind X"),
    ("Our guide in Hanoi was {EF1}; write her a review.", "tour guide"),
    ("Seating chart: table 1 {E1}, {E2}; table 2 {E3}, {E4}.", "seating chart"),
    ("Can you check if {E1} has submitted the timesheet?", "check if"),
    ("{EF1} ({F2}'s mum) will pick up the kids today.", "parent pickup"),
    ("I need to apologise to {FF1} for missing her recital.", "apology"),
    ("Translate into Chinese: {E1} is our new marketing director.", "translate"),
    ("Meeting with {Q1} from the Beijing office at 3 pm, please book a room.", "pinyin given-first"),
    ("Thanks {Q1} for the quick turnaround on the translation!", "pinyin given-first thanks"),
    ("Student {P1} has been accepted to the exchange program in Lyon.", "pinyin surname-first"),
    ("The certificate should read {P1}, family name first.", "pinyin surname-first"),
]

PII = [
    # phones
    ("我的手机号是{PH}，有快递的话直接打这个。", "phone"),
    ("紧急联系人：{T1}{PH}", "name adjacent to phone"),
    ("帮我给{PH}发一条短信，说会议改期到周四。", "phone only"),
    ("Call me back at {PH} after 5 pm.", "en phone"),
    ("{D1}的新号码{PH}，帮我存一下。", "name + phone"),
    ("家长{T1}，手机{PH}，孩子{T2}。", "parent phone"),
    ("客户{T1}留的电话是{PH}，请尽快回访。", "customer phone"),
    ("My Chinese number is {PH}, WhatsApp doesn't work there.", "en phone"),
    ("电话{PH}，找{T1}。", "phone then name"),
    ("面试联系人{E1}，手机{PH}。", "intl name + phone"),
    ("报修：{T1}，{PH}，厨房水管漏水。", "repair request"),
    # ids
    ("帮我核对一下这个身份证号：{ID}，是{T1}的。", "id + name"),
    ("乘车人{T1}，证件号{ID}。", "train passenger id"),
    ("酒店入住登记：{T1}，身份证{ID}。", "hotel id"),
    ("老身份证是15位的：{IDL}，现在还能用吗？", "legacy 15-digit id"),
    ("我爸的旧身份证号{IDL}，怎么换算成18位？", "legacy 15-digit id"),
    ("投保人{T1}，证件号码{ID1}，被保险人{T2}，证件号码{ID2}。", "insurance two ids"),
    ("身份证号{ID}的持有人{T1}已完成实名认证。", "id then name"),
    ("Passenger {P1}, Chinese ID {ID}.", "en id pinyin"),
    ("这是我的身份证号{ID}，帮我看看出生日期对不对。", "id"),
    ("报名表：姓名{T1}，身份证号{ID}，手机{PH}。", "form name id phone"),
    ("学生{T1}身份证{ID}，家长{T2}身份证{ID2}。", "two ids"),
    ("旧证号码{IDL}，户籍地已迁出。", "legacy id"),
    # cards
    ("工资卡号{CARD}，开户行招商银行，户名{T1}。", "salary card"),
    ("帮我把这笔钱转到{CARD}，收款人{T1}。", "transfer card"),
    ("Please refund to card {CARD}, cardholder {E1}.", "en card"),
    ("信用卡{CARD}这个月的账单是多少？", "credit card"),
    ("银行卡：{CARD}（工商银行）", "bank card"),
    ("报销打款账户：{T1} {CARD}", "name space card"),
    ("我的Visa卡{CARD}被盗刷了，怎么申请拒付？", "visa card"),
    ("卡号{CARD}，有效期08/27，帮我查下额度。", "card with expiry"),
    ("户名：{K1}，账号：{CARD}", "compound name + card"),
    ("收款卡号 {CARD}", "card only"),
    ("The corporate card {CARD} was declined at checkout.", "en card"),
    # emails
    ("把简历发到{MAIL}，注明应聘岗位。", "email"),
    ("{EF1}'s email is {MAIL}; loop her in.", "en email + name"),
    ("联系人{T1}，邮箱{MAIL}。", "name + email"),
    ("Send the signed NDA to {MAIL} by Friday.", "en email"),
    ("我的邮箱是{MAIL}，有问题随时联系。", "email"),
    ("抄送{T1}（{MAIL}）和{T2}。", "cc with email"),
    ("Contact: {E1} <{MAIL}>", "contact line"),
    ("QQ邮箱{MAIL}收不到验证码怎么办？", "qq email"),
    ("发票请开到公司抬头，寄送邮箱{MAIL}。", "invoice email"),
    ("Reply-to: {MAIL}, signed {F1}", "reply-to"),
    ("把会议纪要发给{T1}，邮箱是{MAIL}。", "name + email"),
    # ips
    ("服务器{IP}的SSH一直连不上，帮我排查一下。", "ip ssh"),
    ("把{IP}加到白名单里。", "ip whitelist"),
    ("登录日志显示有人从{IP}登录了我的账号，是不是被盗了？", "ip login"),
    ("The API at {IP} has been returning 502 since this morning.", "en ip"),
    ("{T1}的电脑IP是{IP}，打印机共享不了。", "name + ip"),
    ("Block traffic from {IP1} and {IP2}.", "two ips"),
    ("数据库主库{IP1}，从库{IP2}，帮我写个主从同步检查脚本。", "two ips"),
    ("路由器后台地址是{IP}吗？", "router ip"),
    ("nginx日志里{IP}一分钟请求了三千次，是爬虫吗？", "ip in log"),
    ("Ping {IP} keeps timing out.", "en ip ping"),
    # addresses
    ("寄到{ADDR}，收件人{T1}。", "address + name"),
    ("我家地址：{ADDR}，帮我查一下附近的幼儿园。", "home address"),
    ("Ship to {ADDRE}, attention {E1}.", "en address"),
    ("公司搬到了{ADDR}，帮我写个搬迁通知。", "office address"),
    ("收件人：{T1}，电话：{PH}，地址：{ADDR}。", "waybill name phone address"),
    ("Please update my billing address to {ADDRE}.", "en billing address"),
    ("面试地点：{ADDR}，请携带简历。", "interview address"),
    ("{T1}家住{ADDR}，帮我规划去那里的公交路线。", "name + address"),
    ("Deliver to {E1}, {ADDRE}.", "en delivery"),
    ("发货地址改为{ADDR}。", "change address"),
    ("My sister lives at {ADDRE}; how long does a parcel take from Shenzhen?", "en address"),
    ("聚会地点在{ADDR}，到了给我打电话。", "party address"),
]

NEG = [
    # shops / brands named after people or containing surnames
    ("中午想吃黄焖鸡米饭还是杨国福麻辣烫？帮我选一个。", "neg: dishes/shop"),
    ("周大福和周生生今天的金价差多少？", "neg: jewellery brands"),
    ("王老吉和加多宝哪个更甜？", "neg: drink brands"),
    ("王守义十三香炖肉放多少合适？", "neg: brand with full person name"),
    ("陈克明挂面和今麦郎哪个更筋道？", "neg: brand with full person name"),
    ("楼下新开了一家杨铭宇黄焖鸡，味道怎么样？", "neg: shop with person name"),
    ("刘一手火锅的锅底哪个最辣？", "neg: restaurant brand"),
    ("周黑鸭和绝味鸭脖哪个更辣？", "neg: snack brands"),
    ("钱大妈的蔬菜晚上几点开始打折？", "neg: grocery brand"),
    ("张小泉的菜刀质量怎么样？", "neg: knife brand"),
    ("李锦记蒸鱼豉油怎么用？", "neg: sauce brand"),
    ("胡庆余堂的膏方多少钱一料？", "neg: pharmacy brand"),
    ("帮我找一家附近的谭木匠门店。", "neg: comb brand"),
    ("曹操出行和滴滴打车哪个便宜？", "neg: ride-hailing brand"),
    ("徐福记的酥心糖现在还有卖吗？", "neg: candy brand"),
    ("老干妈辣酱配什么最好吃？", "neg: sauce brand"),
    ("张裕解百纳干红多少钱一瓶？", "neg: wine brand"),
    ("汤臣倍健的蛋白粉值得买吗？", "neg: supplement brand"),
    ("马应龙麻仁软膏孕妇能用吗？", "neg: medicine brand"),
    ("戴森吹风机和松下的哪个更护发？", "neg: appliance brands"),
    ("西门子洗衣机显示E21是什么故障？", "neg: compound-surname-like brand"),
    ("东方甄选的直播几点开始？", "neg: brand with 东方"),
    ("喜茶和奈雪的茶哪个更好喝？", "neg: tea brands"),
    ("王者荣耀新赛季什么时候开始？", "neg: game title"),
    ("余额宝里的钱怎么转到银行卡？", "neg: 余 product"),
    # dishes / food
    ("麻婆豆腐和宫保鸡丁的做法分别是什么？", "neg: dishes"),
    ("龙抄手、钟水饺、赖汤圆，成都哪家最正宗？", "neg: snacks named after people"),
    ("杨枝甘露怎么做才不苦？", "neg: dessert"),
    ("李子和杨梅一起吃会不会拉肚子？", "neg: fruits"),
    ("武汉热干面和重庆小面哪个更好吃？", "neg: dishes with places"),
    ("叫花鸡和东坡肘子哪个更适合年夜饭？", "neg: dishes"),
    # medicine / herbs
    ("党参、黄芪、当归一起煲汤可以吗？", "neg: herbs with surnames"),
    ("陈皮泡水喝有什么功效？", "neg: herb 陈"),
    ("何首乌吃多了伤肝吗？", "neg: herb 何"),
    ("杜仲茶适合什么人喝？", "neg: herb 杜"),
    ("柴胡和连翘能一起用吗？", "neg: herbs"),
    ("百里香可以泡水喝吗？", "neg: herb with compound surname 百里"),
    ("牛黄解毒片一天吃几次？", "neg: medicine 牛"),
    # places / streets
    ("帮我查一下石家庄到秦皇岛的高铁。", "neg: cities"),
    ("周末去周庄还是乌镇？", "neg: towns"),
    ("张家界三日游攻略，预算3000元左右。", "neg: place"),
    ("岳麓山和橘子洲一天能逛完吗？", "neg: places"),
    ("中山公园地铁站几号口离公园最近？", "neg: place"),
    ("给我推荐几家徐家汇附近的本帮菜馆。", "neg: area"),
    ("白云机场T2到广州南站怎么走？", "neg: place 白云"),
    ("东方明珠门票多少钱？", "neg: landmark 东方"),
    ("马鞍山到黄山自驾要多久？", "neg: cities"),
    # book / film titles
    ("《白鹿原》适合高中生读吗？", "neg: book title"),
    ("《夏洛特烦恼》是哪年上映的？", "neg: film title"),
    ("《唐人街探案》系列哪一部最好看？", "neg: film title"),
    ("《武林外传》第一集讲了什么？", "neg: TV title"),
    # idioms / common words beginning with surname chars
    ("张冠李戴是什么意思？帮我造个句。", "neg: idiom 张李"),
    ("高兴得睡不着，明天终于放假了！", "neg: word 高兴"),
    ("马上帮我把会议纪要整理一下。", "neg: word 马上"),
    ("黄金周去哪里人少？", "neg: word 黄金"),
    ("我想剪个空气刘海，适合圆脸吗？", "neg: word 刘海"),
    ("我孙子今年上小学了，要准备什么文具？", "neg: word 孙子"),
    ("高峰期地铁太挤了，有没有别的路线？", "neg: word 高峰"),
    ("江山代有才人出，下一句是什么？", "neg: poem"),
    ("周而复始的加班让我很累，怎么调整心态？", "neg: idiom 周"),
    ("林林总总列了二十多项，帮我归类一下。", "neg: idiom 林"),
    ("白头偕老用英语怎么说？", "neg: idiom 白"),
    # bare surname + title, nicknames, kinship
    ("郑总让我把报价单改一下，再发给孙会计。", "neg: bare surname+title"),
    ("吴老师说明天的家长会改到下午四点。", "neg: bare surname+title"),
    ("小刘和老赵今天都请假了。", "neg: nicknames"),
    ("阿珍说周五聚餐地点换了。", "neg: nickname 阿"),
    ("冯医生说复查要空腹。", "neg: bare surname+doctor"),
    ("宋阿姨下午来打扫卫生，记得留门。", "neg: surname+阿姨"),
    ("孙师傅几点到？", "neg: surname+师傅"),
    ("帮我给何主任和谢科长各发一份会议通知。", "neg: bare surname+titles"),
    ("二姨和三叔都说过年回老家。", "neg: kinship"),
    ("小胖今天又没来上课。", "neg: nickname"),
    # numbers that are not PII
    ("订单号{ORD}还没发货，帮我催一下。", "neg: order number"),
    ("快递单号{TRK}，查一下物流到哪了。", "neg: tracking number"),
    ("这个身份证号{BADID}校验不通过，是不是抄错了？", "neg: invalid-checksum id"),
    ("卡号{BADCARD}提示无效，帮我看看。", "neg: Luhn-invalid card"),
    ("这个号码{BADPH}打不通，是不是位数不对？", "neg: invalid phone"),
    ("2024年3月15日下午3点在B会议室开会，预算12,800元。", "neg: date/amount"),
    ("合同金额¥356,000.00，付款日期2024-06-30。", "neg: amount/date"),
    ("My order #{ORD} hasn't shipped yet.", "neg: en order number"),
    ("Invoice INV-2024-00873, amount due $1,249.50 by June 3.", "neg: invoice"),
    ("Booking reference ABX7KQ, flight CA981 on 2024-09-12, seat 32A.", "neg: booking ref"),
    ("The card number {BADCARD} was rejected - is it a typo?", "neg: en invalid card"),
    ("退货物流单号{TRK}，退款什么时候到？", "neg: tracking number"),
    ("核对一下：{BADID}，系统提示证件号错误。", "neg: invalid id"),
    # English words that are also names, brands, places
    ("Can you check the grace period on my credit card payment?", "neg: grace word"),
    ("I need a frank assessment of this business plan.", "neg: frank word"),
    ("Please water the rose bushes and the ivy on the balcony.", "neg: rose/ivy words"),
    ("Book a flight to Austin next Friday.", "neg: city Austin"),
    ("What's the best time to visit Florence and Siena?", "neg: city Florence"),
    ("Order two pairs of Jimmy Choo sandals in size 38.", "neg: brand with person name"),
    ("Is Tommy Hilfiger cheaper at the outlet mall?", "neg: brand with person name"),
    ("Find me a Wendy's near the airport.", "neg: brand"),
    ("Compare Ben & Jerry's and Häagen-Dazs pints for calories.", "neg: brands"),
    ("Add a bottle of Jack Daniel's to the shopping list.", "neg: brand"),
    ("How do I close my Chase savings account?", "neg: bank"),
    ("Are Dr. Martens boots worth the price?", "neg: brand with Dr."),
    ("Pat the chicken dry before seasoning.", "neg: pat verb"),
    ("I want to sue the landlord for the deposit.", "neg: sue verb"),
    ("We drew up a plan to cut costs by ten percent.", "neg: drew verb"),
    ("Max out the volume and restart the speaker.", "neg: max verb"),
    ("Is gene therapy covered by my insurance?", "neg: gene word"),
    ("Should I invest in penny stocks?", "neg: penny word"),
    ("The summer internship application is due soon; I hope it goes well.", "neg: summer/hope words"),
    ("Add Baker Street and Abbey Road to my London itinerary.", "neg: streets"),
    ("Is the Victoria line running this weekend?", "neg: tube line"),
    ("Drive time from Charlotte to Raleigh?", "neg: cities"),
    ("Which Ivy League schools offer need-blind admission?", "neg: Ivy League"),
    ("A cup of Earl Grey tea with a slice of Victoria sponge, please.", "neg: tea/cake"),
    ("Reserve a table at Nando's for six.", "neg: restaurant"),
    ("Dear Sir or Madam, I am writing to request a refund for order {ORD}.", "neg: no name letter"),
    ("Rose gold or silver for the new phone case?", "neg: rose gold"),
]


def main():
    cases = []
    name_templates = CN_NAME + EN_NAME
    # a deterministic subset of name templates is rendered twice
    slotted = [i for i, (t, _) in enumerate(name_templates) if "{" in t]
    extra = rng.sample(slotted, 28)
    plan = []
    for t in CN_NAME + EN_NAME + PII + NEG:
        plan.append(t)
    for i in sorted(extra):
        plan.append(name_templates[i])
    for tmpl, note in plan:
        for attempt in range(50):
            text, ents = render(tmpl)
            why = check_case(text, ents)
            if why is None:
                break
        else:
            raise AssertionError(f"cannot render {tmpl!r}: {why}")
        if note.startswith("neg:"):
            assert ents == [], (tmpl, ents)
        else:
            assert ents, tmpl
        cases.append({"text": text, "entities": ents, "note": note})
    rng.shuffle(cases)

    # global checks
    texts = [c["text"] for c in cases]
    assert len(set(texts)) == len(texts), "duplicate texts"
    all_t = CN_NAME + EN_NAME + PII + NEG
    n_templates = len(set(t for t, _ in all_t))
    assert n_templates == len(all_t), "duplicate templates"
    types = Counter(e["type"] for c in cases for e in c["entities"])
    names = [e["value"] for c in cases for e in c["entities"] if e["type"] == "name"]
    cjk = {n for n in names if re.search(r"[\u4e00-\u9fff]", n)}
    latin = {n for n in names if not re.search(r"[\u4e00-\u9fff]", n)}
    py_like = {n for n in latin if n in {p for p in POOLS["P"].items + POOLS["Q"].items}
               or n.split(" ")[0].isupper()}
    non_cn = latin - py_like
    ids = [e["value"] for c in cases for e in c["entities"] if e["type"] == "id"]
    assert any(v.endswith("x") for v in ids) and any(v.endswith("X") for v in ids)
    assert sum(len(v) == 15 for v in ids) >= 2
    negs = sum(1 for c in cases if not c["entities"])
    assert len(cjk) >= 250, len(cjk)
    assert len(non_cn) >= 100, len(non_cn)
    assert n_templates >= 150

    with open(OUT, "w", encoding="utf-8") as f:
        for c in cases:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    print(f"wrote {OUT}: {len(cases)} cases, {n_templates} templates, {negs} hard negatives")
    print("entities per type:", dict(sorted(types.items())))
    print(f"distinct Chinese names: {len(cjk)}, distinct non-Chinese names: {len(non_cn)}, "
          f"pinyin names: {len(py_like)}")


if __name__ == "__main__":
    main()
