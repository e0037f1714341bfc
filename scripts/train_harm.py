"""Train the shipped harm model (``src/beian/detect/harm/model/``) from ../shared.

    .venv/bin/python scripts/train_harm.py [--shared ../shared] [--out DIR] [--bits 17]

Reads only sets that may ship plus beian's own seeds (see ``beian.detect.harm.recipe``);
deterministic for the same inputs and seed. Prints the dev-split figures (optimistic: same
sources as training); ``bench/accuracy/run.py`` measures on sources the model never saw. To train on your own data as well, use
``beian classifier train-harm --data yours.jsonl --out DIR``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from beian.detect.harm.recipe import build_harm_recipe
from beian.detect.harm.train import train_harm
from beian.standard import load_profile

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=ROOT / "src/beian/detect/harm/model")
    ap.add_argument("--bits", type=int, default=17)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    recipe = build_harm_recipe(args.shared, seed=args.seed)
    risks = load_profile("tc260-003-2024").risk_ids()
    model = train_harm(recipe, risks, seed=args.seed, bits=args.bits, version="harm-v1")
    model.save(args.out)
    meta = model.meta
    print(
        f"wrote {args.out}: threshold {meta.threshold}, dev {meta.dev}, "
        f"sources {', '.join(meta.train_sources)}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
