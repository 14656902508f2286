#!/usr/bin/env python3
"""Generate testdata/privacy/heldout6.jsonl - a blind, hand-templated evaluation
set for the privacy detector (written without reference to the detector's code,
lexicons or other test sets).

Deterministic: fixed seed, standard library only.  Run:

    python3 testdata/privacy/make_heldout6.py

Each output line: {"text": ..., "entities": [{"type": T, "value": V}, ...], "note": ...}
with T in {name, phone, id, card, email, ip, address}.  Every V is an exact
substring of text; an entity that occurs twice is listed twice.  Lines with
"entities": [] are hard negatives.

Labelling conventions used here:
  * names: only the person's name itself.  "王建国经理" -> 王建国; "Dr. Emily Carter"
    -> "Emily Carter".  A bare surname + title (王经理, 李老师, 张总) and nicknames
    (小王, 老张, 阿强) are NOT names.  Famous people (鲁迅, 李白, 姚明) ARE names.
    Brands, shops, dishes, places and titles that merely contain a surname
    character (李宁, 海底捞, 张亮麻辣烫, 东坡肉, 王府井, 史家胡同) are NOT names.
  * phone: the full number as written, including +86 / country code / brackets.
  * id: 18-digit PRC resident ID with a valid ISO 7064 MOD 11-2 check digit.
  * card: Luhn-valid bank card, as written (with spaces/dashes if any).
  * address: the full street address phrase.
"""
import json
import os
import random
import re
from collections import Counter

SEED = 20240606
rng = random.Random(SEED)

# ----------------------------------------------------------------------------
# Name material
# ----------------------------------------------------------------------------
COMMON_SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
RARE_SURNAMES = list("亓仉那蔺郦阙芮糜璩缑禤訾郗濮燕逯揭暴晁勾归鄢鄂昝眭茹檀")
COMPOUND_SURNAMES = ["欧阳", "司马", "诸葛", "上官", "慕容", "令狐", "皇甫", "尉迟",
                     "公孙", "东方", "夏侯", "端木", "澹台", "宇文", "长孙", "独孤",
                     "南宫", "西门", "司徒", "申屠", "呼延", "第五", "万俟", "闻人"]

GIVEN_1 = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚斌鹏琳晨浩婷欣宇博峰凯雪颖倩毅坤萍蕾淼昊璐瑶航翔蓉菲莉玮骁彬茜")
GIVEN_2 = ["建华", "志明", "海燕", "晓东", "丽娟", "文博", "思远", "佳怡", "明轩", "嘉欣",
           "俊杰", "晓雯", "振宇", "立新", "雅琴", "梦瑶", "天佑", "子豪", "婉清", "景行",
           "一鸣", "宏伟", "晓燕", "春生", "秋菊", "慧敏", "少华", "永强", "丹丹", "佳琪",
           "晓峰", "雨婷", "承泽", "书瑶", "明哲", "静怡", "泽楷", "宁远"]
GIVEN_OLD = ["建国", "秀英", "桂兰", "淑芬", "玉珍", "德福", "国庆", "建军", "凤英", "桂芝",
             "福生", "金花", "来喜", "翠花", "有才", "保国", "淑珍", "秀兰", "富贵", "根生",
             "玉兰", "招娣", "铁柱", "长顺", "素芳"]
GIVEN_KID = ["子涵", "梓萱", "浩然", "欣怡", "一诺", "宇轩", "诗涵", "雨桐", "俊熙", "思彤",
             "若曦", "沐辰", "梓睿", "语嫣", "可馨", "睿泽", "依诺", "锦程", "奕辰", "芊羽",
             "星辰", "安琪", "皓轩", "米粒", "朵朵", "乐乐", "小满", "知夏"]
# full names made of ordinary words
WORDLIKE = ["马冬梅", "高原", "江海", "金鑫", "白雪", "林海", "常青", "方圆", "夏天", "向阳",
            "安然", "田野", "石磊", "于洋", "马力", "高飞", "钱进", "文静", "龙飞", "叶子",
            "柳青", "韩雪", "程功", "金山", "黄河", "向前", "李想", "杨光", "高山", "常乐"]
FAMOUS_POET = ["李白", "杜甫", "苏轼", "白居易", "李清照", "王维", "陆游", "辛弃疾", "杜牧"]
FAMOUS_WRITER = ["鲁迅", "莫言", "余华", "沈从文", "路遥", "张爱玲", "钱钟书", "刘慈欣", "贾平凹"]
FAMOUS_OTHER = ["姚明", "钱学森", "袁隆平", "周杰伦", "刘德华", "王菲", "郎朗", "杨利伟",
                "钟南山", "屠呦呦", "梅兰芳", "诸葛亮", "林丹", "邓亚萍", "马云", "雷军"]

PINYIN_SUR = {"王": "Wang", "李": "Li", "张": "Zhang", "刘": "Liu", "陈": "Chen", "杨": "Yang",
              "黄": "Huang", "赵": "Zhao", "吴": "Wu", "周": "Zhou", "徐": "Xu", "孙": "Sun",
              "马": "Ma", "朱": "Zhu", "胡": "Hu", "郭": "Guo", "林": "Lin", "何": "He",
              "高": "Gao", "罗": "Luo", "郑": "Zheng", "谢": "Xie", "宋": "Song", "唐": "Tang",
              "韩": "Han", "冯": "Feng", "邓": "Deng", "曹": "Cao", "彭": "Peng", "欧阳": "Ouyang",
              "司马": "Sima", "诸葛": "Zhuge", "上官": "Shangguan", "慕容": "Murong"}
PINYIN_GIV = {"伟": "wei", "芳": "fang", "娜": "na", "敏": "min", "静": "jing", "丽": "li",
              "强": "qiang", "磊": "lei", "军": "jun", "洋": "yang", "杰": "jie", "涛": "tao",
              "明": "ming", "超": "chao", "霞": "xia", "平": "ping", "鹏": "peng", "琳": "lin",
              "晨": "chen", "浩": "hao", "婷": "ting", "欣": "xin", "宇": "yu", "博": "bo",
              "峰": "feng", "雪": "xue", "颖": "ying", "晓": "xiao", "建": "jian", "华": "hua",
              "国": "guo", "志": "zhi", "海": "hai", "燕": "yan", "文": "wen", "思": "si",
              "远": "yuan", "佳": "jia", "怡": "yi", "俊": "jun", "梦": "meng", "子": "zi",
              "涵": "han", "一": "yi", "诺": "nuo", "轩": "xuan", "东": "dong", "嘉": "jia"}

HK_TW = [("陈大文", "Peter Chan"), ("陈大文", "Chan Tai-man"), ("黄志明", "Michael Wong"),
         ("李嘉欣", "Michelle Lee"), ("张美玲", "Mandy Cheung"), ("林志强", "Kevin Lam"),
         ("吴佩珊", "Cindy Ng"), ("何俊豪", "Jason Ho"), ("郑淑仪", "Vivian Cheng"),
         ("刘家乐", "Alan Lau"), ("蔡宜君", "Joyce Tsai"), ("王柏翰", "Brian Wang"),
         ("许雅婷", "Tiffany Hsu"), ("曾国伟", "Gary Tsang"), ("梁颖诗", "Wing-sze Leung"),
         ("周家豪", "Ka-ho Chau"), ("简明辉", "Raymond Kan"), ("郭美琪", "Maggie Kwok")]

EN_FIRST = ["Emily", "James", "Olivia", "Michael", "Sophia", "Daniel", "Hannah", "Ethan",
            "Grace", "Noah", "Chloe", "Lucas", "Ava", "Ryan", "Isabella", "Nathan", "Zoe",
            "Samuel", "Mia", "Owen", "Priya", "Carlos", "Fatima", "Kenji", "Aisha", "Liam",
            "Natalie", "Marcus", "Ingrid", "Diego", "Rachel", "Tom", "Sarah", "Kevin",
            "Laura", "Benjamin", "Megan", "Victor", "Julia", "Andre"]
EN_LAST = ["Carter", "Nguyen", "Patel", "Thompson", "Rodriguez", "Kim", "Johnson", "Müller",
           "O'Brien", "Williams", "Garcia", "Anderson", "Schmidt", "Rossi", "Kowalski",
           "Sullivan", "Tanaka", "Okafor", "Hughes", "Bennett", "Murphy", "Clarke",
           "Fischer", "Dubois", "Larsen", "Hernandez", "Walker", "Mitchell", "Foster",
           "Brooks", "Reyes", "Novak", "Price", "Ward", "Silva", "Evans"]
EN_MALE = ["James", "Michael", "Daniel", "Ethan", "Noah", "Lucas", "Ryan", "Nathan", "Samuel",
           "Owen", "Carlos", "Kenji", "Liam", "Marcus", "Diego", "Tom", "Kevin", "Benjamin",
           "Victor", "Andre"]
EN_FEMALE = ["Emily", "Olivia", "Sophia", "Hannah", "Grace", "Chloe", "Ava", "Isabella", "Zoe",
             "Mia", "Priya", "Fatima", "Aisha", "Natalie", "Ingrid", "Rachel", "Sarah", "Laura",
             "Megan", "Julia"]
FAMOUS_EN = ["Taylor Swift", "Elon Musk", "Barack Obama", "Serena Williams", "Lionel Messi",
             "Yao Ming", "Jackie Chan", "Steve Jobs", "Marie Curie", "Albert Einstein",
             "Bill Gates", "Oprah Winfrey"]

# words that must never be produced as a random "name"
NEG_WORDS = set("""黄金 马上 高兴 周末 方便 张罗 白天 江南 林业 向日葵 常常 毛病 任何 安全 路上
程序 钱包 金融 王国 李子 高铁 张开 陈列 杨树 胡同 石头 田地 郑重 严格 余额 万一 关键 龙虾
童年 高明 方向 白云 明天 海燕 江山 金牌 马路 高级 周到 黄山 常州 张扬 向左 向右""".split())

# ----------------------------------------------------------------------------
# Non-name context pools (never labelled)
# ----------------------------------------------------------------------------
BARE_SURNAME = list("王李张刘陈杨黄赵周吴孙马胡郭林何高郑")
NICKS = ["小王", "老张", "阿强", "小李", "老陈", "阿芳", "小刘", "老周", "阿杰", "小赵",
         "老黄", "阿明", "小马", "老胡", "阿珍", "小林", "老高", "阿伟"]
PLACES = ["杭州西湖", "岳阳楼", "王府井", "张家界", "周庄", "黄山", "马鞍山", "石家庄", "常州",
          "高碑店", "武夷山", "郑州东站", "白云机场", "陆家嘴", "乔家大院", "岳麓书院",
          "宋城", "田子坊", "杨浦滨江", "金鸡湖"]
BRANDS = ["李宁", "海底捞", "张亮麻辣烫", "周黑鸭", "王老吉", "老干妈", "全聚德", "钱大妈",
          "沙县小吃", "蜜雪冰城", "喜茶", "农夫山泉", "周大福", "老乡鸡", "杨国福麻辣烫"]
DISHES = ["宫保鸡丁", "东坡肉", "麻婆豆腐", "夫妻肺片", "西湖醋鱼", "佛跳墙", "叫花鸡",
          "鱼香肉丝", "白切鸡", "毛血旺", "龙井虾仁", "东坡肘子", "宋嫂鱼羹"]
BOOKS = ["红楼梦", "西游记", "三体", "平凡的世界", "白鹿原", "活着", "围城", "流浪地球",
         "长安十二时辰", "明朝那些事儿", "人世间", "狂飙", "繁花", "黄金时代"]
VERSIONS = ["v3.2.1", "14.0.2", "10.0.19045.3803", "2.6.18", "4.2.0.137", "8.1.1", "v1.12.0-rc2"]
DATES = ["3月15日", "2024年6月1日", "下周三", "10月8号", "明年1月20日", "这周五", "4月30日"]
AMOUNTS = ["1280元", "¥3,560.00", "两千五百块", "199.9元", "8000块", "¥68", "1.5万"]
ZIPS = ["100010", "200031", "518057", "310007", "610041", "430071"]
TRAINS = ["G7315", "G102", "D2281", "K1805", "G1377"]


def digits(n):
    return "".join(rng.choice("0123456789") for _ in range(n))


def order_no():
    k = rng.randrange(4)
    if k == 0:
        return rng.choice("123") + digits(18)           # 19-digit e-commerce order
    if k == 1:
        return "JD" + digits(12)
    if k == 2:
        return "DD" + digits(10)
    return "2024" + digits(2) + digits(2) + digits(8)   # date-prefixed 16 digits


def tracking_no():
    k = rng.randrange(4)
    if k == 0:
        return "SF" + rng.choice("1") + digits(12)
    if k == 1:
        return "YT" + digits(13)
    if k == 2:
        return "JT" + digits(13)
    return "E" + rng.choice("ABM") + digits(9) + "CN"


# ----------------------------------------------------------------------------
# Entity generators
# ----------------------------------------------------------------------------
def cn_name(style=None):
    style = style or rng.choices(
        ["common1", "common2", "old", "kid", "rare", "compound"],
        weights=[22, 34, 10, 10, 12, 12])[0]
    if style in ("common1", "common2", "old", "kid"):
        sur = rng.choice(COMMON_SURNAMES)
    elif style == "rare":
        sur = rng.choice(RARE_SURNAMES)
    else:
        sur = rng.choice(COMPOUND_SURNAMES)
    if style == "common1":
        giv = rng.choice(GIVEN_1)
    elif style == "old":
        giv = rng.choice(GIVEN_OLD)
    elif style == "kid":
        giv = rng.choice(GIVEN_KID)
    else:
        giv = rng.choice(GIVEN_1) if rng.random() < 0.35 else rng.choice(GIVEN_2)
    name = sur + giv
    if name in NEG_WORDS:
        return cn_name(style)
    return name


def pinyin_pair():
    sur = rng.choice(list(PINYIN_SUR))
    n = 1 if rng.random() < 0.4 else 2
    chars = [rng.choice(list(PINYIN_GIV)) for _ in range(n)]
    zh = sur + "".join(chars)
    giv = "".join(PINYIN_GIV[c] for c in chars)
    giv = giv[0].upper() + giv[1:]
    py = PINYIN_SUR[sur] + " " + giv
    if rng.random() < 0.2:
        py = giv + " " + PINYIN_SUR[sur]          # western order
    return zh, py


def en_name():
    return rng.choice(EN_FIRST) + " " + rng.choice(EN_LAST)


def cn_mobile():
    prefix = rng.choice(["13", "15", "17", "18", "19"]) + rng.choice("0123456789")
    if prefix in ("154", "174", "179", "190", "192", "194"):
        prefix = "139"
    body = prefix + digits(8)
    a, b, c = body[:3], body[3:7], body[7:]
    fmt = rng.choices(range(7), weights=[40, 14, 12, 12, 8, 7, 7])[0]
    return [body, f"{a} {b} {c}", f"{a}-{b}-{c}", f"+86 {a} {b} {c}", f"+86-{body}",
            f"+86{body}", f"(+86) {body}"][fmt]


def cn_landline():
    area = rng.choice(["010", "021", "020", "0755", "0571", "028", "025", "027", "0512"])
    n = digits(8) if len(area) == 3 or rng.random() < 0.7 else digits(7)
    n = rng.choice("2345678") + n[1:]
    fmt = rng.randrange(5)
    if fmt == 0:
        return f"{area}-{n}"
    if fmt == 1:
        return f"({area}){n}"
    if fmt == 2:
        return f"{area} {n[:4]} {n[4:]}"
    if fmt == 3:
        return f"+86 {area[1:]} {n}"
    return "400-" + digits(3) + "-" + digits(4)


def foreign_phone():
    k = rng.randrange(11)
    d = digits
    return [f"+1 ({rng.choice(['415', '212', '650', '206', '617'])}) 555-0{d(3)}",
            f"+1 {rng.choice(['312', '646', '408'])}-555-0{d(3)}",
            f"({rng.choice(['650', '503', '718'])}) 555-0{d(3)}",
            f"+44 20 7946 0{d(3)}",
            f"+44 7700 900{d(3)}",
            f"+81 3-{d(4)}-{d(4)}",
            f"+852 {rng.choice('569')}{d(3)} {d(4)}",
            f"+886 9{d(2)} {d(3)} {d(3)}",
            f"+65 {rng.choice('89')}{d(3)} {d(4)}",
            f"+49 30 {d(8)}",
            f"+61 2 {d(4)} {d(4)}"][k]


def id_card(ymin=1950, ymax=2016):
    area = rng.choice(["110105", "110108", "310104", "310115", "440305", "440106", "330106",
                       "510107", "420106", "320102", "370202", "210102", "500103", "350203",
                       "610113", "430104", "220102", "130102"])
    y = rng.randint(ymin, ymax)
    m = rng.randint(1, 12)
    dd = rng.randint(1, 28)
    seq = digits(3)
    body = f"{area}{y:04d}{m:02d}{dd:02d}{seq}"
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * wi for c, wi in zip(body, w)) % 11
    return body + "10X98765432"[s]


def id_valid(v):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * wi for c, wi in zip(v[:17], w)) % 11
    return len(v) == 18 and "10X98765432"[s] == v[17]


def luhn_ok(num):
    tot = 0
    for i, ch in enumerate(reversed(num)):
        x = int(ch)
        if i % 2 == 1:
            x *= 2
            if x > 9:
                x -= 9
        tot += x
    return tot % 10 == 0


def bank_card(english=False):
    kind = rng.randrange(4)
    if kind == 0:
        pre, n = rng.choice(["622202", "622848", "621700", "622588", "621483"]), 19
    elif kind == 1:
        pre, n = rng.choice(["622202", "625911", "628888"]), 16
    elif kind == 2:
        pre, n = "4" + digits(5), 16
    else:
        pre, n = "5" + rng.choice("12345") + digits(4), 16
    body = pre + digits(n - len(pre) - 1)
    for c in "0123456789":
        if luhn_ok(body + c):
            num = body + c
            break
    r = rng.random()
    if r < 0.5:
        return num
    sep = "-" if english and r > 0.8 else " "
    return sep.join(num[i:i + 4] for i in range(0, len(num), 4))


def email_cn():
    zh, py = pinyin_pair()
    local = py.lower().replace(" ", rng.choice(["", ".", "_"]))
    if rng.random() < 0.3:
        local += str(rng.randint(1, 99))
    if rng.random() < 0.2:
        return str(rng.randint(10000000, 2999999999)) + "@qq.com"
    return local + "@" + rng.choice(["163.com", "126.com", "qq.com", "sina.com", "foxmail.com",
                                     "tandem-tech.cn", "pku.edu.cn", "huawei.com", "aliyun.com"])


def email_en():
    f, l = rng.choice(EN_FIRST).lower(), rng.choice(EN_LAST).lower().replace("'", "").replace("ü", "u")
    local = rng.choice([f"{f}.{l}", f"{f[0]}{l}", f"{f}_{l}", f"{f}{rng.randint(1, 99)}", f"{f[0]}.{l}"])
    return local + "@" + rng.choice(["gmail.com", "outlook.com", "yahoo.co.uk", "acme.io",
                                     "northwind.com", "fastmail.fm", "stanford.edu"])


def ip_addr():
    r = rng.random()
    if r < 0.3:
        return f"192.168.{rng.randint(0, 10)}.{rng.randint(2, 254)}"
    if r < 0.45:
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    if r < 0.55:
        return f"172.{rng.randint(16, 31)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    if r < 0.92:
        return f"{rng.choice([47, 120, 39, 101, 114, 203, 58, 183, 8, 52])}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    return rng.choice(["2001:db8:85a3::8a2e:370:7334", "fe80::1ff:fe23:4567:890a",
                       "2409:8a1e:6b21:3f0::2c"])


CN_CITY = [("北京市", ["朝阳区", "海淀区", "东城区", "西城区"]),
           ("上海市", ["浦东新区", "徐汇区", "静安区", "杨浦区"]),
           ("广东省深圳市", ["南山区", "福田区", "宝安区"]),
           ("广州市", ["天河区", "越秀区", "海珠区"]),
           ("浙江省杭州市", ["西湖区", "滨江区", "余杭区"]),
           ("成都市", ["武侯区", "锦江区", "高新区"]),
           ("南京市", ["鼓楼区", "玄武区", "建邺区"]),
           ("武汉市", ["洪山区", "江汉区", "武昌区"]),
           ("", ["苏州工业园区", "天津市南开区", "重庆市渝中区", "西安市雁塔区"])]
CN_ROAD = ["建国路", "中关村大街", "张江路", "文三路", "人民南路四段", "中山北路", "科苑南路",
           "天河北路", "漕溪北路", "解放大道", "星湖街", "高新南七道", "长安街", "黄河路",
           "石门一路", "金融街", "马家堡东路", "王府井大街", "常德路", "南京西路"]


def cn_address():
    city, dists = rng.choice(CN_CITY)
    addr = city + rng.choice(dists) + rng.choice(CN_ROAD) + f"{rng.randint(1, 999)}号"
    r = rng.random()
    if r < 0.35:
        addr += f"{rng.randint(1, 12)}号楼{rng.randint(1, 28)}0{rng.randint(1, 9)}室"
    elif r < 0.55:
        addr += f"{rng.randint(1, 20)}栋{rng.randint(1, 6)}单元{rng.randint(1, 33)}0{rng.randint(1, 4)}"
    elif r < 0.7:
        addr += rng.choice(["阳光花园", "万科城", "幸福里小区", "锦绣家园"]) + f"{rng.randint(1, 30)}幢{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
    return addr


def en_address():
    r = rng.random()
    street = rng.choice(["Maple Avenue", "Elm Street", "Market Street", "Harbor Drive",
                         "Oak Lane", "Sunset Boulevard", "Pine Road", "Kingsway",
                         "Wellington Street", "Cedar Court"])
    if r < 0.6:
        city = rng.choice(["San Francisco, CA 941", "Seattle, WA 981", "Austin, TX 787",
                           "Boston, MA 021", "Portland, OR 972"])
        apt = rng.choice(["", f", Apt {rng.randint(1, 30)}{rng.choice('ABCD')}", f", Suite {rng.randint(100, 900)}"])
        return f"{rng.randint(10, 9999)} {street}{apt}, {city}{rng.randint(10, 99)}"
    if r < 0.85:
        return f"{rng.randint(1, 200)} {street}, {rng.choice(['London', 'Manchester', 'Leeds'])} {rng.choice(['SW1A', 'M1', 'LS6', 'E14', 'NW3'])} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('ABDEFGHJ')}"
    return f"Flat {rng.randint(1, 40)}{rng.choice('ABCDEF')}, {rng.randint(1, 99)} {rng.choice(['Nathan Road', 'Queen’s Road Central', 'Hennessy Road'])}, {rng.choice(['Kowloon', 'Central', 'Wan Chai'])}, Hong Kong"


# ----------------------------------------------------------------------------
# Slot machinery
# ----------------------------------------------------------------------------
# slot prefix -> (entity type or None, generator); paired slots handled below
SLOT_GEN = {
    "N": ("name", lambda: cn_name()),
    "NS": ("name", lambda: cn_name("common1")),
    "NC": ("name", lambda: cn_name("compound")),
    "NR": ("name", lambda: cn_name("rare")),
    "NO": ("name", lambda: cn_name("old")),
    "NK": ("name", lambda: cn_name("kid")),
    "NW": ("name", lambda: rng.choice(WORDLIKE)),
    "FP": ("name", lambda: rng.choice(FAMOUS_POET)),
    "FW": ("name", lambda: rng.choice(FAMOUS_WRITER)),
    "FS": ("name", lambda: rng.choice(FAMOUS_OTHER)),
    "E": ("name", en_name),
    "MR": ("name", lambda: rng.choice(EN_MALE) + " " + rng.choice(EN_LAST)),
    "MS": ("name", lambda: rng.choice(EN_FEMALE) + " " + rng.choice(EN_LAST)),
    "FE": ("name", lambda: rng.choice(FAMOUS_EN)),
    "P": ("name", lambda: pinyin_pair()[1]),
    "PH": ("phone", cn_mobile),
    "PL": ("phone", cn_landline),
    "PF": ("phone", foreign_phone),
    "EM": ("email", email_cn),
    "EME": ("email", email_en),
    "ID": ("id", id_card),
    "IDK": ("id", lambda: id_card(2009, 2020)),
    "CARD": ("card", lambda: bank_card(False)),
    "CARDE": ("card", lambda: bank_card(True)),
    "IP": ("ip", ip_addr),
    "AD": ("address", cn_address),
    "AE": ("address", en_address),
    # non-entity context
    "SUR": (None, lambda: rng.choice(BARE_SURNAME)),
    "NICK": (None, lambda: rng.choice(NICKS)),
    "PLACE": (None, lambda: rng.choice(PLACES)),
    "BRAND": (None, lambda: rng.choice(BRANDS)),
    "DISH": (None, lambda: rng.choice(DISHES)),
    "BOOK": (None, lambda: rng.choice(BOOKS)),
    "VER": (None, lambda: rng.choice(VERSIONS)),
    "DATE": (None, lambda: rng.choice(DATES)),
    "AMT": (None, lambda: rng.choice(AMOUNTS)),
    "ZIP": (None, lambda: rng.choice(ZIPS)),
    "ORD": (None, order_no),
    "TRK": (None, tracking_no),
    "TRAIN": (None, lambda: rng.choice(TRAINS)),
    "TAIL": (None, lambda: digits(4)),
}
# correlated pairs: HC<i>/HE<i> (HK/TW Chinese + English name), PC<i>/PP<i> (Chinese + pinyin)
PAIR_SLOTS = {"HC": ("HK", 0), "HE": ("HK", 1), "PC": ("PY", 0), "PP": ("PY", 1)}

SLOT_RE = re.compile(r"\{([A-Z]+)(\d*)\}")


def fill(template):
    cache, pairs, used = {}, {}, set()
    parts, ents, pos = [], [], 0
    out_len = 0
    for m in SLOT_RE.finditer(template):
        lit = template[pos:m.start()]
        parts.append(lit)
        out_len += len(lit)
        pre, idx = m.group(1), m.group(2)
        key = pre + idx
        if pre in PAIR_SLOTS:
            grp, which = PAIR_SLOTS[pre]
            pk = grp + idx
            if pk not in pairs:
                for _ in range(50):
                    pr = rng.choice(HK_TW) if grp == "HK" else pinyin_pair()
                    if pr[0] not in used and pr[1] not in used:
                        break
                pairs[pk] = pr
                used.update(pr)
            val, typ = pairs[pk][which], "name"
        else:
            typ, gen = SLOT_GEN[pre]
            if key not in cache:
                for _ in range(50):
                    v = gen()
                    if v not in used:
                        break
                cache[key] = v
                used.add(v)
            val = cache[key]
        parts.append(val)
        if typ:
            ents.append({"type": typ, "value": val})
        out_len += len(val)
        pos = m.end()
    parts.append(template[pos:])
    return "".join(parts), ents


def consistent(text, ents):
    """Each labelled value occurs in text exactly as often as it is listed, and no
    labelled value is contained in another distinct labelled value or in a
    non-labelled context filler."""
    cnt = Counter(e["value"] for e in ents)
    vals = list(cnt)
    for v, c in cnt.items():
        if text.count(v) != c:
            return False
    for a in vals:
        for b in vals:
            if a != b and a in b:
                return False
    return True


# ----------------------------------------------------------------------------
# Frames: (lang, template, note).  Templates use literal "\n" for line breaks.
# ----------------------------------------------------------------------------
ZH_POS = [
    ("给{N1}发微信，说我十分钟后到。", "after 给"),
    ("找一下{N1}的电话号码。", "after 找, followed by 的"),
    ("跟{N1}说明天的会改到下午三点。", "after 跟, followed by 说明天"),
    ("问问{N1}周末有没有空一起吃饭。", "after 问问; 周末 negative"),
    ("告诉{N1}快递我已经帮她签收了。", "after 告诉"),
    ("通知{N1}和{N2}下午两点到三楼会议室开会。", "after 通知, two names joined by 和"),
    ("把这份报价单抄送给{N1}、{N2}和{N3}。", "抄送 list with 、 and 和"),
    ("{N1}刚才打电话说车坏在路上了，让我们先开始。", "sentence start; 路上 negative"),
    ("{N1}的生日是下个月几号来着？", "sentence start + 的"),
    ("提醒我明天上午给{N1}回电话。", "reminder, after 给"),
    ("姓名：{N1}\n性别：女\n联系电话：{PH1}", "form 姓名： + phone"),
    ("报名表：姓名 {N1}，手机 {PH1}，身份证号 {ID1}。", "form with name, mobile, ID"),
    ("收件人：{N1}，电话：{PH1}，地址：{AD1}", "shipping label"),
    ("{N1}：好的，我马上过来\n{N2}：收到，门口等你", "quoted chat log; 马上 negative"),
    ("群里{N1}说“今晚加班”，{N2}回了句“辛苦了”。", "group chat paraphrase"),
    ("帮我把这段聊天整理一下：“{N1}：方案我改完了。{N2}：发我看看。{N1}：已发邮箱。”", "chat log, repeated speaker"),
    ("{N1}经理让我把周报发给他。", "full name + 经理 title"),
    ("下午去找{N1}老师签字，顺便把作业交了。", "full name + 老师"),
    ("今天挂的是{N1}医生的号，在门诊三楼。", "full name + 医生"),
    ("{SUR}经理说方案通过了，你转告一下{N1}。", "bare surname+经理 (not name) + real name"),
    ("{NICK}说他不来了，你问问{N1}来不来。", "nickname (not name) + real name"),
    ("新来的实习生叫{N1}，跟{NICK}一个组。", "full name + nickname of someone else (not labelled)"),
    ("我儿子{NK1}这周三开家长会，班主任是{N1}老师。", "child name + teacher full name"),
    ("帮我给女儿{NK1}报个游泳班，周六上午的。", "child name"),
    ("{NO1}老人家今年八十大寿，记得订蛋糕。", "old-fashioned name"),
    ("奶奶{NO1}的医保卡放在抽屉里了。", "old-fashioned name after kinship term"),
    ("给{NW1}打个电话，问他高铁几点到。", "word-like name; 高铁 negative"),
    ("把{NW1}加到周末聚会的群里。", "word-like name"),
    ("{NW1}和{NW2}都说要来，帮我订个六人包间。", "two word-like names"),
    ("{NC1}明天出差，他的工作找{N1}对接。", "compound surname at start"),
    ("请{NC1}、{NR1}两位同事明早九点到前台领工牌。", "compound + rare surname list"),
    ("{NR1}说钱包落在出租车上了，帮她查一下打车记录。", "rare surname; 钱包 negative"),
    ("微信转账给{N1}两百块，备注“周末聚餐”。", "transfer"),
    ("把{N1}的银行卡号{CARD1}存到备忘录里。", "name + bank card"),
    ("{N1}的身份证号是{ID1}，帮我填到高铁票的乘车人里。", "name + ID"),
    ("打给{N1}，{PH1}。", "short command + phone"),
    ("{N1}的新号码是{PH1}，把旧的删掉。", "name + new phone"),
    ("发邮件给{N1}，地址是{EM1}，说合同已经盖章。", "name + email"),
    ("{N1}的邮箱{EM1}，抄送{N2}。", "email + 抄送"),
    ("服务器{IP1}是{N1}在维护，登不上去就找他。", "IP + name"),
    ("{N1}家住{AD1}，周六去他家拿东西。", "name + address"),
    ("快递寄到{AD1}，收件人{N1}，电话{PH1}。", "address, name, phone"),
    ("明天提醒我：{N1}生日，{N2}结婚纪念日。", "reminder list"),
    ("今天读了{FW1}的一篇文章，写得真好。", "famous writer"),
    ("给孩子讲讲{FP1}的故事吧。", "famous poet"),
    ("{FP1}的诗里你最喜欢哪一首？", "famous poet at start"),
    ("{FP1}和{FP2}谁的诗更豪放？", "two famous poets"),
    ("搜一下{FS1}最近有什么新闻。", "famous person"),
    ("{N1}说他周末要去杭州西湖，问我们去不去。", "name + place negative"),
    ("我跟{N1}约了在王府井见面。", "name + 王府井 negative"),
    ("{N1}推荐的那家海底捞真不错，下次带上{N2}。", "names + brand negative"),
    ("{N1}买了双李宁的跑鞋，说穿着很舒服。", "name + 李宁 brand negative"),
    ("晚饭{N1}点了宫保鸡丁和东坡肉，我点了麻婆豆腐。", "name + dish negatives"),
    ("{N1}常常加班到很晚，提醒他注意身体。", "name + 常常 negative"),
    ("别忘了把黄金的收益表发给{N1}。", "黄金 negative + name"),
    ("{N1}高兴坏了，说终于抢到票了。", "name followed by 高兴"),
    ("签名：{N1}\n日期：{DATE}", "signature field"),
    ("此致\n敬礼！\n{N1}\n{DATE}", "letter signature"),
    ("今晚的饭局我去不了了，替我跟大家道个歉。\n——{N1} 发自我的手机", "dash signature"),
    ("帮我回复{N1}：“收到，谢谢{N1}！”", "repeated name"),
    ("{N1}、{N2}、{N3}、{N4}这四个人分在一组。", "list of four with 、"),
    ("值日表：周一{N1}，周二{N2}，周三{N3}。", "duty roster"),
    ("把{N1}从“家人”分组移到“同事”分组。", "contact management"),
    ("删掉联系人{N1}。", "short command"),
    ("查一下我和{N1}的聊天记录里有没有提到发票。", "after 和"),
    ("设置一个提醒：周五下午五点和{N1}开视频会。", "reminder"),
    ("导航去{N1}家，地址是{AD1}。", "navigation to person's home"),
    ("{N1}发来一个地址：{AD1}，帮我叫个车过去。", "address from chat"),
    ("开会的时候{N1}提了一个问题，{N2}没答上来，最后还是{N1}自己解释的。", "repeated mention"),
    ("帮我查一下{N1}主任下周几坐诊。", "full name + 主任"),
    ("把会议室预订人改成{N1}，联系电话{PL1}。", "landline"),
    ("{N1}律师的电话是{PL1}，分机808。", "lawyer + landline; extension not phone"),
    ("{HC1}的英文名是{HE1}，名片上两个都要印。", "HK/TW Chinese + English name"),
    ("香港同事{HC1}（{HE1}）下周来上海出差。", "HK name with English name in brackets"),
    ("台湾的客户{HC1}说下周过来看样品。", "TW name"),
    ("帮我给{PP1}发个邮件，他的中文名是{PC1}。", "pinyin + Chinese name"),
    ("酒店预订人写{PP1}，护照上的拼音就是这个。", "pinyin name"),
    ("{N1}老家在江南，过年要回去。", "name + 江南 negative"),
    ("{N1}在林业局上班，{N2}在税务局。", "names + 林业 negative"),
    ("{N1}送了我一盆向日葵。", "name + 向日葵 negative"),
    ("今天{N1}请客，我们去吃了张亮麻辣烫。", "name + shop negative"),
    ("{N1}的车停在岳阳楼附近的停车场。", "name + 岳阳楼"),
    ("{N1}在看《{BOOK}》，说看完借给我。", "name + book title"),
    ("{N1}把订单号{ORD}发给我了，帮我查下物流。", "name + order number (not id)"),
    ("{N1}的快递单号是{TRK}，到哪了？", "name + tracking number"),
    ("把这张发票抬头改成{N1}个人。", "invoice title"),
    ("{N1}和{N2}在吵架，别把我拉进去。", "two names at start"),
    ("我和{N1}、{N2}一起去看电影，帮我买三张票。", "list"),
    ("家长群通知：请{NK1}、{NK2}、{NK3}同学的家长明天来学校一趟。", "children's names list"),
    ("{NK1}小朋友今天在幼儿园表现很好，奖励了一朵小红花。", "child name + 小朋友"),
    ("老师说{NK1}的数学作业没交。", "child name"),
    ("我叫{N1}，是来面试的。", "self introduction"),
    ("你好，我是{N1}，我们上周在展会上见过。", "self introduction"),
    ("麻烦帮我预约，名字写{N1}，手机尾号{TAIL}。", "name + phone tail (not phone)"),
    ("挂号人：{N1}；身份证：{ID1}；手机：{PH1}", "hospital registration form"),
    ("户主{NO1}，家庭成员{N2}、{N3}。", "household register"),
    ("{N1}（{N2}的爱人）打来电话，说孩子发烧了。", "name in parentheses"),
    ("给{N1}回消息：明天不见不散。", "reply"),
    ("{N1}？是那个写程序的吗？", "name as question; 程序 negative"),
    ("上周{N1}借了我五百块，记一下。", "loan note"),
    ("@{N1} 下午的汇报材料准备好了吗？", "@mention"),
    ("{N1}转发了一条消息：{N2}下周一入职。", "forwarded news"),
    ("请示{N1}副总后再发。", "full name + 副总"),
    ("{N1}教授的讲座几点开始？", "full name + 教授"),
    ("{N1}同学，你的快递到了，在东门驿站。", "full name + 同学"),
    ("孩子的英语老师叫{E1}，帮我查一下她的课表。", "English name in Chinese sentence"),
    ("我们组新来了个老外叫{E1}，中文名叫{N1}。", "English + Chinese name"),
    ("给{E1}回个邮件，说样品已寄出，邮箱是{EME1}。", "English name + email in Chinese sentence"),
    ("{N1}的生日礼物买了吗？她喜欢周大福的项链。", "name + 周大福 brand negative"),
    ("{NS1}说万一下雨就改天。", "single-char given name; 万一 negative"),
    ("高铁上碰到了{NS1}，真巧。", "single-char given name after 碰到了"),
    ("{NC1}的方案比{NC2}的好一点。", "two compound surnames"),
    ("{NR1}和{NR2}是表兄弟。", "two rare surnames"),
    ("今天的会议纪要：出席人{N1}、{N2}、{N3}；缺席{N4}（请假）。会议决定下周一上线新版本，由{N2}负责测试，{N3}负责上线后的监控。", "long minutes with repeats"),
    ("老婆，我今天晚点回，{N1}非要拉着我们去吃海底捞，{N2}也在，大概十点前到家。", "long chat; 海底捞 negative"),
    ("帮我写一条祝福：祝{N1}和{N2}新婚快乐，百年好合！", "wedding wish"),
    ("请假条：{N1}老师您好，我是三年二班{NK1}的家长，孩子今天发烧，请假一天。", "leave note: teacher + child"),
    ("妈，{N1}阿姨刚来电话说明天不过来了，让你别等。", "full name + 阿姨"),
    ("{N1}\n{N2}\n{N3}\n把这三个人加到年会抽奖名单里。", "names one per line"),
    ("请把{N1}的社保卡号改一下，身份证号是{ID1}，不是原来那个。", "name + ID correction"),
    ("帮我查一下{N1}那笔报销，{AMT}，卡号{CARD1}。", "reimbursement: name, amount, card"),
    ("客户{N1}投诉说登录不了，IP是{IP1}，麻烦技术看一下。", "customer complaint with IP"),
    ("{N1}，{PH1}，{AD1}", "bare comma-separated contact"),
    ("李老师，我是{NK1}的妈妈{N1}，想请问一下孩子最近的表现。", "bare 李老师 (not name) + parent"),
    ("记一下：{N1}欠{N2}三百，{N2}欠{N3}一百五。", "debt note, repeated"),
    ("你帮我问问{N1}，上次说的那个{DISH}的做法还记得不。", "name + dish"),
    ("{NW1}这个名字挺好听的，是他爸爸取的。", "word-like name + 名字"),
    ("{N1}：收到\n{N2}：+1\n{N3}：我晚点到", "chat log three speakers"),
    ("我家{NO1}爷爷和{NO2}奶奶明天从老家过来，帮我订两张{TRAIN}的票。", "old names + train number"),
    ("{FW1}写的书你推荐哪本？", "famous writer"),
    ("{FS1}和{FS2}谁更有名？", "two famous people"),
    ("转账前确认一下：收款人{N1}，账号{CARD1}，金额{AMT}。", "transfer confirmation"),
    ("帮我订两张明天的机票，乘机人{N1}，身份证{ID1}；{N2}，身份证{ID2}。", "two passengers with IDs"),
    ("身份证号{ID1}的那位旅客，请到服务台办理退票。", "ID without name"),
    ("这张卡{CARD1}是{N1}的工资卡，别搞混了。", "card + name"),
    ("孩子{NK1}的身份证号是{IDK1}，学校报名要用。", "child name + ID"),
]

ZH_NEG = [
    ("马上帮我订一张明天早上去{PLACE}的高铁票。", "马上 + place"),
    ("周末天气怎么样？", "周末"),
    ("方便的话帮我把客厅的灯关了。", "方便"),
    ("今天真高兴，帮我记一下。", "高兴"),
    ("帮我查一下黄金今天的价格。", "黄金"),
    ("白天太热了，提醒我晚上再去跑步。", "白天"),
    ("张罗一下周五的团建，预算{AMT}。", "张罗 + amount"),
    ("江南水乡有哪些值得去的古镇？", "江南"),
    ("林业局的办公时间是几点到几点？", "林业"),
    ("阳台上的向日葵要浇水了。", "向日葵"),
    ("我常常忘记吃药，每天早上八点提醒我。", "常常"),
    ("这台电脑有点毛病，开机特别慢。", "毛病"),
    ("任何时候都可以找我，不用客气。", "任何"),
    ("开车路上注意安全。", "路上/安全"),
    ("程序又崩溃了，日志里写的版本是{VER}。", "程序 + version"),
    ("我的钱包找不到了，最后一次用是在超市。", "钱包"),
    ("导航到{PLACE}。", "place"),
    ("岳阳楼的门票多少钱？", "岳阳楼"),
    ("王府井附近有什么好吃的？", "王府井"),
    ("史家胡同博物馆周一开门吗？", "史家胡同"),
    ("帮我在李宁官方旗舰店看看有没有42码的跑鞋。", "李宁 brand"),
    ("附近的{BRAND}要排队吗？", "brand/shop"),
    ("点一份张亮麻辣烫，微辣，加宽粉。", "张亮麻辣烫"),
    ("{DISH}怎么做？", "dish"),
    ("东坡肉需要炖多久？", "东坡肉"),
    ("帮我下载《{BOOK}》的电子书。", "book title"),
    ("订单号{ORD}的退款到账了没有？", "order number"),
    ("快递单号{TRK}显示已签收，但我没收到。", "tracking number"),
    ("邮编{ZIP}是哪个区的？", "postcode"),
    ("{DATE}下午三点提醒我交房租，{AMT}。", "date + amount"),
    ("{SUR}经理说下午的会取消了。", "bare surname + 经理"),
    ("跟{NICK}说一声，今晚不用等我。", "nickname"),
    ("{SUR}老师布置的作业是什么来着？", "bare surname + 老师"),
    ("{NICK1}和{NICK2}都说好。", "two nicknames"),
    ("周黑鸭和绝味哪个更辣？", "brands"),
    ("王老吉和加多宝有什么区别？", "brands"),
    ("明天{TRAIN}次列车几点发车？", "train number"),
    ("把手机的深色模式打开。", "plain command"),
    ("这个月的电费是{AMT}，比上个月多了一点。", "amount"),
    ("系统版本{VER}有什么新功能？", "version"),
    ("万一明天下雨，野餐就改到下周末。", "万一"),
    ("石家庄到张家界怎么走最快？", "places with surname chars"),
    ("黄山和庐山哪个更适合秋天去？", "places"),
    ("向左转还是向右转？导航说得不清楚。", "向左/向右"),
    ("余额宝里还有多少钱？", "余额"),
    ("关于金融安全的那篇文章收藏一下。", "金融/安全"),
    ("航班CA1502延误了吗？", "flight number"),
    ("陈列柜里的杯子该擦一擦了。", "陈列"),
    ("高考还有一百天，帮我做一个倒计时。", "高考"),
    ("{SUR}总的助理刚打来电话，说合同明天寄出。", "bare surname + 总"),
    ("帮我把“老张烧烤”加到收藏。", "shop named with nickname"),
    ("牛奶、鸡蛋、面包，列进购物清单。", "list of items with 、"),
    ("明天的会议在A栋1203室，别走错了。", "room number"),
    ("这件事你先别张扬，等定下来再说。", "张扬"),
    ("常州和江阴哪个离无锡更近？", "places"),
    ("包裹重量2.5公斤，运费{AMT}。", "weight + amount"),
    ("马路对面的那家咖啡店几点关门？", "马路"),
    ("把音量调到百分之三十。", "plain command"),
    ("晚饭想吃{DISH}，附近哪家做得好？", "dish"),
    ("{BRAND}的会员卡快到期了，提醒我续费。", "brand"),
    ("{PLACE}今天人多吗？", "place"),
    ("《{BOOK}》第几集最好看？", "title"),
    ("孩子说想去{PLACE}玩，周末带他去。", "place"),
    ("高铁晚点了，{TRAIN}预计晚到二十分钟。", "高铁 + train number"),
    ("金牌讲师的课程链接发我一下。", "金牌"),
    ("帮我算一下{AMT}分12期每期还多少。", "amount"),
    ("杨树林那边的步道今天开放吗？", "杨树"),
    ("白云山和白云机场离得远吗？", "白云 places"),
    ("小区门口新开了一家{BRAND}。", "brand"),
    ("把「周一例会」改到周二上午十点。", "周一"),
    ("明天要交的材料：身份证复印件、户口本、两张一寸照片。", "document names, no values"),
    ("手机尾号{TAIL}的那张卡停机了吗？", "phone tail only"),
    ("帮我查一下{ZIP}这个邮编对应的地址。", "postcode"),
    ("我在{PLACE}，信号不太好，晚点回你。", "place"),
    ("宋体和黑体哪个更适合做标题？", "宋体 font"),
    ("安全带没系好，车一直在响。", "安全"),
    ("童年的照片都在那个蓝色的相册里。", "童年"),
]

EN_POS = [
    ("Text {E1} that I'm running ten minutes late.", "English, after Text"),
    ("Call {E1} on {PF1}.", "call + foreign phone"),
    ("Email {E1} at {EME1} and cc {E2}.", "email + cc"),
    ("Remind me to send the slides to Dr. {E1} before Friday.", "Dr. title (not labelled)"),
    ("Schedule a call with Mr. {MR1} and Ms. {MS1} next Tuesday at 3pm.", "Mr./Ms."),
    ("What's {E1}'s phone number again?", "possessive"),
    ("Add {E1} to the \"Book Club\" group.", "contact management"),
    ("Thanks for your help!\n\nBest,\n{E1}", "email sign-off"),
    ("Regards,\n{E1}\nSenior Account Manager\n{PF1}", "signature block with phone"),
    ("Hi {E1}, just checking whether the invoice went through. Cheers, {E2}", "greeting + sign-off"),
    ("{E1}: sounds good\n{E2}: see you at 7 then", "chat log"),
    ("Forward this thread to {E1}, {E2} and {E3}.", "list"),
    ("Book a table for four under the name {E1}.", "reservation"),
    ("My colleague {P1} will pick you up at the airport.", "pinyin name"),
    ("Tell {P1} the meeting moved to room 402.", "pinyin name, room number"),
    ("Ship it to {E1}, {AE1}.", "name + address"),
    ("{E1} lives at {AE1}; drop the package there.", "address"),
    ("Please update {E1}'s number to {PH1}.", "Chinese mobile in English"),
    ("I met {HE1} from the Hong Kong office; the Chinese name on the card is {HC1}.", "HK English + Chinese name"),
    ("Did {E1} reply to my message yet?", "question"),
    ("Ask {MS1} if she can cover my shift on Saturday.", "after Ask"),
    ("Play the latest interview with {FE1}.", "famous person"),
    ("Who has more followers, {FE1} or {FE2}?", "two famous people"),
    ("The server at {IP1} keeps timing out; ping {E1} about it.", "IP + name"),
    ("Login attempt from {IP1} flagged for user {E1}.", "IP + user"),
    ("Charge the deposit to card {CARDE1}, cardholder {E1}.", "card + cardholder"),
    ("Send {E1} my new email: {EME1}.", "email"),
    ("Meeting notes: attendees {E1}, {E2}, {P1}. Action items: {E1} to draft the proposal by May 3.", "minutes with repeat"),
    ("Hey, it's {E1} - lost my phone, this is my temporary number {PF1}.", "self intro + phone"),
    ("Professor {E1}'s office hours are moved to Thursday.", "Professor title"),
    ("Set a reminder to wish {E1} happy birthday tomorrow.", "reminder"),
    ("Can you find the photos {E1} sent me last week?", "embedded"),
    ("Call Mom, then call {E1}.", "Mom not a name"),
    ("Let {E1} know that {E2} will be joining the call late.", "two names"),
    ("Is {E1} coming to dinner with {E2} tonight?", "two names"),
    ("Send {HE1} the contract, and copy {E1}.", "HK English name"),
    ("Invite {P1} and {P2} to the code review.", "two pinyin names"),
    ("Patient name: {E1}\nDOB: 03/14/1986\nPhone: {PF1}", "form"),
    ("Cancel my appointment with Dr. {E1} at 10am.", "Dr. title"),
    ("Passenger: {P1}\nPassport no. matches booking.", "pinyin passenger"),
    ("{E1} said the Hilton on Washington Street is fully booked.", "name + brand/street negatives"),
    ("Please wire the refund to {E1}, account {CARDE1}, and confirm by email to {EME1}.", "refund: name, card, email"),
    ("Note from {E1}: the Wi-Fi router is at {IP1}, password is on the fridge.", "router IP"),
    ("Our new neighbor {E1} moved in at {AE1}.", "neighbor address"),
    ("Ping {HE1} and {E1} about the Q3 numbers.", "HK + English names"),
    ("Guest {P1}, Chinese ID {ID1}, checking in on the 12th.", "pinyin guest + PRC ID"),
    ("Who is {E1}? This number {PF1} keeps calling me.", "unknown caller"),
]

EN_NEG = [
    ("Remind me to buy milk on the way home.", "plain"),
    ("What's the weather like in Austin this weekend?", "city that is also a first name"),
    ("Track package 1Z999AA10123456784.", "UPS tracking number"),
    ("Order #{ORD} hasn't shipped yet, can you check?", "order number"),
    ("Update my phone to iOS 17.4.1.", "version"),
    ("Set an alarm for 6:45 tomorrow.", "time"),
    ("How much is $1,249.99 in RMB?", "amount"),
    ("Find a good Sichuan restaurant near Union Square.", "place"),
    ("My flight UA857 lands at 5:20pm; add it to my calendar.", "flight number"),
    ("Turn off Bluetooth and enable Do Not Disturb until 8am.", "plain"),
    ("Read me the first chapter of Pride and Prejudice.", "book title"),
    ("Is the Ford dealership on Main Street open on Sundays?", "brand from surname"),
    ("The build number is 10.0.19045.3803, is that the latest?", "version looks like IP"),
    ("Zip code 94107 - what neighborhood is that?", "zip"),
    ("Add \"call the bank\" to my to-do list for Monday.", "plain"),
    ("Convert 72 degrees Fahrenheit to Celsius.", "unit names"),
    ("Ask the front desk whether breakfast is included.", "plain"),
    ("Book a room at the Hilton near Victoria Harbour.", "brand + place"),
    ("Move $500 from checking to my Chase savings account.", "bank brand"),
    ("Add two pairs of Jordan sneakers to my cart.", "brand"),
    ("Play the Beatles on the living room speaker.", "band"),
    ("How long does it take to drive from Jackson to Lincoln?", "cities that are names"),
    ("Invoice INV-2024-0387 is due on June 30.", "invoice number"),
    ("Is Apple Park open to visitors?", "place"),
    ("Show me flights to Santiago under $900.", "city"),
]

REPEATS = {"zh_pos": 2, "zh_neg": 1, "en_pos": 3, "en_neg": 1}


def build():
    plan = []
    for grp, frames, lang in (("zh_pos", ZH_POS, "zh"), ("zh_neg", ZH_NEG, "zh"),
                              ("en_pos", EN_POS, "en"), ("en_neg", EN_NEG, "en")):
        for tmpl, note in frames:
            has_slots = bool(SLOT_RE.search(tmpl))
            reps = REPEATS[grp] if has_slots else 1
            if grp.endswith("neg") and has_slots:
                reps = 2
            for _ in range(reps):
                plan.append((grp, lang, tmpl, note))
    cases, seen = [], set()
    for grp, lang, tmpl, note in plan:
        for _attempt in range(200):
            text, ents = fill(tmpl)
            if text in seen or not consistent(text, ents):
                continue
            if grp.endswith("neg"):
                assert not ents, tmpl
            seen.add(text)
            cases.append({"text": text, "entities": ents, "note": note,
                          "_frame": tmpl, "_lang": lang})
            break
        else:
            raise SystemExit("could not fill frame: " + tmpl)
    rng.shuffle(cases)
    return cases


def main():
    cases = build()
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "heldout6.jsonl")
    type_counts = Counter()
    for c in cases:
        for e in c["entities"]:
            assert e["value"] in c["text"], (e, c["text"])
            assert e["type"] in {"name", "phone", "id", "card", "email", "ip", "address"}
            type_counts[e["type"]] += 1
            if e["type"] == "id":
                assert id_valid(e["value"]), e
            if e["type"] == "card":
                assert luhn_ok(re.sub(r"[ -]", "", e["value"])), e
        assert consistent(c["text"], c["entities"]), c
    with open(out, "w", encoding="utf-8") as f:
        for c in cases:
            f.write(json.dumps({"text": c["text"], "entities": c["entities"], "note": c["note"]},
                               ensure_ascii=False) + "\n")
    n = len(cases)
    neg = sum(1 for c in cases if not c["entities"])
    zh = sum(1 for c in cases if c["_lang"] == "zh")
    frames = len({c["_frame"] for c in cases})
    print(f"wrote {out}")
    print(f"cases: {n}  (zh {zh} = {zh / n:.0%}, en {n - zh})  hard negatives: {neg}")
    print(f"distinct frames: {frames}")
    for t in ["name", "phone", "id", "card", "email", "ip", "address"]:
        print(f"  {t:8s} {type_counts[t]}")


if __name__ == "__main__":
    main()
