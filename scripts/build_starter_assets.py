"""Build the starter keyword library, question banks and benign reference corpus.

    .venv/bin/python scripts/build_starter_assets.py [--shared ../shared]

Deterministic: same inputs → byte-identical outputs. Reads only sets that may ship
(../shared/data/README.md §1): sensitive-lexicon (MIT), safetybench-zh (MIT), cvalues
(Apache-2.0), cold (Apache-2.0, benign reference texts only) and jade-v3-medium (MIT,
GB18030). Writes src/beian/demo/keywords/, src/beian/demo/banks/ and
src/beian/library/data/benign_reference.txt, each with the upstream licences next to it.

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
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from beian.detect.keyword import KeywordDetector  # noqa: E402
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
MIN_CHAPTERS_STRONG = 3
"""A term of 3+ characters flags alone (detect.keyword.compile.strength ≥ keyword_alone): firing
in this many benign chapters makes it an idiom or name (青天白日, 观世音), not a signal."""
MIN_SHARE_WEAK = 0.01
"""A 2-character term (weak: needs a second term nearby) firing in this share of chapters ..."""
MIN_WORD_FREQ = 100
"""... and listed in detect/keyword/words.txt with at least this jieba frequency is an everyday
word (弟子, 游行, 总理, 呻吟): two of them in one sentence are ordinary prose, not corroboration."""
MIN_COMPOUND_HITS = 2
"""A compound around a term (打死人命, 大法师) seen this often in the tuning chapters, whose edge
forms a listed word across the term's boundary (人命, 法师), becomes an allow-list entry."""

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
        if len(e.term) == 2 and n >= MIN_SHARE_WEAK * len(chapters) and freq >= MIN_WORD_FREQ:
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
    kws, stats = keywords(data, benign)
    kws, dropped, allowed = curate(kws, tuning_chapters(data.parent))
    save_keywords(kws, KW_DIR / "starter_keywords.jsonl")
    shutil.copyfile(data / "sensitive-lexicon/LICENSE", KW_DIR / "LICENSE-sensitive-lexicon")
    curation = {
        "tuned_on": f"first half of the novel chapters of ../shared/{NOVELS} (MIT)",
        "deny_terms": len(kws) - allowed,
        "allow_entries": allowed,
        "weak_count": sum(why.startswith("weak:") for why in dropped.values()),
        "dropped_count": sum(not why.startswith("weak:") for why in dropped.values()),
        "dropped": {t: why for t, why in dropped.items() if not why.startswith("weak:")},
        "weak": {t: why for t, why in dropped.items() if why.startswith("weak:")},
    }
    (KW_DIR / "build_stats.json").write_text(
        json.dumps(
            {"used": stats, "curation": curation, "not_used": NOT_USED},
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    write_history(
        KW_DIR,
        "keywords",
        [data / "sensitive-lexicon" / n for n in LEXICON],
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
