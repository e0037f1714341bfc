"""Train the shipped answer model (``src/beian/detect/harm/answer_model/``) from ../shared.

    .venv/bin/python scripts/train_answer_harm.py [--shared ../shared] [--out DIR]

Answers only, from sets that may ship plus beian's own answers (see
``beian.detect.harm.answer``), each with its question as context features; every row weighs the
same. Deterministic for the same inputs and seed: the model it writes is the one round 6
measured as variant (b) of docs/accuracy.md (fused with the shared harm model by the answer
judge, variant (d)). ``--seeds-only`` trains on beian's own answers alone (no ../shared).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from beian.detect.harm.answer import ANSWER_RECIPE_NAME, build_answer_recipe, harm_column_only
from beian.detect.harm.train import train_harm
from beian.standard import load_profile

ROOT = Path(__file__).resolve().parents[1]
BITS = 17


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=ROOT / "src/beian/detect/harm/answer_model")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--seeds-only", action="store_true")
    args = ap.parse_args()
    recipe = build_answer_recipe(args.shared, seeds_only=args.seeds_only)
    risks = load_profile("tc260-003-2024").risk_ids()
    model = train_harm(
        recipe,
        risks,
        seed=args.seed,
        bits=BITS,
        version=ANSWER_RECIPE_NAME,
        recipe_name=ANSWER_RECIPE_NAME,
        uniform=True,
    )
    model = harm_column_only(model)
    args.out.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    meta = model.meta
    print(
        f"wrote {args.out}: own threshold {meta.threshold}, dev {meta.dev}, "
        f"sources {', '.join(meta.train_sources)}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
