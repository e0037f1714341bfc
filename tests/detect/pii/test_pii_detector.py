"""The ``pii`` detector end to end: positive/negative tables per entity, spans, masking, options."""

from __future__ import annotations

import pytest

from beian.detect.base import Detector
from beian.errors import ConfigError
from beian.records import Finding
from beian.registry import registry


def make(**options: object) -> Detector:
    detector, spec = registry.create("detector", "pii", **options)
    assert spec.name == "pii"
    assert isinstance(detector, Detector)
    return detector


DETECTOR = make()
EVERYTHING = make(min_score=0.0)


def entities(findings: list[Finding]) -> list[str]:
    return [f.evidence.split(":", 1)[0] for f in findings]


def assert_single(text: str, value: str, entity: str, detector: Detector = DETECTOR) -> Finding:
    """Exactly one finding, of ``entity``, whose span is the first occurrence of ``value``."""
    findings = detector.detect(text)
    assert entities(findings) == [entity], findings
    f = findings[0]
    start = text.index(value)
    assert (f.start, f.end) == (start, start + len(value))
    assert f.detector == "pii" and f.risk == "A.4.f" and 0.0 < f.score <= 1.0
    return f


# fmt: off
RESIDENT_IDS = [
    "11010519491231002X", "440524188001010014", "110105195810288217", "310104199802091202",
    "440305198108166675", "510107197404044993", "330106195107146222", "320102199801234565",
    "420106196712262340", "370202198702110313", "61011319510121554X", "650102197712015405",
]


@pytest.mark.parametrize("text", [
    "身份证号：{}，请核对", "ID card {}", "{}", "（{}）", "号码{}。",
])
@pytest.mark.parametrize("value", RESIDENT_IDS)
def test_resident_id_positive(text: str, value: str) -> None:
    f = assert_single(text.format(value), value, "resident_id")
    assert f.score >= 0.9


def test_resident_id_with_spaces_and_legacy_id_with_context() -> None:
    assert_single("身份证 110105 19491231 002X 已登记", "110105 19491231 002X", "resident_id")
    f = assert_single("旧身份证号码110105491231002", "110105491231002", "resident_id")
    assert "no checksum" in f.why
    assert DETECTOR.detect("流水号110105491231002") == []  # no context: too weak


@pytest.mark.parametrize("text", [
    "身份证号：110105194912310021",        # wrong check digit
    "身份证号：440524188001010015",        # wrong check digit
    "身份证号：990105194912310025",        # no such province
    "身份证号：110105194902300023",        # 30 February
    "订单号 2110105194912310021700",       # embedded in a 22-digit order number
    "订单号11010519491231002X5",           # a digit glued after the check char
    "订单号911010519491231002X",           # a digit glued before
    "时间戳 1712345678901 和 20240101123456789",
    "随机数 123456789012345678",
    "随机数 735274926384615242",
    "编号 000000194912310028",
    "hash a11010519491231002Xb",
])
def test_resident_id_negative(text: str) -> None:
    assert "resident_id" not in entities(EVERYTHING.detect(text))


MOBILES = [
    "13812345678", "138-1234-5678", "138 1234 5678", "+86 13812345678", "+86-138-1234-5678",
    "008613912345678", "8615012345678", "(+86)18612345678", "19912345678", "17012345678",
    "14712345678", "16612345678",
]


@pytest.mark.parametrize("value", MOBILES)
def test_mobile_positive(value: str) -> None:
    f = assert_single(f"请联系{value}谢谢", value, "mobile")
    assert f.evidence.endswith("****5678")
    assert assert_single(f"手机：{value}", value, "mobile").score > f.score


@pytest.mark.parametrize("text", [
    "编号 12012345678",                   # 120 is not a mobile segment
    "编号 11012345678",
    "编号 10012345678",
    "订单 213812345678",                  # inside a 12-digit run
    "订单 138123456789",
    "订单 9913812345678001",
    "时间戳 1712345678",                  # 10 digits
    "时间戳 1712345678901",               # 13-digit ms timestamp
    "编号 6222 138 1234 5678",            # the tail of a longer separated number
    "流水 2024-138-1234-5678",
    "编号 1381234567",
    "比分 138:1234:5678",
])
def test_mobile_negative(text: str) -> None:
    assert "mobile" not in entities(EVERYTHING.detect(text))


BANK_CARDS = [
    "6222025337406819", "6217004158683449", "6228488690736625856", "6230587812865702",
    "6258070499962283039", "4367421883685957", "5187101748906823", "6013821883607591",
    "9558808386756509", "3568338899579033", "2223000289218403",
]


@pytest.mark.parametrize("value", BANK_CARDS)
def test_bank_card_positive(value: str) -> None:
    f = assert_single(f"银行卡号：{value}", value, "bank_card")
    assert f.evidence == f"bank_card:{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"
    grouped = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    assert_single(f"卡号 {grouped} 已绑定", grouped, "bank_card")


@pytest.mark.parametrize("text", [
    "卡号 6222025337406818",              # Luhn fails
    "卡号 6217004158683448",
    "卡号 1234567812345670",              # Luhn passes, no known issuer prefix
    "卡号 7000000000000002",
    "订单 62220253374068190001",          # longer digit run
    "订单 16222025337406819",             # glued digit before a valid card
    "卡号 622202533740681",               # 15 digits
    "订单号 2024010112345678",            # date-like, Luhn fails
    "卡号 6222 0253 3740 6818",
    "流水 0000000000000000",
    "卡号 8888888888888888",
])
def test_bank_card_negative(text: str) -> None:
    assert "bank_card" not in entities(EVERYTHING.detect(text))


USCCS_INDIVIDUAL = [
    "921112542U0E0QQ87F", "923145013RK5B92551", "92444281GY5M8LN9ET", "92515375FF309CADR4",
    "92333180838WPG6YKK", "92327172T070C41PYQ", "92422725ENGMDHT7LM", "92378563E7GL0CMJRQ",
    "92615363MLD1P94Y6Q", "9250087792U29XY9PM",
]


@pytest.mark.parametrize("value", USCCS_INDIVIDUAL)
def test_uscc_positive(value: str) -> None:
    f = assert_single(f"统一社会信用代码：{value}", value, "uscc")
    assert f.score > 0.85


def test_organisation_uscc_is_reported_only_below_default_threshold() -> None:
    text = "统一社会信用代码 91350100M000100Y43"
    assert DETECTOR.detect(text) == []
    f = assert_single(text, "91350100M000100Y43", "uscc", EVERYTHING)
    assert f.score < 0.5 and "organisation" in f.why


@pytest.mark.parametrize("text", [
    "信用代码 91350100M000100Y44",        # wrong check character
    "信用代码 91350100M000100Y4I",        # I is not in the alphabet
    "信用代码 91350100M0O0100Y43",        # nor is O
    "信用代码 91350100M000100Y43Z",       # glued letter
    "信用代码 A91350100M000100Y43",
    "信用代码 913501O0M000100Y43",        # region must be digits
    "信用代码 9135010OM000100Y43",
    "信用代码 92111254ZU0E0QQ87F",
    "信用代码 921112542U0E0QQ87G",
    "信用代码 921112542V0E0QQ87F",
    "信用代码 91999900M000100Y43",        # no such province
])
def test_uscc_negative(text: str) -> None:
    assert "uscc" not in entities(EVERYTHING.detect(text))


@pytest.mark.parametrize(("text", "value", "entity"), [
    ("电话：010-62345678", "010-62345678", "landline"),
    ("座机 (0755)86123456", "(0755)86123456", "landline"),
    ("传真 0571 8765432", "0571 8765432", "landline"),
    ("护照号码 E12345678", "E12345678", "passport"),
    ("护照 EA1234567", "EA1234567", "passport"),
    ("往来港澳通行证 C12345678", "C12345678", "hk_macao_permit"),
    ("回乡证 H12345678", "H12345678", "hk_macao_permit"),
    ("台胞证号码 12345678", "12345678", "taiwan_permit"),
    ("大陆居民往来台湾通行证 T12345678", "T12345678", "taiwan_permit"),
    ("邮箱 zhang.san@example.com", "zhang.san@example.com", "email"),
    ("mail me: a_b-c+tag@mail.example.org.cn!", "a_b-c+tag@mail.example.org.cn", "email"),
    ("服务器IP 203.0.114.9", "203.0.114.9", "ipv4"),
    ("ip 2400:cb00:2048:1::c629:d7a2", "2400:cb00:2048:1::c629:d7a2", "ipv6"),
    ("车牌京A12345", "京A12345", "plate"),
    ("车牌号粤B·D12345", "粤B·D12345", "plate"),
    ("车辆沪A12345F", "沪A12345F", "plate"),
])
def test_other_entities_positive(text: str, value: str, entity: str) -> None:
    assert_single(text, value, entity)


@pytest.mark.parametrize("text", [
    "总价 12345678 元",                  # bare 8 digits without permit context
    "版本 version 1.2.3.4 发布",         # a version number, not an address
    "v1.2.3.4",
    "地址 256.1.1.1",
    "时间 12:30:45",
    "邮箱 a..b@example.com",
    "邮箱 @example.com",
    "京A1234",                           # too short for a plate
    "京AB12CD",                          # three letters: not an ordinary plate
    "型号 E1234567890",
    "订单 010-1234567",                   # local numbers never start with 1
])
def test_other_entities_negative(text: str) -> None:
    assert DETECTOR.detect(text) == []
# fmt: on


def test_fullwidth_digits_keep_original_offsets() -> None:
    text = "他的手机是１３８１２３４５６７８，身份证１１０１０５１９４９１２３１００２Ｘ。"
    findings = DETECTOR.detect(text)
    assert entities(findings) == ["mobile", "resident_id"]
    mobile, rid = findings
    assert text[mobile.start : mobile.end] == "１３８１２３４５６７８"
    assert text[rid.start : rid.end] == "１１０１０５１９４９１２３１００２Ｘ"
    assert rid.evidence == "resident_id:110105********002X"


def test_evidence_never_contains_the_full_identifier() -> None:
    values = [*RESIDENT_IDS[:3], "13812345678", *BANK_CARDS[:3], USCCS_INDIVIDUAL[0]]
    text = "，".join(f"身份证 手机 卡号 信用代码 {v}" for v in values)
    findings = DETECTOR.detect(text)
    assert len(findings) == len(values)
    for f, v in zip(findings, values, strict=True):
        assert v not in f.evidence and "*" in f.evidence
        assert text[f.start : f.end] == v


def test_context_raises_score_and_is_explained() -> None:
    bare = DETECTOR.detect("请打13812345678")[0]
    ctx = DETECTOR.detect("手机：13812345678")[0]
    assert ctx.score > bare.score and "context '手机'" in ctx.why
    assert "pattern mobile" in bare.why and "context" not in bare.why


def test_options_subset_threshold_and_sensitive_risk() -> None:
    text = "身份证11010519491231002X 手机13812345678"
    only_mobile = make(entities=["mobile"]).detect(text)
    assert entities(only_mobile) == ["mobile"]
    assert make(min_score=0.99).detect("请打13812345678") == []
    sensitive = make(sensitive_as_privacy=True).detect(text)
    assert [f.risk for f in sensitive] == ["A.4.e", "A.4.f"]
    with pytest.raises(ConfigError, match="unknown entities"):
        make(entities=["iban"])
    with pytest.raises(ConfigError):
        make(typo=1)


def test_texts_without_digits_are_empty_and_batch_keeps_order() -> None:
    assert DETECTOR.detect("天下大势，分久必合，合久必分。") == []
    assert DETECTOR.detect("") == []
    out = DETECTOR.detect_batch(["无", "手机13812345678", "邮箱 a@b.cn"])
    assert [entities(x) for x in out] == [[], ["mobile"], ["email"]]


def test_registry_metadata_names_the_risks() -> None:
    info = registry.get("detector", "pii")
    assert set(info.risks) == {"A.4.e", "A.4.f"}
    assert info.version == "1"
