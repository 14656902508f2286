#!/usr/bin/env python3
"""Synthetic training sentences for the Chinese name model (train_name_model.py).

Deterministic (seeded): names composed from a surname frequency table and given-name sources,
set into many chat-like Chinese contexts, plus sentences without names that hold ordinary words,
places and things starting with a surname character (the hard negatives). Nothing here comes
from the privacy test files (testdata/privacy/): those are held out for measuring.

Sources: jieba 0.42.1's dict.txt (Debian python3-jieba, MIT) for real given names (tag nr),
ordinary words, places (ns) and other proper nouns; hand lists below from general knowledge.

Usage: make_name_sentences.py [N] > sentences.jsonl   (each line: text, names as [begin, end)
character offsets). train_name_model.py imports generate() directly.
"""
import json
import random
import sys

JIEBA = "/usr/lib/python3/dist-packages/jieba/dict.txt"

# Surnames by approximate frequency rank (mainland registers), most frequent first.
FREQUENT = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
COMPOUND = "欧阳 司马 上官 诸葛 东方 皇甫 令狐 慕容 司徒 尉迟 公孙 夏侯 长孙 宇文 端木 西门 南宫 独孤 呼延 澹台 申屠 万俟".split()

# Given-name characters of names given since the 1990s, and of older generations.
MODERN = (
    "子浩宇轩然睿泽梓俊博文一鸣晨辰昊天皓铭航杰瑞霖熙阳逸凡宸奕煜嘉怡诺安言墨锦程景行远致晟彦知"
    "川屿欣涵萱雨彤诗琪思佳可馨悦语嫣若汐依晴婉清沐冉沫瑶菲萌梦雅琳蕊颖露芮希芷妍溪雪月乐童心"
    "硕宁昕晗钰琦烨修哲翊朗澄谦恒毅楷霆弈衡骁旭宥铄湛澈以亦予禾木艺雯婧璇瑾曦岚璐舒畅宜蔓葭")
OLDER = (
    "建国华明军平伟强红英秀兰芳丽玉珍桂凤霞梅燕娟敏静芬萍春海志刚勇斌波辉峰涛磊鹏亮超宏东林"
    "德福祥瑞庆荣贵宝山成忠义永长金银淑惠琴珠彩云霞娥翠艳洁冬秋卫民兵新胜利光晓小")
OLD_PAIRS = ("建国 建华 建军 国强 国华 志强 志明 秀英 桂英 玉兰 丽华 淑珍 德明 文华 海燕 红梅 春花 卫东 "
             "爱华 爱国 玉梅 秀珍 桂兰 德胜 永明 金凤 晓东 晓燕 小红 小军 立新 振华 世杰 家豪 俊杰 "
             "雪梅 春燕 丽娟 海涛 文斌 志刚 建平 红霞 美玲 淑芬 凤英 国庆 跃进 向东 秀兰 永强").split()

TITLES = ("先生 女士 老师 经理 医生 同学 总 阿姨 师傅 律师 护士 主任 教授 博士 老板 工 姐 哥 "
          "叔叔 部长 校长 书记 总监 大夫 小姐 同志").split()
ROLES = ("同事 客户 老板 朋友 同学 室友 邻居 房东 表哥 表姐 堂弟 学生 家长 组长 经理 主管 助理 "
         "老师 师兄 学姐 队友 医生 患者 作者 导演 演员 选手 新人 实习生 前台 快递员 司机 老公 老婆").split()

# Contexts with a name. {N} {M} names, {T} a title, {R} a role, {W} an ordinary word, {P} a place.
TEMPLATES = """
{N}说他明天请假，帮我跟{M}说一声。
帮我给{N}发个微信，问下周会议几点。
{N}的快递到了，放在前台。
请把合同抄送给{N}和{M}。
明天下午三点和{N}在{P}见面。
{R}{N}刚才打电话来，说{W}的事办好了。
昨天{N}在群里发了{W}的照片。
{N}{T}，您好，您预约的时间是周三上午。
麻烦{N}{T}确认一下订单。
我跟{N}约好了周末去{P}。
会议由{N}主持，{M}负责记录。
{N}、{M}和我三个人一组。
这次获奖的是{N}，恭喜！
姓名：{N}，性别：男，年龄：32
联系人：{N}
收件人：{N}，地址见附件。
@{N} 这个问题你看一下
@{N} 麻烦帮忙review一下{W}的代码
{N}今天没来上班，是不是病了？
听说{N}要结婚了，新娘是{M}。
我们班的{N}考上了{P}的大学。
你认识{N}吗？他是我高中同学。
{N}已经把{W}交上去了。
刚才{N}问我{W}怎么弄。
请{N}到三号诊室就诊。
下一位，{N}。
{N}和{M}是一对双胞胎。
这本书的作者是{N}。
导演{N}的新片下个月上映。
我妈让我给{N}阿姨带点{W}。
{N}同学，请到办公室来一趟。
{N}老师布置的作业太多了。
这是{N}的电脑，别动。
{N}昨天晚上加班到十点。
周五团建，{N}负责订餐厅。
客户{N}反馈{W}有问题。
本周值班：{N}（周一）、{M}（周二）
{N}打算明年去{P}读研。
{N}家的猫又跑丢了。
我觉得{N}说得对。
发件人：{N}
审批人：{N}
{N}把钥匙落在车里了。
替我谢谢{N}。
{N}是我们公司的{W}负责人。
今天{N}请大家喝奶茶。
是{N}推荐我来的。
这个方案是{N}提出来的。
{N}，你的{W}到了。
{N}，快来吃饭！
你问问{N}吧，她比较清楚。
孩子的名字叫{N}，今年六岁。
我儿子{N}在三年级二班。
我女儿叫{N}。
我叫{N}，来自{P}。
大家好，我是{N}，负责{W}。
{N}的生日是下周六。
{N}的电话打不通。
下午{N}要来面试。
{N}被评为优秀员工。
请转告{N}，明天不用来了。
{N}在{P}开了一家店。
上周{N}去{P}出差了。
{N}也想参加这次活动。
{N}又迟到了。
{N}还没交报告。
{N}刚到家。
{N}已经下班了。
{N}正在开会，稍后回复。
{N}要的{W}我放桌上了。
签字：{N}
经办人：{N} 日期：2024年3月5日
{N}给我推荐了一家{W}店。
老{F}和小{G}都来了。
小说里的{N}最后去了{P}。
故事的主人公{N}是一名医生。
我和{N}是大学室友。
{N}跟我说，{M}下个月调走。
{N}让我帮他买{W}。
求助：{N}的{W}坏了怎么办
谁知道{N}的邮箱？
{N}和我一起负责这个项目。
这周由{N}值班。
明早八点{N}来接你。
{N}夸你做得好。
{N}同意了我们的方案。
感谢{N}的帮助。
多亏了{N}，问题解决了。
新来的{N}挺能干的。
{P}的{N}寄来一箱{W}。
{N}住在{P}附近。
{N}最近在学{W}。
奶奶说{N}小时候很调皮。
{N}是{M}的表妹。
等{N}回来再说。
我把{W}借给{N}了。
{N}哭着说不想去了。
{N}笑了笑，没有说话。
{N}推门走了进来。
{N}看了看表，已经九点了。
{N}点了一份{W}。
群主{N}把我踢出群了。
{N}{T}的航班延误了。
请{N}{T}到服务台。
{N}{T}下午有空吗？
尊敬的{N}{T}：
亲爱的{N}：
致{N}：
{N}：
{N}
{N}，{M}
{N} {M}
参会人员：{N}、{M}、{L}
获奖名单：{N} {M} {L}
一等奖 {N}
第一名：{N}，第二名：{M}
主讲人：{N}（{P}大学）
{N}在2023年发表了一篇论文。
{N}于1998年出生在{P}。
记者{N}报道。
{N}教授团队研究发现{W}很重要。
据{N}介绍，今年{W}产量增长了一成。
{N}表示将继续努力。
我的好朋友{N}送了我一个{W}。
{N}哥，明天几点出发？
{N}姐说她不来了。
{N}他们已经到了。
{N}们都在等你。
我想给{N}写封信。
和{N}吵架了，好难过。
{N}生了个女儿。
今天见到了{N}本人！
喜欢{N}的歌。
{N}主演的电视剧很好看。
你是{N}吗？
这是{N}写的。
{N}他爸是医生。
{N}说的那家{W}在{P}。
报名的有{N}、{M}两位。
{N}负责前端，{M}负责后端。
由{N}签收。
病人{N}，男，45岁，主诉头痛。
学生{N}，学号2021001。
员工{N}入职三年。
乘客{N}请到登机口。
""".strip().split("\n")

# Contexts without a name: {W} an ordinary word, {P} a place, {X} a proper noun (brand, dish).
NEG_TEMPLATES = """
明天{W}怎么样？
我想买{W}。
{P}的{W}很有名。
今天去{P}玩了一天。
这个{W}多少钱？
{W}和{W}哪个好？
周末去{P}吃{X}。
{X}的味道不错。
我在{P}等你。
请问{W}在哪里？
{W}已经准备好了。
下周{W}，记得带{W}。
这家店的{X}很好吃。
{P}今天下雨了。
我们公司在{P}。
{W}的时候要注意{W}。
他说{W}不太好。
你觉得{W}怎么样？
帮我查一下{W}。
订单号：2023110512，商品：{X}
{W}{W}{W}。
关于{W}的问题，请看文档。
马上就好，稍等。
高兴地说{W}。
刚才{W}了一下。
老师说{W}很重要。
大家都喜欢{W}。
把{W}放到{P}。
{P}到{P}的高铁几点？
黄金周去{P}旅游。
{X}和{X}都卖完了。
""".strip().split("\n")


# Contexts built from parts: what comes right before a name ({L}) and right after it ({V}).
# The fixed templates above put a name mostly at the start or after a handful of cue words;
# real chat puts it after any verb or time word and before any verb, often a one-character
# verb that also makes given names (开 点 写 欠), so the model must see those edges to learn
# where a name ends. Written from general usage, not from any test file.
BEFORE = """给 和 跟 与 找 问问 通知 告诉 转告 提醒 请 让 叫 等 帮 替 祝 是 把 由 向 对 被 陪 带
还有 以及 或者 联系 麻烦 抄送 抄送给 改成 换成 交给 留给 发给 打给 见到 遇到 碰到 看到 听说
记得 想念 喜欢 邀请 安排 推荐 介绍 表扬 恭喜 感谢 谢谢 问一下 说一下 找一下 催一下 叫上 喊上
周一 周二 周五 今天 昨天 明天 晚上 中午 晚饭 早上 刚才 后来 于是 然后 其实 可是 但是 因为 所以
我和 你和 他和 我跟 我让 我问 我叫 我给 我找 你找 你问 你给 记得给 别忘了叫 顺便问问""".split()
AFTER = """开会 开车来接我 开了个会 欠我两百 欠他一顿饭 点了一份{W} 点的{W} 写的{W} 写了一篇文章
买了{W} 送了我一个{W} 借了我的{W} 拿走了{W} 问我{W}的事 找你有事 帮我搬家 教我们{W} 带孩子去{P}
去{P}了 来了没有 要请假 想换工作 请客吃饭 打电话来了 的电话 的电话号码是多少 的微信 的{W}
推荐的{W} 这个名字挺好听的 都说要来 也来吗 不来了 没来 在吗 在{P} 给我发了{W} 发来的{W}
刚到 先走了 生病了 怎么样了 是谁 是我同事 和我一起去 跟我说过 加班到很晚 值班 出差了
上台领奖 签字了吗 报名了 迟到了 回来了 打了个电话 做的{W} 家里有事 那边怎么说 这周休假
开视频会 看了{W} 听说了 收到了吗 确认一下 负责{W} 管{W} 交了{W} 订了{W} 定的时间 改的方案""".split()


def load_jieba():
    given, words, places, proper, word_names = [], [], [], [], []
    given_chars = set(MODERN + OLDER)
    for line in open(JIEBA, encoding="utf-8"):
        w, f, tag = line.split()
        f = int(f)
        if not all("\u4e00" <= c <= "\u9fff" for c in w):
            continue
        if tag == "nr" and len(w) == 2 and f >= 20 and w[0] in FREQUENT[:100] and w[1] in given_chars:
            word_names.append(w)
        if tag == "nr" and 2 <= len(w) <= 3 and (w[0] in FREQUENT or w[:2] in COMPOUND):
            g = w[2:] if w[:2] in COMPOUND else w[1:]
            if g:
                given.append(g)
        elif tag == "ns" and 2 <= len(w) <= 4 and f >= 20:
            places.append((w, f))
        elif tag in ("nz", "nt") and 2 <= len(w) <= 4 and f >= 20:
            proper.append((w, f))
        elif tag not in ("nr", "nrt", "nrfg") and 2 <= len(w) <= 3 and f >= 50:
            words.append((w, f))
    return given, words, places, proper, word_names


class Sampler:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.given, words, places, proper, word_names = load_jieba()
        surname_chars = set(FREQUENT) | {c[0] for c in COMPOUND}
        # Half the filler words start with a surname character: the hard negatives.
        self.words = [w for w, _ in words]
        self.word_weights = [f ** 0.5 for _, f in words]
        self.sur_words = [w for w, _ in words if w[0] in surname_chars]
        self.sur_weights = [f ** 0.5 for w, f in words if w[0] in surname_chars]
        self.places = [w for w, _ in places]
        self.proper = [w for w, _ in proper]
        self.sur_weights_rank = [1.0 / (r + 1) ** 0.9 for r in range(len(FREQUENT))]
        # Words that jieba also tags as person names, a frequent surname + a given-name
        # character (高峰, 白雪, 黎明): people are named so, and only context tells.
        self.word_names = word_names

    def surname(self):
        r = self.rng.random()
        if r < 0.04:
            return self.rng.choice(COMPOUND)
        if r < 0.80:
            return self.rng.choices(FREQUENT, weights=self.sur_weights_rank)[0]
        return self.rng.choice(FREQUENT[60:])

    def given_name(self):
        rng = self.rng
        r = rng.random()
        if r < 0.30:
            return rng.choice(self.given)
        if r < 0.60:
            return rng.choice(MODERN) + rng.choice(MODERN)
        if r < 0.72:
            return rng.choice(OLD_PAIRS) if rng.random() < 0.5 else rng.choice(OLDER) + rng.choice(OLDER)
        if r < 0.77:
            return rng.choice(MODERN) * 2
        return rng.choice(MODERN + OLDER)

    def name(self):
        # A few names read as words (江河, 高峰): only the context tells them from the word.
        if self.word_names and self.rng.random() < 0.03:
            return self.rng.choice(self.word_names)
        return self.surname() + self.given_name()

    def built_template(self):
        """A context of parts: something before the name, the name, something after."""
        rng = self.rng
        before = rng.choice(BEFORE) if rng.random() < 0.85 else ""
        after = rng.choice(AFTER)
        slot = "{N}" if rng.random() < 0.8 else "{W}"  # the same edges around ordinary words
        return before + slot + after + rng.choice("。，！？ ")

    def word(self):
        if self.rng.random() < 0.5:
            return self.rng.choices(self.sur_words, weights=self.sur_weights)[0]
        return self.rng.choices(self.words, weights=self.word_weights)[0]

    def fill(self, template):
        """The template with its slots filled; names as (begin, end) character offsets."""
        out, spans = [], []
        i = 0
        pos = 0
        while i < len(template):
            if template[i] == "{" and template.find("}", i) == i + 2:
                slot = template[i + 1]
                i += 3
                if slot in "NML":
                    value = self.name()
                    spans.append((pos, pos + len(value)))
                elif slot == "F":  # 老王: a bare surname after 老 is no full name
                    value = self.surname()[0]
                elif slot == "G":
                    value = self.rng.choice(MODERN)
                elif slot == "T":
                    value = self.rng.choice(TITLES)
                elif slot == "R":
                    value = self.rng.choice(ROLES)
                elif slot == "W":
                    value = self.word()
                elif slot == "P":
                    value = self.rng.choice(self.places)
                else:
                    value = self.rng.choice(self.proper)
            else:
                value = template[i]
                i += 1
            out.append(value)
            pos += len(value)
        return "".join(out), spans

    def word_salad(self):
        """Frequency-weighted dictionary words with punctuation: surname characters in real
        words next to real neighbours; a name put in a fifth of them."""
        rng = self.rng
        parts, spans, pos = [], [], 0
        n = rng.randint(4, 12)
        with_name = rng.random() < 0.2
        at = rng.randrange(n) if with_name else -1
        for k in range(n):
            if k == at:
                value = self.name()
                spans.append((pos, pos + len(value)))
            else:
                value = self.word() if rng.random() < 0.8 else rng.choice("的了是在和我你他很也就都")
            parts.append(value)
            pos += len(value)
            if rng.random() < 0.15:
                parts.append(rng.choice("，。、！？ "))
                pos += 1
        return "".join(parts), spans


def generate(n, seed=20261207):
    s = Sampler(seed)
    out = []
    for k in range(n):
        r = s.rng.random()
        if r < 0.35:
            out.append(s.fill(s.rng.choice(TEMPLATES)))
        elif r < 0.55:
            out.append(s.fill(s.built_template()))
        elif r < 0.75:
            out.append(s.fill(s.rng.choice(NEG_TEMPLATES)))
        else:
            out.append(s.word_salad())
    return out


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    for text, spans in generate(n):
        print(json.dumps({"text": text, "names": spans}, ensure_ascii=False))


if __name__ == "__main__":
    main()
