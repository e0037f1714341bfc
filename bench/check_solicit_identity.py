"""Dump the ``solicit`` findings of every development text, to compare two checkouts.

    PYTHONPATH=<checkout>/src python bench/check_solicit_identity.py OUT.jsonl [--shared PATH]
    cmp main.jsonl this.jsonl

Texts: the 5,888 documents of the bench corpus (``corpus.jsonl.gz``, batches of 256 as
``corpus assess`` reads them, and of 64), the solicit seed texts (hand-written plus 2,000
generated), the 10,812 spam SMS, and the fraud sets (``fraud-r1-zh``'s case texts and rewrites,
``teleantifraud-dialogues``' dialogues with their turns joined). Each text's findings are
written as one JSON line (every field, keys sorted), for two detector configurations: the
default options, and ``min_score`` 0 with ``report_contacts`` (every decision the rules make,
contacts included). A ``DetectorSet`` of the default detectors is run on the bench corpus too
(solicit then reads the keyword detector's shared fold). Two checkouts' dumps are compared with
``cmp``: equal files mean the same findings, spans, scores, evidence and order.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path

from beian.detect.detector_set import DetectorSet
from beian.detect.solicit import SolicitDetector
from beian.detect.solicit.lexicon import families
from beian.detect.solicit.seed import load_seed
from beian.records import Finding

REPO = Path(__file__).resolve().parents[1]


def _texts(shared: Path) -> Iterator[tuple[str, list[str], int]]:
    """``(set name, texts, batch size)`` for every set that is there."""
    data = shared / "data"
    bench = shared / "bench" / "data" / "corpus.jsonl.gz"
    if bench.is_file():
        with gzip.open(bench, "rt", encoding="utf-8") as f:
            docs = [json.loads(line)["text"] for line in f]
        yield "bench", docs, 256
        yield "bench-64", docs, 64
    yield "seed", [t for t, _, _ in load_seed(generated=2000)], 256
    sms = data / "spam-sms-10k" / "train.txt"
    if sms.is_file():
        lines = sms.read_text(encoding="utf-8").splitlines()
        yield "spam-sms", [line.split("\t", 1)[-1] for line in lines], 256
    fraud = data / "fraud-r1-zh" / "FP-base-Chinese.json"
    if fraud.is_file():
        cases = json.loads(fraud.read_text(encoding="utf-8"))
        texts = [str(c.get(k) or "") for c in cases for k in ("raw_data", "generated text")]
        yield "fraud-r1", texts, 256
    dialogues = data / "teleantifraud-dialogues" / "teleantifraud_dialogues.jsonl.gz"
    if dialogues.is_file():
        with gzip.open(dialogues, "rt", encoding="utf-8") as f:
            rows = [json.loads(line) for line in f]
        texts = ["\n".join([*r.get("left", []), *r.get("right", [])]) for r in rows]
        yield "teleantifraud", texts, 256


def _line(name: str, i: int, findings: list[Finding]) -> str:
    rows = [dataclasses.asdict(f) for f in findings]
    return json.dumps([name, i, rows], sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument(
        "--shared", type=Path, default=Path(os.environ.get("BEIAN_SHARED", REPO.parent / "shared"))
    )
    args = ap.parse_args()
    names = list(families().families)
    configs = {
        "default": SolicitDetector(families(), names, 0.5, False),
        "all": SolicitDetector(families(), names, 0.0, True),
    }
    fired = 0
    with args.out.open("w", encoding="utf-8") as out:
        for name, texts, size in _texts(args.shared):
            for label, det in configs.items():
                for lo in range(0, len(texts), size):
                    got = det.detect_batch(texts[lo : lo + size])
                    fired += sum(map(bool, got))
                    for k, findings in enumerate(got):
                        out.write(_line(f"{name}/{label}", lo + k, findings))
            if name == "bench":
                ds = DetectorSet.from_names(["keyword", "solicit", "harm"])
                for lo in range(0, len(texts), size):
                    for k, r in enumerate(ds.check_batch(texts[lo : lo + size])):
                        solicit = [f for f in r.findings if f.detector == "solicit"]
                        out.write(_line("bench/default-set", lo + k, solicit))
    print(f"wrote {args.out} ({fired} texts with findings)")


if __name__ == "__main__":
    main()
