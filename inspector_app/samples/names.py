"""Realistic Chinese names for synthetic packages: enterprises, providers, people, USCCs.

Everything is drawn from a seeded :class:`random.Random`, so that the same seed always gives
the same names. USCCs follow GB 32100-2015 (registration authority ``9`` 工商, type ``1``
企业, a Kunming administrative-division code, a GB 11714 organisation code with its own check
character, and the GB 32100 check character).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from inspector_app.uscc import ALPHABET, complete

#: Kunming's 县(市)区 and development zones with their administrative-division codes
#: (经开区/高新区/滇中新区 are registered under the city-level code 530100 or their host
#: district; realistic enough for the division part of a USCC).
DISTRICTS: tuple[tuple[str, str], ...] = (
    ("五华区", "530102"),
    ("盘龙区", "530103"),
    ("官渡区", "530111"),
    ("西山区", "530112"),
    ("东川区", "530113"),
    ("呈贡区", "530114"),
    ("晋宁区", "530115"),
    ("富民县", "530124"),
    ("宜良县", "530125"),
    ("嵩明县", "530127"),
    ("安宁市", "530181"),
    ("经开区", "530100"),
    ("高新区", "530100"),
)

#: GB/T 4754-2017 classes typical of Kunming's manufacturing SMEs, with the goods they make,
#: a word for the firm's name and the business objects their systems handle.
INDUSTRIES: tuple[tuple[str, str, str, str], ...] = (
    ("C1530", "精制茶加工", "茶业", "普洱茶饼"),
    ("C1512", "白酒制造", "酒业", "白酒"),
    ("C1469", "其他调味品、发酵制品制造", "食品", "调味酱料"),
    ("C2740", "中成药生产", "药业", "中成药"),
    ("C2662", "专项化学用品制造", "化工", "专用化学品"),
    ("C2927", "日用塑料制品制造", "塑业", "塑料制品"),
    ("C2231", "纸和纸板容器制造", "包装", "纸箱"),
    ("C3130", "钢压延加工", "钢材", "钢材"),
    ("C3311", "金属结构制造", "钢结构", "钢结构件"),
    ("C3391", "黑色金属铸造", "铸造", "铸件"),
    ("C3484", "机械零部件加工", "机械制造", "机械零部件"),
    ("C3831", "电线、电缆制造", "电缆", "电线电缆"),
    ("C2110", "木质家具制造", "家具", "实木家具"),
    ("C3670", "汽车零部件及配件制造", "汽配", "汽车零部件"),
)

_TRADE_NAMES = (
    "螺峰",
    "滇池",
    "金马",
    "碧鸡",
    "翠湖",
    "云岭",
    "春城",
    "盘龙",
    "金殿",
    "西山",
    "呈祥",
    "宝象",
    "长坡",
    "晋城",
    "安宁",
    "嵩华",
    "宜城",
    "五华",
    "东骏",
    "南屏",
    "北辰",
    "瑞丰",
    "鑫源",
    "恒达",
    "华宇",
    "昆钢",
    "星耀",
    "明珠",
    "茂源",
    "弘顺",
    "泰和",
    "祥云",
    "永昌",
    "普洱",
    "红土",
    "高原",
    "彩云",
    "丰泽",
    "润达",
    "锦程",
    "博远",
    "创辉",
    "德昌",
    "兴滇",
)
_PROVIDER_TRADE_NAMES = (
    "智造",
    "数联",
    "云创",
    "慧通",
    "睿信",
    "联拓",
    "易达",
    "天禹",
    "捷讯",
    "精工",
    "远景",
    "创新",
    "和信",
    "通衢",
    "汇智",
    "卓越",
    "中软",
    "星河",
    "鼎新",
    "银河",
    "博思",
    "东软",
    "瑞智",
    "华通",
    "科睿",
    "信安",
    "启明",
    "蓝海",
    "数智",
    "云帆",
)
_PROVIDER_KINDS = (
    ("软件", "有限公司"),
    ("信息技术", "有限公司"),
    ("科技", "有限责任公司"),
    ("数字科技", "有限公司"),
    ("网络科技", "股份有限公司"),
)
_HARDWARE_KINDS = (("电子设备", "有限公司"), ("自动化设备", "有限公司"), ("智能装备", "有限公司"))

#: Surnames with pinyin, roughly by frequency.
SURNAMES: tuple[tuple[str, str], ...] = (
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("赵", "zhao"),
    ("黄", "huang"),
    ("周", "zhou"),
    ("吴", "wu"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("胡", "hu"),
    ("朱", "zhu"),
    ("高", "gao"),
    ("林", "lin"),
    ("何", "he"),
    ("郭", "guo"),
    ("马", "ma"),
    ("罗", "luo"),
    ("段", "duan"),
    ("杜", "du"),
    ("普", "pu"),
    ("字", "zi"),
    ("李", "li"),
    ("杨", "yang"),
    ("张", "zhang"),
    ("王", "wang"),
)
GIVEN: tuple[tuple[str, str], ...] = (
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("洋", "yang"),
    ("勇", "yong"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("娟", "juan"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("秀英", "xiuying"),
    ("霞", "xia"),
    ("平", "ping"),
    ("刚", "gang"),
    ("桂英", "guiying"),
    ("建华", "jianhua"),
    ("海燕", "haiyan"),
    ("云", "yun"),
    ("春梅", "chunmei"),
    ("志强", "zhiqiang"),
    ("文", "wen"),
    ("斌", "bin"),
    ("红", "hong"),
    ("晓东", "xiaodong"),
    ("丹", "dan"),
    ("玲", "ling"),
    ("浩", "hao"),
    ("宇", "yu"),
    ("琳", "lin"),
    ("鑫", "xin"),
    ("俊", "jun"),
    ("婷", "ting"),
    ("雪", "xue"),
)


@dataclass(frozen=True)
class Person:
    name: str
    pinyin: str


@dataclass(frozen=True)
class Party:
    name: str
    uscc: str
    district: str = ""


def org_code(rng: random.Random) -> str:
    """A 9-character GB 11714 organisation code (8 digits and its check character)."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    c = 11 - sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
    check = "X" if c == 10 else "0" if c == 11 else str(c)
    return body + check


def uscc(rng: random.Random, division: str) -> str:
    """A valid 18-character USCC of an enterprise registered in ``division``."""
    first17 = "91" + division + org_code(rng)
    assert all(ch in ALPHABET for ch in first17)
    return complete(first17)


def person(rng: random.Random) -> Person:
    s, sp = rng.choice(SURNAMES)
    g, gp = rng.choice(GIVEN)
    if len(g) == 1 and rng.random() < 0.45:
        g2, gp2 = rng.choice([x for x in GIVEN if len(x[0]) == 1])
        g, gp = g + g2, gp + gp2
    return Person(s + g, sp + gp)


def people(rng: random.Random, n: int) -> list[Person]:
    """``n`` people with distinct names and distinct login ids."""
    out: list[Person] = []
    seen: set[str] = set()
    while len(out) < n:
        p = person(rng)
        if p.name in seen:
            continue
        seen.add(p.name)
        out.append(p)
    return out


def login_ids(persons: list[Person]) -> list[str]:
    """Login ids as Chinese systems make them: pinyin, with a number for namesakes."""
    ids: list[str] = []
    used: dict[str, int] = {}
    for p in persons:
        n = used.get(p.pinyin, 0) + 1
        used[p.pinyin] = n
        ids.append(p.pinyin if n == 1 else f"{p.pinyin}{n}")
    return ids


def phone(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return "0871-" + str(rng.randint(63000000, 68999999))
    return rng.choice(("139", "138", "187", "150", "158", "177", "181")) + "".join(
        rng.choice("0123456789") for _ in range(8)
    )


@dataclass(frozen=True)
class EnterpriseName:
    name: str
    trade: str
    district: str
    division: str
    industry_code: str
    industry_name: str
    industry_word: str
    product: str


def enterprise(rng: random.Random) -> EnterpriseName:
    district, division = rng.choice(DISTRICTS)
    code, name, word, product = rng.choice(INDUSTRIES)
    trade = rng.choice(_TRADE_NAMES)
    prefix = "云南" if rng.random() < 0.35 else "昆明"
    suffix = "有限公司" if rng.random() < 0.8 else "有限责任公司"
    return EnterpriseName(
        prefix + trade + word + suffix, trade, district, division, code, name, word, product
    )


def providers(
    rng: random.Random, n: int, *, avoid: set[str], hardware: bool = False
) -> list[Party]:
    """``n`` distinct providers whose trade names do not overlap ``avoid`` or each other.

    Distinct trade names matter: the red-flag rules treat one normalised name containing
    another as the same party.
    """
    out: list[Party] = []
    kinds = _HARDWARE_KINDS if hardware else _PROVIDER_KINDS
    while len(out) < n:
        trade = rng.choice(_PROVIDER_TRADE_NAMES)
        if trade in avoid or any(trade in a or a in trade for a in avoid):
            continue
        avoid.add(trade)
        kind, suffix = rng.choice(kinds)
        prefix = rng.choice(("云南", "昆明", "云南", "昆明", "云南省"))
        district, division = rng.choice(DISTRICTS[:7] + DISTRICTS[11:])
        out.append(Party(prefix + trade + kind + suffix, uscc(rng, division), district))
    return out
