"""The recognizer table: one entry per entity (patterns, context words, validator, mask).

Presidio-style: a pattern matches a candidate, a validator (checksum, date, allotted ranges)
confirms or rejects it, and context words near it raise the score. All regexes run on text whose
full-width digits and letters were folded to ASCII (a one-to-one mapping, so offsets hold) and
use digit/alphanumeric look-arounds so a number inside a longer run of digits never matches.
Formats follow GB 11643 (resident ID), GB 32100 (USCC), GA 36 (plates) and MIIT numbering.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType

from beian.detect.pii.masking import mask_email, mask_ip, mask_middle
from beian.detect.pii.validators import (
    Check,
    check_bank_card,
    check_email,
    check_ipv4,
    check_ipv6,
    check_landline,
    check_mobile,
    check_plate,
    check_resident_id,
    check_resident_id15,
    check_uscc,
)

Validator = Callable[[str], Check]
Masker = Callable[[str], str]

_D = "(?<![0-9])"  # no digit before
_DE = "(?![0-9])"  # no digit after
_A = "(?<![0-9A-Za-z])"  # no letter or digit before
_AE = "(?![0-9A-Za-z])"  # no letter or digit after
_DATE = "(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_SEP = "[ -]?"
_PROVINCE_ABBR = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_LETTER = "A-HJ-NP-Z"  # I and O are never used on plates
_USCC_CHAR = "0-9A-HJ-NPQRTUWXY"


@dataclass(frozen=True, slots=True)
class Pattern:
    """One regex of a recognizer with the score it earns when it matches and validates."""

    name: str
    regex: re.Pattern[str]
    score: float


@dataclass(frozen=True, slots=True)
class Recognizer:
    """Everything needed to find, confirm, score and mask one entity type."""

    entity: str
    patterns: tuple[Pattern, ...]
    validate: Validator
    context: re.Pattern[str] | None
    """Words that, near a match, raise its score by ``boost``."""
    boost: float
    mask: Masker
    """Turns the compact value into the masked form written to evidence."""
    strip: Mapping[int, None]
    """``str.translate`` table removing separators before validation and masking."""
    negative: re.Pattern[str] | None = None
    """Words that, just before a match, reject it (e.g. a version number that looks like an IP)."""
    needs: re.Pattern[str] | None = None
    """A cheap test a window must pass before the patterns run (``@`` for e-mail, …)."""


def _words(words: str) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in words.split()), re.IGNORECASE)


def _rec(
    entity: str,
    patterns: list[tuple[str, str, float]],
    validate: Validator,
    context: str,
    *,
    boost: float,
    mask: Masker,
    strip: str = "",
    negative: str = "",
    needs: str = "",
) -> Recognizer:
    return Recognizer(
        entity=entity,
        patterns=tuple(Pattern(n, re.compile(rx), s) for n, rx, s in patterns),
        validate=validate,
        context=_words(context) if context else None,
        boost=boost,
        mask=mask,
        strip=MappingProxyType(dict.fromkeys(map(ord, strip))),
        negative=_words(negative) if negative else None,
        needs=re.compile(needs) if needs else None,
    )


_DIGIT_SEPS = " -()（）"


def _middle(head: int, tail: int) -> Masker:
    return partial(mask_middle, head=head, tail=tail)


def _format_only(value: str) -> Check:
    # No checksum exists for these documents; the score comes from the pattern and context.
    return Check(True, "format only")


def _check_id(value: str) -> Check:
    return check_resident_id(value) if len(value) == 18 else check_resident_id15(value)


RECOGNIZERS: tuple[Recognizer, ...] = (
    _rec(
        "resident_id",
        [
            (
                "id18",
                rf"{_D}[1-9][0-9]{{5}}{_SEP}(?:18|19|20)[0-9]{{2}}{_DATE}{_SEP}[0-9]{{3}}[0-9Xx]{_AE}",
                0.9,
            ),
            ("id15", rf"{_D}[1-9][0-9]{{5}}[0-9]{{2}}{_DATE}[0-9]{{3}}{_AE}", 0.3),
        ],
        _check_id,
        "身份证 身份号码 证件号 公民身份 居民身份 id card id no 身份证号",
        boost=0.5,
        mask=_middle(6, 4),
        strip=" -",
    ),
    _rec(
        "mobile",
        [
            (
                "mobile_cc",
                rf"(?<![0-9+])(?:\+86|0086|\(\+?86\)|86)[ -]?1[3-9][0-9]{_SEP}[0-9]{{4}}{_SEP}[0-9]{{4}}{_DE}",
                0.75,
            ),
            ("mobile", rf"{_D}1[3-9][0-9]{_SEP}[0-9]{{4}}{_SEP}[0-9]{{4}}{_DE}", 0.6),
        ],
        check_mobile,
        "手机 电话 联系方式 致电 拨打 微信 tel phone mobile cell whatsapp",
        boost=0.35,
        mask=_middle(3, 4),
        strip=_DIGIT_SEPS + "+",
    ),
    _rec(
        "landline",
        [
            (
                "landline_sep",
                rf"{_D}(?:[(（]0[1-9][0-9]{{1,2}}[)）] ?|0[1-9][0-9]{{1,2}}[ -])[2-9][0-9]{{6,7}}{_DE}",
                0.45,
            ),
            ("landline", rf"{_D}0[1-9][0-9]{{1,2}}[2-9][0-9]{{6,7}}{_DE}", 0.2),
        ],
        check_landline,
        "电话 座机 固话 传真 联系方式 总机 分机 tel phone fax",
        boost=0.4,
        mask=_middle(4, 2),
        strip=_DIGIT_SEPS,
    ),
    _rec(
        "bank_card",
        [
            (
                "card",
                rf"{_D}[2-69][0-9]{{3}}(?:{_SEP}[0-9]{{4}}){{3}}(?:{_SEP}[0-9]{{1,3}})?{_DE}",
                0.45,
            )
        ],
        check_bank_card,
        "银行卡 卡号 账号 帐号 银行 借记卡 信用卡 储蓄卡 开户 转账 汇款 card account",
        boost=0.35,
        mask=_middle(6, 4),
        strip=" -",
    ),
    _rec(
        "uscc",
        [("uscc", rf"{_A}[{_USCC_CHAR}]{{2}}[0-9]{{6}}[{_USCC_CHAR}]{{10}}{_AE}", 0.85)],
        check_uscc,
        "统一社会信用代码 信用代码 社会信用 营业执照 纳税人识别号 税号 个体工商户",
        boost=0.1,
        mask=_middle(6, 4),
    ),
    _rec(
        "passport",
        [
            ("passport_eg", rf"{_A}[EG][0-9]{{8}}{_AE}", 0.4),
            ("passport_e", rf"{_A}E[{_PLATE_LETTER}][0-9]{{7}}{_AE}", 0.45),
            ("passport_dps", rf"{_A}[DPS]E?[0-9]{{7}}{_AE}", 0.15),
        ],
        _format_only,
        "护照 passport 证件号 出境 签证 visa",
        boost=0.45,
        mask=_middle(2, 2),
    ),
    _rec(
        "hk_macao_permit",
        [
            ("permit_cw", rf"{_A}[CW][0-9A-Z][0-9]{{7}}{_AE}", 0.35),
            ("home_return", rf"{_A}[HM][0-9]{{8}}(?:[0-9]{{2}})?{_AE}", 0.3),
        ],
        _format_only,
        "通行证 港澳 回乡证 往来港澳 来往内地 证件号",
        boost=0.5,
        mask=_middle(2, 2),
    ),
    _rec(
        "taiwan_permit",
        [
            ("permit_t", rf"{_A}T[0-9]{{8}}{_AE}", 0.3),
            ("permit_8", rf"{_A}[0-9]{{8}}{_AE}", 0.05),
        ],
        _format_only,
        "台胞证 往来台湾 来往大陆 台湾居民 赴台 通行证",
        boost=0.6,
        mask=_middle(2, 2),
    ),
    _rec(
        "email",
        [
            (
                "email",
                r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
                r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])",
                0.8,
            )
        ],
        check_email,
        "邮箱 邮件 电邮 email e-mail mail 联系",
        boost=0.15,
        mask=mask_email,
        needs="@",
    ),
    _rec(
        "ipv4",
        [("ipv4", r"(?<![0-9A-Za-z.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9A-Za-z]|\.[0-9])", 0.6)],
        check_ipv4,
        "ip 地址 服务器 主机 登录 访问 host server",
        boost=0.3,
        mask=mask_ip,
        negative="version 版本 ver. release build 固件 firmware 更新",
        needs=r"[0-9]\.[0-9]",
    ),
    _rec(
        "ipv6",
        [
            (
                "ipv6",
                r"(?<![0-9A-Za-z:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![0-9A-Za-z:])",
                0.6,
            )
        ],
        check_ipv6,
        "ip ipv6 地址 服务器 主机 host server",
        boost=0.3,
        mask=mask_ip,
        needs=":[0-9A-Fa-f]*:",
    ),
    _rec(
        "plate",
        [
            (
                "plate",
                rf"[{_PROVINCE_ABBR}][{_PLATE_LETTER}][·• -]?"
                rf"(?:[DF][{_PLATE_LETTER}0-9][0-9]{{4}}|[0-9]{{5}}[DF]|[{_PLATE_LETTER}0-9]{{4}}[{_PLATE_LETTER}0-9挂学警])"
                rf"{_AE}",
                0.55,
            )
        ],
        check_plate,
        "车牌 牌照 号牌 车号 车辆 轿车 汽车 plate",
        boost=0.35,
        mask=_middle(2, 2),
        strip="·• -",
        needs=f"[{_PROVINCE_ABBR}]",
    ),
)

ENTITIES: tuple[str, ...] = tuple(r.entity for r in RECOGNIZERS)
"""Every entity name the detector knows, in table order."""
