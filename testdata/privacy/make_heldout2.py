#!/usr/bin/env python3
"""Generate heldout2.jsonl: a held-out PII evaluation set written without
reference to the detector implementation. Deterministic (no randomness).

Run:  python3 make_heldout2.py   (writes heldout2.jsonl next to this script)
"""
import json
import os
from collections import Counter

TYPES = {"phone", "id", "card", "email", "ip", "name", "address"}

# Names that must not be reused in this set (they appear elsewhere).
FORBIDDEN = ["王芳", "李娜", "张伟", "何炅", "韩寒", "邓紫棋", "张艺谋", "彭于晏",
             "曹操", "肖战", "孙悟空", "姚明", "马超", "杨帆", "谢霆锋", "欧阳修"]


def gb11643(prefix17):
    """Return an 18-digit PRC resident ID with a correct GB 11643-1999 check char."""
    assert len(prefix17) == 17 and prefix17.isdigit()
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * w for c, w in zip(prefix17, weights))
    return prefix17 + "10X98765432"[s % 11]


def gb11643_ok(v):
    return len(v) == 18 and gb11643(v[:17]) == v


def luhn_digit(payload):
    total = 0
    for i, c in enumerate(reversed(payload)):
        d = int(c)
        if i % 2 == 0:  # these positions get doubled once the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(num):
    digits = [int(c) for c in num if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def card(payload, groups=None):
    """payload without check digit; groups e.g. (4,4,4,4) to format with spaces."""
    full = payload + luhn_digit(payload)
    if not groups:
        return full
    out, i = [], 0
    for g in groups:
        out.append(full[i:i + g])
        i += g
    assert i == len(full)
    return " ".join(out)


ID1 = gb11643("33010619900307241")
ID2 = gb11643("11010519851122032")
ID3 = gb11643("44030520010615578")
CARD1 = card("622202123456789012", (4, 4, 4, 4, 3))   # 19-digit UnionPay style
CARD2 = card("621483755012640", (4, 4, 4, 4))          # 16-digit, spaced
CARD3 = card("453201511283036")                        # 16-digit Visa style, no spaces

N, P, I, C, E, IP, A = "name", "phone", "id", "card", "email", "ip", "address"

CASES = [
    # ------------------------------------------------------------------
    # Chinese person names (private individuals)
    # ------------------------------------------------------------------
    ("麻烦帮我给覃雨桐写一封感谢信，她上周帮我搬家了。", [(N, "覃雨桐")], "rare surname 覃"),
    ("联系人：栾子墨\n电话：139 0571 2286", [(N, "栾子墨"), (P, "139 0571 2286")], "name alone on a line"),
    ("欧阳靖宇明天来公司面试，记得提前准备好会议室。", [(N, "欧阳靖宇")], "compound surname at sentence start"),
    ("司马嘉禾、上官婉清、阮一鸣三位同学请到教务处领取证书。",
     [(N, "司马嘉禾"), (N, "上官婉清"), (N, "阮一鸣")], "list with 、"),
    ("请问雍之恒老师的办公室在哪里？", [(N, "雍之恒")], "name before title"),
    ("蓝溪说她今天晚点到，让我们先开始。", [(N, "蓝溪")], "2-char name followed by verb"),
    ("谷一帆经理已经审批了这笔报销。", [(N, "谷一帆")], None),
    ("快递寄到浙江省杭州市西湖区文三路90号，收件人车晓萌，电话18657120934。",
     [(A, "浙江省杭州市西湖区文三路90号"), (N, "车晓萌"), (P, "18657120934")], None),
    ("帮我润色一下这段话：感谢刘梓涵同学在本次活动中的辛勤付出。", [(N, "刘梓涵")], None),
    ("今天和周子衿吃饭的时候聊到了换工作的事", [(N, "周子衿")], None),
    ("我朋友黄一诺推荐了这家店，说他们家的酸菜鱼特别正宗。", [(N, "黄一诺")], None),
    ("陈之遥昨天把合同发给我了，你帮我看看条款有没有问题。", [(N, "陈之遥")], None),
    ("家长签名：林语桐", [(N, "林语桐")], None),
    ("会议纪要\n参会人：吴浩然、郑欣怡、冯子豪、褚慧敏\n议题：Q3 预算调整",
     [(N, "吴浩然"), (N, "郑欣怡"), (N, "冯子豪"), (N, "褚慧敏")], "meeting notes"),
    ("请把这份报告转给诸葛明轩，他负责后续跟进。", [(N, "诸葛明轩")], None),
    ("阮清妍刚才打电话说车坏在半路了。", [(N, "阮清妍")], None),
    ("明天下午三点覃思远会来取样品，到时候麻烦前台通知我一下。", [(N, "覃思远")], "no cue word"),
    ("客服您好，我是宁浩宇，订单号 2024051812345 一直没发货。", [(N, "宁浩宇")], "order number is not PII"),
    ("收件人：雍慧琳 15961234578 江苏省无锡市梁溪区中山路288号",
     [(N, "雍慧琳"), (P, "15961234578"), (A, "江苏省无锡市梁溪区中山路288号")], None),
    ("你好，我叫蓝心悦，想咨询一下退货流程。", [(N, "蓝心悦")], None),
    ("已转账给栾一鸣，备注：房租", [(N, "栾一鸣")], None),
    ("以下是面试名单：方子健、邱雨萱、侯嘉乐、俞思彤",
     [(N, "方子健"), (N, "邱雨萱"), (N, "侯嘉乐"), (N, "俞思彤")], None),
    ("请转告汪梓萱，周五的团建取消了。", [(N, "汪梓萱")], None),
    ("负责人 司徒文博", [(N, "司徒文博")], None),
    ("昨天跟夏侯俊杰打了一场羽毛球，输得很惨。", [(N, "夏侯俊杰")], None),
    ("申请人姓名：皇甫若曦\n身份证号：" + ID1 + "\n住址：北京市朝阳区建国路88号",
     [(N, "皇甫若曦"), (I, ID1), (A, "北京市朝阳区建国路88号")], "form"),
    ("尊敬的慕容雪晴女士：您的会员积分即将过期，请及时使用。", [(N, "慕容雪晴")], None),
    ("上官一凡同学在数学竞赛中获得一等奖。", [(N, "上官一凡")], None),
    ("端木子轩的论文被顶会接收了！", [(N, "端木子轩")], None),
    ("我室友叫令狐思琪，她想问能不能一起报名。", [(N, "令狐思琪")], None),
    ("麻烦把钥匙交给门卫，然后告诉沈之航我们已经出发了。", [(N, "沈之航")], None),
    ("Hi 我是石子昂，周报我晚点发你", [(N, "石子昂")], "周报 next to a name"),
    ("这份方案是高一鸣做的，有问题直接找他。", [(N, "高一鸣")], None),
    ("黄金周期间江晓岚在值班，有急事打她电话 0571-88234567",
     [(N, "江晓岚"), (P, "0571-88234567")], "黄金周 + real name"),
    ("金额确认后请发给财务许嘉怡审核。", [(N, "许嘉怡")], None),
    ("白领公寓的房东常海涛说押金下周退。", [(N, "常海涛")], None),
    ("于是程思语就自己去了医院。", [(N, "程思语")], None),
    ("这次的陈列方案由马晓彤负责。", [(N, "马晓彤")], None),
    ("许多人都不知道，谭子墨其实是我们班第一个考上博士的。", [(N, "谭子墨")], None),
    ("麦子涵妈妈您好，孩子今天在学校发烧了，请尽快来接。", [(N, "麦子涵")], None),
    ("付一凡，男，1995年生，现任某科技公司产品经理。", [(N, "付一凡")], None),
    ("简历\n姓名 柏舒然\n邮箱 bai.shuran@163.com\n手机 +86 138-1045-7721",
     [(N, "柏舒然"), (E, "bai.shuran@163.com"), (P, "+86 138-1045-7721")], None),
    ("下周一曲婧怡请假，她的工作由蒋立诚代理。", [(N, "曲婧怡"), (N, "蒋立诚")], "周一 directly before name"),
    ("妈，我到了，告诉姥姥一声。晚上和表哥苗天佑一起吃饭。", [(N, "苗天佑")], None),
    ("请帮我给房东邬建国发条消息：这个月的水电费我已经转过去了。", [(N, "邬建国")], None),
    ("@项思齐 你的快递到了，在前台", [(N, "项思齐")], None),
    ("感谢聂一宁、甘露、戚子骞三位老师的指导。", [(N, "聂一宁"), (N, "甘露"), (N, "戚子骞")], "甘露 used as a name"),
    ("请问闫之恺是不是你们部门的？", [(N, "闫之恺")], None),
    ("I need to write a 推荐信 for my student 仲夏宁, can you help?", [(N, "仲夏宁")], "mixed language"),
    ("请以骆子期的口吻给客户写一封道歉邮件，客户邮箱是 zhou.mingyue@qq.com",
     [(N, "骆子期"), (E, "zhou.mingyue@qq.com")], None),
    ("我要给闺蜜过生日，她叫卢安琪，帮我想几句祝福语，要带上她的名字。", [(N, "卢安琪")], None),
    ("外卖放门口就行，收货人写的是况一然。", [(N, "况一然")], None),
    ("酒店预订确认：入住人 阚思妤，入住日期 2024年3月8日，共2晚。", [(N, "阚思妤")], None),
    ("家长群通知：请花梓晴、浦一诺、晏子航的家长今天放学后留一下。",
     [(N, "花梓晴"), (N, "浦一诺"), (N, "晏子航")], None),
    ("老板让我问一下，危子健的离职手续办完了吗？", [(N, "危子健")], None),
    ("薄一然在吗？楼下有你的包裹。", [(N, "薄一然")], None),
    ("我跟哥哥鲍之谦合租，房子在上海市徐汇区漕溪北路333号。",
     [(N, "鲍之谦"), (A, "上海市徐汇区漕溪北路333号")], None),
    ("病人向晚晴，女，32岁，主诉头痛三天。", [(N, "向晚晴")], None),
    ("请问原子轩同学的成绩单什么时候能出来？", [(N, "原子轩")], "原子 is also a word"),
    ("计划书已经发给文一舟了，等他回复。", [(N, "文一舟")], None),
    ("明天的分享由党梓萌主讲，主题是用户增长。", [(N, "党梓萌")], None),
    ("帮我翻译成英文：我的导师是欧阳澜教授。", [(N, "欧阳澜")], None),
    ("申屠浩南说他这周末没空。", [(N, "申屠浩南")], None),
    ("宇文思远，你的作业还没交。", [(N, "宇文思远")], None),
    ("转发：各位好，我是新来的实习生查一帆，以后请多关照！", [(N, "查一帆")], None),
    ("单子琪是这次活动的联系人，电话 186 2143 5590。", [(N, "单子琪"), (P, "186 2143 5590")], "单子 is also a word"),
    ("贝思齐的签证材料还缺一份在职证明。", [(N, "贝思齐")], None),
    ("请把奖状颁给冷月华、秦子昂、尤佳琪。", [(N, "冷月华"), (N, "秦子昂"), (N, "尤佳琪")], None),
    ("学生家长庞德兴反映校车经常迟到。", [(N, "庞德兴")], None),
    ("订单备注：送给我老婆伍婉婷，记得附上贺卡。", [(N, "伍婉婷")], None),
    ("报案人滕建军称其电动车于昨晚被盗，身份证号" + ID2 + "。", [(N, "滕建军"), (I, ID2)], None),
    ("刚刚褚一帆发消息说航班延误了", [(N, "褚一帆")], None),
    ("提醒我下午给舅舅戴国栋打电话", [(N, "戴国栋")], None),
    ("收款人：邵子墨\n开户行：招商银行深圳分行\n卡号：" + CARD1,
     [(N, "邵子墨"), (C, CARD1)], "bank card 19 digits"),
    ("帮我写个请假条，我叫龚若溪，因发烧需请假两天。", [(N, "龚若溪")], None),
    ("这周值日安排：周一 路一鸣，周二 成思雨，周三 席子安",
     [(N, "路一鸣"), (N, "成思雨"), (N, "席子安")], "surnames that are also words"),
    ("房屋租赁合同 乙方：水清扬 身份证号码：" + ID3,
     [(N, "水清扬"), (I, ID3)], None),
    ("能帮我查一下为什么关之彤的社保没有缴上吗？", [(N, "关之彤")], None),
    ("老师好，我是谷雨桐的爸爸，孩子今天身体不舒服请假一天。", [(N, "谷雨桐")], None),
    ("麻烦退款到我的银行卡 " + CARD2 + "，持卡人晏思南。",
     [(C, CARD2), (N, "晏思南")], None),
    ("给我写一首藏头诗，藏 “祝车一鸣生日快乐”。", [(N, "车一鸣")], "name inside a longer phrase"),
    # ------------------------------------------------------------------
    # Chinese names of public figures / historical / fictional persons
    # ------------------------------------------------------------------
    ("刘德华的新电影什么时候上映？", [(N, "刘德华")], "public figure"),
    ("帮我写一段介绍苏轼的文字，要适合小学生。", [(N, "苏轼")], "historical figure"),
    ("林黛玉和薛宝钗谁更适合做朋友？", [(N, "林黛玉"), (N, "薛宝钗")], "fictional"),
    ("谷爱凌在冬奥会上拿了几块金牌？", [(N, "谷爱凌")], None),
    ("我想了解一下鲁迅写《狂人日记》的背景。", [(N, "鲁迅")], "pen name"),
    ("周杰伦和蔡依林合作过哪些歌？", [(N, "周杰伦"), (N, "蔡依林")], None),
    ("诸葛亮草船借箭的故事讲给孩子听，要简单一点。", [(N, "诸葛亮")], None),
    ("苏炳添的百米最好成绩是多少？", [(N, "苏炳添")], None),
    ("贾宝玉最后为什么出家了？", [(N, "贾宝玉")], None),
    ("郎朗的钢琴独奏会门票还能买到吗？", [(N, "郎朗")], None),
    ("李白和杜甫是什么关系？", [(N, "李白"), (N, "杜甫")], None),
    ("王昭君出塞的故事可以讲一下吗", [(N, "王昭君")], None),
    ("易烊千玺最近演了什么剧？", [(N, "易烊千玺")], "4-char name"),
    ("孔乙己这个人物反映了什么社会现象？", [(N, "孔乙己")], "fictional"),
    ("杨绛先生的《我们仨》值得读吗", [(N, "杨绛")], None),
    ("张桂梅校长的事迹让人感动，帮我写一篇读后感。", [(N, "张桂梅")], None),
    ("屠呦呦获得诺贝尔奖是哪一年？", [(N, "屠呦呦")], None),
    ("帮我查一下钟南山院士最新的采访", [(N, "钟南山")], None),
    ("袁隆平院士培育的杂交水稻亩产有多少？", [(N, "袁隆平")], None),
    ("温庭筠的词风格有什么特点？", [(N, "温庭筠")], None),
    ("岳飞的《满江红》全文是什么", [(N, "岳飞")], None),
    ("武则天是怎么当上皇帝的？", [(N, "武则天")], None),
    ("王熙凤在红楼梦里是什么性格", [(N, "王熙凤")], None),
    ("令狐冲和任盈盈最后在一起了吗", [(N, "令狐冲"), (N, "任盈盈")], None),
    ("郭靖和黄蓉的女儿叫什么", [(N, "郭靖"), (N, "黄蓉")], None),
    ("巩俐和章子怡合作过哪部电影", [(N, "巩俐"), (N, "章子怡")], None),
    ("全红婵跳水的视频在哪里看", [(N, "全红婵")], None),
    ("樊振东和马龙谁的世界排名更高？", [(N, "樊振东"), (N, "马龙")], None),
    ("佟丽娅主演的那部剧叫什么名字？", [(N, "佟丽娅")], None),
    ("金庸笔下最厉害的角色是谁", [(N, "金庸")], None),
    ("莫言获得诺贝尔文学奖的作品有哪些", [(N, "莫言")], "pen name that is also a phrase"),
    ("三毛和荷西的故事好感人", [(N, "三毛"), (N, "荷西")], None),
    ("成龙的电影推荐几部", [(N, "成龙")], None),
    ("张居正改革的主要内容", [(N, "张居正")], None),
    ("关羽和张飞谁更厉害", [(N, "关羽"), (N, "张飞")], None),
    ("帮我写一段话，比较一下李清照和辛弃疾的词风。", [(N, "李清照"), (N, "辛弃疾")], None),
    # ------------------------------------------------------------------
    # English / pinyin names
    # ------------------------------------------------------------------
    ("Can you draft a reply to Sarah Connor confirming the Tuesday meeting?", [(N, "Sarah Connor")], None),
    ("ask Priya whether the slides are ready before lunch", [(N, "Priya")], "single first name after cue"),
    ("Please forward this to Liu Yang in the Shanghai office.", [(N, "Liu Yang")], "pinyin name"),
    ("Best regards,\nMichael Okafor\nSenior Analyst\nm.okafor@brightwave.io\n+1 (415) 555-0173",
     [(N, "Michael Okafor"), (E, "m.okafor@brightwave.io"), (P, "+1 (415) 555-0173")], "email signature"),
    ("我的英文名是 Emily Zhang，护照上写的是 Zhang Yiting。", [(N, "Emily Zhang"), (N, "Zhang Yiting")], None),
    ("Hi Tom, 明天的 demo 改到下午两点了", [(N, "Tom")], None),
    ("Thanks!\n— Chen Jiahui", [(N, "Chen Jiahui")], "signature"),
    ("Can you summarize Elon Musk's latest post about Mars?", [(N, "Elon Musk")], "public figure"),
    ("Who played Hermione Granger in the movies?", [(N, "Hermione Granger")], "fictional"),
    ("帮我给 Dr. Anil Mehta 写一封预约邮件", [(N, "Anil Mehta")], None),
    ("Let me know if Kenji can join the call on Friday.", [(N, "Kenji")], None),
    ("Meeting notes: attendees - Olivia Brown, Zhao Lei, Marcus Lee. Action item: update the roadmap by Friday.",
     [(N, "Olivia Brown"), (N, "Zhao Lei"), (N, "Marcus Lee")], None),
    ("Contact: Huang Zixuan, huangzx@outlook.com", [(N, "Huang Zixuan"), (E, "huangzx@outlook.com")], None),
    ("Taylor Swift 的新专辑叫什么", [(N, "Taylor Swift")], None),
    ("请把这句话翻译成中文: 'Dear Mr. Fernandez, thank you for your patience.'", [(N, "Fernandez")], None),
    ("My landlord, Gregory Walsh, hasn't returned my deposit. How do I write a complaint?",
     [(N, "Gregory Walsh")], None),
    ("Ping Sun Hao about the server migration, his workstation IP is 10.24.8.117",
     [(N, "Sun Hao"), (IP, "10.24.8.117")], None),
    ("小组作业分工：Lily 负责 PPT，Kevin 负责数据，我负责写报告。", [(N, "Lily"), (N, "Kevin")], None),
    ("Shakespeare 写过哪些悲剧", [(N, "Shakespeare")], None),
    ("Please send the invoice to Fatima Al-Sayed, fatima.alsayed@gmail.com",
     [(N, "Fatima Al-Sayed"), (E, "fatima.alsayed@gmail.com")], None),
    ("Xu Mingze 同学你好，你的奖学金申请已通过。", [(N, "Xu Mingze")], None),
    ("Sherlock Holmes 和 Watson 是怎么认识的", [(N, "Sherlock Holmes"), (N, "Watson")], None),
    ("Cheers,\nDaniel\nSent from my iPhone", [(N, "Daniel")], None),
    ("Hey, it's Jessica Tran. My new number is 415-555-0198.", [(N, "Jessica Tran"), (P, "415-555-0198")], None),
    ("客户 Ms. Ouyang Fei 投诉说收到的货有破损", [(N, "Ouyang Fei")], None),
    ("reach out to Ngozi or Björn if the build fails again", [(N, "Ngozi"), (N, "Björn")], None),
    ("Dear Professor Lin Haoran, I am writing to apply for the summer research position.",
     [(N, "Lin Haoran")], None),
    ("Can you explain what Einstein meant by spooky action at a distance?", [(N, "Einstein")], None),
    ("Tell Ahmed that the report is due Monday.", [(N, "Ahmed")], None),
    ("Login from IP 203.0.113.45 for user Rachel Kim flagged as suspicious.",
     [(IP, "203.0.113.45"), (N, "Rachel Kim")], None),
    ("Card on file: " + CARD3 + ", cardholder Nora Quinn, exp 09/27",
     [(C, CARD3), (N, "Nora Quinn")], None),
    # ------------------------------------------------------------------
    # Hard negatives: no personal data
    # ------------------------------------------------------------------
    ("高速公路国庆期间免费通行吗？", [], "高 + 速"),
    ("黄金周去哪里旅游人少一点？", [], None),
    ("马路对面新开了一家咖啡店，周末去试试。", [], None),
    ("这周的周报模板放在共享盘里了。", [], None),
    ("林业局今年的植树方案已经批下来了。", [], None),
    ("江南一带梅雨季一般从几月开始？", [], None),
    ("石油价格最近涨了多少？", [], None),
    ("订单金额 ¥1,299.00，预计 5 月 20 日送达。", [], None),
    ("白领午餐吃什么比较健康？", [], None),
    ("商场的陈列方式会影响销售额吗？", [], None),
    ("许多人在春节前会大扫除。", [], None),
    ("请不要在墙上张贴广告，违者罚款200元。", [], None),
    ("常用的 Python 库有哪些？", [], None),
    ("于是我们决定改天再去。", [], None),
    ("这个问题的严重程度怎么评估？", [], None),
    ("华为 Mate 60 和 iPhone 15 哪个拍照好？", [], "brand names"),
    ("订单号 DD20240315008812 的物流信息查不到了。", [], "order number"),
    ("Amazon Prime Day 一般在 July 吗？", [], None),
    ("Monday 的会议改到 Wednesday 了。", [], None),
    ("May 的销售数据和 April 相比下降了 12%。", [], "May as a month"),
    ("王府井附近有什么好吃的？", [], "place name"),
    ("周末打算去黄山看日出。", [], None),
    ("关于成本控制的几点建议，请大家周三前反馈。", [], None),
    ("温度计坏了，体温量不准。", [], None),
    ("朱红色和正红色有什么区别？", [], None),
    ("杨树和柳树哪个更适合种在院子里？", [], None),
    ("金融行业的就业前景怎么样？", [], None),
    ("胡萝卜炖牛肉的做法", [], None),
    ("方便面的保质期一般是多久？", [], None),
    ("包装盒上的生产日期是 2024-01-08，价格 39.9 元。", [], None),
    ("明天上午 10:30 在 3 号会议室开周会。", [], None),
    ("梁上的灯坏了，需要找物业来修。", [], None),
    ("宋体和黑体在 Word 里怎么切换？", [], None),
    ("郑州到西安的高铁要多久？", [], None),
    ("苏州园林的门票价格是多少？", [], None),
    ("吴江区的房价最近有下降吗？", [], None),
    ("Apple 和 Google 的财报什么时候公布？", [], None),
    ("Java 和 Go 哪个更适合做后端？", [], None),
    ("毛利率从 35% 下降到了 28%。", [], None),
    ("程序运行报错：IndexError: list index out of range", [], None),
    ("项目进度：已完成 80%，预计下周三上线。", [], None),
    ("车险续保的时候要注意什么？", [], None),
    ("谢谢你的帮助，祝你新年快乐！", [], None),
    ("任务清单：整理发票、更新周报、预订会议室", [], None),
    ("曾经有一段时间我每天都跑步五公里。", [], None),
    ("金色和银色的手机壳哪个更耐脏？", [], None),
]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_path = os.path.join(here, "heldout2.jsonl")

    # sanity checks on generated numbers
    for v in (ID1, ID2, ID3):
        assert gb11643_ok(v), v
    for v in (CARD1, CARD2, CARD3):
        assert luhn_ok(v), v

    seen = set()
    counts = Counter()
    negatives = 0
    lines = []
    for text, ents, note in CASES:
        assert text not in seen, "duplicate text: " + text
        seen.add(text)
        for bad in FORBIDDEN:
            assert bad not in text, "forbidden name %s in %r" % (bad, text)
        for t, v in ents:
            assert t in TYPES, t
            assert v and v in text, "value %r not in text %r" % (v, text)
            counts[t] += 1
        if not ents:
            negatives += 1
        obj = {"text": text, "entities": [{"type": t, "value": v} for t, v in ents]}
        if note:
            obj["note"] = note
        lines.append(json.dumps(obj, ensure_ascii=False))

    with open(out_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")

    print("wrote", out_path)
    print("cases:", len(CASES))
    print("negatives:", negatives)
    print("entities:", sum(counts.values()))
    for t in sorted(TYPES):
        print("  %-8s %d" % (t, counts[t]))


if __name__ == "__main__":
    main()
