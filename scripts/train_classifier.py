"""Build evaluation files for the classifier from /work/shared/data (DEVELOPMENT ONLY).

    python scripts/train_classifier.py build-eval --shared ../shared --out /tmp/beian-eval

Writes labelled JSONL for ``beian classifier eval``. Nothing here is used for training the
shipped model: COLD test is excluded from the training recipe, and CHiSafetyBench and CMMLU are
not shippable (no licence / CC BY-NC-SA) and must never be trained on. The outputs stay outside
the repository. Training itself is ``beian classifier train``.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path

from beian.detect.classifier.recipe import shared_dir
from beian.detect.classifier.synth import load_seed
from beian.standard import load_profile

CMMLU_SUBJECTS = (
    "chinese_history",
    "world_history",
    "high_school_geography",
    "ethnology",
    "chinese_food_culture",
    "chinese_literature",
    "arts",
    "world_religions",
    "marxist_theory",
    "high_school_politics",
    "chinese_foreign_policy",
    "human_sexuality",
    "professional_psychology",
    "clinical_knowledge",
)


def _write(path: Path, rows: list[dict[str, object]]) -> None:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    print(f"{path}: {len(rows)} rows")


def cold_test(data: Path) -> list[dict[str, object]]:
    """COLD test with the same topic mapping as training, plus fine-grained 1 → A.4.c."""
    rules = load_seed("rules.yaml")["group_rules"]["A.2.c"]
    rows: list[dict[str, object]] = []
    with (data / "cold" / "test.csv").open(encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            risks: list[str] = []
            if r["label"] == "1":
                topic = r["topic"]
                if topic == "region":
                    risks.append("A.2.d")
                elif topic == "gender":
                    risks.append("A.2.e")
                else:
                    risks.append("A.2.c" if any(w in r["TEXT"] for w in rules) else "A.2.a")
                if r["fine-grained-label"] == "1":
                    risks.append("A.4.c")
            rows.append({"text": r["TEXT"], "risks": risks})
    return rows


def chisafetybench(data: Path) -> list[dict[str, object]]:
    """CHiSafetyBench question stems (options cut off), labelled with their risk by name."""
    profile = load_profile()
    rows: list[dict[str, object]] = []
    for name in ("chisafetybench_mcq_dev.json", "chisafetybench_v0_extra_dev.json"):
        for area in json.loads((data / "chisafetybench" / name).read_text(encoding="utf-8")):
            for item in area["infos"]:
                rid = profile.resolve_risk(item["category"])
                if rid is None:
                    raise SystemExit(f"unmapped category {item['category']!r}")
                stem = item["question"].split("\nA.")[0].strip()
                rows.append({"text": stem, "risks": [rid]})
    return rows


def cmmlu_benign(data: Path, n: int = 1500) -> list[dict[str, object]]:
    """A seeded sample of benign CMMLU test questions from the humanities and 国情 subjects."""
    rows: list[dict[str, object]] = []
    for subject in CMMLU_SUBJECTS:
        with (data / "cmmlu" / "test" / f"{subject}.csv").open(encoding="utf-8", newline="") as fh:
            rows.extend({"text": r["Question"], "risks": []} for r in csv.DictReader(fh))
    random.Random(0).shuffle(rows)
    return rows[:n]


def main() -> None:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["build-eval"])
    parser.add_argument("--shared", type=Path, default=None)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    data = shared_dir(args.shared)
    args.out.mkdir(parents=True, exist_ok=True)
    _write(args.out / "cold_test.jsonl", cold_test(data))
    _write(args.out / "chisafetybench.jsonl", chisafetybench(data))
    _write(args.out / "cmmlu_benign.jsonl", cmmlu_benign(data))


if __name__ == "__main__":
    main()
