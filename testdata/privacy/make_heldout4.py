#!/usr/bin/env python3
"""Blind held-out set #4 for the PII detector. Hand-written cases; no templating.

Labeling policy (consistent across the set):
  * A name is labeled wherever a real personal name (full name, or a full
    foreign/pinyin name) appears; historical, public and fictional persons are
    labeled as `name` too.
  * Bare nicknames / address forms (小王, 老李, 阿杰, 王阿姨, 张老师, 糖糖, Tom) are NOT
    labeled; when a full name is given next to them only the full name is labeled.
  * A name that occurs several times in one text is listed once.
  * Brand/dish/place words that merely contain a surname character are not names.
"""
import json
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "heldout4.jsonl")
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


ID1 = id_card("11010519820315213")
ID2 = id_card("32010219990708046")
ID3 = id_card("44030619750421187")
BANK1 = luhn("622202020011223344")      # 19 digits
BANK2 = luhn("622588012345678")         # 16 digits
BANK2_SP = " ".join(BANK2[i:i + 4] for i in range(0, 16, 4))

POS = [
    # --- compound surnames ---
    ("给欧阳思睿发微信，问她周六的羽毛球还打不打。", [("n", "欧阳思睿")], "compound surname 欧阳"),
    ("司马景行说他明天请假，帮我在日程里标一下。", [("n", "司马景行")], "compound surname 司马, sentence start, followed by 说"),
    ("上官婉清的快递到了，放在前台了。", [("n", "上官婉清")], "compound surname 上官, followed by 的"),
    ("帮我打电话给诸葛明远，号码是13917264580。", [("n", "诸葛明远"), ("p", "13917264580")], "compound surname 诸葛 + mobile"),
    ("请把会议纪要抄送给东方一诺和夏侯俊。", [("n", "东方一诺"), ("n", "夏侯俊")], "compound surnames 东方/夏侯, joined by 和, single-char given name"),
    ("皇甫珊珊下周三生日，提醒我提前订蛋糕。", [("n", "皇甫珊珊")], "compound surname 皇甫, reduplicated given name"),
    ("慕容子墨今天又迟到了，扣他这个月的全勤。", [("n", "慕容子墨")], "compound surname 慕容"),
    ("令狐晨是我们新来的实习生，你带他熟悉一下流程。", [("n", "令狐晨")], "compound surname 令狐, single-char given"),
    ("端木雨桐的论文答辩定在五月二十号上午九点。", [("n", "端木雨桐")], "compound surname 端木"),
    ("宇文泽和他女朋友下午过来吃饭。", [("n", "宇文泽")], "compound surname 宇文, given name 泽 then 和"),
    ("尉迟恒刚发来邮件，邮箱是 yuchiheng@163.com，你回他一下。", [("n", "尉迟恒"), ("e", "yuchiheng@163.com")], "compound surname 尉迟 + email"),
    ("公孙芷若是我大学同学，现在在杭州做设计。", [("n", "公孙芷若")], "compound surname 公孙; 若是 boundary"),
    ("外卖备注：放门口就行，留名欧阳晨。", [("n", "欧阳晨")], "compound surname after 留名"),
    ("收件人：司徒嘉欣，地址：广州市天河区体育西路103号维多利广场B座2208，电话020-38829156",
     [("n", "司徒嘉欣"), ("a", "广州市天河区体育西路103号维多利广场B座2208"), ("p", "020-38829156")], "form; compound surname 司徒; landline"),
    # --- modern popular given names / school notices ---
    ("张沐辰的家长请注意，明天秋游需要带水和午餐。", [("n", "张沐辰")], "school notice, modern given name"),
    ("李语桐妈妈，孩子今天在学校有点发烧，请尽快来接。", [("n", "李语桐")], "name followed by 妈妈"),
    ("王奕辰、刘若汐、陈梓萱三位同学请到办公室领取奖状。", [("n", "王奕辰"), ("n", "刘若汐"), ("n", "陈梓萱")], "list separated by 、"),
    ("赵锦程说的那家火锅店在哪儿？", [("n", "赵锦程")], "followed by 说的"),
    ("孙知夏的作文被选进校刊了，快告诉她。", [("n", "孙知夏")], "modern given name"),
    ("周星辰的体检报告出来了吗？", [("n", "周星辰")], "surname 周 (also 周末), given 星辰"),
    ("吴可馨和郑晨曦明天值日。", [("n", "吴可馨"), ("n", "郑晨曦")], "two names joined by 和"),
    ("本周升旗手：冯子轩；护旗手：褚雨泽、卫思彤。", [("n", "冯子轩"), ("n", "褚雨泽"), ("n", "卫思彤")], "school roster, 、 list"),
    ("蒋嘉懿的钢琴课改到周四下午四点半。", [("n", "蒋嘉懿")], "modern given name 嘉懿"),
    ("沈瑾瑜刚才在群里@你了。", [("n", "沈瑾瑜")], "sentence start"),
    ("帮我查一下韩铭泽上次借的书还了没有。", [("n", "韩铭泽")], "surname 韩 (also 韩国)"),
    ("杨芊芊今天穿了新裙子，夸她两句。", [("n", "杨芊芊")], "reduplicated given name"),
    ("朱皓轩同学，你的校服尺码登记错了，请重新填写。", [("n", "朱皓轩")], "name + 同学"),
    ("秦歆瑶的班主任是谁？", [("n", "秦歆瑶")], "modern given name"),
    ("尤煜祺这次数学考了满分。", [("n", "尤煜祺")], "surname 尤, rare given chars"),
    ("许墨涵的妈妈打电话来，说孩子今天请假。", [("n", "许墨涵")], "surname 许"),
    ("何景澄、吕昕妍、施晏清，你们三个放学后留下来排练。", [("n", "何景澄"), ("n", "吕昕妍"), ("n", "施晏清")], "vocative list"),
    ("孔清欢的英语作业没交，麻烦家长督促一下。", [("n", "孔清欢")], "surname 孔"),
    ("我要给阎梓宸报名游泳班，周六上午那个。", [("n", "阎梓宸")], "surname 阎"),
    ("家长会签到：应子墨家长、牛晓彤家长、时雨晴家长。", [("n", "应子墨"), ("n", "牛晓彤"), ("n", "时雨晴")], "surnames 应/牛/时 (ordinary words)"),
    ("班级通知：请家长于本周五前在小程序上为孩子报名，有疑问联系班主任展红艳，电话 13703218865。",
     [("n", "展红艳"), ("p", "13703218865")], "rare surname 展, after 班主任"),
    ("史小雨同学的家长，请在周五前交回回执。", [("n", "史小雨")], "real given name starting with 小 (not a nickname)"),
    ("张老师说张浩宁这学期进步很大。", [("n", "张浩宁")], "张老师 (title only) not labeled; full name labeled"),
    # --- older-generation names ---
    ("我爷爷叫曹建国，今年八十二岁，帮我挂个老年科的号。", [("n", "曹建国")], "older-generation name after 叫"),
    ("严秀英阿姨住在三楼，她家的水管漏了。", [("n", "严秀英")], "name before 阿姨"),
    ("帮我给华桂兰转五百块钱，备注“房租”。", [("n", "华桂兰")], "surname 华 (also 华为/华山)"),
    ("金国强师傅明天上午来修空调，电话 138 0013 7742。", [("n", "金国强"), ("p", "138 0013 7742")], "surname 金, spaced mobile"),
    ("魏淑芬和陶玉梅是我妈的老同事。", [("n", "魏淑芬"), ("n", "陶玉梅")], "older-generation names"),
    ("姜德福老人昨晚走失，身穿灰色外套，如有线索请联系15800239617。", [("n", "姜德福"), ("p", "15800239617")], "missing-person notice"),
    ("戚志刚是村里的会计，账目有问题可以找他。", [("n", "戚志刚")], "rare surname 戚"),
    ("谢凤英女士，您的医保卡已办好，请携带身份证到窗口领取。", [("n", "谢凤英")], "surname 谢 (also 谢谢), 女士"),
    ("邹建华的退休手续办完了吗？", [("n", "邹建华")], "older name"),
    ("喻卫东老师傅做了一辈子木匠。", [("n", "喻卫东")], "rare surname 喻, 老师傅 after name"),
    ("水红梅今天没来上班，电话也打不通。", [("n", "水红梅")], "rare surname 水"),
    ("窦振华、章福生、云桂芳三户的物业费还没交。", [("n", "窦振华"), ("n", "章福生"), ("n", "云桂芳")], "older names in list, surname 云"),
    ("苏永福的孙子考上大学了，请大家喝喜酒。", [("n", "苏永福")], "surname 苏"),
    ("潘金凤婶婶托我给你带了两斤鸡蛋。", [("n", "潘金凤")], "name + 婶婶"),
    ("奶奶的名字是葛秀珍，出生于一九四一年。", [("n", "葛秀珍")], "rare surname 葛"),
    ("爷爷奶奶：鞠长青、阚素梅", [("n", "鞠长青"), ("n", "阚素梅")], "rare surnames 鞠/阚, bare list"),
    ("房东简国平让我们月底前搬走。", [("n", "简国平")], "surname 简 (also 简单)"),
    ("父亲：戴国庆，母亲：方丽华，学生：戴晨阳。", [("n", "戴国庆"), ("n", "方丽华"), ("n", "戴晨阳")], "family form; 国庆 also a word"),
    ("王阿姨就是王翠兰，住我们楼下，有事可以找她。", [("n", "王翠兰")], "王阿姨 (address form) not labeled; full name labeled"),
    ("提醒我周日给外婆打电话，她叫厉秀兰，号码0571-86027314。", [("n", "厉秀兰"), ("p", "0571-86027314")], "rare surname 厉, landline"),
    # --- titles ---
    ("请问范医生今天坐诊吗？我想找范文涛医生看膝盖。", [("n", "范文涛")], "范医生 (title only) not labeled"),
    ("彭丽娟经理让我把报价单发给她。", [("n", "彭丽娟")], "name + 经理"),
    ("韦老师您好，我是鲁思远的爸爸，孩子这两天感冒想请个假。", [("n", "鲁思远")], "韦老师 title only; surname 鲁"),
    ("麻烦转告昌明辉主任，下午的会推迟半小时。", [("n", "昌明辉")], "rare surname 昌, + 主任"),
    ("马红霞阿姨让你去她家拿饺子。", [("n", "马红霞")], "surname 马 (also 马上), + 阿姨"),
    ("苗志远教授的讲座在三号报告厅。", [("n", "苗志远")], "+ 教授"),
    ("预约方晓晴医生周五上午的皮肤科门诊。", [("n", "方晓晴")], "surname 方 (also 方法), + 医生"),
    ("俞静怡律师发来的合同我看过了，没问题。", [("n", "俞静怡")], "+ 律师"),
    ("任嘉伟总监下周出差去深圳。", [("n", "任嘉伟")], "+ 总监"),
    ("袁晓峰博士的联系邮箱是 xf.yuan@pku.edu.cn。", [("n", "袁晓峰"), ("e", "xf.yuan@pku.edu.cn")], "+ 博士, email"),
    ("柳青青护士说明天早上空腹抽血。", [("n", "柳青青")], "+ 护士; 说明 boundary"),
    ("鲍国栋队长带队出发了。", [("n", "鲍国栋")], "+ 队长"),
    ("唐雪梅经理，您的会议室已预订成功。", [("n", "唐雪梅")], "vocative + 经理"),
    ("费立新师傅，您的工单已派到海淀区，请尽快上门。", [("n", "费立新")], "surname 费 (also fee)"),
    ("急诊科 蓝天佑 医生 值夜班", [("n", "蓝天佑")], "蓝天 is also a word; spaced"),
    ("主治医生是荣晓光，他说我爸的血压还要再观察一周。", [("n", "荣晓光")], "after 主治医生是"),
    ("我的导师是佘振宇教授，研究方向是计算语言学。", [("n", "佘振宇")], "rare surname 佘"),
    ("帮我问一下黄经理，黄奕博的报销单批了没有。", [("n", "黄奕博")], "黄经理 title only not labeled"),
    ("林业局的林佳慧科长明天来检查。", [("n", "林佳慧")], "distractor 林业 before the name"),
    ("请帮我起草一封感谢信，感谢钮立新医生的精心治疗。", [("n", "钮立新")], "rare surname 钮"),
    # --- followed by 说/的/和, word-like names ---
    ("廉思琪说她不来了，别等她。", [("n", "廉思琪")], "followed by 说"),
    ("岑浩的电脑坏了，帮他报修一下。", [("n", "岑浩")], "single-char given name + 的"),
    ("薛凯和倪萌萌是一组的。", [("n", "薛凯"), ("n", "倪萌萌")], "two-char name + 和"),
    ("汤磊说的那部电影叫什么来着？", [("n", "汤磊")], "surname 汤 (soup)"),
    ("滕飞的车停在B2层，你去开过来。", [("n", "滕飞")], "sounds like 腾飞"),
    ("罗敏和她老公周末搬家，我们去帮忙吧。", [("n", "罗敏")], "+ 和; 周末 elsewhere"),
    ("毕然说下周请大家吃饭。", [("n", "毕然")], "homophone of 必然"),
    ("郝帅的简历你看了吗？", [("n", "郝帅")], "homophone of 好帅"),
    ("邬亮和申芳芳在吵架，你去劝劝。", [("n", "邬亮"), ("n", "申芳芳")], "rare surname 邬, surname 申"),
    ("安宁说她明天去医院复查。", [("n", "安宁")], "name that is also a word (安宁)"),
    ("常乐的妈妈在门口等他。", [("n", "常乐")], "name that is also a word (常乐)"),
    ("高远说这个方案不行，得重新做。", [("n", "高远")], "name that is also a word (高远)"),
    ("白雪和她妹妹都在北京上学。", [("n", "白雪")], "name that is also a word (白雪)"),
    ("向阳的生日是几号来着？", [("n", "向阳")], "name that is also a word (向阳)"),
    ("金鑫的车牌号我记不住了。", [("n", "金鑫")], "surname 金"),
    ("江涛说他把文件放你桌上了。", [("n", "江涛")], "surname 江"),
    ("林森和林淼是双胞胎，长得一模一样。", [("n", "林森"), ("n", "林淼")], "twins, similar names"),
    ("于晓说明天可能下雨，让我们带伞。", [("n", "于晓")], "说明 boundary: name ends right before 说"),
    ("高飞和高翔是表兄弟。", [("n", "高飞"), ("n", "高翔")], "surname 高 (also 高度)"),
    ("马丽和马力都报名了运动会。", [("n", "马丽"), ("n", "马力")], "马力 also a word (horsepower)"),
    ("江南今天请假了，她孩子病了。", [("n", "江南")], "name identical to region word 江南"),
    ("钱多多借了我的充电宝还没还。", [("n", "钱多多")], "surname 钱 (also money)"),
    ("黄金凤阿姨说她家的黄金首饰被偷了，报警电话打了吗？", [("n", "黄金凤")], "name begins with 黄金; later 黄金 is ordinary word"),
    ("高度近视的杜若需要坐在前排。", [("n", "杜若")], "distractor 高度; 杜若 also a plant"),
    ("方法总比困难多，这是方志远常说的话。", [("n", "方志远")], "distractor 方法"),
    ("白天睡觉的那只猫是白小雪养的。", [("n", "白小雪")], "distractor 白天"),
    ("马上要开会了，马骁还没到。", [("n", "马骁")], "distractor 马上"),
    ("钱包丢了，是钱晓敏捡到送回来的。", [("n", "钱晓敏")], "distractor 钱包"),
    ("金额核对无误，经办人金泰宇。", [("n", "金泰宇")], "distractor 金额, after 经办人"),
    ("常用联系人里有常思雨吗？", [("n", "常思雨")], "distractor 常用"),
    ("文明城市创建工作由文浩负责。", [("n", "文浩")], "distractor 文明"),
    ("宁静说她今晚不回来吃饭。", [("n", "宁静")], "name that is also a word (宁静)"),
    ("我男朋友叫时光，你帮我写一段生日祝福。", [("n", "时光")], "name that is also a word (时光)"),
    ("把那个PDF发给康乐乐。", [("n", "康乐乐")], "康乐 also a word"),
    ("昨天在超市碰到了初中同学凌霄，她变化好大。", [("n", "凌霄")], "凌霄 also a flower"),
    ("面试安排：候选人仲夏，岗位前端开发，面试官伍志鹏。", [("n", "仲夏"), ("n", "伍志鹏")], "仲夏 also a word (midsummer)"),
    ("谷雨是我女儿的名字，因为她出生在谷雨那天。", [("n", "谷雨")], "first 谷雨 is a name, second is the solar term; listed once"),
    ("冷月和我约好周末去爬山。", [("n", "冷月")], "surname 冷 (also cold)"),
    # --- bare names, no cue word ---
    ("明天上午十点 祝海洋 面试", [("n", "祝海洋")], "bare name in a memo; 海洋 word"),
    ("贺一鸣 已签到", [("n", "贺一鸣")], "bare name at start"),
    ("提醒：邵可欣 15:30 牙科复诊", [("n", "邵可欣")], "bare name in reminder"),
    ("车辆登记：钟立伟，京A·8K2J6", [("n", "钟立伟")], "registration; plate not labeled"),
    ("田甜？她上周就离职了。", [("n", "田甜")], "bare name with question mark"),
    ("值班表：周一 武晓东，周二 聂婷，周三 晏子豪", [("n", "武晓东"), ("n", "聂婷"), ("n", "晏子豪")], "roster with 周一/周二 distractors"),
    ("签收人 熊佳琪", [("n", "熊佳琪")], "surname 熊 (bear)"),
    ("谭雅文，你在吗", [("n", "谭雅文")], "vocative, short"),
    ("致 温柏然：感谢您一年来的支持。", [("n", "温柏然")], "letter salutation"),
    ("@卢静 今晚加班吗", [("n", "卢静")], "@mention"),
    ("会议室预订人：殳晨", [("n", "殳晨")], "very rare surname 殳"),
    ("詹雅琴负责前台，下周一开始。", [("n", "詹雅琴")], "surname 詹"),
    ("请危蓉到前台领取包裹。", [("n", "危蓉")], "surname 危 (also danger)"),
    # --- repeated names ---
    ("陆子昂今天又没交作业，我已经提醒陆子昂三次了。", [("n", "陆子昂")], "same name repeated; listed once"),
    ("帮我给庞宇发消息：庞宇，你的包落在我车上了。", [("n", "庞宇")], "same name repeated; listed once"),
    ("请叫号：骆晴，骆晴请到3号诊室就诊。", [("n", "骆晴")], "hospital call, repeated name; listed once"),
    # --- delivery forms / addresses ---
    ("收件人：易子健，电话：13688120354，地址：广东省深圳市南山区粤海街道高新南九道10号",
     [("n", "易子健"), ("p", "13688120354"), ("a", "广东省深圳市南山区粤海街道高新南九道10号")], "delivery form"),
    ("寄件人 洪美玲 18612093478 浙江省杭州市西湖区文三路478号华星时代广场A座1502",
     [("n", "洪美玲"), ("p", "18612093478"), ("a", "浙江省杭州市西湖区文三路478号华星时代广场A座1502")], "sender form, space separated"),
    ("麻烦把快递寄到上海市浦东新区张江路665号3号楼，收件人写符晓川，电话17721530968。",
     [("a", "上海市浦东新区张江路665号3号楼"), ("n", "符晓川"), ("p", "17721530968")], "address contains 张江路 (surname char); rare surname 符"),
    ("收货人：阮梦瑶 手机：139-1024-8857 地址：江苏省南京市鼓楼区中山北路200号",
     [("n", "阮梦瑶"), ("p", "139-1024-8857"), ("a", "江苏省南京市鼓楼区中山北路200号")], "form, dashed mobile"),
    ("帮我填一下退货单，联系人龙启航，手机15021876430。", [("n", "龙启航"), ("p", "15021876430")], "surname 龙"),
    ("发票抬头个人，姓名邱文博，寄到成都市武侯区人民南路四段27号。", [("n", "邱文博"), ("a", "成都市武侯区人民南路四段27号")], "invoice; after 姓名"),
    ("帮我预约顺丰上门取件，寄件人是梁晓芸，地址北京市朝阳区望京街道阜通东大街6号院2号楼，电话13520019876。",
     [("n", "梁晓芸"), ("a", "北京市朝阳区望京街道阜通东大街6号院2号楼"), ("p", "13520019876")], "pickup request"),
    ("帮我订一束花送给艾米，地址是南京市玄武区珠江路88号新世界中心1809室，电话15951860237。",
     [("n", "艾米"), ("a", "南京市玄武区珠江路88号新世界中心1809室"), ("p", "15951860237")], "surname 艾, two-char name"),
    ("收件人: Zhang Wei, Tel: +86 138 1122 3344, Add: Room 1203, No. 88 Jianguo Road, Chaoyang District, Beijing",
     [("n", "Zhang Wei"), ("p", "+86 138 1122 3344"), ("a", "Room 1203, No. 88 Jianguo Road, Chaoyang District, Beijing")], "pinyin name, English address"),
    ("The package is for Anna Schmidt, 15 Rue de Rivoli, Paris.", [("n", "Anna Schmidt"), ("a", "15 Rue de Rivoli, Paris")], "English name + foreign address"),
    # --- medical ---
    ("帮我挂协和医院消化内科的号，患者姓名丁宏伟，身份证号" + ID1 + "。", [("n", "丁宏伟"), ("d", ID1)], "medical registration + ID card; surname 丁"),
    ("患者：汪淑珍，女，67岁，主诉反复咳嗽两周。", [("n", "汪淑珍")], "medical record"),
    ("明天上午八点带卞小宝去打疫苗。", [("n", "卞小宝")], "full name containing 小宝 (real name, rare surname 卞)"),
    ("给我妈预约一下体检，她叫齐玉珍，电话13811029934。", [("n", "齐玉珍"), ("p", "13811029934")], "surname 齐"),
    ("住院号 20230815 的病人 车文静 今天出院。", [("n", "车文静")], "surname 车; hospital number not PII type"),
    ("我想给郭若彤约个心理咨询，时间周六下午。", [("n", "郭若彤")], "medical appointment"),
    ("Patient: Guo Jianjun, DOB 1958-03-14, allergic to penicillin.", [("n", "Guo Jianjun")], "pinyin name in English record"),
    ("请问 Dr. Rachel Morgan 今天在门诊吗？", [("n", "Rachel Morgan")], "English name after Dr."),
    # --- work emails / meetings ---
    ("季晓明你好，附件是第三季度的预算表，请查收。冉立峰", [("n", "季晓明"), ("n", "冉立峰")], "surname 季 (also 季度); signature at end"),
    ("各位同事：自下周一起，行政部由黎雅婷负责，报销问题请联系她（li.yating@tandemtech.cn）。",
     [("n", "黎雅婷"), ("e", "li.yating@tandemtech.cn")], "work email with contact"),
    ("抄送：封志强；主题：关于年会场地的确认", [("n", "封志强")], "email header; 关于 (关 surname char)"),
    ("Dear Michael Chen，关于上次的合作方案，我们这边已经内部讨论过了。", [("n", "Michael Chen")], "English name in Chinese email"),
    ("请把这份报告发给 Sarah Johnson 和 王磊，截止时间周五。", [("n", "Sarah Johnson"), ("n", "王磊")], "mixed English/Chinese names"),
    ("会议纪要：参会人员 宫明哲、边雪晴、蔺航；记录人 米乐。", [("n", "宫明哲"), ("n", "边雪晴"), ("n", "蔺航"), ("n", "米乐")], "meeting notes; rare surnames 蔺/米"),
    ("本季度优秀员工：苟文轩（研发部）、路一帆（市场部）。", [("n", "苟文轩"), ("n", "路一帆")], "rare surname 苟, surname 路"),
    ("根据计萌的反馈，我们把上线时间推迟到十五号。", [("n", "计萌")], "surname 计 (also 计划)"),
    ("From: Liu Yang <liuyang@example.com> 主题：周报", [("n", "Liu Yang"), ("e", "liuyang@example.com")], "email header pinyin name"),
    ("这个需求是产品经理储晓蕾提的，有问题直接找她。", [("n", "储晓蕾")], "surname 储"),
    ("晚上九点线上复盘，主持人：桑奇；参会：全体后端。", [("n", "桑奇")], "surname 桑"),
    ("这是我们新来的同事，覃思远，大家欢迎。", [("n", "覃思远")], "rare surname 覃"),
    ("刚才打电话的是保险公司的焦永辉。", [("n", "焦永辉")], "surname 焦"),
    ("运维同事阳光明说 10.24.108.7 这台机器今晚重启。", [("n", "阳光明"), ("i", "10.24.108.7")], "name starts with word 阳光; IP"),
    ("登录异常：用户 Pan Jiarui 于 03:12 从 203.119.45.88 登录。", [("n", "Pan Jiarui"), ("i", "203.119.45.88")], "pinyin name + IP"),
    ("麻烦通知一下仇小凡，明天面试改到线上。", [("n", "仇小凡")], "rare surname 仇, given name starts with 小"),
    ("日本客户山田太郎下周来访，请准备会议室。", [("n", "山田太郎")], "Japanese name"),
    ("韩国交换生朴智妍明天到校报到。", [("n", "朴智妍")], "Korean name"),
    # --- customer service ---
    ("您好，我是订单号 DD20240312887 的买家，我叫郁明轩，快递一直没到。", [("n", "郁明轩")], "order number distractor"),
    ("我要投诉你们的快递员，他叫闫大勇，态度特别差。", [("n", "闫大勇")], "complaint"),
    ("工号0937的客服莫小棠服务很好，给她好评。", [("n", "莫小棠")], "surname 莫 (also 'don't')"),
    ("账户名：师晓东，卡号" + BANK1 + "，请核对。", [("n", "师晓东"), ("b", BANK1)], "bank account form; surname 师"),
    ("办理宽带的时候登记的是我老公的名字，叫巩浩宇。", [("n", "巩浩宇")], "surname 巩"),
    ("我叫Lily Wang，想咨询一下退款进度。", [("n", "Lily Wang")], "English name without spaces around it"),
    ("你好，开户人杭嘉树，开户行招商银行，账号" + BANK2_SP + "。", [("n", "杭嘉树"), ("b", BANK2_SP)], "surname 杭 (also 杭州); spaced card number"),
    ("请帮我查询一下，预订人是包晓月，手机尾号8826。", [("n", "包晓月")], "surname 包; phone tail only (not labeled)"),
    ("Could you book a table for two under the name Song Jiaqi?", [("n", "Song Jiaqi")], "pinyin name, English"),
    # --- family chat / nicknames ---
    ("妈，二姨说贺嘉禾下个月办满月酒，问你去不去。", [("n", "贺嘉禾")], "family chat; 二姨 not labeled"),
    ("老公，你记得去接糖糖，她大名叫于思甜，老师只认大名。", [("n", "于思甜")], "nickname 糖糖 not labeled; full name labeled"),
    ("小胖今天在幼儿园打架了，就是邓子航。", [("n", "邓子航")], "nickname 小胖 not labeled"),
    ("爸，我同学柴宇航明天来家里住一晚。", [("n", "柴宇航")], "surname 柴"),
    ("阿强（练志强）说他过年不回来了。", [("n", "练志强")], "nickname 阿强 not labeled; rare surname 练"),
    ("小芳就是方芳，我小学同桌。", [("n", "方芳")], "nickname 小芳 not labeled"),
    ("老周叫上周振东一起来打麻将。", [("n", "周振东")], "nickname 老周 not labeled; 上周 boundary trap"),
    ("姑姑的女儿叫单雨萱，今年上初二。", [("n", "单雨萱")], "surname 单 (also 'single')"),
    ("孟凡星今天在朋友圈发了婚纱照。", [("n", "孟凡星")], "surname 孟"),
    ("快帮我想想怎么回复蒙嘉怡的消息。", [("n", "蒙嘉怡")], "surname 蒙"),
    ("帮我把这张照片发给左一鸣。", [("n", "左一鸣")], "surname 左 (also left)"),
    ("帮我找到聊天记录里和查静雯的对话。", [("n", "查静雯")], "surname 查 (also verb 'check')"),
    ("明天中午和区浩南吃饭。", [("n", "区浩南")], "rare surname 区 (Ou)"),
    ("刁宇飞的作业本落在教室了。", [("n", "刁宇飞")], "rare surname 刁"),
    ("程雪的微信号是多少？", [("n", "程雪")], "surname 程"),
    ("帮我发短信给伏星宇：我到了。", [("n", "伏星宇")], "rare surname 伏"),
    ("那个唱歌很好听的女生叫印小溪。", [("n", "印小溪")], "surname 印"),
    ("给宗泽宇点个外卖，他加班到现在还没吃。", [("n", "宗泽宇")], "surname 宗"),
    ("我们班长叫游思齐，特别负责。", [("n", "游思齐")], "surname 游 (also swim)"),
    ("帮我记一下：借给晁俊杰两千块，他说下个月还。", [("n", "晁俊杰")], "rare surname 晁"),
    ("帮我查一下明天从北京到上海的高铁，乘车人肖雨辰，身份证" + ID2 + "。", [("n", "肖雨辰"), ("d", ID2)], "train ticket + ID card"),
    ("我的身份证号是" + ID3 + "，名字叫利嘉敏，帮我看看表格填对了没。", [("d", ID3), ("n", "利嘉敏")], "rare surname 利 (also profit)"),
    # --- stories / fiction writing ---
    ("那年夏天，刘明远第一次离开村子，去县城读高中。", [("n", "刘明远")], "story"),
    ("故事的主角林晚秋是一名乡村教师。", [("n", "林晚秋")], "story character"),
    ("陈默推开门，发现屋里空无一人。", [("n", "陈默")], "story; homophone 沉默"),
    ("请帮我续写：苏念在雨夜里等了很久，顾北辰始终没有出现。", [("n", "苏念"), ("n", "顾北辰")], "fiction prompt"),
    ("写一首诗送给我女朋友许诺。", [("n", "许诺")], "name that is also a word (许诺)"),
    ("我在写小说，男主叫傅景深，女主叫沈知意，帮我起个书名。", [("n", "傅景深"), ("n", "沈知意")], "novel characters"),
    # --- historical / public figures ---
    ("李白和杜甫谁的诗更好？", [("n", "李白"), ("n", "杜甫")], "historical figures"),
    ("苏轼被贬黄州后写下了《赤壁赋》。", [("n", "苏轼")], "historical figure; 黄州 place"),
    ("帮我找一下鲁迅的《故乡》原文。", [("n", "鲁迅")], "public figure (pen name)"),
    ("诸葛亮草船借箭的故事讲给孩子听。", [("n", "诸葛亮")], "historical figure, compound surname"),
    ("司马迁写《史记》用了多少年？", [("n", "司马迁")], "historical figure, compound surname"),
    ("袁隆平院士被称为杂交水稻之父。", [("n", "袁隆平")], "public figure + 院士"),
    ("屠呦呦因为青蒿素获得了诺贝尔奖。", [("n", "屠呦呦")], "public figure, rare surname 屠"),
    ("姚明退役后做了什么？", [("n", "姚明")], "public figure"),
    ("王羲之的《兰亭序》真迹还在吗？", [("n", "王羲之")], "historical figure"),
    ("李清照的词我最喜欢《如梦令》。", [("n", "李清照")], "historical figure"),
    ("岳飞、文天祥、于谦都是民族英雄。", [("n", "岳飞"), ("n", "文天祥"), ("n", "于谦")], "historical list"),
    ("Who was Albert Einstein's doctoral advisor?", [("n", "Albert Einstein")], "public figure, English possessive"),
    ("给孩子讲讲爱因斯坦小时候的故事。", [("n", "爱因斯坦")], "transliterated foreign name"),
    ("钱学森回国的经历很感人。", [("n", "钱学森")], "public figure, surname 钱"),
    ("武则天是中国唯一的女皇帝吗？", [("n", "武则天")], "historical figure"),
    ("郎朗下个月在上海开音乐会，帮我抢两张票。", [("n", "郎朗")], "public figure"),
    ("曹操和刘备煮酒论英雄是哪一回？", [("n", "曹操"), ("n", "刘备")], "historical figures"),
    ("莫言的《红高粱》拍成电影了吗？", [("n", "莫言")], "public figure; 莫言 also a phrase"),
    ("Elon Musk 又发推了，帮我翻译一下。", [("n", "Elon Musk")], "public figure, English"),
    ("我想看 Steve Jobs 在斯坦福的演讲。", [("n", "Steve Jobs")], "public figure, English"),
    ("王国维的《人间词话》里说了哪三种境界？", [("n", "王国维")], "historical figure; starts with 王国"),
    # --- fictional characters ---
    ("孙悟空三打白骨精讲的是什么？", [("n", "孙悟空")], "fictional character"),
    ("林黛玉葬花那一段帮我背一下。", [("n", "林黛玉")], "fictional character"),
    ("贾宝玉和薛宝钗最后成亲了吗？", [("n", "贾宝玉"), ("n", "薛宝钗")], "fictional characters"),
    ("Harry Potter 和 Hermione Granger 是在第几部里第一次见面的？", [("n", "Harry Potter"), ("n", "Hermione Granger")], "fictional, English names"),
    ("英语课本里的李雷和韩梅梅后来怎么样了？", [("n", "李雷"), ("n", "韩梅梅")], "textbook characters"),
    ("Write me a short story where Sherlock Holmes meets Wang Xiaoming.", [("n", "Sherlock Holmes"), ("n", "Wang Xiaoming")], "fictional + pinyin"),
    # --- English / pinyin names ---
    ("帮我给 David Brown 发一封邮件，邮箱 david.brown@outlook.com，说合同已寄出。",
     [("n", "David Brown"), ("e", "david.brown@outlook.com")], "English name + email"),
    ("Please forward this to Li Na and Chen Jie before Friday.", [("n", "Li Na"), ("n", "Chen Jie")], "pinyin names in English"),
    ("下午三点和 Emily Clark 开会，地点在二楼会议室。", [("n", "Emily Clark")], "English name in Chinese"),
    ("My name is Zhou Xinyi, and my phone number is 186 2231 0457.", [("n", "Zhou Xinyi"), ("p", "186 2231 0457")], "pinyin name + phone"),
    ("Can you remind Wang Haoran to bring the projector tomorrow?", [("n", "Wang Haoran")], "pinyin name"),
    ("我的英文名是 Kevin Zhao，护照上是 ZHAO KAI。", [("n", "Kevin Zhao"), ("n", "ZHAO KAI")], "English name + uppercase passport pinyin"),
    ("Contact person: Huang Mingyu, email huangmy@sjtu.edu.cn", [("n", "Huang Mingyu"), ("e", "huangmy@sjtu.edu.cn")], "pinyin + email"),
    ("请 Jennifer Lee 在周三之前确认行程。", [("n", "Jennifer Lee")], "English name in Chinese"),
    ("Tell Xu Zihan that the meeting moved to Room 305.", [("n", "Xu Zihan")], "pinyin name"),
    ("Ouyang Feifei 的签证材料还差一份在职证明。", [("n", "Ouyang Feifei")], "pinyin compound surname"),
    ("我的房东叫 Robert Miller，他说下个月涨房租。", [("n", "Robert Miller")], "English name after 叫"),
    ("Hi Zhang Yiming, thanks for the intro to Maria Garcia.", [("n", "Zhang Yiming"), ("n", "Maria Garcia")], "pinyin + Spanish name"),
    ("Dear Ms. Tang Yuqing, your application has been received.", [("n", "Tang Yuqing")], "pinyin after Ms."),
    ("学生 Li Haoyu（李浩宇）已完成注册。", [("n", "Li Haoyu"), ("n", "李浩宇")], "pinyin and Chinese forms of same person"),
    ("Jack Wilson and his wife will arrive at 8 pm.", [("n", "Jack Wilson")], "English sentence start"),
    ("我叫 Tom，全名 Thomas Whitfield，来自加拿大。", [("n", "Thomas Whitfield")], "short form Tom not labeled; full name labeled"),
    ("Meeting notes: attendees — Peng Yuxuan, Karen White, Lu Zhe.", [("n", "Peng Yuxuan"), ("n", "Karen White"), ("n", "Lu Zhe")], "mixed list"),
    ("Send the invoice to Fang Wenjing at fangwj@163.com.", [("n", "Fang Wenjing"), ("e", "fangwj@163.com")], "pinyin + email"),
    ("I met Zheng Kaiwen at the conference in Shenzhen.", [("n", "Zheng Kaiwen")], "pinyin name"),
    ("Sun Li说她下周回国。", [("n", "Sun Li")], "pinyin name directly followed by 说"),
    ("Yuan Shuai's flight lands at 10:40.", [("n", "Yuan Shuai")], "pinyin possessive"),
]

NEG = [
    ("高度近视的人适合做激光手术吗？", "高度"),
    ("黄金价格今天又涨了，现在每克多少钱？", "黄金"),
    ("周末去哪儿玩比较好？推荐几个北京周边的地方。", "周末"),
    ("丹麦是一个君主立宪制王国吗？", "王国"),
    ("林业大学的录取分数线是多少？", "林业"),
    ("有没有什么快速背单词的方法？", "方法"),
    ("这笔转账的金额是3860元，备注写货款。", "金额, amount"),
    ("白天太热了，晚上再出去跑步吧。", "白天"),
    ("马上就到了，你先点菜。", "马上"),
    ("我的钱包落在出租车上了，怎么找回来？", "钱包"),
    ("常用的Linux命令有哪些？", "常用"),
    ("文明出行，请勿闯红灯。", "文明"),
    ("帮我订一份宫保鸡丁和一份麻婆豆腐。", "dish names"),
    ("东坡肉和红烧肉有什么区别？", "dish named after a person's alias"),
    ("王老吉和加多宝是一家的吗？", "brand names with surname char"),
    ("周黑鸭的鸭脖今天打折吗？", "brand 周黑鸭"),
    ("华为Mate 60 Pro和小米14哪个拍照好？", "brands + product models"),
    ("订单号 SF1420938876512 的快递到哪儿了？", "order number"),
    ("请在2024年3月15日前缴纳物业费1280元。", "date + amount"),
    ("张家界三日游大概要花多少钱？", "place 张家界"),
    ("李家村到县城的公交几点发车？", "village name 李家村"),
    ("明天去石家庄出差，帮我订个酒店。", "place 石家庄"),
    ("武汉热干面怎么做？", "place + dish"),
    ("温州有哪些值得吃的小吃？", "place 温州"),
    ("朱砂痣是什么意思？", "朱砂"),
    ("杨梅什么时候成熟？", "杨梅"),
    ("胡萝卜炖牛腩要多久？", "胡萝卜"),
    ("我孙子今年上小学了，推荐几本绘本。", "孙子 = grandson"),
    ("何必这么生气呢，下次注意就好。", "何必"),
    ("安全第一，出门记得锁门。", "安全"),
    ("毛衣起球了怎么处理？", "毛衣"),
    ("宋体和黑体哪个更适合做标题？", "font names"),
    ("陈皮泡水喝有什么好处？", "陈皮"),
    ("郑重声明：本店从未授权任何代理商。", "郑重"),
    ("江南水乡有哪些值得去的古镇？", "江南 region (contrast with name case)"),
    ("海尔冰箱的售后电话是多少？", "brand"),
    ("京东和淘宝哪个发货快？", "platform names"),
    ("车厘子和樱桃是一种东西吗？", "车厘子"),
    ("关于下周团建的安排，请大家填写问卷。", "关于"),
    ("齐心协力，共创佳绩！", "齐心"),
    ("韩国泡菜怎么腌？", "韩国"),
    ("苏打水能天天喝吗？", "苏打"),
    ("叶酸要吃到怀孕几个月？", "叶酸"),
    ("谢谢你的帮忙，改天请你吃饭。", "谢谢"),
    ("余额不足，请及时充值。", "余额"),
    ("路由器型号 TL-WR842N 怎么重置？", "路由器 + model"),
    ("申请退款的流程是怎样的？", "申请"),
    ("冷静一点，先把事情理清楚。", "冷静"),
    ("童年最难忘的动画片是哪部？", "童年"),
    ("明天的天气预报说有雷阵雨。", "plain"),
    ("鲁菜是八大菜系之一，代表菜有哪些？", "鲁菜"),
    ("白云机场T2航站楼怎么走？", "白云机场"),
    ("金山办公的股价今天涨了多少？", "company name"),
    ("老乡鸡的套餐多少钱一份？", "brand starting with 老"),
    ("小米手环8忘记充电了。", "brand starting with 小"),
    ("阿里云服务器续费打几折？", "brand starting with 阿"),
    ("老干妈辣酱哪种口味最好吃？", "brand starting with 老"),
    ("司马台长城夜游票怎么买？", "place containing compound surname 司马"),
    ("诸葛烤鱼的门店营业到几点？", "brand containing compound surname 诸葛"),
    ("长城汽车哪款SUV省油？", "brand"),
    ("房间号 1508，请送两瓶矿泉水上来。", "room number"),
    ("柏油路面比水泥路面好在哪？", "柏油"),
    ("康师傅红烧牛肉面的配料表发我看看。", "brand with 师傅 title-like word"),
    ("小区3号楼2单元的电梯坏了，已经报修。", "building numbers"),
    ("向日葵要浇多少水？", "向日葵"),
    ("华山的长空栈道危险吗？", "place 华山"),
    ("发票号码 04400231 开票日期 2024-01-08 金额 ¥2,560.00", "invoice number, date, amount"),
    ("老李今天没来，估计又感冒了。", "nickname only (老+surname); by policy not labeled"),
    ("小张，帮我把文件打印一下。", "nickname only (小+surname); by policy not labeled"),
    ("阿杰说他晚点到，让我们先吃。", "nickname only (阿+char); by policy not labeled"),
]


def main():
    rows = []
    seen = set()
    for text, ents, note in POS:
        assert text not in seen, text
        seen.add(text)
        out = []
        for t, v in ents:
            assert v in text, (v, text)
            out.append({"type": TYPES[t], "value": v})
        assert any(e["type"] == "name" for e in out), text
        rows.append({"text": text, "entities": out, "note": note})
    for text, note in NEG:
        assert text not in seen, text
        seen.add(text)
        rows.append({"text": text, "entities": [], "note": "hard negative: " + note})
    with open(OUT, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    counts = {}
    for r in rows:
        for e in r["entities"]:
            counts[e["type"]] = counts.get(e["type"], 0) + 1
    print("wrote", OUT)
    print("cases:", len(rows), " with names:", len(POS), " negatives:", len(NEG))
    for k in sorted(counts):
        print(f"  {k}: {counts[k]}")


if __name__ == "__main__":
    main()
