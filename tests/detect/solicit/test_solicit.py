"""Behaviour of the ``solicit`` detector: disguised handles, rules, negatives, options."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beian.detect.solicit import SolicitDetector, find_contacts
from beian.detect.solicit.lexicon import families
from beian.detect.solicit.seed import generate, load_seed, seed_digest
from beian.errors import ConfigError
from beian.registry import registry


@pytest.fixture(scope="module")
def det() -> SolicitDetector:
    d, _ = registry.create("detector", "solicit")
    assert isinstance(d, SolicitDetector)
    return d


@pytest.mark.parametrize(
    ("text", "kind", "handle"),
    [
        ("兼职日结，加薇❤：abc_123 谢谢", "wechat", "加薇❤：abc_123"),
        ("联系微，信 demo_wx01", "wechat", "微，信 demo_wx01"),
        ("➕V：haha888 了解", "wechat", "➕V：haha888"),
        ("ｖｘ：ＡＢＣ１２３４", "wechat", "ｖｘ：ＡＢＣ１２３４"),
        ("加🐧：12345678", "qq", "🐧：12345678"),
        ("扣扣 一二三四五六七", "qq", "扣扣 一二三四五六七"),
        ("电话：壹叁捌零零壹叁捌零零零", "phone", "电话：壹叁捌零零壹叁捌零零零"),
        ("速来 1🌹3🌹8 0013 8000 ok", "mobile", "1🌹3🌹8 0013 8000"),
        ("就是１３８－００１３－８０００", "mobile", "１３８－００１３－８０００"),
        ("纸飞机 @spam_demo", "telegram", "纸飞机 @spam_demo"),
        ("小红薯：xiaohong88", "xiaohongshu", "小红薯：xiaohong88"),
        ("网址 demo-bet点com 注册", "domain", "demo-bet点com"),
        ("详情看我头像", "pointer", "看我头像"),
        ("询0731-88299550", "phone", "询0731-88299550"),
    ],
)
def test_disguised_handles_have_original_spans(text: str, kind: str, handle: str) -> None:
    found = [(c.type, c.text, text[c.start : c.end]) for c in find_contacts(text)]
    assert (kind, handle, handle) in found


@pytest.mark.parametrize(
    "text", ["vivox21 手机怎么样", "我有5000000元", "20180510 行情", "加vip会员"]
)
def test_ordinary_tokens_are_not_handles(text: str) -> None:
    assert not [c for c in find_contacts(text) if c.has_id]


@pytest.mark.parametrize(
    ("text", "risk", "evidence"),
    [
        ("兼职刷单，日结200，加薇❤：abc_123", "A.1.h", "task_scam:兼职刷单"),
        ("同城上门服务 私我", "A.1.f", "porn:上门服务"),
        ("约炮 加 🐧 12345678", "A.1.f", "porn:约炮"),
        ("代开发票", "A.1.h", "fake_docs:代开发票"),  # rule c
        ("时时彩带单，稳赚包赢", "A.1.h", "gambling:时时彩"),  # rule b
        ("新店开业全场五折，订座热线0731-88299550", "A.3.e", "commercial:订座热线"),
        ("刷🌹单返利，联系 1３8００1３8０００", "A.1.h", "task_scam:刷🌹单返利"),
    ],
)
def test_solicitation_fires(det: SolicitDetector, text: str, risk: str, evidence: str) -> None:
    found = det.detect(text)
    assert any(f.risk == risk and f.evidence == evidence for f in found), found
    for f in found:
        assert f.detector == "solicit" and 0.5 <= f.score <= 1.0
        assert f.start is not None and f.end is not None
        assert f.evidence.endswith(text[f.start : f.end])


@pytest.mark.parametrize(
    "text",
    [
        "刷单是违法的吗",
        "警方破获一起网络赌博案，涉案百家乐平台数十个",
        "我被刷单骗了三千块，怎么办？",
        "税务局代开发票怎么收费",
        "快递到了请联系13800138000",
        "我的微信号换了",
        "彩票开奖结果",
        "电话多少",
        "烟台中考网上报名10日启动 截止到13日结束",
    ],
)
def test_negative_contexts_and_plain_mentions_do_not_fire(det: SolicitDetector, text: str) -> None:
    assert det.detect(text) == []


def test_negative_cue_suppresses_what_would_fire(det: SolicitDetector) -> None:
    assert det.detect("兼职刷单，加vx：demo_job1")
    assert det.detect("警方提醒：兼职刷单，加vx：demo_job1 的都是骗子") == []
    # a reassurance that contains a negative cue does not suppress
    assert det.detect("兼职刷单拒绝诈骗，加vx：demo_job1")


def test_score_grows_with_evidence(det: SolicitDetector) -> None:
    cue = det.detect("同城上门服务 私我")[0].score
    handle = det.detect("同城上门服务 电话13800138000")[0].score
    assert cue < handle


def test_benign_hard_negatives_rarely_fire(det: SolicitDetector) -> None:
    benign = [t for t, _, harmful in load_seed(generated=0) if not harmful]
    assert len(benign) >= 150
    flagged = [t for t in benign if det.detect(t)]
    assert len(flagged) <= len(benign) // 50, flagged


def test_hand_written_solicitation_is_mostly_found(det: SolicitDetector) -> None:
    harmful = [(t, r) for t, r, h in load_seed(generated=0) if h]
    assert len(harmful) >= 150
    found = [t for t, r in harmful if {f.risk for f in det.detect(t)} & set(r)]
    assert len(found) >= 0.95 * len(harmful)


def test_generator_is_deterministic_and_labelled() -> None:
    a, b = generate(50), generate(50)
    assert a == b and len(a) == 50
    assert generate(50, seed=1) != a
    assert all(harmful and risks for _, risks, harmful in a)
    assert load_seed(0) == load_seed(0) and len(load_seed(0)) == 165 + 161 + 300
    assert len(seed_digest()) == 64


def test_batch_equals_single(det: SolicitDetector) -> None:
    texts = [t for t, _, _ in load_seed(generated=40)] + ["", "   ", "😀", "a" * 500]
    assert det.detect_batch(texts) == [det.detect(t) for t in texts]


def test_options_are_validated() -> None:
    with pytest.raises(ConfigError):
        registry.create("detector", "solicit", families=["nope"])
    with pytest.raises(ConfigError):
        registry.create("detector", "solicit", min_score=2)
    with pytest.raises(ConfigError):
        registry.create("detector", "solicit", colour="red")


def test_family_subset_and_min_score() -> None:
    only_porn, _ = registry.create("detector", "solicit", families=["porn"])
    assert only_porn.detect("代开发票") == []
    assert only_porn.detect("约炮 加 🐧 12345678")
    strict, _ = registry.create("detector", "solicit", min_score=0.99)
    assert strict.detect("同城上门服务 私我") == []


def test_report_contacts_adds_the_handle_span() -> None:
    d, _ = registry.create("detector", "solicit", report_contacts=True)
    text = "约炮 加 🐧 12345678"
    spans = {text[f.start : f.end] for f in d.detect(text) if f.start is not None}
    assert "🐧 12345678" in spans and "约炮" in spans


_CONTACTISH = st.lists(
    st.sampled_from(
        list("微信vx加VQq扣企鹅1234567890-+ @.com点私聊看我头像评论区飞机tg小红薯刷单日结")
        + ["🐧", "➕", "一", "二"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_CONTACTISH)
def test_contact_scan_at_first_characters_equals_the_full_scan(text: str) -> None:
    """Trying the pattern only where a contact can begin finds exactly what finditer finds."""
    from beian.detect.solicit import contacts as c
    from beian.detect.solicit.prepare import prepare

    digits = prepare(text).digits
    rx, _ = c._pattern()
    full = [(m.span(), m.lastgroup) for m in rx.finditer(digits)]
    assert [(m.span(), m.lastgroup) for m in c._matches(digits, 0, len(digits))] == full


class _FullScan(SolicitDetector):
    """The same detector scanning every character for contacts (the reference)."""

    def _regions_many(self, hits: object, lengths: list[int]) -> list[list[tuple[int, int]]]:
        return [[(0, n)] if n else [] for n in lengths]


def test_regions_around_terms_change_no_finding() -> None:
    """Contacts are looked for only near terms: the findings equal those of a full scan."""
    names = list(families().families)
    det, ref = (cls(families(), names, 0.0, True) for cls in (SolicitDetector, _FullScan))
    far = "普通的一句话，" * 40
    texts = [
        "刷单日结加微信abc12345",
        f"{far}刷单{far}vx: abc12345",
        "兼职" + far + "138 0013 8000",
        "百家乐平台 tg @lucky_888 日结" + far,
    ]
    for text in texts:
        assert det.detect(text) == ref.detect(text), text
    assert any(f.evidence.endswith("contact:wechat") for f in det.detect(texts[0]))


@pytest.mark.parametrize(
    "text",
    [
        "您尾号8812的信用卡05日12:40消费人民币236.00元，优惠活动详询95588【工商银行】",
        "温馨提示：截至到3月2日，您当月套餐内剩余流量1.2GB，登录 www.10086.cn 充值有优惠。",
        "【某某快递】您的快件已到驿站，取件码3-1-2208，咨询热线400-111-2222。",
    ],
)
def test_account_notices_are_not_advertising(det: SolicitDetector, text: str) -> None:
    """A bank, carrier or courier notice to one customer, with its hotline, is not an ad."""
    assert det.detect(text) == []


def test_an_opt_out_line_still_marks_an_ad_inside_a_notice(det: SolicitDetector) -> None:
    text = "您的账户积分即将到期，全场五折限时抢购 t.cn/Ab12Cd 回TD退订"
    assert [f.risk for f in det.detect(text)] == ["A.3.e"]
