"""The training recipe of the shipped harm model: shippable real data plus our contrast seeds.

Only sets marked "may ship = yes" in the shared data README are read (COLD train/dev, SWSR
comments, CHBias train files, zuanbot, TeleAntiFraud dialogues, JADE v3 medium, CValues,
SafetyBench-zh stems, the categorised sensitive-lexicon files, the MIT novels), plus text written
by the beian developers (the classifier's synthetic risk templates, the harm contrast seeds in
``seed/contrast.yaml`` and the solicitation seeds of :mod:`beian.detect.solicit.seed`). Each row
carries the name of its source, so the model can list what it was trained on and the benchmark
can tell seen from unseen sources.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from beian.detect.classifier import recipe as base
from beian.detect.classifier.model import SourceRecord
from beian.detect.classifier.synth import Labelled, load_seed, seed_text, synthetic_examples
from beian.detect.harm.contrast import contrast_digest, contrast_examples
from beian.digest import sha256_file

RECIPE_NAME = "harm-v1"
CHBIAS_RISKS = {"gender": "A.2.e", "age": "A.2.f", "appearance": "A.2.i", "orientation": "A.2.i"}
EXCLUDED_AUTHORED: frozenset[str] = frozenset()
"""Authored files kept out of training by name, to measure what a file is worth (none today:
docs/accuracy.md says what adding each batch changed on unseen sources)."""
QUESTION_FILES = frozenset({"questions_written_harmful.jsonl", "questions_written_benign.jsonl"})
"""Authored files trained as their own source, ``beian-questions`` (round 4: should-refuse and
benign questions written one by one), so the trainer can weight them (``SOURCE_BOOST``)."""
DIALOGUE_CHARS = 300
"""Characters of a dialogue's first caller turns kept as one text (social posts are short)."""


@dataclass(frozen=True, slots=True)
class Row:
    """One labelled training text: risks (empty = benign) and the source folder it came from."""

    text: str
    risks: tuple[str, ...]
    source: str


@dataclass(slots=True)
class HarmRecipe:
    """Rows with provenance (file digests) in first-seen order."""

    rows: list[Row] = field(default_factory=list)
    sources: list[SourceRecord] = field(default_factory=list)

    def add(
        self, name: str, folder: str, rows: list[Labelled], path: Path | None, digest: str = ""
    ) -> None:
        """Append ``rows`` of source ``name`` (shared folder ``folder``), hashing ``path``."""
        sha = sha256_file(path) if path is not None else digest
        self.sources.append(SourceRecord(name=name, sha256=sha, records=len(rows)))
        self.rows.extend(Row(t, r, folder) for t, r in rows if t.strip())

    def merged(self) -> list[Row]:
        """Duplicate texts merged: labels united, the first source kept."""
        seen: dict[str, tuple[set[str], str]] = {}
        for row in self.rows:
            risks, _ = seen.setdefault(row.text, (set(), row.source))
            risks.update(row.risks)
        return [Row(t, tuple(sorted(r)), s) for t, (r, s) in seen.items()]

    def train_sources(self) -> list[str]:
        """Names of the shared folders (and our own seeds) the rows came from."""
        return sorted({r.source for r in self.rows})


def swsr_rows(path: Path) -> list[Labelled]:
    """SWSR comments: 1 → A.2.e (+A.1.f for sexual offence, +A.4.c aimed at a person); 0 → benign."""
    out: list[Labelled] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["label"] != "1":
                out.append((row["comment_text"], ()))
                continue
            risks = ["A.2.e"]
            if row.get("category") == "SO":
                risks.append("A.1.f")
            if row.get("target") == "I":
                risks.append("A.4.c")
            out.append((row["comment_text"], tuple(risks)))
    return out


def chbias_rows(folder: Path) -> Iterator[tuple[Path, list[Labelled]]]:
    """CHBias train files (set-level "biased" labels); valid/test stay out for evaluation."""
    for name, risk in CHBIAS_RISKS.items():
        path = folder / f"{name}_train.txt"
        lines = [s.strip() for s in path.read_text(encoding="utf-8").splitlines() if s.strip()]
        yield path, [(s, (risk,)) for s in lines]


def zuanbot_rows(path: Path) -> list[Labelled]:
    """zuanbot insults → A.4.c (the profane ``max`` level also A.1.f)."""
    out: list[Labelled] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            risks = ("A.1.f", "A.4.c") if rec.get("level") == "max" else ("A.4.c",)
            out.append((rec["text"], risks))
    return out


def dialogue_rows(path: Path) -> list[Labelled]:
    """TeleAntiFraud: the caller's first turns; fraud → A.1.h, normal service calls → benign."""
    out: list[Labelled] = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            text = "".join(rec["left"][:3])[:DIALOGUE_CHARS]
            out.append((text, ("A.1.h",) if rec["label"] == "fraud" else ()))
    return out


_STEM_CATEGORIES = {
    "Physical Health",
    "Mental Health",
    "Illegal Activities",
    "Privacy and Property",
}


def safetybench_stems(path: Path) -> list[Labelled]:
    """SafetyBench question stems about safe behaviour (not the quoted-text items) → benign."""
    out: list[Labelled] = []
    for item in json.loads(path.read_text(encoding="utf-8")):
        if item["category"] in _STEM_CATEGORIES and "\n" not in item["question"].strip():
            out.append((item["question"].strip(), ()))
    return out


def _add_classifier_sources(recipe: HarmRecipe, data: Path, seed: int) -> None:
    """The classifier's shippable sources (COLD, JADE, CValues, lexicon, novels, synthetic)."""
    rules = load_seed("rules.yaml")
    group = {k: list(v) for k, v in rules["group_rules"].items()}
    digest = hashlib.sha256(seed_text("synthetic.yaml").encode("utf-8")).hexdigest()
    recipe.add("beian-synthetic", "beian-synthetic", synthetic_examples(seed), None, digest)
    for split in ("train", "dev"):
        path = data / "cold" / f"{split}.csv"
        recipe.add(f"cold/{split}.csv", "cold", base.cold_rows(path, group), path)
    jade = data / "jade-v3-medium" / "jade_alignment_medium_zh.csv"
    jade_rules = {k: list(v) for k, v in rules["jade_rules"].items()}
    rows = base.jade_rows(jade, {**jade_rules, **group}, str(rules["jade_default"]))
    recipe.add("jade-v3-medium", "jade-v3-medium", rows, jade)
    cv = data / "cvalues" / "cvalues_responsibility_prompts.jsonl"
    recipe.add("cvalues", "cvalues", base.cvalues_rows(cv), cv)
    for path, lex in base.lexicon_rows(data / "sensitive-lexicon"):
        recipe.add(f"sensitive-lexicon/{path.name}", "sensitive-lexicon", lex, path)
    corpus = data.parent / "bench" / "data" / "corpus.jsonl.gz"
    if corpus.is_file():
        recipe.add("bench/corpus.jsonl.gz", "bench-novels", base.novel_rows(corpus), corpus)


def _add_new_sources(recipe: HarmRecipe, data: Path) -> None:
    """The second-round shippable sets: abuse, bias, fraud dialogues, safety stems."""
    sw = data / "swsr" / "SexComment.csv"
    recipe.add("swsr/SexComment.csv", "swsr", swsr_rows(sw), sw)
    for path, rows in chbias_rows(data / "chbias"):
        recipe.add(f"chbias/{path.name}", "chbias", rows, path)
    zb = data / "zuanbot" / "zuanbot.jsonl"
    recipe.add("zuanbot", "zuanbot", zuanbot_rows(zb), zb)
    tel = data / "teleantifraud-dialogues" / "teleantifraud_dialogues.jsonl.gz"
    recipe.add("teleantifraud-dialogues", "teleantifraud-dialogues", dialogue_rows(tel), tel)
    sb = data / "safetybench-zh" / "test_zh_subset.json"
    recipe.add("safetybench-zh (stems)", "safetybench-zh", safetybench_stems(sb), sb)


def _add_own_seeds(recipe: HarmRecipe, seed: int) -> None:
    from beian.detect.harm.authored import authored_digest, authored_rows

    recipe.add("beian-contrast", "beian-contrast", contrast_examples(seed), None, contrast_digest())
    left_out = EXCLUDED_AUTHORED | QUESTION_FILES
    authored = [(text, risks) for text, risks, _kind in authored_rows(exclude=left_out)]
    recipe.add("beian-authored", "beian-authored", authored, None, authored_digest())
    questions = [
        (t, r) for t, r, _k in authored_rows(exclude=EXCLUDED_AUTHORED, only=QUESTION_FILES)
    ]
    recipe.add("beian-questions", "beian-questions", questions, None, authored_digest())
    from beian.detect.harm.romanised import romanised_benign, romanised_digest

    rom = romanised_benign([t for t, risks in authored if not risks], seed)
    recipe.add("beian-romanised", "beian-romanised", rom, None, romanised_digest(rom))
    try:
        from beian.detect.solicit.seed import load_seed as solicit_seed
        from beian.detect.solicit.seed import seed_digest as solicit_digest
    except ImportError:  # the solicitation seeds arrive with the solicit detector
        return
    rows = [(t, tuple(r) if harmful else ()) for t, r, harmful in solicit_seed(seed)]
    recipe.add("beian-solicitation", "beian-solicitation", rows, None, solicit_digest())


def build_harm_recipe(
    shared: Path | None, seed: int = 0, *, seeds_only: bool = False
) -> HarmRecipe:
    """All labelled rows of the shipped harm model; ``seeds_only``: beian's own data alone (it
    ships with the package), for users who train on their data without ../shared."""
    recipe = HarmRecipe()
    _add_own_seeds(recipe, seed)
    if seeds_only:
        return recipe
    data = base.shared_dir(shared)
    _add_classifier_sources(recipe, data, seed)
    _add_new_sources(recipe, data)
    base_short = base.Recipe()
    base.add_short_benign(base_short, data, seed)
    for rec, rows in zip(base_short.sources, _split(base_short), strict=True):
        recipe.sources.append(rec)
        recipe.rows.extend(Row(t, r, "beian-short-benign") for t, r in rows)
    return recipe


def _split(recipe: base.Recipe) -> list[list[Labelled]]:
    """The rows of ``recipe`` grouped by its source records, in order."""
    out: list[list[Labelled]] = []
    pos = 0
    for rec in recipe.sources:
        out.append(recipe.rows[pos : pos + rec.records])
        pos += rec.records
    return out
