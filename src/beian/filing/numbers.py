"""Filing-number formats and the provinces (属地) they name.

Known shapes (REGULATION.md §6, issue 17; confidence as there):

- model filing ``Beijing-DeepseekChat-202404280016``: province in pinyin, model name, date
  (YYYYMMDD) and a four-digit sequence [S]; central state-owned firms use ``ZhongYangQiYe``
  instead of a province [S];
- registration (登记) of apps calling a filed model: the same shape is accepted, but the
  registration number format is not confirmed [U];
- algorithm filing ``网信算备110108…号``: 网信算备, a six-digit administrative-division code
  (GB/T 2260) and further digits [S for the prefix and the division code, U for the rest].
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

# (pinyin as in numbers, Chinese short name, GB/T 2260 province code)
PROVINCES: tuple[tuple[str, str, str], ...] = (
    ("Beijing", "北京", "11"),
    ("Tianjin", "天津", "12"),
    ("Hebei", "河北", "13"),
    ("Shanxi", "山西", "14"),
    ("NeiMengGu", "内蒙古", "15"),
    ("Liaoning", "辽宁", "21"),
    ("Jilin", "吉林", "22"),
    ("Heilongjiang", "黑龙江", "23"),
    ("Shanghai", "上海", "31"),
    ("Jiangsu", "江苏", "32"),
    ("Zhejiang", "浙江", "33"),
    ("Anhui", "安徽", "34"),
    ("Fujian", "福建", "35"),
    ("Jiangxi", "江西", "36"),
    ("Shandong", "山东", "37"),
    ("Henan", "河南", "41"),
    ("Hubei", "湖北", "42"),
    ("Hunan", "湖南", "43"),
    ("Guangdong", "广东", "44"),
    ("Guangxi", "广西", "45"),
    ("Hainan", "海南", "46"),
    ("Chongqing", "重庆", "50"),
    ("Sichuan", "四川", "51"),
    ("Guizhou", "贵州", "52"),
    ("Yunnan", "云南", "53"),
    ("Xizang", "西藏", "54"),
    ("Shaanxi", "陕西", "61"),
    ("Gansu", "甘肃", "62"),
    ("Qinghai", "青海", "63"),
    ("Ningxia", "宁夏", "64"),
    ("Xinjiang", "新疆", "65"),
)
CENTRAL_SOE = ("ZhongYangQiYe", "中央企业")
_BY_PINYIN = {p.lower(): (p, zh) for p, zh, _c in PROVINCES} | {CENTRAL_SOE[0].lower(): CENTRAL_SOE}
_BY_CODE = {code: zh for _p, zh, code in PROVINCES}
_ZH_SUFFIXES = ("省", "市", "自治区", "壮族自治区", "回族自治区", "维吾尔自治区")
_MODEL = re.compile(r"^([A-Za-z]+)-(.+)-(\d{8})(\d{4})$")
_ALGORITHM = re.compile(r"^网信算备(\d{6})(\d{8,18})号?$")


@dataclass(frozen=True)
class NumberCheck:
    """What a filing number says and whether it is well formed."""

    number: str
    key: str
    """Normalised form for de-duplication and lookup."""
    format: str
    """model | central_soe | algorithm | unknown."""
    confidence: str
    province: str = ""
    """Chinese short name of the province (or 中央企业) the number names."""
    issued: date | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Well formed in a known shape."""
        return self.format != "unknown" and not self.problems


def normalise(text: str) -> str:
    """Full-width to half-width, no spaces: how people paste numbers from PDFs."""
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", folded)


def number_key(text: str) -> str:
    """The de-duplication key of a number: normalised and case-folded."""
    return normalise(text).casefold()


def province_name(text: str) -> str:
    """The Chinese short name of a 属地 cell (北京市 → 北京, Beijing → 北京), or ''."""
    cell = normalise(text)
    if cell.lower() in _BY_PINYIN:
        return _BY_PINYIN[cell.lower()][1]
    if cell in (CENTRAL_SOE[1], "中央", "央企"):
        return CENTRAL_SOE[1]
    for _p, zh, _c in PROVINCES:
        if cell == zh or (cell.startswith(zh) and cell[len(zh) :] in _ZH_SUFFIXES):
            return zh
    return ""


def _date(digits: str) -> date | None:
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def check_number(text: str, today: date | None = None) -> NumberCheck:
    """Parse ``text`` as a filing number; problems are bilingual one-liners."""
    number = normalise(text)
    key = number.casefold()
    m = _ALGORITHM.match(number)
    if m:
        province = _BY_CODE.get(m.group(1)[:2], "")
        problems = (
            []
            if province
            else [
                f"行政区划代码 {m.group(1)} 不是省级代码开头 / "
                f"division code {m.group(1)} has no known province"
            ]
        )
        return NumberCheck(number, key, "algorithm", "S", province, None, problems)
    m = _MODEL.match(number)
    if not m:
        why = "不符合已知备案号格式 / not in a known filing-number format"
        return NumberCheck(number, key, "unknown", "U", problems=[why])
    found = _BY_PINYIN.get(m.group(1).lower())
    problems = []
    if found is None:
        problems.append(f"未知属地 {m.group(1)} / unknown province {m.group(1)!r}")
    issued = _date(m.group(3))
    if issued is None:
        problems.append(f"日期 {m.group(3)} 无效 / date {m.group(3)} does not exist")
    elif issued < date(2023, 1, 1) or (today is not None and issued > today):
        problems.append(f"日期 {issued} 不在可能范围 / date {issued} is out of range")
    fmt = "central_soe" if found and found[0] == CENTRAL_SOE[0] else "model"
    return NumberCheck(number, key, fmt, "S", found[1] if found else "", issued, problems)


def looks_like_number(text: str) -> bool:
    """Whether a lookup query is meant as a number rather than a model name."""
    n = normalise(text)
    return n.startswith("网信算备") or bool(re.search(r"-\d{8,}$", n))
