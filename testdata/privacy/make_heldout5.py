#!/usr/bin/env python3
"""Blind held-out set #5 for the PII detector. Hand-written cases; no templating.

Labeling policy (same as held-out set #4):
  * A name is labeled wherever a real personal name (full name, or a full
    foreign/pinyin name) appears; historical, public and fictional persons are
    labeled as `name` too.
  * Bare nicknames / address forms (小王, 老李, 阿亮, 王阿姨, 甘老师, Vivian) are NOT
    labeled; when a full name is given next to them only the full name is labeled.
    Titles (Dr., Prof., Ms., 经理, 老师) are not part of the labeled value.
  * A name that occurs several times in one text is listed once.
  * Brand/dish/place words that merely contain a surname character are not names;
    words that are also given names (夏天, 许诺, 周到 ...) are labeled only where
    they refer to a person.
  * Names inside e-mail addresses / street names are not labeled separately.
  * Addresses are labeled from the first administrative unit given (province,
    city or district; or house number in English) to the last unit (room/floor).
  * Phones include +86 / spaces / dashes / full-width digits as written.
  * ID cards carry a valid GB 11643 checksum; bank cards are Luhn-valid.
"""
import json
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "heldout5.jsonl")
TYPES = {"n": "name", "p": "phone", "e": "email", "a": "address",
         "i": "ip", "d": "id", "b": "card"}


def id_card(body17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * k for c, k in zip(body17, w))
    return body17 + "10X98765432"[s % 11]


def luhn(body):
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


def sp4(s, sep=" "):
    return sep.join(s[i:i + 4] for i in range(0, len(s), 4))


def fw(s):
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in s)


# ID cards (valid checksums)
IDA = id_card("11010819850612401")
IDB = id_card("31010419920304252")
IDC = id_card("44010619880917331")
IDD = id_card("42011119650311563")
IDE = id_card("37020219761128045")
IDF = id_card("32050819930415227")
IDG = id_card("23010319690722518")
IDH = id_card("53010219971209084")
IDI = id_card("14010520031030273")
IDJ = id_card("65010219820505161")
IDK = id_card("13010219890218392")
IDL = id_card("50010319960611748")
IDM = id_card("34010220060918322")
IDN = id_card("21010219880808123")
# these five end in X; written with a lowercase x where noted
IDX1 = id_card("33010619910823103").lower()
IDX2 = id_card("44030519870412106").lower()
IDX3 = id_card("51010719950130109")
IDX4 = id_card("61011320010219107").lower()
IDX5 = id_card("35020319780906102").lower()
assert all(x[-1] in "xX" for x in (IDX1, IDX2, IDX3, IDX4, IDX5))

# bank cards (Luhn-valid)
CA = luhn("622848040256489001")
CB = luhn("621700123400567812")
CC = luhn("622202100311845")
CD = luhn("436742561230987")
CE = luhn("622588014732569")
CF = luhn("625965087719302")
CG = luhn("453201567823490")
CH = luhn("552433781029466")
CJ = luhn("623058001928374655")
CK = luhn("601382710045329")
CL = luhn("37144963539843")
CM = luhn("622609331876205")
CN = luhn("628288451190377602")
CO = luhn("421349012377586")
CP = luhn("622700459812036")
CQ = luhn("622155098432617")

CASES = []


def C(text, note, **kw):
    ents = []
    for k, vals in kw.items():
        if isinstance(vals, str):
            vals = [vals]
        for v in vals:
            pos = text.find(v)
            assert pos >= 0, (v, text)
            ents.append((pos, TYPES[k], v))
    ents.sort(key=lambda e: e[0])
    CASES.append({"text": text,
                  "entities": [{"type": t, "value": v} for _, t, v in ents],
                  "note": note})


def NEG(text, note):
    C(text, "negative: " + note)


# ---------------------------------------------------------------- chat / family
C("帮我给周慧琳发个微信，说今晚七点在老地方吃饭，让她别迟到。", "wechat request", n="周慧琳")
C("妈，我同学蒋思远明天来家里住一晚，他手机是13761820945，到了楼下会给你打电话。",
  "family chat; name+phone", n="蒋思远", p="13761820945")
C("转发：各位亲，周六给外婆过八十大寿，联系人谭晓燕 158 2013 6674，记得带红包哈",
  "family group; spaced phone", n="谭晓燕", p="158 2013 6674")
C("提醒我明天下午三点给房东打电话，房东叫邱国栋，电话139-0571-2286。",
  "reminder; dashed phone", n="邱国栋", p="139-0571-2286")
C("把这条语音转成文字发给俞佳琪：宝贝，钥匙放在门口地垫下面了。", "assistant command", n="俞佳琪")
C("刚才那个快递小哥叫什么来着？哦对，韦立新，他说包裹放丰巢了。", "name mid-sentence", n="韦立新")
C("群里@一下：明天爬山的人有莫小雨、车俊杰、覃海燕、梁子豪，八点南门集合。",
  "list with 、", n=["莫小雨", "车俊杰", "覃海燕", "梁子豪"])
C("帮我写一段生日祝福给我闺蜜，她叫骆雪晴，今天25岁，我们认识十年了。", "writing request", n="骆雪晴")
C("爸，房租我已经转到贺建军叔叔的卡上了，卡号" + CA + "，你跟他确认一下。",
  "family chat; 19-digit card", n="贺建军", b=CA)
C("家族群：大舅家的表弟景浩然考上浙大了！！周末一起吃饭庆祝🎉", "family group; emoji", n="景浩然")
C("帮我查一下这个号码是不是骚扰电话：+86 188 2716 9053", "phone only +86", p="+86 188 2716 9053")
C("我女儿班主任的电话换了，新号码是" + fw("13657208814") + "，帮我更新一下通讯录，备注“甘老师”。",
  "full-width phone; bare title not labeled", p=fw("13657208814"))
C("嫂子，戴静怡的满月酒定在这周日中午，地址：江苏省南京市鼓楼区湖南路街道中央路201号南京国际广场3楼",
  "family; baby name + address", n="戴静怡", a="江苏省南京市鼓楼区湖南路街道中央路201号南京国际广场3楼")
C("我老公叫鲍志强，他的手机18017453290一直关机，麻烦你们再联系一下我：15221876034。",
  "two phones", n="鲍志强", p=["18017453290", "15221876034"])
C("翻译成英文：我的室友叫施雨桐，她是从福建来的。", "translate request", n="施雨桐")
C("Remind me to call my cousin Jiang Haoyu at 6pm, his number is +86 135 0192 8846.",
  "english; pinyin name", n="Jiang Haoyu", p="+86 135 0192 8846")
C("帮我回一下奶奶：奶奶，我是小涵，我这周不回去了，您让邻居柴玉兰阿姨帮忙看一下煤气。",
  "nickname unlabeled, full name + 阿姨", n="柴玉兰")
C("亲家母叫什么名字来着？好像是尹桂芳，过年要不要给她寄点特产？", "family question", n="尹桂芳")
C("转账备注帮我写成：宁浩宇还屈文婷3月份的饭钱268元", "names next to digits", n=["宁浩宇", "屈文婷"])
C("孩子的学号是20230417，名字叫单一诺，麻烦老师帮忙登记一下", "rare reading surname 单", n="单一诺")
C("我哥喻志鹏下个月结婚，请帮我写一段伴郎致辞，要幽默一点。", "writing request", n="喻志鹏")
C("@所有人 下周一值日：钟美玲、滕子健；下周二：汤小蕾、龙天佑。", "duty roster",
  n=["钟美玲", "滕子健", "汤小蕾", "龙天佑"])
C("快帮我看看这个人是不是骗子，他自称是银行客服伍德华，让我把验证码发给他", "scam check", n="伍德华")
C("把我爸的手机号 13907311568 设置成紧急联系人", "phone only", p="13907311568")
C("姐，你上次说的那个月嫂叫啥？郝春梅是吧，她电话多少？", "name as question", n="郝春梅")
C("新年快乐！祝我们全家身体健康——爸爸成向东、妈妈田秀珍、还有我成子墨😊", "family greeting",
  n=["成向东", "田秀珍", "成子墨"])
C("好友推荐：这是我朋友饶思琪的微信号 rsq_0925，她做烘焙的，你可以找她订蛋糕", "wechat id unlabeled",
  n="饶思琪")
C("Hey, did Marcus Lindqvist ever send you the photos from the wedding?", "english chat",
  n="Marcus Lindqvist")
C("明天值班表：8:00-12:00 蓟文强，12:00-18:00 巩晓玲，18:00以后 栾浩", "names after times; 2-char",
  n=["蓟文强", "巩晓玲", "栾浩"])
C("孟洁刚才打电话说她晚点到，让我们先点菜。", "2-char name at start", n="孟洁")
C("外公给我发了个红包，备注写着“乖孙 向梓航 学业进步”", "name inside quote", n="向梓航")
C("我的新手机号是 199 0672 1385，旧号码 15906712238 下个月停用，请大家更新。",
  "two phones, mixed format", p=["199 0672 1385", "15906712238"])
C("帮我约一下楼下理发店的Tony老师，就说是卢静雯介绍的。", "english nickname + full name", n="卢静雯")

# ---------------------------------------------------------------- work e-mail
C("王总您好：\n附件是三季度的销售报表，请查收。如有问题请联系我，电话 186 1022 4517。\n此致\n敬礼\n销售部 温嘉欣",
  "work email sign-off", n="温嘉欣", p="186 1022 4517")
C("请帮我写一封邮件给人事部的黎晓庆，说明我3月12日至3月15日请年假，工作已交接给同事麦永康。",
  "leave request", n=["黎晓庆", "麦永康"])
C("Hi all,\n\nPlease welcome Daniel Okonkwo, who joins the data platform team on Monday. "
  "He'll sit next to Priya Raghunathan on the 4th floor.\n\nBest,\nHelen Fairbanks",
  "english email; sign-off", n=["Daniel Okonkwo", "Priya Raghunathan", "Helen Fairbanks"])
C("Dear Ms. Eleanor Whitfield,\n\nThank you for interviewing with us last Thursday. We would like to "
  "offer you the position of Senior Analyst. Please reply to recruiting@brightlane.io by Friday.\n\n"
  "Kind regards,\nTomás Herrera\nTalent Acquisition", "offer letter",
  n=["Eleanor Whitfield", "Tomás Herrera"], e="recruiting@brightlane.io")
C("抄送：财务部 方婉清 <fangwanqing@huaxin-tech.com>；采购部 秦立伟 <qin.liwei@huaxin-tech.com>",
  "cc line", n=["方婉清", "秦立伟"], e=["fangwanqing@huaxin-tech.com", "qin.liwei@huaxin-tech.com"])
C("各位同事：因系统升级，本周五晚10点至次日凌晨2点OA暂停服务。有疑问请联系IT支持 阙志华，分机 8021。\n信息中心\n2024年4月18日",
  "notice; rare surname 阙", n="阙志华")
C("帮我润色这封邮件：尊敬的欧阳振华教授，您好！我是贵校2019级硕士生司马婧，想就毕业论文的选题向您请教……\n学生 司马婧 敬上",
  "compound surnames; 敬上", n=["欧阳振华", "司马婧"])
C("Subject: Re: Q3 budget\n\nLi Mingyu, can you loop in Chen Jiaxin from finance? I need her sign-off before Thursday.\n\nThanks,\nRobert Kaminski",
  "pinyin names in english email", n=["Li Mingyu", "Chen Jiaxin", "Robert Kaminski"])
C("麻烦把这封英文邮件翻译成中文：Hi Wen, the courier will deliver the samples to Room 1203, 18 Xinyuan South Road, "
  "Chaoyang District, Beijing. Contact: Kevin Zhao, +86 139 1187 2035.", "english address in beijing",
  n="Kevin Zhao", a="Room 1203, 18 Xinyuan South Road, Chaoyang District, Beijing", p="+86 139 1187 2035")
C("邮件落款帮我改一下：\n\n顺颂商祺\n\n上海澄明律师事务所\n合伙人律师 尉迟峰\n电话：021-6288 1735\n邮箱：yuchifeng@chengminglaw.cn",
  "compound surname 尉迟; landline", n="尉迟峰", p="021-6288 1735", e="yuchifeng@chengminglaw.cn")
C("To: procurement@lansing-medical.com\nCc: Aisha Rahman\n\nPlease find attached PO #PO-2024-0871 for 200 units. "
  "Ship to: Lansing Medical Supplies, 2210 Oak Ridge Drive, Suite 300, Columbus, OH 43215.\n\n— Grace Nakamura",
  "purchase order email", n=["Aisha Rahman", "Grace Nakamura"], e="procurement@lansing-medical.com",
  a="2210 Oak Ridge Drive, Suite 300, Columbus, OH 43215")
C("周报：本周完成了用户画像模块，下周计划与产品经理葛欣然对齐需求，测试由符家豪负责。", "weekly report",
  n=["葛欣然", "符家豪"])
C("帮我给客户回个邮件，客户是深圳宏泰电子的采购经理邝振邦，就说样品已经在4月20日顺丰寄出，单号SF1487263950214。",
  "name + title; tracking number unlabeled", n="邝振邦")
C("Hi team — quick reminder that Siobhan O'Reilly is out next week; route all vendor questions to Mateus Oliveira "
  "(mateus.oliveira@fernweh.co).", "apostrophe name", n=["Siobhan O'Reilly", "Mateus Oliveira"],
  e="mateus.oliveira@fernweh.co")
C("致：人力资源部\n本人 裴梓萱，工号 A10293，因个人原因申请辞职，最后工作日为2024年6月30日。\n申请人：裴梓萱\n2024年5月31日",
  "resignation letter; repeated name", n="裴梓萱")
C("Cheers,\nLiam Gallagher-Hughes\nHead of Partnerships | liam.gh@northquay.ie | +353 87 412 6650",
  "hyphenated surname signature", n="Liam Gallagher-Hughes", e="liam.gh@northquay.ie", p="+353 87 412 6650")
C("各位好，下周起由商雨泽接替我负责华东区渠道，他的邮箱是 shangyuze@meilong.com.cn，请多关照。\n—— 霍建伟",
  "handover email", n=["商雨泽", "霍建伟"], e="shangyuze@meilong.com.cn")
C("Please forward the signed NDA to Beatriz Santos and cc legal-team@orbitware.com.", "legal request",
  n="Beatriz Santos", e="legal-team@orbitware.com")
C("敬爱的导师：感谢您三年来的悉心指导。\n学生 滕雨菲 敬上\n2024年6月", "thank-you letter 敬上", n="滕雨菲")

# ---------------------------------------------------------------- forms
C("姓名：柯雅婷\n性别：女\n身份证号：" + IDB + "\n手机：15057196324\n现住址：浙江省杭州市拱墅区湖墅南路186号",
  "form fields", n="柯雅婷", d=IDB, p="15057196324", a="浙江省杭州市拱墅区湖墅南路186号")
C("联系人：鄢文博 联系电话：177 0213 8845 收货地址：四川省成都市武侯区桂溪街道天府大道中段666号希顿国际广场B座2108",
  "single-line form", n="鄢文博", p="177 0213 8845", a="四川省成都市武侯区桂溪街道天府大道中段666号希顿国际广场B座2108")
C("收件人 聂晓彤 13671029457 上海市浦东新区张江镇祖冲之路2277弄18号502室",
  "shipping label; 祖冲之 inside street name not labeled", n="聂晓彤", p="13671029457",
  a="上海市浦东新区张江镇祖冲之路2277弄18号502室")
C("报名表\n学生姓名：冉梓涵\n家长姓名：冉光明\n家长电话：18983016752\n家长身份证号：" + IDL,
  "enrolment form; word-name 光明", n=["冉梓涵", "冉光明"], p="18983016752", d=IDL)
C("申请人 Applicant: LIANG Wenjie\n护照号 Passport No.: E39027154\n出生日期 DOB: 1990-07-14\nE-mail: liangwenjie90@gmail.com",
  "bilingual form; uppercase surname", n="LIANG Wenjie", e="liangwenjie90@gmail.com")
C("开户名：祁永福\n开户行：中国农业银行杭州城西支行\n账号：" + CJ, "bank form", n="祁永福", b=CJ)
C("患者姓名：景秀英　年龄：67岁　床号：12床　主治医师：庞国庆", "hospital form; full-width spaces",
  n=["景秀英", "庞国庆"])
C("Name: Olufemi Adeyemi\nDate of Birth: 03/11/1988\nEmail: f.adeyemi@outlook.com\nPhone: +44 7700 900415\n"
  "Address: Flat 4, 27 Hawthorn Road, Manchester M14 6PJ", "english form",
  n="Olufemi Adeyemi", e="f.adeyemi@outlook.com", p="+44 7700 900415", a="Flat 4, 27 Hawthorn Road, Manchester M14 6PJ")
C("紧急联系人：龚丽萍（母亲） 电话：+86-139-7301-5526", "emergency contact; +86 dashes",
  n="龚丽萍", p="+86-139-7301-5526")
C("持卡人：宓晓东  卡号：" + sp4(CE) + "  有效期：09/27", "card form; rare surname 宓",
  n="宓晓东", b=sp4(CE))
C("快递单信息——寄件人：晏子轩，电话 18611094736；收件人：步文华，电话 13325810467，地址：广东省广州市天河区天河路385号太古汇一座1203",
  "sender/recipient", n=["晏子轩", "步文华"], p=["18611094736", "13325810467"],
  a="广东省广州市天河区天河路385号太古汇一座1203")
C("入住登记：住客 Hoang Minh Tuan（越南），同住人 Pham Thi Thu，房号 1816", "vietnamese names",
  n=["Hoang Minh Tuan", "Pham Thi Thu"])
C("Emergency contact: Mrs. Fatima Zahra Benali, tel. +33 6 12 48 97 30", "french phone",
  n="Fatima Zahra Benali", p="+33 6 12 48 97 30")
C("请核对：业主 全建平，房屋坐落 湖北省武汉市洪山区珞喻路1037号华中科技大学西区教工宿舍9栋2单元301，身份证号 " + IDD,
  "property record", n="全建平", a="湖北省武汉市洪山区珞喻路1037号华中科技大学西区教工宿舍9栋2单元301", d=IDD)
C("表单第3栏：法定代表人 谷振声  统一社会信用代码 91330106MA2GL8XK3T", "company form; credit code unlabeled",
  n="谷振声")
C("监护人签字：柏海峰 日期：2024.09.01", "signature line", n="柏海峰")
C("收货人：仇雨菲　手机：" + fw("15221730968") + "　地址：北京市海淀区中关村大街27号中关村大厦1106",
  "full-width phone form", n="仇雨菲", p=fw("15221730968"), a="北京市海淀区中关村大街27号中关村大厦1106")
C("Guest list for the gala: Dr. Kenji Watanabe, Prof. Ingrid Solberg, Mr. & Mrs. Alistair McBride.",
  "titles not labeled", n=["Kenji Watanabe", "Ingrid Solberg", "Alistair McBride"])
C("会员注册：昵称 橘子汽水，真实姓名 狄佳怡，生日 0612，手机 19906718852", "nickname vs real name",
  n="狄佳怡", p="19906718852")
C("报销单 经办人：訾永强 审核人：庹春燕 金额：¥3,280.00", "rare surnames 訾 庹", n=["訾永强", "庹春燕"])
C("投保人：邰丽君  证件号码：" + IDX4 + "  被保险人：邰子航（子女）", "insurance form; lowercase x",
  n=["邰丽君", "邰子航"], d=IDX4)
C('{"user": "Lucas Ferreira", "id_no": "' + IDX5 + '", "last_login_ip": "101.226.4.6"}',
  "json record", n="Lucas Ferreira", d=IDX5, i="101.226.4.6")
C("姓名 盖志强 | 性别 男 | 证件 " + IDK + " | 入住 2024-07-03", "pipe-separated hotel record",
  n="盖志强", d=IDK)
C("联系人:Priscilla Yeo  手机:+65 9123 4587  邮箱:priscilla.yeo@sgmail.sg", "singapore contact",
  n="Priscilla Yeo", p="+65 9123 4587", e="priscilla.yeo@sgmail.sg")
C("身份证号码：" + IDJ[:6] + " " + IDJ[6:14] + " " + IDJ[14:] + "，签发机关：乌鲁木齐市公安局天山分局",
  "spaced id", d=IDJ[:6] + " " + IDJ[6:14] + " " + IDJ[14:])

# ---------------------------------------------------------------- customer service
C("你好，我3月5日在你们店买的空气炸锅坏了，订单号 240305172233018，收货人是我老婆郁美华，电话15800921476，麻烦尽快处理！",
  "complaint; order number unlabeled", n="郁美华", p="15800921476")
C("投诉：你们的快递员（工号 SH0927）态度极差，把我的包裹扔在门口。我叫覃志刚，住在广西壮族自治区南宁市青秀区民族大道136号华润大厦C座。",
  "complaint with address", n="覃志刚", a="广西壮族自治区南宁市青秀区民族大道136号华润大厦C座")
C("I ordered a laptop two weeks ago and it still hasn't arrived. Order #A7731209. My name is Bridget Callahan, "
  "shipping address 1184 Larkspur Lane, Boise, ID 83702. Please call me at (208) 555-0193.",
  "english complaint", n="Bridget Callahan", a="1184 Larkspur Lane, Boise, ID 83702", p="(208) 555-0193")
C("客服你好，我的银行卡" + CB + "被莫名扣款两次，每次199元，请帮忙查一下。", "card only", b=CB)
C("我要投诉你们的导游阎海涛，全程强制购物，还骂游客！", "complaint", n="阎海涛")
C("你们外卖骑手祖庆丰把我的餐送错了，我打他电话182 0745 3361也不接", "courier complaint",
  n="祖庆丰", p="182 0745 3361")
C("退款请退到这张卡：" + sp4(CF) + "，户名 桑秋菊", "refund card spaced", b=sp4(CF), n="桑秋菊")
C("How do I change the email on my account from old.mike.tanner@yahoo.com to mtanner.work@protonmail.com?",
  "two emails", e=["old.mike.tanner@yahoo.com", "mtanner.work@protonmail.com"])
C("I was charged twice on my Visa — the full number is " + sp4(CG, "-") + ". Cardholder: Nadia Petrenko.",
  "dashed card", b=sp4(CG, "-"), n="Nadia Petrenko")
C("你好，上次帮我修洗衣机的师傅叫佟旭东，手艺不错，能不能再约他这周六上门？地址：天津市南开区卫津路94号",
  "service booking", n="佟旭东", a="天津市南开区卫津路94号")
C("账号被盗了！注册邮箱是 xiaoyu_lan2001@qq.com，绑定手机 13540286917，求找回", "account recovery",
  e="xiaoyu_lan2001@qq.com", p="13540286917")
C("请问申请人 Abhishek Venkataraman 的签证材料什么时候能寄回？联系邮箱 abhi.venkat@iitb.ac.in",
  "visa inquiry", n="Abhishek Venkataraman", e="abhi.venkat@iitb.ac.in")
C("酒店前台你好，帮我查下是否有一位叫 卞雅琴 的客人入住了，她是我母亲。", "hotel inquiry", n="卞雅琴")
C("Hi, my package was delivered to the wrong house. I'm at 57 Birchwood Crescent, Toronto, ON M4E 2L9 and it went to 75 instead. — Connor Mackenzie",
  "english address + sign-off", a="57 Birchwood Crescent, Toronto, ON M4E 2L9", n="Connor Mackenzie")
C("物业你好，我是12栋的业主苗建华，楼上天天半夜装修，能不能管一管？", "property complaint", n="苗建华")
C("Please refund to card " + CL[:4] + " " + CL[4:10] + " " + CL[10:] + " held by Desmond Achterberg.",
  "amex 4-6-5", b=CL[:4] + " " + CL[4:10] + " " + CL[10:], n="Desmond Achterberg")
C("你们的售后电话一直打不通，我留个号码：（+86）15827360914，姓名柳思源，请回电。", "bracketed +86",
  p="（+86）15827360914", n="柳思源")
C("快递一直显示派送中，收件地址是湖南省长沙市岳麓区麓山南路932号中南大学南校区12舍405，到底什么时候送到？",
  "address only", a="湖南省长沙市岳麓区麓山南路932号中南大学南校区12舍405")
C("我上个月的话费账单有问题，机主是我父亲时国庆，号码 139 5108 2276。", "bill dispute",
  n="时国庆", p="139 5108 2276")
C("您好，我是来退货的，单子上收货人写的是 满晓楠，手机尾号 6621。", "tail number unlabeled", n="满晓楠")

# ---------------------------------------------------------------- itinerary / travel
C("行程单：\n旅客：岑思源 / CEN SIYUAN\n航班：CA1831 北京首都—上海虹桥 2024-05-10 08:00\n证件号：" + IDA,
  "itinerary; same person in hanzi and caps pinyin", n=["岑思源", "CEN SIYUAN"], d=IDA)
C("帮我订两张明天去西安的高铁票，乘客：项一鸣、项一帆，都是成人。", "train booking", n=["项一鸣", "项一帆"])
C("Itinerary for Mr. Hamid Karimi: arrive PVG 14:25 on MU588, pickup by driver Wang Jianhua (+86 137 6148 2290), "
  "hotel: Grand Hyatt, 88 Century Avenue, Pudong, Shanghai.", "english itinerary",
  n=["Hamid Karimi", "Wang Jianhua"], p="+86 137 6148 2290", a="88 Century Avenue, Pudong, Shanghai")
C("导游：滑晓敏 18209341057；司机：褚国峰 13909352281；集合地点：甘肃省敦煌市沙州镇阳关中路18号",
  "tour contacts", n=["滑晓敏", "褚国峰"], p=["18209341057", "13909352281"], a="甘肃省敦煌市沙州镇阳关中路18号")
C("民宿房东冼丽芬说入住时把身份证拍照发她，我的是" + IDC + "，可以直接发吗？", "id in question",
  n="冼丽芬", d=IDC)
C("Booking confirmation: Guests — Yuki Morimoto, Takeshi Morimoto. Check-in 12 Aug. Contact: yuki.morimoto@docomo.ne.jp",
  "japanese names", n=["Yuki Morimoto", "Takeshi Morimoto"], e="yuki.morimoto@docomo.ne.jp")
C("出差安排：4月22日 苟文杰、谌晓丽 乘坐G1234次到长沙，入住湖南省长沙市芙蓉区五一大道456号",
  "business trip; rare surnames", n=["苟文杰", "谌晓丽"], a="湖南省长沙市芙蓉区五一大道456号")
C("租车合同：承租人 晋永康，驾驶证号同身份证号 " + IDE, "car rental", n="晋永康", d=IDE)
C("下周去成都出差，接机的是分公司的闵浩然，航班落地后打他电话 +8613880467152", "+86 no space",
  n="闵浩然", p="+8613880467152")
C("Day 3: Meet our local guide Sofía Castellanos at the hotel lobby, then visit the Alhambra.", "travel plan",
  n="Sofía Castellanos")
C("酒店地址发你：云南省大理白族自治州大理市古城复兴路312号，前台找阿秀就行。", "address; nickname unlabeled",
  a="云南省大理白族自治州大理市古城复兴路312号")
C("签证材料清单里要写邀请人信息：邀请人 Hans-Peter Vogel，地址 Lindenstraße 14, 10969 Berlin", "german address",
  n="Hans-Peter Vogel", a="Lindenstraße 14, 10969 Berlin")

# ---------------------------------------------------------------- school
C("【三年级二班通知】明天春游，请家长在8点前把孩子送到校门口。未交回执的同学：刘子轩、吴梓萌、孙浩然。班主任：时雨婷",
  "class notice", n=["刘子轩", "吴梓萌", "孙浩然", "时雨婷"])
C("恭喜我校初三（5）班严思琪同学在全国青少年科技创新大赛中荣获一等奖，指导教师侯立群。", "award notice",
  n=["严思琪", "侯立群"])
C("各位家长：本周家长会改到周四晚7点，地点在学校报告厅。如有问题请联系年级组长甄老师 13588027461。",
  "bare title + phone", p="13588027461")
C("奖学金公示名单：计算机学院 麦嘉欣、经济学院 巫晓峰、外国语学院 党梦瑶、法学院 敖子健，公示期5天。",
  "scholarship list", n=["麦嘉欣", "巫晓峰", "党梦瑶", "敖子健"])
C("Dear parents, this Friday's field trip will be led by Ms. Clara Hoffmann and Mr. Julian Berg. "
  "Please sign the permission slip and return it by Wednesday.", "english school notice",
  n=["Clara Hoffmann", "Julian Berg"])
C("请家长补充学生信息：学生 沙雨辰，出生日期2016-03-08，家庭住址 山东省青岛市崂山区香港东路195号，监护人手机 15963027184",
  "student info", n="沙雨辰", a="山东省青岛市崂山区香港东路195号", p="15963027184")
C("研究生复试名单（部分）：2401 郦文轩；2402 戚若楠；2403 钭佳慧", "names after numbers",
  n=["郦文轩", "戚若楠", "钭佳慧"])
C("数学竞赛辅导班由段鹏飞老师负责，上课地点：实验楼301。", "full name + 老师", n="段鹏飞")
C("请假条\n尊敬的毛老师：\n我是高二（3）班学生解语嫣的家长，孩子发烧需请假两天，望批准。\n家长：解宏伟\n电话：18745021963",
  "leave note", n=["解语嫣", "解宏伟"], p="18745021963")
C("校友会通知：请1998届校友联系秘书处 帅晓东（shuaixd@alumni.scu.edu.cn）登记信息。", "alumni notice",
  n="帅晓东", e="shuaixd@alumni.scu.edu.cn")
C("Congratulations to our valedictorian, Isabella Moreno-Ruiz, and salutatorian, Ethan Kowalczyk!",
  "graduation", n=["Isabella Moreno-Ruiz", "Ethan Kowalczyk"])
C("幼儿园接送卡：幼儿 宫子墨，接送人 宫建设（父）、凤丽娟（母）", "pickup card; word-name 建设",
  n=["宫子墨", "宫建设", "凤丽娟"])
C("准考证打印提示：考生 阚子怡，身份证号 " + IDM + "，考点 合肥一中", "exam notice", n="阚子怡", d=IDM)
C("学费缴纳卡号：" + CP + "（学生：屠晓川）", "tuition card", b=CP, n="屠晓川")
C("2号选手冯佳琦得分9.85，3号选手苑博文得分9.72，请两位到台前。", "names between numbers",
  n=["冯佳琦", "苑博文"])

# ---------------------------------------------------------------- medical
C("帮我预约下周三上午的口腔科，就诊人：蒲晓梅，医保卡号不记得了，手机15184310726。", "dental booking",
  n="蒲晓梅", p="15184310726")
C("挂号信息：患者 姜淑芬 女 72岁，科室 心内科，医生 雍建伟 主任医师，就诊时间 2024-06-03 09:30",
  "registration", n=["姜淑芬", "雍建伟"])
C("My father, Gerald Whitmore, has an appointment with Dr. Anjali Deshmukh at 2:15 pm on Tuesday. Can you add it to my calendar?",
  "english appointment", n=["Gerald Whitmore", "Anjali Deshmukh"])
C("体检报告领取人：茅志远，身份证后四位0416，请凭身份证到3楼领取。", "partial id unlabeled", n="茅志远")
C("小孩疫苗接种本上写的是：姓名 乜依依，出生日期 2021年9月17日", "rare surname 乜", n="乜依依")
C("你好，我想咨询一下钟建英医生的出诊时间，她是看甲状腺的吗？", "doctor schedule", n="钟建英")
C("Discharge summary — Patient: Rosa Delgado, DOB 1954-02-21, MRN 0048217. Attending: Dr. Marcus Feld.",
  "discharge summary", n=["Rosa Delgado", "Marcus Feld"])
C("请把这段话整理成病历：患者鞠文涛，男，45岁，主诉头痛三天，无发热。", "medical record", n="鞠文涛")
C("医生说我妈（邸秀兰）术后要静养，陪护家属需登记身份证：" + IDG, "caregiver registration", n="邸秀兰", d=IDG)
C("药房通知：郎俊峰先生，您预订的药品已到货，请于三日内到门店领取。", "pharmacy notice", n="郎俊峰")
C("3号床俞秀云今天下午出院，家属电话 13307625591", "bed number + name", n="俞秀云", p="13307625591")
C("帮我查一下 上海市第六人民医院 的罗文轩主任周几有专家门诊", "hospital + doctor", n="罗文轩")
C("Hi Dr. Okafor, this is Lena Fischer — I need to reschedule Thursday's physio session. My number is 0176 2345 8871.",
  "patient message; bare surname unlabeled", n="Lena Fischer", p="0176 2345 8871")
C("医保登记：参保人 母亲，证件号 " + id_card("41010319580227062") + "，参保地 郑州", "id only",
  d=id_card("41010319580227062"))

# ---------------------------------------------------------------- news / public figures
C("据新华社报道，屠呦呦获得2015年诺贝尔生理学或医学奖，成为首位获得该奖项的中国科学家。", "public figure", n="屠呦呦")
C("姚明和易建联曾在国家队并肩作战，两人都是中国篮球的标志性人物。", "two athletes", n=["姚明", "易建联"])
C("刘慈欣的《三体》英文版由刘宇昆翻译，2015年获得雨果奖。", "authors", n=["刘慈欣", "刘宇昆"])
C("苏炳添在东京奥运会男子100米半决赛中跑出9秒83。", "athlete", n="苏炳添")
C("Elon Musk and Sam Altman traded barbs on social media again this week.", "english news",
  n=["Elon Musk", "Sam Altman"])
C("钟南山院士在发布会上表示，目前疫情总体可控。", "name + 院士", n="钟南山")
C("谷爱凌在北京冬奥会上夺得两金一银。", "athlete", n="谷爱凌")
C("帮我总结一下这篇文章：雷军在发布会上宣布小米汽车SU7正式上市，起售价21.59万元。", "ceo + brand", n="雷军")
C("鲁迅原名周树人，浙江绍兴人。", "pen name + real name", n=["鲁迅", "周树人"])
C("Lionel Messi won his eighth Ballon d'Or in 2023, ahead of Erling Haaland.", "footballers",
  n=["Lionel Messi", "Erling Haaland"])
C("袁隆平被称为“杂交水稻之父”。", "scientist", n="袁隆平")
C("李白和杜甫是唐代最著名的两位诗人，后人并称“李杜”。", "poets; 李杜 unlabeled", n=["李白", "杜甫"])
C("欧阳修在《醉翁亭记》中写道：“醉翁之意不在酒。”", "historical compound surname", n="欧阳修")
C("董明珠在格力电器股东大会上回应了接班人问题。", "executive", n="董明珠")
C("莫言，本名管谟业，2012年诺贝尔文学奖得主。", "pen name + birth name", n=["莫言", "管谟业"])
C("诸葛亮在《出师表》中写道“鞠躬尽瘁，死而后已”。", "compound surname; 鞠躬 is a word", n="诸葛亮")
C("司马迁用了十几年完成《史记》。", "historian", n="司马迁")
C("任正非在接受采访时说，华为不会上市。", "executive", n="任正非")
C("上官婉儿是唐代著名女官，武则天曾对她十分器重。", "historical women", n=["上官婉儿", "武则天"])
C("The award was presented by Chimamanda Ngozi Adichie to a debut novelist.", "three-part name",
  n="Chimamanda Ngozi Adichie")

# ---------------------------------------------------------------- fiction
C("《红楼梦》里林黛玉和薛宝钗谁更受读者喜欢？", "novel characters", n=["林黛玉", "薛宝钗"])
C("帮我写一段同人：令狐冲在华山思过崖遇见了风清扬。", "wuxia characters; 华山 place", n=["令狐冲", "风清扬"])
C("In Pride and Prejudice, Elizabeth Bennet initially dislikes Fitzwilliam Darcy.", "english novel",
  n=["Elizabeth Bennet", "Fitzwilliam Darcy"])
C("小说第三章：沈墨寒推开门，看见苏晚晴正坐在窗边看书。", "invented characters", n=["沈墨寒", "苏晚晴"])
C("Harry Potter and Hermione Granger sneak into the Restricted Section.", "fiction", n=["Harry Potter", "Hermione Granger"])
C("续写故事：夜深了，程野靠在车边抽烟，手机屏幕上是许知意发来的消息。", "story continuation",
  n=["程野", "许知意"])
C("Sherlock Holmes looked up as Dr. John Watson entered the room.", "fiction; title excluded",
  n=["Sherlock Holmes", "John Watson"])
C("剧本大纲：女主角江晚吟是一名法医，男主角陆知行是刑警队长。", "script outline", n=["江晚吟", "陆知行"])
C("韦小宝有七个老婆，其中最出名的是建宁公主和阿珂。", "title and nickname unlabeled", n="韦小宝")

# ---------------------------------------------------------------- meeting minutes
C("会议纪要\n时间：2024年3月8日14:00\n参会人：蔺志刚、厉晓红、房宇航、汪诗涵\n记录人：汪诗涵\n议题：Q2产品路线图",
  "minutes; repeated name", n=["蔺志刚", "厉晓红", "房宇航", "汪诗涵"])
C("Action items: (1) Fernando Alvarez to finalize vendor contract by 5/17; (2) Mei Ling Tan to schedule UAT; "
  "(3) Oskar Lindgren to update the risk log.", "action items", n=["Fernando Alvarez", "Mei Ling Tan", "Oskar Lindgren"])
C("决议：由储新民同志担任项目组组长，副组长为查丽娜。", "resolution; surname 查", n=["储新民", "查丽娜"])
C("纪要补充：客户方出席人员为 采购总监 Jessica Tran、技术负责人 丁浩宇。", "mixed attendees",
  n=["Jessica Tran", "丁浩宇"])
C("请把会议录音整理成纪要，发言人依次是：主持人，焦振国；市场部，黎明远；研发部，戈晓庆。", "speakers",
  n=["焦振国", "黎明远", "戈晓庆"])
C("评审意见：同意通过。评审专家：公孙明哲（组长）、端木雅琳、慕容杰。", "compound surnames",
  n=["公孙明哲", "端木雅琳", "慕容杰"])

# ---------------------------------------------------------------- code review / IT
C("PR #482 review: @zhaoyang 这里不要把用户手机号直接打到日志里，比如 13810562947 这种会被采集。",
  "code review; handle unlabeled", p="13810562947")
C("nginx 日志里有大量来自 183.62.114.27 的请求，疑似爬虫，帮我写一个封禁规则。", "ip in log", i="183.62.114.27")
C("服务器登录信息：IP 10.24.8.131，用户名 deploy，密码别发群里。", "private ip", i="10.24.8.131")
C("Can you explain why my SSH connection to 203.0.113.58 keeps timing out? I can ping 192.168.1.1 fine.",
  "two ips", i=["203.0.113.58", "192.168.1.1"])
C("Code review: the test fixture hardcodes a real-looking email (jennifer.huang@acme-corp.com) and a card number "
  + CH + " — please replace with fake data.", "fixture data", e="jennifer.huang@acme-corp.com", b=CH)
C("git blame 显示这段代码是温子昂在2021年写的，你可以问问他。", "git blame", n="温子昂")
C("报错：Connection refused to 172.16.254.3:5432，数据库账号 admin，帮我看看是什么原因", "ip with port",
  i="172.16.254.3")
C("commit 9f3e2ab\nAuthor: Nikolai Sokolov <n.sokolov@devmail.ru>\nDate: Tue Mar 12\n\n    fix race condition in scheduler",
  "git log", n="Nikolai Sokolov", e="n.sokolov@devmail.ru")
C("我们公司的出口IP是 58.246.39.112，麻烦把它加到你们的白名单里。", "whitelist", i="58.246.39.112")
C("日志片段：2024-04-02 11:03:27 WARN login failed user=qiaoyf ip=117.136.42.205 attempts=5", "log line",
  i="117.136.42.205")
C("Reviewer: Ayesha Siddiqui\nComment: Please don't commit the .env file; it contains DB_HOST=10.0.12.44 and our SMTP password.",
  "review comment", n="Ayesha Siddiqui", i="10.0.12.44")
C("帮我写个正则，匹配这种格式的邮箱：chen.yutong@cs.fudan.edu.cn", "regex request", e="chen.yutong@cs.fudan.edu.cn")
C("Jira: assignee changed from Leonard Ostrowski to Wu Jiahui. Priority: P1.", "jira", n=["Leonard Ostrowski", "Wu Jiahui"])
C("路由器后台地址是 192.168.31.1，WiFi 密码我发你私信了", "router ip", i="192.168.31.1")
C("Our VPN gateway (45.79.112.203) rejected the handshake from my home IP 98.207.64.19.", "two public ips",
  i=["45.79.112.203", "98.207.64.19"])
C("家里宽带公网IP是124.78.201.66吗？怎么查自己的IP", "ip glued to Chinese", i="124.78.201.66")
C("# TODO(邓嘉琪): 这里的重试逻辑有问题，先别合并", "todo comment", n="邓嘉琪")
C("user_email = 'lihua.sun@example-mail.cn'  # 测试账号，上线前删掉", "email in code", e="lihua.sun@example-mail.cn")
C("SELECT * FROM orders WHERE customer_name = '巴晓婷' AND phone = '17623098814';", "sql literal",
  n="巴晓婷", p="17623098814")
C("Stack trace shows the request came from 2.56.188.9 at 03:12 UTC; on-call was Gabriel Dubois.",
  "incident note", i="2.56.188.9", n="Gabriel Dubois")

# ---------------------------------------------------------------- mixed / pinyin
C("我的英文名是 Vivian，中文名叫卓欣怡，拼音 Zhuo Xinyi，护照上也是这个。", "english nickname unlabeled",
  n=["卓欣怡", "Zhuo Xinyi"])
C("Please book a meeting room for Huang Zhiqiang and Ouyang Lin at 3pm.", "pinyin compound surname",
  n=["Huang Zhiqiang", "Ouyang Lin"])
C("帮我把名片上的信息存到通讯录：Zhou Yiming 周一鸣 | Product Director | +86 156 0188 2743 | yiming.zhou@novasky.cn",
  "business card; 周一 prefix", n=["Zhou Yiming", "周一鸣"], p="+86 156 0188 2743", e="yiming.zhou@novasky.cn")
C("这个 offer letter 的候选人是 LU Haochen，入职日期 July 1，base 在 Shenzhen。", "caps surname", n="LU Haochen")
C("老板说让 Tang Yuxuan 和 Xu Mengqi 下午去客户那边 demo 一下", "mixed chat", n=["Tang Yuxuan", "Xu Mengqi"])
C("Contact person: Ms. GAO Shuyi (高舒怡), Tel: 0571-8702 6635, Email: gaoshuyi@zjtrade.gov.cn", "bilingual contact",
  n=["GAO Shuyi", "高舒怡"], p="0571-8702 6635", e="gaoshuyi@zjtrade.gov.cn")
C("我叫 Nguyen Van Duc，在深圳工作，我的手机是 +86 131 6720 4419，请帮我翻译成中文地址：Room 2305, Block A, Kexing Science Park, Nanshan District, Shenzhen",
  "foreign resident", n="Nguyen Van Duc", p="+86 131 6720 4419",
  a="Room 2305, Block A, Kexing Science Park, Nanshan District, Shenzhen")
C("转告 Michael Chen（陈志明）：周五的 call 改到 10am。", "english + chinese name", n=["Michael Chen", "陈志明"])
C("请用英文写一封感谢信给我的导师 Prof. Xie Wenbo，感谢他在博士期间的指导。", "pinyin professor", n="Xie Wenbo")
C("明天的 standup 由 Ren Jiawei 主持，Olivia Brennan 会 dial in。", "mixed standup", n=["Ren Jiawei", "Olivia Brennan"])

# ---------------------------------------------------------------- rare / compound surnames
C("禤国豪今天代表公司去广州签约。", "rare surname 禤 at sentence start", n="禤国豪")
C("亓晓峰的报销单还没交，财务催了。", "rare surname 亓", n="亓晓峰")
C("这批货是佘振东负责验收的，有问题找他。", "rare surname 佘", n="佘振东")
C("请隗秀芝到二号窗口办理业务。", "rare surname 隗", n="隗秀芝")
C("仉振宇和笪雨欣是我们组新来的实习生。", "rare surnames 仉 笪", n=["仉振宇", "笪雨欣"])
C("报名确认：蒯晓光，已缴费。", "rare surname 蒯", n="蒯晓光")
C("欢迎新同事钮佳慧加入财务部！", "rare surname 钮", n="钮佳慧")
C("通知：请璩丽华于本周五前提交职称评审材料。", "rare surname 璩", n="璩丽华")
C("东方明远老师的讲座安排在周四下午。", "compound surname 东方", n="东方明远")
C("请皇甫子健同学到教务处领取证书。", "compound surname 皇甫", n="皇甫子健")
C("报名表上的名字是夏侯云帆，复姓夏侯，请核对。", "compound surname 夏侯", n="夏侯云帆")
C("呼延雪松明天从哈尔滨过来，帮他订个酒店。", "compound surname 呼延", n="呼延雪松")
C("谢谢你，闻人语！", "compound surname 闻人 at end", n="闻人语")

# ---------------------------------------------------------------- word-like names
C("许诺同学，请于明天上午到教务处领取你的录取通知书。", "word-name 许诺", n="许诺")
C("我们部门新来的经理叫夏天，人挺随和的。", "word-name 夏天", n="夏天")
C("方正明天请假，他的工作由林立代为处理。", "word-names 方正 林立", n=["方正", "林立"])
C("黎明先生，您的快递已放在前台。", "word-name 黎明", n="黎明")
C("马力今天跑了个半马，用时1小时52分。", "word-name 马力", n="马力")
C("田野和常青是大学室友，毕业后一起创业。", "word-names", n=["田野", "常青"])
C("这次团建的负责人是关心，有事找她。", "word-name 关心", n="关心")
C("杨柳把报告发给我了，我看完再转给你。", "word-name 杨柳", n="杨柳")
C("华丽和宁静是双胞胎姐妹，在同一所学校读书。", "word-names", n=["华丽", "宁静"])
C("高山老师的课很受欢迎，每次都坐满。", "word-name + 老师", n="高山")
C("白云给我推荐了这家餐厅，说是本地人才知道的。", "word-name 白云", n="白云")
C("万里说他已经到机场了，让我们别等。", "word-name 万里", n="万里")
C("陈述在会上的陈述很有说服力。", "name vs noun in same sentence", n="陈述")
C("甘露今天值班，急诊有事可以找她。", "word-name 甘露", n="甘露")
C("严肃这孩子一点也不严肃，整天笑嘻嘻的。", "name vs adjective", n="严肃")
C("张扬请假了，今天的会议由齐心主持。", "word-names", n=["张扬", "齐心"])
C("周到是我们店里最周到的服务员。", "name vs adjective", n="周到")
C("文静刚才来电话，说她下周回国。", "word-name 文静", n="文静")
C("安然，你的论文我看过了，第三章还需要修改。\n—— 导师 钱立群", "vocative word-name; sign-off",
  n=["安然", "钱立群"])

# ---------------------------------------------------------------- other PII without names
C("你好，请问19857320461这个号码的主人是谁？", "phone glued to Chinese", p="19857320461")
C("我的邮箱是 helloworld_2024@foxmail.com，有消息发我邮箱", "email only", e="helloworld_2024@foxmail.com")
C("把这个地址发到我手机上：福建省厦门市思明区鹭江道8号国际银行大厦", "address only",
  a="福建省厦门市思明区鹭江道8号国际银行大厦")
C("身份证号 " + IDF + " 的这个人预约了吗？", "id only", d=IDF)
C("This is my card " + CK + ", please keep it on file for the booking.", "card only english", b=CK)
C("Send the invoice to accounts.payable@granitepeak.com.au by end of month.", "email english",
  e="accounts.payable@granitepeak.com.au")
C("收货地址改成：重庆市渝中区解放碑街道民族路188号环球金融中心23楼", "address; 解 inside place name",
  a="重庆市渝中区解放碑街道民族路188号环球金融中心23楼")
C("12306登录名是我的身份证号" + IDX1 + "，密码忘了怎么办", "lowercase x id glued", d=IDX1)
C("帮我记住：奶奶家地址 河南省洛阳市老城区西大街街道东南隅97号", "address to remember",
  a="河南省洛阳市老城区西大街街道东南隅97号")
C("请帮我核验一下这个身份证号是否有效：" + IDX2, "lowercase x id", d=IDX2)
C("实名认证失败，我输的是 " + IDX3 + "，名字是蓝诗雨", "uppercase X id + name", d=IDX3, n="蓝诗雨")
C("报销需要填写身份证号：" + IDH + "（钱晓燕）", "id + name in brackets", d=IDH, n="钱晓燕")
C("My Chinese ID number is " + IDI + ", is it safe to give it to the hotel?", "english id question", d=IDI)
C("我身份证号是" + IDN + "，帮我查下社保缴纳记录", "id only", d=IDN)
C("工资卡号 " + sp4(CN) + "，开户行招商银行深圳分行", "19-digit spaced card", b=sp4(CN))
C("帮我算下这张信用卡" + CD + "的账单日是哪天", "card glued", b=CD)
C("转账给邢晓蕾，工行卡 " + CC + "，金额5000", "transfer", n="邢晓蕾", b=CC)
C("Can you check if this card number is valid? " + CM, "card validation", b=CM)
C("Mastercard on file: " + sp4(CO) + ", billing ZIP 94110.", "spaced card english", b=sp4(CO))
C("给我妈打钱，她的建行卡号是" + CQ + "，户名是她本人，龙秀梅。", "card + name at end", b=CQ, n="龙秀梅")
C("快递员电话 176-2198-0453，让他放门卫", "dashed phone", p="176-2198-0453")
C("我的号码 " + fw("186 5521 0937") + "，请回电", "full-width spaced phone", p=fw("186 5521 0937"))
C("新地址：广东省深圳市福田区华强北街道深南中路3018号世纪汇广场15楼1502室，以后寄这里。", "address",
  a="广东省深圳市福田区华强北街道深南中路3018号世纪汇广场15楼1502室")
C("Please ship to 902 Kingsway Avenue, Apt 7B, Vancouver, BC V5V 3C7.", "english address",
  a="902 Kingsway Avenue, Apt 7B, Vancouver, BC V5V 3C7")
C("发票邮寄地址：陕西省西安市雁塔区小寨西路26号，电话029-8536 7240", "address + landline",
  a="陕西省西安市雁塔区小寨西路26号", p="029-8536 7240")
C("我在北京市朝阳区望京街道阜通东大街6号方恒国际中心A座，你到了给我打 13520867431", "address + phone",
  a="北京市朝阳区望京街道阜通东大街6号方恒国际中心A座", p="13520867431")
C("请把合同寄到江苏省苏州市工业园区星湖街328号创意产业园8-201，谢谢", "address",
  a="江苏省苏州市工业园区星湖街328号创意产业园8-201")
C("邮箱发错了，应该是 zhao_mx@sjtu.edu.cn 不是 zhaomx@sjtu.edu.cn", "two similar emails",
  e=["zhao_mx@sjtu.edu.cn", "zhaomx@sjtu.edu.cn"])
C("有事发邮件到 kefu.vip+refund@shopzone.com.cn，24小时内回复", "plus-addressed email",
  e="kefu.vip+refund@shopzone.com.cn")
C("测试环境在 10.10.0.7 和 10.10.0.8 两台机器上", "two ips", i=["10.10.0.7", "10.10.0.8"])
C("ping 8.8.8.8 能通，但是 ping 114.114.114.114 超时，是不是DNS的问题", "dns ips",
  i=["8.8.8.8", "114.114.114.114"])
C("Suspicious sign-in from 91.203.145.77 (Kyiv) — was this you?", "security alert", i="91.203.145.77")
C("孩子学校的联系电话是0755-2658 1190，班主任的手机是15013874426", "landline + mobile",
  p=["0755-2658 1190", "15013874426"])
C("麻烦寄到：浙江省宁波市鄞州区首南街道天童南路588号宁波文化广场C座1208室 收件人 禹佳宁 电话 13858260197",
  "address first then name/phone", a="浙江省宁波市鄞州区首南街道天童南路588号宁波文化广场C座1208室",
  n="禹佳宁", p="13858260197")
C("寄件人别写我妈，写我：季向阳，15372905518", "self-correction chat", n="季向阳", p="15372905518")


# ================================================================ hard negatives
NEG("老王说他下周不来了，你跟小李说一声就行。", "nicknames only")
NEG("帮我推荐几家好吃的川菜馆，想吃宫保鸡丁和麻婆豆腐。", "dish names with surname chars")
NEG("李宁这双跑鞋打折后多少钱？官网显示¥499。", "brand 李宁")
NEG("东坡肉和叫花鸡哪个更适合年夜饭？", "dishes")
NEG("周末想去张家界玩三天，帮我规划一下路线。", "place with surname char")
NEG("你的验证码是408217，5分钟内有效，请勿泄露给他人。", "verification code")
NEG("订单号 202404150938127764 已发货，预计明天送达。", "18-digit order number")
NEG("航班 MU5137 延误了，预计起飞时间改为 21:45。", "flight number")
NEG("请问ISBN 978-7-5327-4981-0 这本书有电子版吗？", "ISBN")
NEG("顺丰单号 SF1302845567219 显示已签收，但我没收到。", "tracking number")
NEG("案号：(2023)沪0104民初15672号，开庭时间另行通知。", "case number ending with 号")
NEG("Python 3.11.4 和 3.12.1 哪个更稳定？", "version numbers")
NEG("Windows 版本 10.0.22631.3296 更新后蓝屏了怎么办", "four-part build number")
NEG("这台 iPhone 15 Pro 的型号是 A3104，256GB，售价 8999 元。", "product code")
NEG("老干妈和李锦记的辣椒酱哪个好吃？", "brands")
NEG("周大福的金价今天是多少一克？", "brand 周大福")
NEG("张小泉的菜刀质量怎么样？", "brand 张小泉")
NEG("马到成功、龙马精神这些成语适合写在春联上吗？", "idioms")
NEG("小李飞刀这个外号是怎么来的？", "nickname epithet")
NEG("王府井步行街晚上几点关门？", "place")
NEG("石家庄到秦皇岛开车要多久？", "places with surname chars")
NEG("中山公园站换乘2号线怎么走？", "place named after person")
NEG("杨国福麻辣烫和张亮麻辣烫哪家更好吃？", "restaurant brands from founder names")
NEG("价格：¥12,800.00，优惠后 ¥11,520.00，分12期免息。", "prices")
NEG("快递柜取件码 6-2-0318，请在24小时内取件。", "pickup code")
NEG("这个 bug 在 v2.14.3 版本修复了，升级到 v2.15.0 即可。", "versions")
NEG("工单 INC0048213 已关闭，如有问题请重新提交。", "ticket id")
NEG("我们小区门口新开了一家“老李家牛肉面”，味道不错。", "shop name with nickname")
NEG("黄焖鸡米饭加个卤蛋多少钱？", "dish")
NEG("今天下了一夜的雪，白雪皑皑，大家都安然无恙地回到家了。", "word uses of 白雪/安然")
NEG("金山办公的 WPS 会员一年多少钱？", "company 金山")
NEG("他许诺下个月一定还钱。", "verb 许诺")
NEG("服务很周到，下次还来。", "adjective 周到")
NEG("田野里的油菜花开了，周末带孩子去看看。", "noun 田野")
NEG("黎明时分我们出发去看日出。", "noun 黎明")
NEG("这台车马力不够，上坡很吃力。", "noun 马力")
NEG("请问这个快递单号 YT7402918365521 到哪了？", "tracking number")
NEG("身份证丢了怎么补办？需要带什么材料？", "mentions id but no id")
NEG("银行卡被冻结了怎么办？要去柜台吗？", "mentions card but none")
NEG("我的IP地址被封了，怎么换一个？", "mentions ip but none")
NEG("帮我写一封请假邮件，理由是家里有事，请假两天。", "mentions email but none")
NEG("Hi, can you recommend a good Italian restaurant near Union Square?", "english place")
NEG("What's the difference between Jordan and Nike Air Max sneakers?", "brand Jordan")
NEG("Ford and Lincoln both belong to the same automaker.", "car brands")
NEG("Order #112-7734902-5518826 was refunded on March 3.", "order number")
NEG("Meeting moved to Room 4.12, Building B, 3:30 pm.", "room number")
NEG("Flight UA 857 from SFO to PVG departs at 11:20.", "flight")
NEG("Version 1.4.2 introduced the new API; see section 4.3.2.1 of the spec.", "section number shaped like ip")
NEG("The invoice total is $4,215.60, due within 30 days.", "amount")
NEG("My verification code is 772019, don't share it.", "otp english")
NEG("张总、刘经理、陈秘书都到齐了吗？", "surname + title only")
NEG("王阿姨明天来打扫卫生，记得给她留门。", "surname + 阿姨")
NEG("阿亮和小美下周结婚，份子钱给多少合适？", "nicknames")
NEG("二舅妈让我帮她在网上买个血压计。", "kinship term")
NEG("【招商银行】您尾号3391的储蓄卡于04月12日消费人民币356.00元。", "card tail only")
NEG("这个手机型号是 SM-S9180，国行版本。", "model number")
NEG("电费户号 0103482716，本月用电235度，应缴 131.60 元。", "utility account")
NEG("犯罪嫌疑人李某某已被警方依法刑事拘留。", "anonymised surname 某某")
NEG("宋庄艺术区周末有什么展览？", "place")
NEG("东方明珠门票多少钱？学生有优惠吗？", "landmark with compound surname 东方")
NEG("高铁 G7312 二等座还有票吗？", "train number")
NEG("腾讯会议号 836 2291 0457，密码 6688。", "meeting id 11 digits")
NEG("大熊猫“和花”的视频好可爱，她今年几岁了？", "animal name")
NEG("我家狗叫旺财，今天打了疫苗。", "pet name")
NEG("江海交汇处的风景很美。", "word 江海")
NEG("Porsche 911 和 Cayenne 哪个更保值？", "brand")
NEG("Tracking: 1Z 999 AA1 01 2345 6784 — still in transit.", "ups tracking")
NEG("胡萝卜、白菜、马铃薯怎么搭配做菜？", "vegetables with surname chars")
NEG("常青藤盟校有哪些？申请难度如何？", "word 常青")
NEG("邮编 310012 是杭州哪个区？", "postal code")
NEG("Login failed: error code 0x80070005 on build 19045.4170.", "error code")
NEG("王者荣耀新赛季什么时候开始？", "game name")
NEG("Dear Customer, your subscription (ID: SUB-88213-XQ) will renew on 2024-07-01.", "subscription id")
NEG("下单后请备注：不要香菜，多放辣，谢谢老板！", "food order note")
NEG("2024年3月15日星期五，第3期，总第128期", "dates and issue numbers")
NEG("Node v18.19.0 升级到 v20.11.1 之后 npm install 报错", "versions")
NEG("请把 A3 会议室预订到下午 2:00-3:30。", "room + time")
NEG("这首歌叫《夏天的风》，谁唱的来着？", "song title with word-name")
NEG("我们去方正大厦附近吃饭吧。", "building 方正")
NEG("本店地址详见门口招牌，营业时间 9:00-21:00。", "mentions address but none")


def main():
    with open(OUT, "w", encoding="utf-8") as f:
        for c in CASES:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    print(f"wrote {len(CASES)} cases to {OUT}")


if __name__ == "__main__":
    main()
