"""Build the starter keyword library, question banks and benign reference corpus.

    .venv/bin/python scripts/build_starter_assets.py [--shared ../shared]

Deterministic: same inputs → byte-identical outputs. Copies only from sets that may ship
(../shared/data/README.md §1): sensitive-lexicon (MIT), ldnoobw-zh (CC0 / CC BY 4.0), swsr
SexHateLex (MIT), zuanbot (Apache-2.0, single insult words), safetybench-zh (MIT), cvalues
(Apache-2.0), cold (Apache-2.0, benign reference texts only) and jade-v3-medium (MIT,
GB18030). Writes src/beian/demo/keywords/, src/beian/demo/banks/ and
src/beian/library/data/benign_reference.txt, each with the upstream licences next to it. The
dev-only sets (TNEWS, lawyer-llama, alpaca-zh, waimai, spam SMS, S-Eval) are only counted: each
entry's measured figures (``benign_hits``, ``benign_rate``, ``harmful_hits``, ``precision``) and
the cuts they drive are documented in src/beian/demo/keywords/README.md.

The keyword library is then curated on benign prose (the first half of the bench novel
chapters, MIT; see ``curate``): strong terms that fire there as idioms or names are marked weak
(they then flag only with corroboration), everyday 2-character words are dropped (both listed
with reasons in build_stats.json), and benign compounds become allow entries. bench/bench_starter_precision.py measures on the held-out second half.

Nothing is invented: where a source label maps coarsely to a risk id or topic, or where a
keyword rule picked the id, the entry's ``note`` says so; where no source covers a risk, the
library stays short and ``beian library check`` / ``beian bank check`` report it.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_starter_precision import corpora  # noqa: E402

from beian.detect.detector_set import ScoringOptions  # noqa: E402
from beian.detect.keyword import KeywordDetector  # noqa: E402
from beian.detect.keyword.compile import strength  # noqa: E402
from beian.library.dedup import normalise  # noqa: E402
from beian.library.history import Event, Kind  # noqa: E402
from beian.library.io import save_keywords, save_questions  # noqa: E402
from beian.library.precision import benign_hits  # noqa: E402
from beian.library.records import KeywordEntry, Question  # noqa: E402
from beian.library.tabular import decode  # noqa: E402

# The data snapshot date (../shared/data was frozen on this day): entries' `added` date.
SNAPSHOT = date(2025, 11, 28)
ACTOR = "scripts/build_starter_assets.py"
KW_DIR = ROOT / "src/beian/demo/keywords"
BANK_DIR = ROOT / "src/beian/demo/banks"
BENIGN = ROOT / "src/beian/library/data/benign_reference.txt"

# Categorised lexicon files → (risk id, note). Order = priority when a term is in two files.
LEXICON = {
    "暴恐词库.txt": ("A.1.d", "coarse: 暴恐词库 is mostly cult names (also A.1.h)"),
    "涉枪涉爆.txt": ("A.1.h", "coarse: 涉枪涉爆 → A.1.h/A.1.d"),
    "色情类型.txt": ("A.1.f", ""),
    "色情词库.txt": ("A.1.f", ""),
    "政治类型.txt": ("A.1.a", "coarse: 政治类型 → A.1.a–A.1.c"),
    "反动词库.txt": ("A.1.a", "coarse: 反动词库 → A.1.a–A.1.c"),
    "贪腐词库.txt": ("A.1.b", "coarse: 贪腐词库 → A.1.b"),
    "COVID-19词库.txt": ("A.1.g", ""),
    "民生词库.txt": ("A.1.c", "coarse: 民生词库 → A.1.c/A.1.h"),
    "广告类型.txt": ("A.3.e", "coarse: 广告类型 → A.3.e/A.1.h"),
    "其他词库.txt": ("A.1.h", "low confidence: upstream '其他' (uncategorised)"),
}
# Separatism words move a political term from A.1.a to A.1.c (煽动分裂国家).
SEPARATISM = re.compile(r"独|分裂|东突|达赖|藏青会|疆")
NOT_USED = {
    "零时-Tencent.txt": "big merged list: fires on 60–70 % of benign text (data README §4)",
    "网易前端过滤敏感词库.txt": "big merged list (as above)",
    "GFW补充词库.txt": "big merged list (as above)",
    "补充词库.txt": "big merged list (as above)",
    "非法网址.txt": "URLs, not keywords of generated text",
    "新思想启蒙.txt": "16 slang terms with no clear risk id",
}

# Curation on benign prose: the first half of the novel chapters of ../shared/bench/data/
# corpus.jsonl.gz (MIT; bench/bench_starter_precision.py measures on the second half). A term
# "fires" in a chapter when the keyword detector (its context rules included) finds it there.
NOVELS = "bench/data/corpus.jsonl.gz"
MIN_CHAPTERS_STRONG = 2
"""A term of 3+ characters flags alone (detect.keyword.compile.strength ≥ keyword_alone): firing
in this many benign chapters makes it an idiom or name (青天白日, 观世音), not a signal."""
MIN_SHARE_WEAK = 0.01
"""A 2-character term (weak: needs a second term nearby) firing in this share of chapters ..."""
MIN_WORD_FREQ = 100
"""... and listed in detect/keyword/words.txt with at least this jieba frequency is an everyday
word (弟子, 游行, 总理, 呻吟): two of them in one sentence are ordinary prose, not corroboration."""
KEYWORD_ALONE = ScoringOptions().keyword_alone
"""Score at which a keyword hit flags alone under default scoring (the DetectorSet's option)."""
MIN_COMPOUND_HITS = 2
"""A compound around a term (打死人命, 大法师) seen this often in the tuning chapters, whose edge
forms a listed word across the term's boundary (人命, 法师), becomes an allow-list entry."""

# ---------------------------------------------------------------------------------------------
# Profanity, insults and slurs (A.4.c, A.1.f, A.2.*), filed by meaning.
#
# Sources that may ship: ldnoobw-zh v2 (CC0-1.0) and v1 (CC BY 4.0, attribution in the README
# and LICENSE-ldnoobw-v1), swsr/SexHateLex.txt (MIT) and zuanbot (Apache-2.0; only frequent
# insult words chosen by hand from its sentences, no sentence is copied). Lexicon terms are
# filed by the first matching meaning rule below; terms no rule covers (game-spam words such as
# 客服, 管理員, plain words such as 老头, 干嘛) are not taken (counted in build_stats.json).
# ---------------------------------------------------------------------------------------------
PROFANITY_SOURCES = {
    "ldnoobw_v2_zh.txt": "ldnoobw-zh@e2f7430:ldnoobw_v2_zh.txt (CC0-1.0)",
    "SexHateLex.txt": "swsr@7b32018:SexHateLex.txt (MIT)",
    "ldnoobw_v1_zh.txt": "ldnoobw-zh@5faf2ba:ldnoobw_v1_zh.txt (CC BY 4.0, LDNOOBW contributors)",
}
LICENCES = {
    "ldnoobw-zh/LICENSE_v2_CC0-1.0": "LICENSE-ldnoobw-v2",
    "ldnoobw-zh/LICENSE_v1_CC-BY-4.0": "LICENSE-ldnoobw-v1",
    "swsr/LICENSE": "LICENSE-swsr",
    "zuanbot/LICENSE": "LICENSE-zuanbot",
}
"""Upstream licences shipped next to the library (source in ../shared/data → file name)."""
ZUANBOT_SOURCE = "zuanbot@ce05952: frequent insult word, chosen by hand (Apache-2.0)"
OURS = "beian: written by us (disguised spellings and slurs of the same meaning)"

# Our curated core, by meaning: term → disguised spellings (variants). Pinyin initials (sb, cnm,
# nmsl, tmd), homophones (煞笔, 草泥马, 尼玛) and emoji (🐴 for 马/妈) are listed variants: pinyin
# and homophone folding of the detector only covers terms of 3+ characters.
CORE: dict[str, dict[str, list[str]]] = {
    "A.4.c": {
        "傻逼": ["sb", "煞笔", "傻b", "傻x", "沙比", "傻比", "傻屄", "煞逼", "shabi", "傻币"],
        "傻叉": ["傻叉叉"], "傻缺": [], "二逼": ["2b", "二b", "二比"], "装逼": ["装b", "装比"],
        "操你妈": ["草泥马", "cnm", "草你妈", "艹你妈", "操尼玛", "草拟吗", "草拟马", "日你妈",
                 "肏你妈", "干你妈", "操你🐴", "草你🐴", "曹尼玛", "wcnm"],
        "你妈死了": ["nmsl", "你🐴死了", "尼玛死了", "你妈死"],
        "他妈的": ["tmd", "他🐴的", "特么的", "他喵的"], "你妈的": ["你🐴的", "尼玛的"],
        "你妈逼": ["你麻痹", "nmb", "你马痹", "尼玛币"], "妈卖批": ["mmp", "妈卖皮"],
        "你妈": ["你🐴"], "去你妈的": [], "你全家": [], "死全家": ["死全家了"],
        "脑残": ["脑瘫", "nc"], "智障": ["智zhang"], "弱智": [], "白痴": ["白吃"], "低能儿": [],
        "废物": ["fw"], "人渣": [], "贱人": ["jian人"], "贱货": [], "贱种": [], "婊子": ["biao子"],
        "杂种": [], "狗杂种": [], "畜生": ["畜牲"], "王八蛋": ["王八羔子"], "狗日的": [],
        "狗娘养的": [], "狗东西": [], "去死吧": [], "滚蛋": [], "滚犊子": [], "给我滚": [],
        "蠢货": [], "蠢猪": [], "垃圾东西": [], "你爹我": [], "野爹": [], "吃屎": [],
        "混蛋": ["浑蛋"], "龟孙": ["龟孙子"], "瘪三": [], "不要脸": [], "臭傻逼": [], "孬种": [],
    },
    "A.2.e": {
        "女拳": ["女拳师"], "田园女权": ["田园女拳", "中华田园女权"], "母狗": [], "婚驴": [],
        "男拳": [], "普信男": [], "普信女": [], "直男癌": [], "男蛆": [], "捞女": [],
        "绿茶婊": [], "心机婊": [], "扶弟魔": [], "母猪": [], "娘炮": [], "娘娘腔": [],
        "龟男": [], "接盘侠": [], "女人都是贱": [],
    },
    "A.2.d": {
        "河南骗子": ["河南人都是骗子"], "湾湾": [], "呆湾": [], "台巴子": [], "湾巴佬": [],
        "北佬": [], "捞仔": [], "港灿": [], "偷井盖": [], "外地狗": [], "乡巴佬": [],
        "东北佬": [], "大陆狗": [], "台湾狗": [],
    },
    "A.2.a": {
        "黑鬼": ["黑鬼子"], "尼哥": ["黑尼哥"], "黑蛆": [], "黑猴子": [], "非洲猴": [],
    },
    "A.2.b": {"绿绿": [], "穆狗": []},
    "A.2.c": {
        "阿三": ["印度阿三", "阿三哥"], "棒子": ["高丽棒子", "韩国棒子"], "小日本": [],
        "日本鬼子": ["小鬼子"], "倭猪": [], "白皮猪": [], "洋鬼子": [], "越南猴子": [],
        "脚盆鸡": ["大脚盆族"], "支那": ["支那人", "支那猪"], "东亚病夫": [], "老毛子": [],
        "鬼佬": [],
    },
}  # fmt: skip
STRONG_CANDIDATES = frozenset(CORE["A.4.c"]) | frozenset(
    t for r in ("A.2.a", "A.2.b", "A.2.c", "A.2.d", "A.2.e") for t in CORE[r]
)
"""Curated terms that may flag alone although short, when their measured precision allows."""
ZUANBOT_TERMS = ("你婊子", "婊子妈", "你野爹", "操你", "逼里", "卖逼", "烂逼", "臭逼", "滚回",
                 "这废物", "你亲妈")  # fmt: skip
"""Frequent insult words of zuanbot (doc frequency ≥ 6, no more than 1/8 as frequent in the
benign tuning texts; bench/bench_starter_precision.py loaders), chosen by meaning."""

# Meaning rules for lexicon terms, first match wins: slurs, then insults and profanity (family
# insults such as 操你妈 are insults, not sexual content), then sexual terms.
MEANING_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("A.2.a", re.compile(r"黑鬼|尼哥|黑蛆|黑猴|非洲猴")),
    (
        "A.2.c",
        re.compile(r"阿三|棒子|小日本|鬼子|倭猪|白皮猪|越南猴|脚盆|支那|东亚病夫|老毛子|鬼佬"),
    ),
    ("A.2.d", re.compile(r"湾湾|台巴子|湾巴佬|北佬|捞仔|港灿|偷井盖|外地狗|乡巴佬|大陆狗|台湾狗")),
    (
        "A.2.e",
        re.compile(
            r"女拳|女权癌|田园女|婚驴|母狗|男拳|普信|直男癌|男蛆|捞女|绿茶婊|心机婊"
            r"|扶弟魔|母猪|娘炮|娘娘腔|男人婆"
        ),
    ),
    (
        "A.4.c",
        re.compile(
            r"你妈|你娘|你老母|你老妈|他妈|她妈|它妈|妳妈|妳娘|你马的|他马的|操你|干你|日你|草你|肏你"
            r"|艹你|塞你|赛你|驶你|去死|死全家|傻逼|傻屄|傻比|傻b|傻x|傻叉|傻缺|傻帽|傻狗|煞笔|脑残|智障"
            r"|白痴|弱智|废物|废人|窝囊废|人渣|贱人|贱货|贱种|贱逼|贱b|贱比|贱女人|贱男人|贱畜|贱胚|犯贱"
            r"|下贱|婊|杂种|畜生|畜牲|王八|狗日|狗娘|吃屎|吃大便|混蛋|浑蛋|混账|混球|滚蛋|滚犊子|滚开"
            r"|给我滚|孬种|崽子|瘪三|蠢货|蠢猪|蠢驴|蠢蛋|笨逼|二逼|装逼|装屄|逼样|下三烂|不要脸|龟孙"
            r"|妈的|妈逼|妈b|你爹|野爹|狗东西|不是东西|你不是人|脑子进水|丑八怪|禽兽不如|狗杂|骚货|烂货"
            r"|破鞋|荡妇|你全家|祖宗十八代"
        ),
    ),
    (
        "A.1.f",
        re.compile(
            r"屄|逼|鸡巴|几把|机巴|阴茎|阴道|阴蒂|阴唇|阴户|阴毛|阴部|阴核|阴囊|阳具|阳痿|龟头|乳交|乳头"
            r"|巨乳|爆乳|口交|肛交|指交|兽交|性交|做爱|作爱|造爱|射精|精液|手淫|自慰|打飞机|撸管|淫|嫖"
            r"|妓|援交|群交|乱交|乱伦|强奸|轮奸|迷奸|鸡奸|a片|黄片|三级片|成人片|成人电影|成人小说"
            r"|色情|裸|肉棒|肉穴|小穴|叫床|潮吹|颜射|内射|春药|催情|处女膜|开苞|屌|插你|插我|上你"
            r"|性虐|恋童|幼交|口爆|深喉|肉棍|肉洞|骚逼|骚屄"
        ),
    ),
]

# ---------------------------------------------------------------------------------------------
# Measured precision per entry (see the README's recipe). Every set is read from ../shared and
# split by bench/bench_starter_precision.py (tuning half here, held-out half in the bench); the
# dev-only sets are only counted, nothing of them is copied into the package.
# ---------------------------------------------------------------------------------------------
PRIOR = 0.5
"""Harmful share assumed by ``precision``: rates of the benign and harmful pools weigh equally,
i.e. precision on a balanced sample (harmful rate / (harmful rate + benign rate))."""
PER = 10_000
"""``benign_rate`` is per this many benign texts."""
WEAK_RATE = 1.0
"""A strong entry (3+ characters, or marked strong) firing on at least this many benign texts per
10,000 (pooled tuning halves: ~38k texts, so 4 or more) flags neutral text alone ..."""
KEEP_PRECISION = 0.9
"""... unless its measured precision reaches this (insults that also occur in angry reviews):
below it the entry becomes weak, and needs corroboration."""
DROP_RATE = 5.0
"""An entry firing on this many benign texts per 10,000 (~19 texts) ..."""
DROP_PRECISION = 0.5
"""... with a precision below this fires more on benign text than on harmful: an everyday word.
It is dropped (a weak entry would still corroborate its neighbours)."""
STRONG_MAX_RATE = 3.0
"""A curated insult or slur of 2 characters (or Latin initials such as sb) becomes strong, i.e.
flags alone, when it fires on fewer benign texts per 10,000 than this (傻逼: in angry take-away
reviews and comments labelled not offensive, never in edited prose) ..."""
STRONG_PRECISION = 0.9
"""... and its measured precision reaches this."""
VARIANT_MAX_BENIGN = 2
"""A listed variant that alone fires on more benign tuning texts than this, with a precision of
its own below ``KEEP_PRECISION``, is removed (2b: 2B铅笔)."""

EDITED = frozenset({"novels", "tnews", "legal questions", "legal answers", "alpaca answers"})
"""Benign sets of edited prose. COLD and SWSR label 0 are labelled for bias and waimai for
sentiment: a swear word there is still a swear word (最sb的可乐, 真tmd羡慕), so insults and
profanity (A.4.c) are judged on these sets only; every other entry on all benign sets."""
MIN_EVIDENCE = 3
"""A lexicon term filed by a meaning rule flags alone only when it fired on at least this many
harmful tuning texts with precision ≥ ``KEEP_PRECISION``; otherwise it is weak (the big abuse
lexicons hold idioms such as 不分贵贱 next to real insults; unmeasured means unproven)."""

# Decisions by meaning, before measuring: (action, reason). ``allow`` entries name the benign
# compound that must not flag for the term inside it.
DECISIONS: dict[str, tuple[str, str]] = {
    "有期徒刑": (
        "drop",
        "a sentence every legal text names, not a risk (2/3 of benign legal flags)",
    ),
    "无期徒刑": ("drop", "a sentence every legal text names, not a risk"),
    "死刑": ("drop", "a sentence every legal text names, not a risk"),
    "判处死刑": ("drop", "a sentence every legal text names, not a risk"),
    "剥夺政治权利": ("drop", "a sentence every legal text names, not a risk"),
    "受贿罪": ("drop", "a crime named by legal questions and answers, not a risk"),
    "徇私舞弊": ("drop", "a crime named by legal questions and answers, not a risk"),
    "巨额财产": ("drop", "part of a crime's name (巨额财产来源不明罪) in legal texts"),
    "咖啡因": ("drop", "caffeine, a legal stimulant (coffee, tea), not terrorism"),
    "兼职": ("drop", "recruitment word (part-time job), not sexual content"),
    "伊斯兰": ("drop", "name of a religion: a mention is not a risk (A.2.b slurs are listed)"),
    "穆斯林": ("drop", "name of a religion's believers: a mention is not a risk"),
    "基督": ("drop", "name of a religion: a mention is not a risk"),
    "基督教": ("drop", "name of a religion: a mention is not a risk"),
    "阿拉伯": ("drop", "name of a people and a language: a mention is not a risk"),
    "共产党": ("drop", "name of the ruling party: a mention is not a risk (Party-building texts)"),
    "国民党": ("drop", "name of a party: a mention is not a risk (history, news)"),
    "毛泽东": ("drop", "name of a leader: mentions are ordinary (history questions, news)"),
    "邓小平": ("drop", "name of a leader: mentions are ordinary (history questions, news)"),
    "习近平": ("drop", "name of a leader: mentions are ordinary (news, Party-building texts)"),
    "乌鲁木齐": ("drop", "name of a city: a mention is not a risk"),
    "解放军": ("drop", "name of the army: a mention is not a risk (news)"),
    "凝聚力": ("drop", "everyday word (cohesion)"),
    "维基百科": ("weak", "name of a website: a mention alone is not a risk"),
    "youtube": ("weak", "name of a website: a mention alone is not a risk"),
    "纽约时报": ("weak", "name of a newspaper: a mention alone is not a risk"),
    "反法西斯": ("allow", "antifascism: not 法西斯"),
    "反法西斯战争": ("allow", "the antifascist war: not 法西斯"),
    "同性伴侣": ("allow", "same-sex partner: not 性伴侣"),
}


def profanity_candidates(
    data: Path, benign: list[str]
) -> tuple[list[KeywordEntry], dict[str, int]]:
    """The curated core, zuanbot words and lexicon terms filed by the meaning rules; filed terms
    that fire on the shipped benign reference are dropped, as in :func:`keywords`."""
    origin: dict[str, str] = {}  # normalised term → source of its first listing
    for name, source in PROFANITY_SOURCES.items():
        folder = data / ("swsr" if name == "SexHateLex.txt" else "ldnoobw-zh")
        for raw in (folder / name).read_text(encoding="utf-8").splitlines():
            term = raw.strip()
            if term and not re.search(r"[.*()\s,]", term):
                origin.setdefault(normalise(term), source)
    stats = {"lexicon_terms": len(origin), "core": 0, "zuanbot": 0, "filed": 0, "unfiled": 0,
             "benign": 0}  # fmt: skip
    entries: list[KeywordEntry] = []
    for risk, terms in CORE.items():
        for term, variants in terms.items():
            src = origin.get(normalise(term), OURS)
            entries.append(KeywordEntry(
                term=term, risk=risk, variants=variants, source=src, added=SNAPSHOT,
                note="curated by meaning" + ("; variants written by us" if variants else ""),
            ))  # fmt: skip
            stats["core"] += 1
    for term in ZUANBOT_TERMS:
        entries.append(KeywordEntry(term=term, risk="A.4.c", source=ZUANBOT_SOURCE,
                                    added=SNAPSHOT, note="frequent zuanbot insult word"))  # fmt: skip
        stats["zuanbot"] += 1
    filed: list[KeywordEntry] = []
    for term, source in origin.items():
        if len(term) < 2 or not any("\u3400" <= c <= "\u9fff" for c in term):
            continue  # single characters; romanised Cantonese and other Latin-only lines
        rule = next((r for r, pattern in MEANING_RULES if pattern.search(term)), None)
        if rule is None:
            stats["unfiled"] += 1
            continue
        filed.append(KeywordEntry(term=term, risk=rule, source=source, added=SNAPSHOT,
                                  note=f"filed by meaning rule → {rule}"))  # fmt: skip
    noisy = {h.term for h in benign_hits(filed, benign)}
    stats["benign"] = len(noisy)
    stats["filed"] = len(filed) - len(noisy)
    return entries + [e for e in filed if e.term not in noisy], stats


def merge_profanity(
    lexicon: list[KeywordEntry], profanity: list[KeywordEntry]
) -> tuple[list[KeywordEntry], dict[str, str]]:
    """Profanity entries first (they re-file 傻逼 from A.1.f to A.4.c); a surface form listed twice
    stays with its first entry. Returns the entries and the re-filed terms with their old risk."""
    taken: set[str] = set()
    out: list[KeywordEntry] = []
    refiled: dict[str, str] = {}
    old = {normalise(f): e for e in lexicon for f in (e.term, *e.variants)}
    for e in profanity:
        forms = [f for f in (e.term, *e.variants) if normalise(f) not in taken]
        if not forms or normalise(e.term) in taken:
            continue
        prev = old.get(normalise(e.term))
        if prev is not None and prev.risk != e.risk:
            refiled[e.term] = f"{prev.risk} ({prev.source.split(':')[-1]}) → {e.risk} by meaning"
        taken.update(normalise(f) for f in forms)
        out.append(e.model_copy(update={"variants": forms[1:]}))
    for e in lexicon:
        forms = [f for f in (e.term, *e.variants) if normalise(f) not in taken]
        if not forms or normalise(e.term) in taken:
            continue
        taken.update(normalise(f) for f in forms)
        out.append(e.model_copy(update={"variants": forms[1:]}))
    return out, refiled


def apply_decisions(
    entries: list[KeywordEntry],
) -> tuple[list[KeywordEntry], dict[str, str], dict[str, str], list[KeywordEntry]]:
    """Apply :data:`DECISIONS`: (entries, dropped, weakened, allow entries added)."""
    dropped: dict[str, str] = {}
    weak: dict[str, str] = {}
    out: list[KeywordEntry] = []
    by_term = {e.term: e for e in entries}
    for e in entries:
        action, why = DECISIONS.get(e.term, ("", ""))
        if action == "drop":
            dropped[e.term] = f"by meaning: {why}"
            continue
        if action == "weak":
            weak[e.term] = f"weak: by meaning: {why}"
            e = e.model_copy(update={"weak": True, "note": f"{e.note}; {why}".lstrip("; ")})
        out.append(e)
    allow: list[KeywordEntry] = []
    for term, (action, why) in DECISIONS.items():
        if action != "allow":
            continue
        inner = next((t for t in by_term if t in term and t != term), None)
        allow.append(KeywordEntry(
            term=term, risk=by_term[inner].risk if inner else None, allow=True, added=SNAPSHOT,
            source=OURS, note=f"rule: benign compound of {inner} by meaning ({why})",
        ))  # fmt: skip
    return out, dropped, weak, allow


@dataclass
class Tally:
    """Texts each entry (and each of its forms) fired on, per pool, on the tuning halves."""

    benign: Counter[str] = field(default_factory=Counter)
    harmful: Counter[str] = field(default_factory=Counter)
    forms: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(term, form) → benign texts that form fired on."""
    forms_harmful: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(term, form) → harmful texts that form fired on."""
    edited: Counter[str] = field(default_factory=Counter)
    """Like ``benign``, on edited prose only (:data:`EDITED`)."""
    forms_edited: Counter[tuple[str, str]] = field(default_factory=Counter)
    per_set: dict[str, Counter[str]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    n_benign: int = 0
    n_harmful: int = 0
    n_edited: int = 0

    def rate(self, term: str, edited: bool = False) -> float:
        if edited:
            return PER * self.edited[term] / max(self.n_edited, 1)
        return PER * self.benign[term] / max(self.n_benign, 1)

    def precision(self, term: str, form: str | None = None, edited: bool = False) -> float | None:
        benign, n = (self.edited, self.n_edited) if edited else (self.benign, self.n_benign)
        forms = self.forms_edited if edited else self.forms
        if form is None:
            b = benign[term] / max(n, 1)
            h = self.harmful[term] / max(self.n_harmful, 1)
        else:
            b = forms[(term, form)] / max(n, 1)
            h = self.forms_harmful[(term, form)] / max(self.n_harmful, 1)
        if not b and not h:
            return None
        return PRIOR * h / (PRIOR * h + (1 - PRIOR) * b)


def tally(entries: list[KeywordEntry], tuning: dict[str, tuple[str, list[str]]]) -> Tally:
    """Count, per entry and per listed form, the texts of every tuning set it fires on."""
    detector = KeywordDetector(entries)
    t = Tally()
    for name, (kind, texts) in tuning.items():
        seen: Counter[str] = Counter()
        for findings in detector.detect_batch(texts):
            terms: set[str] = set()
            forms: set[tuple[str, str]] = set()
            for f in findings:
                parts = f.why.split("; ")
                term = parts[0].removeprefix("term ")
                terms.add(term)
                variant = next((p[8:] for p in parts if p.startswith("variant ")), term)
                forms.add((term, variant))
            seen.update(terms)
            (t.forms if kind == "benign" else t.forms_harmful).update(forms)
            if name in EDITED:
                t.forms_edited.update(forms)
        t.per_set[name] = seen
        t.sizes[name] = len(texts)
        pool = t.benign if kind == "benign" else t.harmful
        pool.update(seen)
        if kind == "benign":
            t.n_benign += len(texts)
        else:
            t.n_harmful += len(texts)
        if name in EDITED:
            t.edited.update(seen)
            t.n_edited += len(texts)
    return t


def prune_variants(
    entries: list[KeywordEntry], t: Tally
) -> tuple[list[KeywordEntry], dict[str, str]]:
    """Remove listed variants that fire on benign text with a precision of their own too low."""
    out: list[KeywordEntry] = []
    removed: dict[str, str] = {}
    for e in entries:
        edited = e.risk == "A.4.c"
        forms = t.forms_edited if edited else t.forms
        noisy = [
            v for v in e.variants
            if forms[(e.term, v)] > VARIANT_MAX_BENIGN
            and (t.precision(e.term, v, edited) or 0.0) < KEEP_PRECISION
        ]  # fmt: skip
        if noisy:
            removed[e.term] = ", ".join(
                f"{v} ({forms[(e.term, v)]} benign / {t.forms_harmful[(e.term, v)]} harmful)"
                for v in noisy
            )
            e = e.model_copy(update={"variants": [v for v in e.variants if v not in noisy]})
        out.append(e)
    return out, removed


def measured_curation(
    entries: list[KeywordEntry], t: Tally
) -> tuple[list[KeywordEntry], dict[str, str], dict[str, str], dict[str, str]]:
    """Apply the measured cuts: (entries, dropped, weakened, made strong)."""
    dropped: dict[str, str] = {}
    weak: dict[str, str] = {}
    strong: dict[str, str] = {}
    out: list[KeywordEntry] = []
    for e in entries:
        if e.allow:
            out.append(e)
            continue
        edited = e.risk == "A.4.c"
        rate, precision = t.rate(e.term, edited), t.precision(e.term, edited=edited)
        p = 0.0 if precision is None else precision
        pool = "edited benign" if edited else "benign"
        figures = (
            f"{t.edited[e.term] if edited else t.benign[e.term]} {pool} / {t.harmful[e.term]} "
            f"harmful tuning texts, {rate:.2f} per 10k {pool}, precision {p:.2f}"
        )
        if rate >= DROP_RATE and p < DROP_PRECISION:
            dropped[e.term] = f"measured everyday word: {figures}"
            continue
        alone = strength(normalise(e.term), "term") >= KEYWORD_ALONE
        filed = e.note.startswith("filed by meaning rule")
        why = ""
        if alone and not e.weak and rate >= WEAK_RATE and p < KEEP_PRECISION:
            why = f"weak: fires alone on neutral text: {figures}"
        elif (
            alone
            and not e.weak
            and filed
            and (t.harmful[e.term] < MIN_EVIDENCE or p < KEEP_PRECISION)
        ):
            why = f"weak: lexicon term not measured precise: {figures}"
        if why:
            weak[e.term] = why
            e = e.model_copy(update={"weak": True, "note": f"{e.note}; rule: {why}"})
        elif (
            e.term in STRONG_CANDIDATES and not alone and not e.weak
            and rate < STRONG_MAX_RATE and p >= STRONG_PRECISION
        ):  # fmt: skip
            strong[e.term] = f"strong: curated, {figures}"
            e = e.model_copy(update={"strong": True})
        out.append(e)
    return out, dropped, weak, strong


def without_orphans(entries: list[KeywordEntry]) -> tuple[list[KeywordEntry], list[str]]:
    """Drop allow entries left with no deny term inside them (悲观世音 once 观世音 is gone)."""
    deny = [e.term for e in entries if not e.allow]
    orphans = [e.term for e in entries if e.allow and not any(t in e.term for t in deny)]
    return [e for e in entries if e.term not in orphans or not e.allow], orphans


def with_figures(entries: list[KeywordEntry], t: Tally) -> list[KeywordEntry]:
    """Record the measured figures on every deny entry."""
    out = []
    for e in entries:
        if e.allow:
            out.append(e)
            continue
        p = t.precision(e.term)
        out.append(e.model_copy(update={
            "benign_hits": t.benign[e.term], "benign_rate": round(t.rate(e.term), 3),
            "harmful_hits": t.harmful[e.term],
            "precision": None if p is None else round(p, 3),
        }))  # fmt: skip
    return out


SAFETYBENCH = {
    "Offensiveness": ("A.4.c", "coarse: Offensiveness → A.4.c/A.2.i"),
    "Unfairness and Bias": ("A.2.i", "coarse: Unfairness and Bias → A.2.*"),
    "Physical Health": ("A.4.a", "coarse: Physical Health → A.4.a/A.5.a"),
    "Mental Health": ("A.4.a", "coarse: Mental Health → A.4.a/A.5.b"),
    "Illegal Activities": ("A.1.h", ""),
    "Ethics and Morality": ("A.3.b", "coarse: Ethics and Morality → A.3.b/A.1.h"),
    "Privacy and Property": ("A.4.e", "coarse: Privacy and Property → A.4.e/A.4.f/A.3.c"),
}
# Keyword rules (first match wins) that narrow a discrimination item to one A.2 id.
A2_RULES = [
    ("A.2.a", r"民族|种族|黑人|白人|黑鬼|维吾尔|藏族|回族|汉族|少数民族"),
    ("A.2.b", r"宗教|信仰|穆斯林|基督|佛教|伊斯兰|教徒"),
    ("A.2.c", r"日本人|美国人|韩国人|印度人|外国人|国人"),
    ("A.2.d", r"河南|东北|地域|农村人|城里人|外地人|上海人|北京人|广东人|新疆人"),
    ("A.2.e", r"女|男|性别"),
    ("A.2.f", r"老人|年龄|老年|岁"),
    ("A.2.g", r"职业|农民工|程序员|保安|外卖|保姆|清洁工"),
    ("A.2.h", r"残疾|艾滋|抑郁|肥胖|病人|患者|盲人|聋"),
]
# JADE gives no risk per question; these rules label the clear cases, the rest stay unlabelled.
JADE_RULES = [
    ("A.1.d", r"恐怖|极端主义|炸弹|爆炸"),
    ("A.1.f", r"色情|淫秽|裸照|卖淫|性交易|嫖"),
    ("A.2.*", r"歧视|低人一等|劣等|看不起"),
    ("A.1.g", r"谣言|虚假信息|假新闻"),
    ("A.4.c", r"诽谤|名誉|丑闻|造谣|抹黑"),
    ("A.4.f", r"个人信息|身份证号|手机号|住址"),
    ("A.4.e", r"隐私|偷拍|窃听|跟踪"),
    ("A.4.a", r"自杀|自残|毒死|伤害他人|虐待"),
    ("A.1.h", r"毒品|枪|武器|诈骗|走私|赌博|洗钱|盗窃|偷|黑客|贩卖|假币|伪造|逃税"),
]
# Non-refusal topics by keyword (first match wins), then by CValues domain (coarse).
TOPIC_RULES = [
    ("英烈", r"英雄|烈士|英烈"),
    ("形象", r"国家形象|中国形象|中国人的形象"),
    ("历史", r"历史|朝代|古代"),
    ("民族", r"民族"),
    ("信仰", r"宗教|信仰|佛教|道教|基督|伊斯兰"),
    ("习俗", r"习俗|风俗|节日|春节|婚俗|彩礼"),
    ("文化", r"文化|传统"),
    ("地理", r"地理|气候|山区|沙漠|河流|省份"),
    ("制度", r"制度|政府|政策|法律|法规|宪法"),
    ("性别", r"女性|男性|女生|男生|性别|女人|男人|丈夫|妻子|老公|老婆"),
    ("年龄", r"老人|老年|年龄|年轻人|孩子|儿童|青少年"),
    ("职业", r"职业|工作|专业|就业|岗位"),
    ("健康", r"健康|疾病|抑郁|残疾|盲人|聋|心理|焦虑|病"),
]
CVALUES_DOMAIN = {
    "psychology": "健康", "barrier_free": "健康", "lesser_known_major": "职业",
    "law": "制度", "intimate_relationship": "性别",
}  # fmt: skip


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def first_rule(text: str, rules: list[tuple[str, str]]) -> tuple[str, str] | None:
    for label, pattern in rules:
        m = re.search(pattern, text)
        if m:
            return label, m.group(0)
    return None


def benign_corpus(data: Path) -> list[str]:
    """CValues prompts, COLD dev label-0 comments (1,200, by hash order), SafetyBench texts whose
    gold answer says 'not offensive / not biased'."""
    texts = [
        json.loads(line)["prompt"]
        for line in (data / "cvalues/cvalues_responsibility_prompts.jsonl").open(encoding="utf-8")
    ]
    with (data / "cold/dev.csv").open(encoding="utf-8-sig", newline="") as fh:
        cold = [r["TEXT"] for r in csv.DictReader(fh) if r["label"] == "0"]
    cold.sort(key=lambda t: hashlib.sha256(t.encode()).hexdigest())
    texts += cold[:1200]
    items = json.loads((data / "safetybench-zh/test_zh_subset.json").read_text(encoding="utf-8"))
    answers = json.loads(
        (data / "safetybench-zh/test_answers_zh_subset.json").read_text(encoding="utf-8")
    )
    for it in items:
        gold = answers[str(it["id"])]["answer"]
        judged = (
            it["category"] in {"Offensiveness", "Unfairness and Bias"} and "\n" in it["question"]
        )
        if judged and it["options"][gold].startswith(("否", "不")):
            texts.append(it["question"].split("\n", 1)[1])
    seen: set[str] = set()
    out = []
    for t in texts:
        t = " ".join(t.split())
        if t and t not in seen:
            seen.add(t)
            out.append(t)
    return out


def keywords(data: Path, benign: list[str]) -> tuple[list[KeywordEntry], dict[str, dict[str, int]]]:
    lex = data / "sensitive-lexicon"
    entries: list[KeywordEntry] = []
    stats: dict[str, dict[str, int]] = {}
    seen: set[str] = set()
    for name, (risk, note) in LEXICON.items():
        st = stats[name] = {"lines": 0, "kept": 0, "duplicate": 0, "short": 0, "benign": 0}
        candidates: list[KeywordEntry] = []
        for raw in (lex / name).read_text(encoding="utf-8").splitlines():
            term = raw.strip()
            if not term:
                continue
            st["lines"] += 1
            if len(term) < 2:
                st["short"] += 1
                continue
            if term in seen:
                st["duplicate"] += 1
                continue
            seen.add(term)
            rid, why = risk, note
            if risk == "A.1.a" and SEPARATISM.search(term):
                rid, why = "A.1.c", f"{note}; rule: separatism word → A.1.c"
            candidates.append(
                KeywordEntry(
                    term=term,
                    risk=rid,
                    source=f"sensitive-lexicon@5a8da94:{name} (MIT)",
                    added=SNAPSHOT,
                    note=why,
                )
            )
        noisy = {h.term for h in benign_hits(candidates, benign)}
        st["benign"] = len(noisy)
        kept = [e for e in candidates if e.term not in noisy]
        st["kept"] = len(kept)
        entries += kept
    return fold_variants(entries), stats


def tuning_chapters(shared: Path) -> list[str]:
    """The first half of the bench corpus's novel chapters, in file order."""
    chapters: list[str] = []
    with gzip.open(shared / NOVELS, "rt", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            if doc["src"] == "novel":
                chapters.append(doc["text"])
    return chapters[: len(chapters) // 2]


def common_words() -> dict[str, int]:
    """Two-character words and their jieba frequencies (detect/keyword/words.txt)."""
    path = ROOT / "src/beian/detect/keyword/words.txt"
    rows = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines())
    return {r[0]: int(r[1]) for r in rows if len(r) == 2 and not r[0].startswith("#")}


def _han(term: str) -> bool:
    return all("\u3400" <= c <= "\u9fff" for c in term)


def _compounds(term: str, text: str, start: int, end: int, words: dict[str, int]) -> list[str]:
    """Extensions of a hit by one character whose edge is a listed word across the boundary."""
    out = []
    if start > 0 and text[start - 1] + text[start] in words:
        out.append(text[start - 1 : end])
    if end < len(text) and text[end - 1] + text[end] in words:
        out.append(text[start : end + 1])
    return out


def curate(
    entries: list[KeywordEntry], chapters: list[str]
) -> tuple[list[KeywordEntry], dict[str, str], int]:
    """Mark terms that fire on benign prose as idioms or names weak, drop everyday words, add
    allow entries for benign compounds. Returns (entries, term → what was done and why, allow
    count); reasons of weakened terms start with "weak:"."""
    words = common_words()
    detector = KeywordDetector(entries)
    chapters_of: dict[str, int] = {}
    compounds: dict[str, dict[str, int]] = {}
    for text, findings in zip(chapters, detector.detect_batch(chapters), strict=True):
        fired: set[str] = set()
        for f in findings:
            term = f.why.split(";")[0].removeprefix("term ")
            fired.add(term)
            assert f.start is not None and f.end is not None
            for c in _compounds(term, text, f.start, f.end, words):
                seen = compounds.setdefault(term, {})
                seen[c] = seen.get(c, 0) + 1
        for term in fired:
            chapters_of[term] = chapters_of.get(term, 0) + 1
    dropped: dict[str, str] = {}
    kept: list[KeywordEntry] = []
    allow: list[KeywordEntry] = []
    for e in entries:
        n = chapters_of.get(e.term, 0)
        if len(e.term) >= 3 and _han(e.term) and n >= MIN_CHAPTERS_STRONG:
            # Kept, but weak: an idiom or a name still counts when something corroborates it.
            why = f"weak: strong term fires alone in {n} benign novel chapters"
            dropped[e.term] = why
            e = e.model_copy(update={"weak": True, "note": f"{e.note}; rule: {why}".lstrip("; ")})
        freq = words.get(e.term, 0)
        everyday = len(e.term) == 2 and n >= MIN_SHARE_WEAK * len(chapters)
        # curated insults are measured instead (贱人 is an insult in a novel too)
        if everyday and freq >= MIN_WORD_FREQ and e.term not in STRONG_CANDIDATES:
            dropped[e.term] = f"everyday word (jieba {freq}) in {n} benign novel chapters"
            continue
        kept.append(e)
        for c, hits in sorted(compounds.get(e.term, {}).items()):
            if hits >= MIN_COMPOUND_HITS:
                allow.append(e.model_copy(update={
                    "term": c, "variants": [], "allow": True,
                    "note": f"rule: benign compound of {e.term} ({hits} hits in tuning novels)",
                }))  # fmt: skip
    return kept + allow, dropped, len(allow)


def fold_variants(entries: list[KeywordEntry]) -> list[KeywordEntry]:
    """Terms equal after normalisation (藏獨 / 藏独, ＱＱ / qq) become variants of the first one."""
    first: dict[str, int] = {}
    out: list[KeywordEntry] = []
    for e in entries:
        key = normalise(e.term)
        if key in first:
            head = out[first[key]]
            out[first[key]] = head.model_copy(update={"variants": [*head.variants, e.term]})
            continue
        first[key] = len(out)
        out.append(e)
    return out


def safetybench(data: Path) -> list[Question]:
    items = json.loads((data / "safetybench-zh/test_zh_subset.json").read_text(encoding="utf-8"))
    answers = json.loads(
        (data / "safetybench-zh/test_answers_zh_subset.json").read_text(encoding="utf-8")
    )
    out = []
    for it in sorted(items, key=lambda x: int(x["id"])):
        risk, note = SAFETYBENCH[it["category"]]
        if it["category"] == "Unfairness and Bias":
            hit = first_rule(it["question"], A2_RULES)
            if hit:
                risk, note = hit[0], f"{note}; rule: '{hit[1]}' → {hit[0]}"
        letters = "ABCD"
        options = "\n".join(f"{letters[i]}. {o}" for i, o in enumerate(it["options"]))
        gold = answers[str(it["id"])]["answer"]
        out.append(Question(
            id=f"safetybench-{it['id']}", text=f"{it['question']}\n{options}", bank="test", risk=risk,
            source=f"safetybench-zh@9608336:{it['category']} (MIT)", added=SNAPSHOT,
            reference=f"{letters[gold]}. {it['options'][gold]}", note=note,
        ))  # fmt: skip
    return out


def jade(data: Path) -> tuple[list[Question], list[dict[str, str]], str]:
    text, encoding = decode(
        (data / "jade-v3-medium/jade_alignment_medium_zh.csv").read_bytes(), "jade"
    )
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    questions, answers = [], []
    for r in rows:
        qid = f"jade-{int(r['ID'])}"
        hit = first_rule(r["问题"], JADE_RULES)
        risk, note = None, "JADE gives no per-question risk; unlabelled"
        if hit and hit[0] == "A.2.*":
            sub = first_rule(r["问题"], A2_RULES)
            risk = sub[0] if sub else "A.2.i"
            note = f"risk by keyword rule '{hit[1]}'" + (f" + '{sub[1]}'" if sub else "")
        elif hit:
            risk, note = (
                hit[0],
                f"risk by keyword rule '{hit[1]}' (JADE gives no per-question risk)",
            )
        questions.append(Question(
            id=qid, text=r["问题"].strip(), bank="refuse", risk=risk, added=SNAPSHOT, note=note,
            source="jade-db@812de63:jade_alignment_medium_zh.csv (MIT)",
            reference=r["安全有用回答"].strip() or None,
        ))  # fmt: skip
        # Recipe: every 5th question (ID divisible by 5) replays the violating answer.
        violating = int(r["ID"]) % 5 == 0
        answers.append({
            "question_id": qid, "input": r["问题"].strip(),
            "output": (r["违规回答"] if violating else r["安全有用回答"]).strip(),
            "label": "violating" if violating else "safe",
            "source": "jade-db@812de63 " + ("违规回答" if violating else "安全有用回答") + " (MIT)",
        })  # fmt: skip
    return questions, answers, encoding


def cvalues(data: Path) -> list[Question]:
    out = []
    for line in (data / "cvalues/cvalues_responsibility_prompts.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        hit = first_rule(r["prompt"], TOPIC_RULES)
        topic, note = (hit[0], f"topic by keyword rule '{hit[1]}'") if hit else (None, "")
        if topic is None and r["domain_en"] in CVALUES_DOMAIN:
            topic, note = (
                CVALUES_DOMAIN[r["domain_en"]],
                f"coarse: topic from domain {r['domain_en']}",
            )
        out.append(Question(
            id=f"cvalues-{r['id_']}", text=r["prompt"].strip(), bank="answer", topic=topic,
            source=f"cvalues@3018d38:{r['domain_en']} (Apache-2.0)", added=SNAPSHOT,
            note=note or "no listed topic matched",
        ))  # fmt: skip
    return out


def write_history(folder: Path, kind: Kind, sources: list[Path], total: int, note: str) -> None:
    digest = hashlib.sha256("".join(sha(p) for p in sources).encode()).hexdigest()
    event = Event(
        ts=datetime(SNAPSHOT.year, SNAPSHOT.month, SNAPSHOT.day, tzinfo=UTC), actor=ACTOR,
        action="build", kind=kind, source=", ".join(p.name for p in sources), sha256=digest,
        counts={"added": total, "changed": 0, "removed": 0, "total": total}, note=note,
    )  # fmt: skip
    (folder / "history.jsonl").write_text(
        json.dumps(event.model_dump(mode="json"), ensure_ascii=False) + "\n", encoding="utf-8"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = Path(os.environ.get("BEIAN_SHARED", ROOT.parent / "shared"))
    parser.add_argument("--shared", type=Path, default=default)
    data = parser.parse_args().shared / "data"

    benign = benign_corpus(data)
    BENIGN.parent.mkdir(parents=True, exist_ok=True)
    BENIGN.write_text("\n".join(benign) + "\n", encoding="utf-8")

    KW_DIR.mkdir(parents=True, exist_ok=True)
    lexicon, stats = keywords(data, benign)
    profanity, profanity_stats = profanity_candidates(data, benign)
    kws, refiled = merge_profanity(lexicon, profanity)
    kws, meaning_dropped, meaning_weak, meaning_allow = apply_decisions(kws)
    kws, novel_changes, _ = curate(kws + meaning_allow, tuning_chapters(data.parent))
    tuning = corpora(tuning=True, shared=data.parent)
    kws, m_variants = prune_variants(kws, tally(kws, tuning))
    kws, m_dropped, m_weak, m_strong = measured_curation(kws, tally(kws, tuning))
    kws, orphans = without_orphans(kws)
    final = tally(kws, tuning)
    kws = with_figures(kws, final)
    save_keywords(kws, KW_DIR / "starter_keywords.jsonl")
    shutil.copyfile(data / "sensitive-lexicon/LICENSE", KW_DIR / "LICENSE-sensitive-lexicon")
    for src, dst in LICENCES.items():
        shutil.copyfile(data / src, KW_DIR / dst)
    dropped = {
        **{t: w for t, w in novel_changes.items() if not w.startswith("weak:")},
        **meaning_dropped,
        **m_dropped,
    }
    weak = {
        **{t: w for t, w in novel_changes.items() if w.startswith("weak:")},
        **meaning_weak,
        **m_weak,
    }
    weak = {t: w for t, w in weak.items() if t not in dropped}
    curation = {
        "tuned_on": f"first half of the novel chapters of ../shared/{NOVELS} (MIT), and the "
        "tuning half of every set in bench/bench_starter_precision.py (counts only)",
        "deny_terms": sum(not e.allow for e in kws),
        "allow_entries": sum(e.allow for e in kws),
        "strong_count": sum(e.strong for e in kws),
        "weak_count": len(weak),
        "dropped_count": len(dropped),
        "dropped": dropped,
        "weak": weak,
        "strong": m_strong,
        "variants_removed": m_variants,
        "refiled": refiled,
        "allow_removed": {t: "its deny term was dropped" for t in orphans},
    }
    measured = {
        "how": "texts each entry fires on (keyword detector, context rules included), tuning "
        "halves; benign_rate per 10,000 benign texts; precision = harmful rate / (harmful rate "
        f"+ benign rate), i.e. prior {PRIOR} (a balanced sample)",
        "cuts": {
            "weak_rate": WEAK_RATE, "keep_precision": KEEP_PRECISION, "drop_rate": DROP_RATE,
            "drop_precision": DROP_PRECISION, "strong_max_rate": STRONG_MAX_RATE,
            "strong_precision": STRONG_PRECISION, "variant_max_benign": VARIANT_MAX_BENIGN,
        },
        "sets": {n: {"kind": k, "texts": len(x)} for n, (k, x) in tuning.items()},
        "benign_texts": final.n_benign,
        "harmful_texts": final.n_harmful,
        "noisiest": {
            e.term: {n: final.per_set[n][e.term] for n in tuning if final.per_set[n][e.term]}
            for e in sorted(kws, key=lambda e: (-final.benign[e.term], e.term))[:40]
            if not e.allow and final.benign[e.term]
        },
    }  # fmt: skip
    (KW_DIR / "build_stats.json").write_text(
        json.dumps(
            {
                "used": stats,
                "profanity": profanity_stats,
                "curation": curation,
                "measured": measured,
                "not_used": NOT_USED,
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    write_history(
        KW_DIR,
        "keywords",
        [data / "sensitive-lexicon" / n for n in LEXICON]
        + [data / "ldnoobw-zh" / n for n in ("ldnoobw_v2_zh.txt", "ldnoobw_v1_zh.txt")]
        + [data / "swsr/SexHateLex.txt", data / "zuanbot/zuanbot.jsonl"],
        len(kws),
        "starter build",
    )

    BANK_DIR.mkdir(parents=True, exist_ok=True)
    refuse, answers, encoding = jade(data)
    test, answer = safetybench(data), cvalues(data)
    save_questions(test, BANK_DIR / "test.jsonl")
    save_questions(refuse, BANK_DIR / "refuse.jsonl")
    save_questions(answer, BANK_DIR / "answer.jsonl")
    with (BANK_DIR / "answers.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
        for a in answers:
            fh.write(json.dumps(a, ensure_ascii=False) + "\n")
    for name, src in {
        "safetybench": "safetybench-zh",
        "cvalues": "cvalues",
        "jade": "jade-v3-medium",
    }.items():
        shutil.copyfile(data / src / "LICENSE", BANK_DIR / f"LICENSE-{name}")
    sources = [
        data / "safetybench-zh/test_zh_subset.json",
        data / "cvalues/cvalues_responsibility_prompts.jsonl",
        data / "jade-v3-medium/jade_alignment_medium_zh.csv",
    ]
    write_history(
        BANK_DIR,
        "questions",
        sources,
        len(refuse) + len(test) + len(answer),
        f"starter build; jade read as {encoding}",
    )
    print(f"benign reference: {len(benign)} texts; keywords: {len(kws)}; jade encoding: {encoding}")


if __name__ == "__main__":
    main()
