#!/usr/bin/env python3
"""Generate heldout3.jsonl: a third blind held-out evaluation set for the PII
(personal data) detector.

Written blind: the author did not look at the detector's source code, its
dictionaries/data, its tests, or the contents of the other evaluation files
(only the first 3 lines of heldout2.jsonl were read, to learn the format; candidate
names were grepped against heldout2.jsonl only to make sure they are absent).

Deterministic: stdlib only, no randomness.  ID check characters (GB 11643-1999)
and card check digits (Luhn) are computed here and verified with asserts.

Output format, one JSON object per line:
    {"text": "...", "entities": [{"type": T, "value": V}, ...], "note": "..."}
T is one of phone, id, card, email, ip, name, address; V is the exact substring
of text.  Entities are listed in order of first occurrence.  Lines whose
"entities" list is empty are hard negatives.

Counts (asserted at the bottom of this script):
    lines 219  (hard negatives, i.e. no entities at all: 51)
    name 172  (172 distinct strings; 35 of them are famous / historical /
               fictional people)
    phone 12, id 10, card 10, email 12, address 12, ip 6

Labelling rules
  * name: every real or fictional person's name, including famous people
    (historical figures, writers, athletes, actors, characters from novels,
    myths and films), Chinese names (2-4 characters, incl. compound surnames
    such as 欧阳 / 司马 / 上官 / 诸葛 / 夏侯 / 东方), English and other
    Latin-script names (single first names such as "Harriet" too) and pinyin
    names ("Chen Haoran", "ZHAO Ruoxi").
  * Titles, honorifics and relations are NOT part of the name: 老师, 医生,
    教授, 律师, 经理, 阿姨, 师傅, 同学, 爷爷, 表姐, Dr., Ms. ... are excluded
    ("巫晓岚老师" -> "巫晓岚", "Dr. Alice Moreau" -> "Alice Moreau").
  * A name inside a longer word or phrase is labelled as it is written
    ("周杰伦演唱会" -> "周杰伦", "杜甫草堂" -> "杜甫", "王安石变法" -> "王安石",
    "Harry Potter's" -> "Harry Potter").
  * A name occurring several times in one line is listed ONCE per line
    (each distinct name string once).  Two spellings of the same person
    ("Liu Siqi" / "Siqi Liu") are two distinct strings and both are listed.
  * Surname-only references (小王, 郭总) are not used in this set.
  * Not names: ordinary words beginning with a surname character (高兴, 马上,
    方便, 周末, 金融 ...), place names (云南, 武汉, 张家界 ...), brands and
    companies (小米, 华为, Apple, Visa ...), months/days, product names.
  * phone: Chinese mobile numbers (11 digits, optionally +86 / 0086 / (+86),
    spaces or dashes), labelled with the prefix exactly as written.  Service
    hotlines (95588), verification codes and order numbers are not phones.
  * id: 18-character PRC resident ID numbers with a valid check character.
    18-digit order numbers that fail the check are negatives.
  * card: bank card numbers (16 or 19 digits, Luhn-valid), with or without
    spaces.  Card tails ("尾号 4821") and non-Luhn 16-digit numbers are not cards.
  * email: full e-mail addresses.
  * address: a postal address from province / municipality down to the house
    number (plus building/room when written contiguously).  Bare city,
    province or landmark names are not addresses.
  * ip: IPv4 / IPv6 addresses; dotted version numbers ("v2.14.0.3") are not.
"""
import json
import os

# ---------------------------------------------------------------- checksums
_ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_C = "10X98765432"


def id_check(first17):
    return _ID_C[sum(int(c) * w for c, w in zip(first17, _ID_W)) % 11]


def id_valid(s):
    return (len(s) == 18 and s[:17].isdigit()
            and id_check(s[:17]) == s[17].upper())


def make_id(region, birth, seq3):
    first17 = region + birth + seq3
    assert len(first17) == 17 and first17.isdigit()
    return first17 + id_check(first17)


def make_id_x(region, birth):
    """Deterministically search the first sequence number giving check 'X'."""
    for n in range(1, 1000):
        s = make_id(region, birth, "%03d" % n)
        if s.endswith("X"):
            return s
    raise AssertionError("no X id")


def luhn_ok(num):
    d = [int(c) for c in num if c.isdigit()]
    tot = 0
    for i, v in enumerate(reversed(d)):
        if i % 2 == 1:
            v *= 2
            if v > 9:
                v -= 9
        tot += v
    return tot % 10 == 0


def make_card(prefix_without_check):
    for c in "0123456789":
        if luhn_ok(prefix_without_check + c):
            return prefix_without_check + c
    raise AssertionError


def spaced(num, groups=4):
    return " ".join(num[i:i + groups] for i in range(0, len(num), groups))


# ---------------------------------------------------------------- PII values
ID1 = make_id("110105", "19870623", "418")   # 北京朝阳
ID2 = make_id("310104", "19930211", "072")   # 上海徐汇
ID3 = make_id("440305", "20010915", "336")   # 深圳南山
ID4 = make_id("330106", "19781130", "205")   # 杭州西湖
ID5 = make_id_x("510107", "19960408")        # 成都武侯, check char X
ID6 = make_id("420106", "19650722", "513")   # 武汉武昌
ID7 = make_id("320102", "20080317", "264")   # 南京玄武
ID8 = make_id("370202", "19891204", "127")   # 青岛市南
ID9 = make_id("610113", "19720519", "448")   # 西安雁塔
ID10 = make_id("500103", "19990101", "389")  # 重庆渝中
IDS = [ID1, ID2, ID3, ID4, ID5, ID6, ID7, ID8, ID9, ID10]
assert ID5.endswith("X")

CARD1 = make_card("622202100211873451")      # 19 digits
CARD2 = make_card("621700287301462")         # 16 digits
CARD3 = make_card("622848004719263385")      # 19 digits
CARD4 = make_card("621483593027714")         # 16 digits
CARD5 = make_card("439225104837261")         # 16 digits (Visa)
CARD6 = make_card("518710660219354")         # 16 digits (Mastercard)
CARD7 = make_card("622588301746925")         # 16 digits
CARD8 = make_card("621661280004953172")      # 19 digits
CARD9 = make_card("622700330918462")         # 16 digits
CARD10 = make_card("625967118204573")        # 16 digits (UnionPay credit)
CARDS = [CARD1, CARD2, CARD3, CARD4, CARD5, CARD6, CARD7, CARD8, CARD9, CARD10]

# negatives that look like PII but fail the checksum
ORDER18 = "202403151207348891"
assert not id_valid(ORDER18)
WAYBILL16 = "7734291800561123"
assert not luhn_ok(WAYBILL16)
for _s in IDS:
    assert id_valid(_s), _s
for _c in CARDS:
    assert luhn_ok(_c) and len(_c) in (16, 19), _c

# ---------------------------------------------------------------- records
RECORDS = []


def R(text, *ents, note=""):
    ents = list(ents)
    for t, v in ents:
        assert t in ("phone", "id", "card", "email", "ip", "name",
                     "address"), t
        assert v in text, (v, text)
    # de-duplicate, keep order of first occurrence in text
    seen = []
    for e in ents:
        if e not in seen:
            seen.append(e)
    seen.sort(key=lambda e: text.find(e[1]))
    rec = {"text": text,
           "entities": [{"type": t, "value": v} for t, v in seen]}
    if note:
        rec["note"] = note
    RECORDS.append(rec)


def N(v):
    return ("name", v)


# ---- ordinary Chinese names: chat requests, notices, relations, titles ----
R("帮我给柏知远发条微信，说今晚的饭局改到七点。", N("柏知远"), note="rare surname 柏")
R("殷若溪刚才打电话说她到楼下了，你去接一下。", N("殷若溪"), note="sentence start, rare surname")
R("提醒我明天下午三点和宓清和开视频会。", N("宓清和"), note="rare surname 宓, given name ends with 和")
R("我表姐祁星野下个月结婚，帮我想几句祝福语。", N("祁星野"), note="after relation 表姐")
R("室友谈书瑶把钥匙落在宿舍了，帮我记一下。", N("谈书瑶"), note="surname 谈 (also a verb)")
R("给巫晓岚老师发邮件请假，理由是发烧。", N("巫晓岚"), note="title 老师 excluded")
R("姓名：隋立恒\n性别：男\n年龄：34", N("隋立恒"), note="form field")
R("欧阳澄和司马沐辰今天都请假了。", N("欧阳澄"), N("司马沐辰"), note="compound surnames")
R("诸葛锦程的论文答辩安排在周三上午。", N("诸葛锦程"), note="compound surname 诸葛")
R("同事王砚秋、李蔚然、张启航三个人一起去出差。", N("王砚秋"), N("李蔚然"), N("张启航"),
  note="list with 、")
R("参会人员：刘晗，陈默，杨千禾", N("刘晗"), N("陈默"), N("杨千禾"),
  note="list with ，, two-char names")
R("黄嘉树医生说复诊时间是下周二。", N("黄嘉树"), note="title 医生 excluded")
R("转发：【家长群】请周沁同学的家长放学后到办公室一趟。", N("周沁"), note="forwarded school notice")
R("今天在电梯里碰到吴承霖，他说项目又延期了。", N("吴承霖"))
R("徐燕归，徐燕归！你的快递到了，快下来拿。", N("徐燕归"), note="same name twice, listed once")
R("高岚在吗？高岚的手机一直打不通。", N("高岚"), note="repeated, listed once")
R("何穗阿姨让我帮她挂一个下周一的眼科号。", N("何穗"), note="title 阿姨 excluded")
R("郭鸿儒教授的讲座改到了图书馆报告厅。", N("郭鸿儒"))
R("马骁马上到，大家再等五分钟。", N("马骁"), note="马骁 next to the word 马上")
R("郑楷的快递放在丰巢柜了，取件码 338271。", N("郑楷"), note="pickup code is not PII")
R("冯锐说他方便的时候再回电话。", N("冯锐"), note="方便 is not a name")
R("于蓁于周五前提交报销单。", N("于蓁"), note="surname 于 followed by preposition 于")
R("萧亦鸣经理下午要来检查工作，大家把桌面收拾一下。", N("萧亦鸣"))
R("把吕澈拉进项目群聊。", N("吕澈"))
R("叶舟说那片叶子是银杏的。", N("叶舟"), note="叶子 is not a name")
R("阎晴川和余笙在讨论周末去哪玩。", N("阎晴川"), N("余笙"))
R("潘越的车停在路上被贴条了。", N("潘越"), note="路上 is not a name")
R("戴琮戴上眼镜后像换了个人。", N("戴琮"), note="戴上 is not a name")
R("夏侯安发来的文件我打不开，帮我看看格式。", N("夏侯安"), note="compound surname 夏侯")
R("方砚方便接电话吗？", N("方砚"), note="方砚 followed by 方便")
R("石磊把那块石头放在门口了。", N("石磊"))
R("熊稚说熊猫基地周一闭馆。", N("熊稚"))
R("金韶在一家金融公司上班。", N("金韶"), note="金融 is not a name")
R("郝乐天今天好像不太高兴。", N("郝乐天"), note="高兴 is not a name")
R("邱砚舟师傅下午来修热水器。", N("邱砚舟"), note="title 师傅 excluded")
R("江枫在江南大学读研。", N("江枫"), note="江南大学 is an organisation")
R("龙泓在龙井村买了两斤茶。", N("龙泓"), note="龙井 is not a name")
R("万嵘说万一下雨就不去了。", N("万嵘"), note="万一 is not a name")
R("钱骋把钱包落在出租车上了，怎么联系司机？", N("钱骋"), note="钱包 is not a name")
R("常茵常常加班到很晚。", N("常茵"), note="常常 is not a name")
R("武樾在武汉读书，寒假才回来。", N("武樾"), note="武汉 is a place")
R("赖沣今天又赖床迟到了。", N("赖沣"))
R("文澜把文件打印好了，放在前台。", N("文澜"), note="文件 is not a name")
R("冼嘉禾是广州人，粤语说得很好。", N("冼嘉禾"), note="rare surname 冼")
R("佘乐怡的婚宴在哪个酒店？", N("佘乐怡"), note="rare surname 佘")
R("禤子谦同学请到三楼办公室。", N("禤子谦"), note="rare surname 禤")
R("訾晓棠的姓怎么读？", N("訾晓棠"), note="rare surname 訾")
R("阙岚老师家访的时间定了吗？", N("阙岚"))
R("褚澜、卞若水、昝瑞被评为本月优秀员工。", N("褚澜"), N("卞若水"), N("昝瑞"))
R("眭叶下午去医院复查，帮她请个假。", N("眭叶"), note="rare surname 眭")
R("亓文涛的车停在B2哪个车位？", N("亓文涛"), note="rare surname 亓")
R("轩辕澈和端木清组队参加编程比赛。", N("轩辕澈"), N("端木清"), note="compound surnames")
R("慕容晚晴发的朋友圈你看了吗？", N("慕容晚晴"))
R("皇甫知微教授的实验室在几楼？", N("皇甫知微"))
R("公孙越、南宫晴、东方旭三人负责布置会场。", N("公孙越"), N("南宫晴"), N("东方旭"),
  note="东方 is also an ordinary word")
R("宇文星河的婚礼请柬我收到了。", N("宇文星河"))
R("澹台明和独孤月是同一个导师带的。", N("澹台明"), N("独孤月"))
R("昨天和柯一诺吃饭的那家店叫什么来着？", N("柯一诺"))
R("你好，我是快递员，请问是翟明轩吗？您的包裹放门卫室了。", N("翟明轩"), note="delivery")
R("请问蓝溪桥在哪个病房？我是她的家属。", N("蓝溪桥"), note="蓝 surname")
R("韦朝阳住在朝阳区，每天坐地铁上班。", N("韦朝阳"), note="朝阳区 is a district")
R("车主柴季同请尽快挪车。", N("柴季同"), note="车主 not a name")
R("晏秋池和晏秋池的弟弟都在这所学校。", N("晏秋池"), note="same name twice, listed once")

# ---- forms, delivery, medical, banking (names + other PII) ----
R("收件人：上官语桐，电话 +86 138 2719 4406，地址：浙江省杭州市西湖区文三路478号华星大厦12楼",
  N("上官语桐"), ("phone", "+86 138 2719 4406"),
  ("address", "浙江省杭州市西湖区文三路478号华星大厦12楼"), note="delivery form")
R("段蔚的手机号是 186-2107-3345，你存一下。", N("段蔚"), ("phone", "186-2107-3345"))
R("蒯行之律师的电话是多少？我记得是 139 0214 7785。", N("蒯行之"), ("phone", "139 0214 7785"))
R("帮我订一张明天去成都的机票，乘机人程砺，身份证号 %s。" % ID1,
  N("程砺"), ("id", ID1))
R("申请人：莫晚\n身份证号码：%s\n联系电话：15921836470" % ID2,
  N("莫晚"), ("id", ID2), ("phone", "15921836470"), note="form, multi-line")
R("紧急联系人：聂永康（父亲）\n电话：+8613661257389", N("聂永康"), ("phone", "+8613661257389"))
R("寄件人：俞思远\n收件人：裴景行\n收货地址：广东省深圳市南山区高新南七道18号",
  N("俞思远"), N("裴景行"), ("address", "广东省深圳市南山区高新南七道18号"))
R("给伍嘉懿转账5000元，卡号 %s，备注房租。" % CARD1, N("伍嘉懿"), ("card", CARD1),
  note="19-digit card, no spaces")
R("持卡人：黄以琛\n卡号：%s\n有效期：08/27" % spaced(CARD2), N("黄以琛"), ("card", spaced(CARD2)),
  note="16-digit card with spaces")
R("学生姓名：柯一航\n班主任：游清和\n家长电话：188 1024 6653",
  N("柯一航"), N("游清和"), ("phone", "188 1024 6653"))
R("医生，我妈妈莘兰芝最近血压有点高，该挂什么科？", N("莘兰芝"), note="medical, rare surname 莘")
R("检查报告：受检者 包雅琴，女，56岁，空腹血糖 7.2 mmol/L。", N("包雅琴"), note="medical report")
R("患者姓名：钮承川 身份证号：%s 就诊科室：呼吸内科" % ID3, N("钮承川"), ("id", ID3))
R("开户名：邬明澈 开户行：招商银行杭州分行 账号：%s" % CARD4, N("邬明澈"), ("card", CARD4))
R("房东冉秋实的账户是 %s，每月5号前交租。" % spaced(CARD3), N("冉秋实"), ("card", spaced(CARD3)))
R("您好，我是骆新桐，我的信用卡 %s 被盗刷了，请帮我冻结。" % CARD5, N("骆新桐"), ("card", CARD5),
  note="banking, Visa-range card")
R("报名表\n姓名：樊语冰\n邮箱：fanyubing@163.com\n住址：四川省成都市武侯区人民南路四段27号",
  N("樊语冰"), ("email", "fanyubing@163.com"), ("address", "四川省成都市武侯区人民南路四段27号"))
R("联系人：单嘉言 137-5589-0126 上海市徐汇区漕溪北路398号", N("单嘉言"), ("phone", "137-5589-0126"),
  ("address", "上海市徐汇区漕溪北路398号"), note="surname 单 (read Shan)")
R("麻烦把发票寄到湖北省武汉市洪山区珞喻路1037号，收件人储晓川。",
  ("address", "湖北省武汉市洪山区珞喻路1037号"), N("储晓川"))
R("新地址：江苏省南京市鼓楼区中山北路200号3栋502室，有事打我电话 (+86) 150 3378 9912",
  ("address", "江苏省南京市鼓楼区中山北路200号3栋502室"), ("phone", "(+86) 150 3378 9912"),
  note="no name; 中山北路 is a street")
R("宁致远的身份证 %s 丢了，补办需要什么材料？" % ID4, N("宁致远"), ("id", ID4))
R("请核对：陶然之，身份证 %s，末位是X。" % ID5, N("陶然之"), ("id", ID5), note="ID ending in X")
R("帮我填一下酒店入住登记：住客 鲍嘉佑，证件号 %s。" % ID6, N("鲍嘉佑"), ("id", ID6))
R("孩子的身份证号是 %s，帮我看看是不是输错了。" % ID7, ("id", ID7), note="ID without name")
R("山东省青岛市市南区香港中路76号，这个地址离栈桥远吗？", ("address", "山东省青岛市市南区香港中路76号"),
  note="address in a question")
R("寄到陕西省西安市雁塔区小寨东路126号，联系人房子衿，电话0086 135 7720 1948。",
  ("address", "陕西省西安市雁塔区小寨东路126号"), N("房子衿"), ("phone", "0086 135 7720 1948"),
  note="surname 房, name contains 子")
R("云南省昆明市五华区青年路432号是我们公司的新办公室。", ("address", "云南省昆明市五华区青年路432号"))
R("取件地址：北京市朝阳区建国路88号SOHO现代城A座1506，取件人 官若愚。",
  ("address", "北京市朝阳区建国路88号SOHO现代城A座1506"), N("官若愚"))
R("重庆市渝北区金开大道99号的快递点几点关门？", ("address", "重庆市渝北区金开大道99号"))
R("身份证号：%s\n姓名：闵星阑\n民族：汉" % ID8, ("id", ID8), N("闵星阑"))
R("我的身份证号 %s，社保卡号是多少可以查到吗？" % ID9, ("id", ID9))
R("证件号码 %s 的乘客请到登机口。" % ID10, ("id", ID10))
R("把工资卡 %s 绑定到支付宝。" % spaced(CARD8), ("card", spaced(CARD8)), note="19 digits with spaces")
R("还款账号 %s，户名 桑予宁。" % CARD6, ("card", CARD6), N("桑予宁"))
R("这张卡 %s 的年费是多少？" % spaced(CARD7), ("card", spaced(CARD7)))
R("我的建行卡 %s 转不了账，提示风险控制。" % CARD9, ("card", CARD9))
R("信用卡 %s 的账单日是每月几号？" % spaced(CARD10), ("card", spaced(CARD10)))
R("把会议邀请发到 liang.qiwu@hzcloud.cn 和 yan_jie@126.com。",
  ("email", "liang.qiwu@hzcloud.cn"), ("email", "yan_jie@126.com"))
R("我的QQ邮箱是 2847301956@qq.com，有消息发这里。", ("email", "2847301956@qq.com"))
R("服务器 192.168.31.45 又连不上了，帮我看看。", ("ip", "192.168.31.45"))
R("登录记录显示来自 203.0.113.27 的异常访问，是不是被盗号了？", ("ip", "203.0.113.27"))
R("把 58.246.117.9 加到白名单里。", ("ip", "58.246.117.9"))
R("IPv6 地址 240e:3a1:4c20:9d0::1b 能 ping 通吗？", ("ip", "240e:3a1:4c20:9d0::1b"))
R("Yan Qingzhou 的电脑 IP 是 10.0.12.88，远程连一下。", N("Yan Qingzhou"), ("ip", "10.0.12.88"),
  note="pinyin name")

# ---- English / mixed, ordinary people ----
R("Can you remind Harriet to bring the projector tomorrow?", N("Harriet"), note="first name alone")
R("Oliver said the train was delayed, so start without him.", N("Oliver"), note="name as first word")
R("Please forward the invoice to Priya Natarajan in accounts.", N("Priya Natarajan"))
R("Text Mateo that I'll be 10 minutes late.", N("Mateo"))
R("Meeting notes: José Martínez (chair), Zoë Fischer. Next meeting on Monday.",
  N("José Martínez"), N("Zoë Fischer"), note="non-ASCII letters; Monday not a name")
R("Björn Lindqvist and Chloé Dubois arrive at Pudong on Friday.", N("Björn Lindqvist"), N("Chloé Dubois"))
R("帮我给 Łukasz Nowak 回一封英文邮件，他的邮箱是 lukasz.nowak@example.pl",
  N("Łukasz Nowak"), ("email", "lukasz.nowak@example.pl"))
R("Siobhán O'Connor 是我在都柏林的房东，邮箱 s.oconnor@dublinlets.ie",
  N("Siobhán O'Connor"), ("email", "s.oconnor@dublinlets.ie"))
R("越南同事 Nguyễn Thị Lan 下周来上海培训。", N("Nguyễn Thị Lan"))
R("Jordan asked if we could move the call to Thursday.", N("Jordan"))
R("Dr. Alice Moreau will see you at 3 pm.", N("Alice Moreau"), note="title Dr. excluded")
R("Hannah and Ravi Menon are on the guest list; Ravi's email is ravi.menon@outlook.in",
  N("Hannah"), N("Ravi Menon"), N("Ravi"), ("email", "ravi.menon@outlook.in"),
  note="Ravi alone is a distinct string")
R("给 Grace Okafor 发个日历邀请，主题 Q3 Review。", N("Grace Okafor"))
R("Daniel Kim's flight lands at 9:40, can you book a taxi?", N("Daniel Kim"), note="possessive")
R("Hi Aiko, thanks for the photos!", N("Aiko"))
R("Mark the calendar: Lucas Ferreira's farewell party is in May.", N("Lucas Ferreira"),
  note="Mark (verb) and May (month) are not names")
R("Please call Ms. Ingrid Halvorsen back at +86 177 0198 2231.", N("Ingrid Halvorsen"),
  ("phone", "+86 177 0198 2231"))
R("Noah 说他今晚不回来吃饭了。", N("Noah"))
R("帮我查一下 Anna 明天的航班号。", N("Anna"))
R("护照上的名字写的是 ZHAO Ruoxi，订国际机票要怎么填？", N("ZHAO Ruoxi"), note="pinyin, passport style")
R("Chen Haoran and Wang Xiaoyu will join the call from Beijing.", N("Chen Haoran"), N("Wang Xiaoyu"))
R("英文简历上写 Liu Siqi 还是 Siqi Liu？", N("Liu Siqi"), N("Siqi Liu"), note="both orders listed")
R("Please send the signed contract to Ouyang Mingzhe by Wednesday.", N("Ouyang Mingzhe"))
R("Tang Yuhang 的邮箱是 tangyh_1998@163.com，帮我发一下附件。", N("Tang Yuhang"),
  ("email", "tangyh_1998@163.com"))
R("Dear Xu Mengjie, your application has been received. Contact us at admissions@nottingham-nb.edu.cn.",
  N("Xu Mengjie"), ("email", "admissions@nottingham-nb.edu.cn"))
R("Ramón and Aoife are both vegetarian, please tell the restaurant.", N("Ramón"), N("Aoife"))
R("请回复 zhao.ruoxi+travel@gmail.com 确认行程。", ("email", "zhao.ruoxi+travel@gmail.com"))

# ---- famous / historical / fictional people ----
R("去秭归玩，屈原祠值得去吗？", N("屈原"), note="name inside a place name, labelled as written")
R("白居易的《琵琶行》一共多少字？", N("白居易"))
R("王羲之为什么被称为书圣？", N("王羲之"))
R("司马迁写《史记》用了多少年？", N("司马迁"), note="famous, compound surname")
R("背一下范仲淹的《岳阳楼记》。", N("范仲淹"))
R("陆游和唐琬的故事是真的吗？", N("陆游"), N("唐琬"))
R("花木兰是真实存在的人吗？", N("花木兰"), note="legendary figure")
R("王安石变法为什么失败了？", N("王安石"), note="name inside a longer term")
R("《红楼梦》里史湘云和晴雯谁的结局更惨？作者曹雪芹还写过别的书吗？",
  N("史湘云"), N("晴雯"), N("曹雪芹"), note="fictional characters + author")
R("老舍的《茶馆》适合初中生读吗？", N("老舍"), note="pen name starting with 老")
R("张爱玲和徐志摩、林徽因是一个时代的人吗？", N("张爱玲"), N("徐志摩"), N("林徽因"))
R("刘慈欣的《三体》里汪淼是做什么工作的？", N("刘慈欣"), N("汪淼"))
R("郎平当主教练带队拿了几个世界冠军？", N("郎平"))
R("丁俊晖是打台球的，林丹是打羽毛球的，对吗？", N("丁俊晖"), N("林丹"))
R("陈奕迅演唱会的门票什么时候开抢？", N("陈奕迅"), note="name inside longer word")
R("帮我找一下王菲《红豆》的歌词。", N("王菲"))
R("钱学森图书馆在上海哪个区？", N("钱学森"), note="name inside an institution name")
R("风清扬把独孤九剑传给了谁？", N("风清扬"), note="独孤九剑 is a sword style, not a name")
R("给孩子讲一个哪吒闹海的故事。", N("哪吒"), note="mythological character")
R("苏芮的《酒干倘卖无》是哪部电影的插曲？", N("苏芮"))
R("Did Marie Curie really win two Nobel Prizes?", N("Marie Curie"))
R("Steve Jobs 当年为什么被赶出苹果公司？", N("Steve Jobs"), note="苹果公司 is a company")
R("Lionel Messi 现在还在迈阿密国际踢球吗？", N("Lionel Messi"))
R("Play some Beyoncé songs for my workout.", N("Beyoncé"), note="single-name artist, non-ASCII")
R("Hercule Poirot 是哪个国家的侦探？", N("Hercule Poirot"), note="fictional detective")
R("Vincent van Gogh 一生卖出过几幅画？", N("Vincent van Gogh"), note="lowercase particle van")
R("Is Harry Potter's birthday on July 31?", N("Harry Potter"), note="possessive; July not a name")
R("讲讲 Isaac Newton 和苹果的故事。", N("Isaac Newton"))

R("我换号了，新号码 13512086473，麻烦帮我更新一下。", ("phone", "13512086473"), note="phone, no separators")
R("手机：199-8310-2257（微信同号）", ("phone", "199-8310-2257"))
R("客户留的邮箱 wanglu_0412@sina.com 发不出去，是不是写错了？", ("email", "wanglu_0412@sina.com"),
  note="pinyin inside an e-mail is not a separate name")
R("Send the deck to design-team@brightloom.io before noon.", ("email", "design-team@brightloom.io"))
R("公司 VPN 的网关是 172.16.8.1 吗？", ("ip", "172.16.8.1"))
R("包裹寄到广西壮族自治区南宁市青秀区民族大道136号可以吗？", ("address", "广西壮族自治区南宁市青秀区民族大道136号"),
  note="autonomous region")

# ---- hard negatives: no entities ----
R("我今天特别高兴，马上就要放假了。", note="hard negative: 高兴, 马上")
R("周末方便的话一起去黄山看日出吧。", note="hard negative: 周末, 方便, 黄山")
R("帮我查一下黄金现在的价格，最近金融市场波动很大。", note="hard negative: 黄金, 金融")
R("路上常常堵车，我们提前半小时出发。", note="hard negative: 路上, 常常")
R("关于下周的会议文件，我已经发到群里了。", note="hard negative: 关于, 文件")
R("武汉到云南的高铁票还有吗？", note="hard negative: place names")
R("订单号 %s 的包裹到哪了？" % ORDER18, note="hard negative: 18-digit order number, invalid ID check")
R("快递单号 SF1409372265810 显示已签收，但我没收到。", note="hard negative: tracking number")
R("运单号 %s，查一下物流。" % spaced(WAYBILL16), note="hard negative: 16 digits, not Luhn-valid")
R("我的 iPhone 15 Pro 电池健康只有 82% 了，要不要换？", note="hard negative: product name")
R("Monday is fine for the meeting, see you in April.", note="hard negative: capitalised day/month")
R("用 Python 写一个读取 Excel 表格的脚本。", note="hard negative: software names")
R("帮我把 Word 文档转成 PDF。", note="hard negative")
R("小米和华为哪个手机拍照更好？", note="hard negative: brands")
R("张家界和马鞍山哪个更适合带老人去？", note="hard negative: places starting with surnames")
R("白天温度28度，晚上注意加衣服。", note="hard negative: 白天")
R("这款空调型号是 KFR-35GW/BpR3，能效几级？", note="hard negative: model code")
R("安全第一，任何时候都不要把验证码 482913 告诉别人。", note="hard negative: verification code")
R("余额宝里的钱能随时取出来吗？", note="hard negative: 余额")
R("史上最热的夏天是哪一年？", note="hard negative: 史上")
R("许多人说龙井茶要用80度的水泡。", note="hard negative: 许多, 龙井")
R("万一下雨，活动改到室内进行。", note="hard negative: 万一")
R("和平饭店晚上几点关门？可以顺便去看外滩吗？", note="hard negative: landmark")
R("Great, thanks! Please send the slides by Friday.", note="hard negative: sentence-initial capitals")
R("Apple 和 Amazon 今晚发布财报。", note="hard negative: companies")
R("May I ask when the library opens on Sunday?", note="hard negative: May sentence-initial")
R("明年春节是2025年1月29日吗？", note="hard negative: date")
R("把会议室 B-302 预约到周四下午两点。", note="hard negative: room code")
R("路由器型号 TL-WR886N 的默认管理密码是什么？", note="hard negative: model code")
R("把 App 更新到 v2.14.0.3 版本后就闪退。", note="hard negative: version number, not IP")
R("钟表店修一块机械表要多久？", note="hard negative: 钟表")
R("严格来说，这个程序还有不少 bug。", note="hard negative: 严格, 程序")
R("苏打水和柠檬水哪个更解渴？", note="hard negative: 苏打")
R("江南水乡有哪些值得去的古镇？周庄还是乌镇？", note="hard negative: 江南, 周庄")
R("文件夹里有个叫 Final_Report_v3.docx 的文件打不开。", note="hard negative: file name")
R("Visa 卡在国外刷卡手续费是多少？", note="hard negative: card brand")
R("银行卡尾号 4821 的那张卡被锁了怎么办？", note="hard negative: card tail only")
R("王者荣耀今晚几点更新完？", note="hard negative: game name starting with 王")
R("成为一名程序员需要学什么？", note="hard negative: 成为")
R("客服电话 95588 是哪个银行的？", note="hard negative: service hotline")
R("金融学和经济学有什么区别？", note="hard negative")
R("黄河和长江哪条更长？", note="hard negative: rivers")
R("Thanks to Python and Docker, the build finally works on Ubuntu.", note="hard negative: products")
R("高铁上能带充电宝吗？容量有限制吗？", note="hard negative: 高铁")
R("高明的做法是先把需求问清楚再动手。", note="hard negative: 高明 used as an adjective")
R("向阳的房间冬天更暖和。", note="hard negative: 向阳 used as a word")
R("Python 3.12 和 Java 21 哪个更适合初学者？", note="hard negative: versions")
R("下周三是 2024-06-12，提醒我交房租。", note="hard negative: date")
R("发票代码 044031900111，发票号码 28471936 怎么验真？", note="hard negative: invoice numbers")
R("Christmas 和 Thanksgiving 分别是几月几号？", note="hard negative: capitalised holidays")
R("黄山毛峰和西湖龙井哪个更好喝？", note="hard negative: tea names")

# ---------------------------------------------------------------- checks
# names that must not appear (used elsewhere / explicitly excluded)
FORBIDDEN = ("苏轼 鲁迅 诸葛亮 李清照 关羽 张飞 武则天 莫言 成龙 巩俐 马龙 孔乙己 谷爱凌 "
             "屠呦呦 易烊千玺 王熙凤 杨绛 钟南山 温庭筠 岳飞 任盈盈 章子怡 全红婵 佟丽娅 "
             "金庸 三毛 荷西 张居正 辛弃疾 王芳 李娜 张伟 何炅 韩寒 邓紫棋 张艺谋 彭于晏 曹操 "
             "肖战 孙悟空 姚明 马超 杨帆 谢霆锋 欧阳修").split() + [
    "Elon Musk", "Musk", "Einstein", "Shakespeare", "Taylor Swift", "Zhang Wei"]
for rec in RECORDS:
    for f in FORBIDDEN:
        assert f not in rec["text"], (f, rec["text"])
    for e in rec["entities"]:
        assert e["value"] in rec["text"]
        if e["type"] == "id":
            assert id_valid(e["value"]), e
        if e["type"] == "card":
            assert luhn_ok(e["value"]), e

texts = [r["text"] for r in RECORDS]
assert len(texts) == len(set(texts)), "duplicate lines"

counts = {}
for rec in RECORDS:
    for e in rec["entities"]:
        counts[e["type"]] = counts.get(e["type"], 0) + 1
negatives = sum(1 for r in RECORDS if not r["entities"])

EXPECTED = {"name": 172, "phone": 12, "id": 10, "card": 10, "email": 12,
            "address": 12, "ip": 6}
EXPECTED_LINES = 219
EXPECTED_NEG = 51

if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "heldout3.jsonl")
    with open(out, "w", encoding="utf-8") as fh:
        for rec in RECORDS:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print("lines:", len(RECORDS), "hard negatives:", negatives)
    for k in ("name", "phone", "id", "card", "email", "ip", "address"):
        print("  %-8s %d" % (k, counts.get(k, 0)))
    assert counts == EXPECTED, counts
    assert len(RECORDS) == EXPECTED_LINES, len(RECORDS)
    assert negatives == EXPECTED_NEG, negatives
