"""Generated names: people, companies, schools. Combinations of common parts, never real people.

Uyghur and Kazakh names are written the way they are transliterated into Chinese
(given name · father's name).
"""

import random

HAN_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
HAN_GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁浩凯健俊帆帅旭宇晨龙林阳志成文新建国庆"
HAN_GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀燕玲桂丹萍红琴云莉兰梅琳雪婷倩颖慧佳欣悦月晓春花"
UYGHUR_MALE = (
    "艾力", "买买提", "阿不都", "吐尔逊", "热合曼", "艾克拜尔", "努尔", "伊力", "亚森", "麦麦提",
    "阿迪力", "吾买尔", "卡米力", "塔依尔", "艾尼瓦尔", "依明", "阿布拉", "肉孜",
)
UYGHUR_FEMALE = (
    "阿依努尔", "热依拉", "米娜", "帕提曼", "祖丽皮亚", "阿依古丽", "努尔古丽", "再努尔", "萨拉",
    "布维", "茹克亚", "海丽且木",
)
KAZAKH_MALE = (
    "叶尔兰", "努尔兰", "阿斯哈尔", "哈那提", "别克", "叶尔江", "加恩别克", "阿曼", "达吾列提",
    "赛力克", "胡安", "巴合提", "波拉提",
)
KAZAKH_FEMALE = (
    "阿依达娜", "加娜尔", "古丽娜尔", "阿依江", "玛依拉", "沙吾列", "阿克达娜", "巴合达娜",
    "阿娜尔",
)
BRANDS = (
    "恒泰", "天润", "瑞丰", "金源", "鑫达", "宏远", "华通", "庆丰", "博远", "新锦", "雪峰", "绿原",
    "泰和", "嘉禾", "顺达", "长风", "晨曦", "远航", "丰泽", "安和", "启明", "汇通", "众诚", "盛景",
)
INDUSTRIES = {
    "PW-ELEC": ("电力工程", "机电安装"),
    "PW-WELD": ("钢结构工程", "机械制造"),
    "PW-FORK": ("仓储物流", "农产品物流"),
    "PW-SECU": ("保安服务", "物业服务"),
    "PW-BELEC": ("建筑安装工程", "建设工程"),
    "PW-FREIGHT": ("道路货运", "运输"),
}
COUNTY_SUFFIXES = ("哈萨克自治县", "市", "县")


def county_short(name: str) -> str:
    """昌吉市 → 昌吉, 木垒哈萨克自治县 → 木垒."""
    for suffix in COUNTY_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


class NameMaker:
    """Deterministic name generator on top of one Random."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def person(self, gender: str, *, kazakh_share: float = 0.12,
               uyghur_share: float = 0.18) -> str:
        roll = self.rng.random()
        if roll < kazakh_share:
            return self._two_part(gender, KAZAKH_MALE, KAZAKH_FEMALE)
        if roll < kazakh_share + uyghur_share:
            return self._two_part(gender, UYGHUR_MALE, UYGHUR_FEMALE)
        given = HAN_GIVEN_MALE if gender == "M" else HAN_GIVEN_FEMALE
        length = 1 if self.rng.random() < 0.3 else 2
        return self.rng.choice(HAN_SURNAMES) + "".join(self.rng.choices(given, k=length))

    def _two_part(self, gender: str, male: tuple[str, ...], female: tuple[str, ...]) -> str:
        own = self.rng.choice(male if gender == "M" else female)
        return f"{own}·{self.rng.choice(male)}"

    def company(self, county: str, pathway_code: str) -> str:
        industry = self.rng.choice(INDUSTRIES.get(pathway_code, ("实业",)))
        return f"{county_short(county)}{self.rng.choice(BRANDS)}{industry}有限公司"

    def brand(self) -> str:
        return self.rng.choice(BRANDS)
