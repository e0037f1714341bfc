"""The training recipe of the shipped model: which shippable data, mapped how.

Only sets marked "may ship = yes" in the shared data README are read (COLD train/dev — never its
test split, which is kept for evaluation —, SafetyBench-zh, CValues, JADE v3 medium, the
categorised files of the sensitive lexicon), plus beian's own synthetic examples, benign
chunks of the MIT novels corpus and benign short texts (our own phrases and ordinary words of
jieba's MIT dictionary, see :mod:`beian.detect.classifier.short`). Every file read is recorded
with its SHA-256.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from beian.detect.classifier.model import SourceRecord
from beian.detect.classifier.short import (
    lexicon_terms,
    ordinary_words,
    short_phrases,
    short_seed_digest,
    words_digest,
)
from beian.detect.classifier.synth import Labelled, load_seed, seed_text, synthetic_examples
from beian.digest import sha256_file
from beian.errors import ConfigError

RECIPE_NAME = "shipped-v2"
# lexicon file → risks; the noisy merged lists and name lists are left out on purpose (§4)
LEXICON_FILES: dict[str, tuple[str, ...]] = {
    "反动词库.txt": ("A.1.a",),
    "色情类型.txt": ("A.1.f",),
    "色情词库.txt": ("A.1.f",),
    "暴恐词库.txt": ("A.1.d", "A.1.h"),
    "涉枪涉爆.txt": ("A.1.h",),
}
NOVEL_CHUNKS = 6000
NOVEL_CHUNK_CHARS = 60


@dataclass(slots=True)
class Recipe:
    """Labelled rows with provenance and per-source counts."""

    rows: list[Labelled] = field(default_factory=list)
    sources: list[SourceRecord] = field(default_factory=list)
    synthetic: list[Labelled] = field(default_factory=list)

    def add(self, name: str, path: Path | None, rows: Sequence[Labelled], digest: str = "") -> None:
        """Append ``rows`` from source ``name`` (``path`` is hashed when given)."""
        sha = sha256_file(path) if path is not None else digest
        self.sources.append(SourceRecord(name=name, sha256=sha, records=len(rows)))
        self.rows.extend(rows)

    def merged(self) -> list[Labelled]:
        """Rows with duplicate texts merged (labels united), in first-seen order."""
        seen: dict[str, set[str]] = {}
        for text, risks in self.rows:
            if text.strip():
                seen.setdefault(text, set()).update(risks)
        return [(t, tuple(sorted(r))) for t, r in seen.items()]


def shared_dir(option: Path | None) -> Path:
    """The shared data folder: the option, else ``$BEIAN_SHARED``, else ``../shared`` from CWD."""
    env = os.environ.get("BEIAN_SHARED")
    base = option or (Path(env) if env else Path.cwd().parent / "shared")
    data = base / "data"
    if not (data / "cold" / "train.csv").is_file():
        raise ConfigError(
            f"shared data not found under {base} (expected data/cold/train.csv); pass --shared or set BEIAN_SHARED"
        )
    return data


def _first_rule(text: str, rules: Mapping[str, Sequence[str]]) -> str | None:
    for risk, words in rules.items():
        if any(w in text for w in words):
            return risk
    return None


def cold_rows(path: Path, rules: Mapping[str, Sequence[str]]) -> list[Labelled]:
    """COLD: label 0 → benign; 1 → A.2.d (region), A.2.e (gender), race → A.2.c or A.2.a by keywords."""
    out: list[Labelled] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            text = row["TEXT"]
            if row["label"] != "1":
                out.append((text, ()))
                continue
            topic = row["topic"]
            if topic == "region":
                out.append((text, ("A.2.d",)))
            elif topic == "gender":
                out.append((text, ("A.2.e",)))
            else:
                out.append(
                    (text, ("A.2.c",) if _first_rule(text, {"c": rules["A.2.c"]}) else ("A.2.a",))
                )
    return out


_JUDGE_PREFIXES = (
    "请问下面的文本是否包含攻击性的内容",
    "请问下面这段话的说话者是否展现出了偏见",
    "以下陈述的发言人是否表现出偏见",
)


def safetybench_rows(
    questions: Path, answers: Path, rules: Mapping[str, Sequence[str]], exclude: set[str]
) -> list[Labelled]:
    """SafetyBench text-judgement items: 是 → the discrimination risk named by keywords (else A.4.c/A.2.i)."""
    key = json.loads(answers.read_text(encoding="utf-8"))
    out: list[Labelled] = []
    for item in json.loads(questions.read_text(encoding="utf-8")):
        head, _, text = item["question"].partition("\n")
        if not head.startswith(_JUDGE_PREFIXES) or not text.strip() or text.strip() in exclude:
            continue
        chosen = item["options"][key[str(item["id"])]["answer"]]
        if not chosen.startswith("否"):
            offensive = head.startswith(_JUDGE_PREFIXES[0])
            risk = _first_rule(text, rules) or ("A.4.c" if offensive else "A.2.i")
            out.append((text.strip(), (risk,)))
        else:
            out.append((text.strip(), ()))
    return out


def jade_rows(path: Path, rules: Mapping[str, Sequence[str]], default: str) -> list[Labelled]:
    """JADE: question and violating answer → a keyword-ruled risk; safe answer → benign."""
    text = path.read_bytes().decode("gb18030")
    out: list[Labelled] = []
    for row in list(csv.reader(io.StringIO(text)))[1:]:
        question, bad, good = row[1], row[2], row[3]
        risk = _first_rule(question, rules) or default
        out += [(question, (risk,)), (bad[:400], (risk,)), (good[:400], ())]
    return out


def cvalues_rows(path: Path) -> list[Labelled]:
    """CValues prompts: sensitive but answerable → benign."""
    return [
        (json.loads(line)["prompt"], ())
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def lexicon_rows(folder: Path) -> Iterator[tuple[Path, list[Labelled]]]:
    """Each categorised lexicon term as a short text labelled with its file's risks."""
    for name, risks in LEXICON_FILES.items():
        path = folder / name
        terms = sorted(
            {
                t.strip()
                for t in path.read_text(encoding="utf-8").splitlines()
                if len(t.strip()) >= 2
            }
        )
        yield path, [(t, risks) for t in terms]


def novel_rows(path: Path) -> list[Labelled]:
    """Benign chunks of the bench novels corpus: the first ``NOVEL_CHUNK_CHARS`` of evenly spaced lines."""
    lines: list[str] = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for raw in fh:
            text = json.loads(raw)["text"]
            lines.extend(
                s.strip()[:NOVEL_CHUNK_CHARS] for s in text.split("\n") if len(s.strip()) >= 8
            )
    step = max(1, len(lines) // NOVEL_CHUNKS)
    return [(s, ()) for s in lines[::step][:NOVEL_CHUNKS]]


def cold_test_texts(data: Path) -> set[str]:
    """Texts of the COLD test split (kept out of training so it can be used for evaluation)."""
    with (data / "cold" / "test.csv").open(encoding="utf-8-sig", newline="") as fh:
        return {row["TEXT"].strip() for row in csv.DictReader(fh)}


def build_recipe(shared: Path | None, seed: int = 0) -> Recipe:
    """The full labelled set of the shipped model."""
    data = shared_dir(shared)
    rules = load_seed("rules.yaml")
    group = {k: list(v) for k, v in rules["group_rules"].items()}
    recipe = Recipe()
    synthetic = synthetic_examples(seed)
    recipe.synthetic = synthetic
    digest = hashlib.sha256(
        (seed_text("synthetic.yaml") + seed_text("rules.yaml")).encode("utf-8")
    ).hexdigest()
    recipe.add("beian-synthetic (seed/synthetic.yaml, seed/rules.yaml)", None, synthetic, digest)
    for split in ("train", "dev"):
        path = data / "cold" / f"{split}.csv"
        recipe.add(f"cold/{split}.csv", path, cold_rows(path, group))
    sb = data / "safetybench-zh"
    recipe.add(
        "safetybench-zh/test_zh_subset.json",
        sb / "test_zh_subset.json",
        safetybench_rows(
            sb / "test_zh_subset.json",
            sb / "test_answers_zh_subset.json",
            group,
            cold_test_texts(data),
        ),
    )
    jade = data / "jade-v3-medium" / "jade_alignment_medium_zh.csv"
    jade_rules = {k: list(v) for k, v in rules["jade_rules"].items()}
    recipe.add(
        "jade-v3-medium", jade, jade_rows(jade, {**jade_rules, **group}, str(rules["jade_default"]))
    )
    cv = data / "cvalues" / "cvalues_responsibility_prompts.jsonl"
    recipe.add("cvalues", cv, cvalues_rows(cv))
    for path, rows in lexicon_rows(data / "sensitive-lexicon"):
        recipe.add(f"sensitive-lexicon/{path.name}", path, rows)
    corpus = data.parent / "bench" / "data" / "corpus.jsonl.gz"
    if corpus.is_file():
        recipe.add("bench/corpus.jsonl.gz (benign chunks)", corpus, novel_rows(corpus))
    add_short_benign(recipe, data, seed)
    return recipe


def add_short_benign(recipe: Recipe, data: Path, seed: int = 0) -> None:
    """Benign short texts: our own phrases, then ordinary dictionary words not in any lexicon."""
    recipe.add(
        "beian-short-benign (seed/short_benign.yaml)",
        None,
        short_phrases(seed),
        short_seed_digest(),
    )
    exclude = lexicon_terms(data / "sensitive-lexicon")
    recipe.add(
        "keyword/words.txt (ordinary words, jieba MIT)",
        None,
        ordinary_words(exclude),
        words_digest(),
    )
