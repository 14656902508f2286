#!/usr/bin/env python3
"""Generates src/privacy/names/chinese_famous_names.cc from jieba's dictionary (Debian
python3-jieba 0.42.1, MIT licence: /usr/lib/python3/dist-packages/jieba/dict.txt, "word freq
tag" lines).

A lexicon of well-known people (historical, literary, public figures: 李清照, 诸葛亮, 孔乙己),
whose given names are often ordinary characters that the given-name statistics miss. Taken
from entries tagged as person names (nr, nrfg) with frequency >= MIN_FREQ that:
- start with one of the detector's surnames (single, or compound: 诸葛亮, 欧阳修);
- have a given name of two characters, or one after a compound surname (诸葛亮). Two-character entries are left out: jieba tags
  many ordinary words nr (李子, 贺卡, 陈列, 白领), and no statistic in the dictionary tells
  them from 莫言 or 成龙, so two-character names stay with the context rules;
- do not end in a character that marks a place, a clan or a sentence fragment that jieba kept
  whole (宋家村, 滕王阁, 郭襄听, 吴小姐: see FRAGMENT_ENDS);
- are not an ordinary word plus one character (许可证 = 许可 + 证, 胡萝卜 = 胡 + 萝卜): neither
  the first two nor the last two characters form a frequent word (frequency >= ORDINARY_FREQ;
  for the first two any tag, as jieba tags 许可 nr; for the last two any tag but nr/nrfg/nrt,
  as given names like 子怡 are tagged nr);
- are not chemical names (丁二烯, 丁二醇: CHEMICAL_ENDS);
- are not a surname + a form of address or rank (赵员外, 王老五: ADDRESS_FORMS).

Two-character names (苏轼, 鲁迅) cannot come from the dictionary (see above), so PUBLIC_FIGURES
lists well-known people by hand from general knowledge (historical figures, writers, poets,
scientists, athletes, performers, classic fictional characters); names that are also everyday
words or brands (黎明, 李宁, 三毛钱, 车水马龙, 古龙水) are left out. Political leaders are left
out as names.cc treats them as ordinary words. Three- and four-character entries join the
dictionary's. FOREIGN_FIGURES adds foreign people in Chinese transliteration (牛顿, 莎士比亚).

Usage: make_famous_names.py [DICT] > src/privacy/names/chinese_famous_names.cc
"""
import re
import sys

MIN_FREQ, ORDINARY_FREQ = 10, 300
CHEMICAL_ENDS = "烯醇烷炔酸酯酮醛胺苯"
FRAGMENT_ENDS = ("家氏村庄桥阁殿堂府寺庙园湖河县州郡城镇路街门楼茶区市店馆厂站港湾岛塔宫亭省柜说听见笑问道的了是和在与也"
                 # works and creatures: 滕王阁序, 荆钗记, 马屁精
                 "序赋帖记谱录精怪")
# A surname + a form of address or a rank is how a person is addressed, not a full name (policy:
# 孙阿姨, 赵老师 are not names), and brands take the same shape (X师傅): dropped when the
# given part is one of these, or starts with 老 (王老五, 李老汉: a nickname by seniority).
ADDRESS_FORMS = set("""
师傅 先生 老师 小姐 太太 阿姨 夫人 公子 老爷 少爷 姑娘 娘子 婆婆 大叔 大哥 大姐 大嫂 二嫂 大爷 二爷
三爷 二娘 姨娘 姨妈 嬷嬷 大人 大夫 太医 员外 掌柜 寨主 香主 堂主 坛主 谷主 帮主 教主 庄主 居士
女侠 大侠 道长 大师 师父 师兄 师姐 将军 丞相 太傅 校尉 爵爷 姑爷 大舅 仙姑 大仙
""".split())
PUBLIC_FIGURES = """
刘邦 项羽 韩信 张良 萧何 嬴政 李斯 蒙恬 白起 王翦 廉颇 蔺相如 荆轲 屈原 韩非 商鞅 管仲 晏婴
孙武 孙膑 庞涓 吴起 范蠡 西施 勾践 夫差 伍子胥 苏秦 张仪 刘彻 卫青 霍去病 司马迁 张骞 苏武
班超 班固 蔡伦 张衡 王莽 刘秀 王昭君 董仲舒 贾谊 晁错 李广 曹操 刘备 孙权 关羽 张飞 赵云
马超 黄忠 吕布 貂蝉 周瑜 鲁肃 吕蒙 陆逊 孙策 袁绍 袁术 董卓 华佗 荀彧 郭嘉 许褚 典韦 魏延
姜维 孟获 庞统 徐庶 马谡 甘宁 黄盖 孙坚 刘表 张辽 徐晃 曹丕 曹植 曹冲 诸葛亮 司马懿 王羲之
陶潜 陶渊明 谢灵运 祖冲之 嵇康 阮籍 花木兰 李白 杜甫 白居易 王维 孟浩然 李贺 韩愈 柳宗元 刘禹锡
杜牧 李商隐 王勃 骆宾王 贺知章 岑参 王昌龄 王之涣 元稹 孟郊 贾岛 温庭筠 韦庄 李煜 李世民
武则天 杨玉环 杨贵妃 魏征 房玄龄 李靖 薛仁贵 秦琼 尉迟恭 李隆基 安禄山 郭子仪 颜真卿 柳公权
吴道子 玄奘 鉴真 狄仁杰 张旭 苏轼 苏辙 苏洵 欧阳修 王安石 范仲淹 司马光 岳飞 秦桧 辛弃疾 陆游
李清照 柳永 晏殊 黄庭坚 姜夔 杨万里 朱熹 包拯 寇准 文天祥 赵匡胤 赵构 沈括 毕昇 米芾 杨业
韩世忠 梁红玉 宋江 武松 林冲 鲁智深 李逵 吴用 关汉卿 马致远 郭守敬 忽必烈 成吉思汗 朱元璋 朱棣
于谦 海瑞 戚继光 王阳明 张居正 李时珍 徐霞客 汤显祖 吴承恩 施耐庵 罗贯中 冯梦龙 唐寅 唐伯虎
徐渭 袁崇焕 李自成 吴三桂 努尔哈赤 皇太极 郑成功 纪昀 纪晓岚 和珅 曹雪芹 蒲松龄 林则徐 曾国藩
左宗棠 李鸿章 洪秀全 慈禧 袁世凯 孙中山 黄兴 蔡锷 秋瑾 谭嗣同 康有为 梁启超 严复 詹天佑
鲁迅 老舍 巴金 茅盾 冰心 郭沫若 沈从文 钱钟书 杨绛 张爱玲 徐志摩 林徽因 胡适 朱自清 闻一多
郁达夫 萧红 丁玲 曹禺 艾青 顾城 舒婷 余华 莫言 贾平凹 王蒙 史铁生 王朔 王小波 琼瑶 金庸
梁羽生 韩寒 郭敬明 刘慈欣 铁凝 苏童 毕飞宇 陈忠实 周作人 林语堂 季羡林 钱学森 钱三强 邓稼先
袁隆平 屠呦呦 华罗庚 陈景润 杨振宁 李政道 钟南山 竺可桢 李四光 茅以升 吴健雄 丁肇中 姚明 刘翔
李娜 郎平 朱婷 孙杨 林丹 邓亚萍 王楠 张怡宁 许海峰 易建联 郭晶晶 伏明霞 全红婵 谷爱凌 苏炳添
武大靖 丁俊晖 刘国梁 孔令辉 张继科 樊振东 陈梦 成龙 李连杰 周润发 刘德华 张学友 郭富城 梁朝伟
周星驰 吴京 甄子丹 巩俐 章子怡 范冰冰 赵薇 周迅 舒淇 林青霞 张曼玉 王菲 那英 邓丽君 周杰伦
王力宏 林俊杰 陈奕迅 蔡依林 张惠妹 孙燕姿 李宇春 张靓颖 刘亦菲 杨幂 赵丽颖 杨紫 鹿晗 黄晓明
胡歌 霍建华 王宝强 沈腾 贾玲 黄渤 徐峥 葛优 陈道明 姜文 张艺谋 陈凯歌 冯小刚 李安 王家卫
吴宇森 徐克 宋丹丹 赵本山 郭德纲 岳云鹏 易烊千玺 王俊凯 郎朗 李云迪 谭盾 刘欢 韩红 崔健
李健 许巍 汪峰 邓紫棋 华晨宇 张杰 薛之谦 李荣浩 周深 孙悟空 猪八戒 沙僧 唐僧 贾宝玉 林黛玉
薛宝钗 王熙凤 史湘云 刘姥姥 孔乙己 祥林嫂 闰土 杨过 小龙女 郭靖 黄蓉 令狐冲 任盈盈 张无忌
赵敏 周芷若 乔峰 萧峰 段誉 虚竹 韦小宝 东方不败 岳不群 洪七公 黄药师 欧阳锋 哪吒 后羿 女娲
盘古
""".split()
# Well-known foreign people and characters in their usual Chinese transliteration (general
# knowledge: scientists, writers, composers, painters, philosophers, statesmen, athletes,
# characters of world literature), two to four characters; words that are also brands, places
# or units (乔丹, 维多利亚, 瓦特) are left out.
FOREIGN_FIGURES = """
牛顿 达尔文 伽利略 哥白尼 居里夫人 爱迪生 莎士比亚 狄更斯 托尔斯泰 海明威 马克吐温 雨果
巴尔扎克 歌德 但丁 荷马 安徒生 贝多芬 莫扎特 巴赫 肖邦 梵高 毕加索 达芬奇 拉斐尔 林肯
拿破仑 丘吉尔 罗斯福 甘地 曼德拉 苏格拉底 柏拉图 康德 黑格尔 尼采 马克思 恩格斯 列宁
斯大林 弗洛伊德 霍金 图灵 乔布斯 比尔盖茨 巴菲特 马斯克 扎克伯格 贝索斯 梅西 科比
费德勒 纳达尔 贝克汉姆 哈利波特 福尔摩斯 华生 赫敏 伏地魔 甘道夫 白雪公主 匹诺曹 爱丽丝
唐吉诃德 堂吉诃德 罗密欧 朱丽叶 哈姆雷特 简爱 鲁滨逊 哥伦布 麦哲伦 凯撒 伊丽莎白 戴安娜
奥巴马 特朗普 拜登 普京 默克尔 马拉多纳 贝利 罗纳尔多 内马尔 詹姆斯 奥尼尔 库里 蔡徐坤
泰戈尔 高尔基 普希金 契诃夫 卡夫卡 加缪 萨特 马尔克斯 村上春树 宫崎骏 黑泽明 孟德尔
巴甫洛夫 居里 门捷列夫 开普勒 笛卡尔 帕斯卡 高斯 莱布尼茨 麦克斯韦 法拉第
""".split()
ROOT = __file__.rsplit("/data/", 1)[0]


def surname_tables():
    src = open(f"{ROOT}/src/privacy/names/names.cc", encoding="utf-8").read()

    def block(name):
        m = re.search(name + r" =\n([^;]*);", src)
        return "".join(re.findall(r'"([^"]*)"', m.group(1)))

    singles = set(block("kSingleSurnames")) | set(block("kRareSurnames"))
    m = re.search(r"kCompoundSurnames\[\] = \{([^}]*)\}", src)
    return singles, set(re.findall(r'"([^"]*)"', m.group(1)))


def is_han(w):
    return all("\u4e00" <= c <= "\u9fff" for c in w)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "/usr/lib/python3/dist-packages/jieba/dict.txt"
    singles, compounds = surname_tables()
    entries = [line.split() for line in open(path, encoding="utf-8")]
    ordinary = {w: int(f) for w, f, t in entries if t not in ("nr", "nrfg", "nrt")}
    any_tag = {w: int(f) for w, f, t in entries}
    out = set()
    for w, f, tag in entries:
        if tag not in ("nr", "nrfg") or int(f) < MIN_FREQ or not is_han(w):
            continue
        sur = 2 if w[:2] in compounds else 1 if w[0] in singles else 0
        given = len(w) - sur
        if sur == 0 or not (given == 2 or (sur == 2 and given == 1)):
            continue
        if w[-1] in FRAGMENT_ENDS or w[-1] in CHEMICAL_ENDS:
            continue
        if w[sur:] in ADDRESS_FORMS or w[sur] == "老":
            continue
        if sur == 1 and any_tag.get(w[:2], 0) >= ORDINARY_FREQ:
            continue
        if ordinary.get(w[-2:], 0) >= ORDINARY_FREQ:
            continue
        out.add(w)
    out |= set(PUBLIC_FIGURES) | set(FOREIGN_FIGURES)

    def rows(items, per_line):
        items = sorted(items, key=lambda s: s.encode("utf-8"))
        return "\n".join('    "' + "".join(items[i:i + per_line]) + '"'
                         for i in range(0, len(items), per_line))

    two = [w for w in out if len(w) == 2]
    three = [w for w in out if len(w) == 3]
    four = [w for w in out if len(w) == 4]
    sys.stdout.write(f"""// Generated by data/privacy/make_famous_names.py from jieba 0.42.1's dict.txt (MIT); do not
// edit. {len(two)} two-, {len(three)} three-character and {len(four)} four-character names of well-known people.
#include "privacy/names/chinese_famous_names.h"

#include "privacy/names/sorted_table.h"

namespace tandem::privacy {{
namespace {{

// Sorted by UTF-8 bytes, 6 bytes per name (listed by hand in the generator).
constexpr std::string_view kTwo =
{rows(two, 20)};
// Sorted by UTF-8 bytes, 9 bytes per name.
constexpr std::string_view kThree =
{rows(three, 13)};
// Sorted by UTF-8 bytes, 12 bytes per name (a compound surname and two characters, or four
// characters).
constexpr std::string_view kFour =
{rows(four, 10)};

}}  // namespace

size_t famous_chinese_name_at(std::string_view text, size_t pos) {{
  const std::string_view rest = text.substr(pos);
  if (rest.size() >= 12 && sorted_table_contains(kFour, rest.substr(0, 12))) return 12;
  if (rest.size() >= 9 && sorted_table_contains(kThree, rest.substr(0, 9))) return 9;
  if (rest.size() >= 6 && sorted_table_contains(kTwo, rest.substr(0, 6))) return 6;
  return 0;
}}

}}  // namespace tandem::privacy
""")
    print(f"two {len(two)}, three {len(three)}, four {len(four)}", file=sys.stderr)


if __name__ == "__main__":
    main()
