"""Train the shipped harm model (``src/beian/detect/harm/model/``) from ../shared.

    .venv/bin/python scripts/train_harm.py [--shared ../shared] [--out DIR] [--bits 17]

Reads only sets that may ship plus beian's own seeds (see ``beian.detect.harm.recipe``);
deterministic for the same inputs and seed. Prints the dev-split figures (optimistic: same
sources as training); ``bench/accuracy/run.py`` measures on sources the model never saw.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from beian.detect.harm.recipe import build_harm_recipe
from beian.detect.harm.train import train_harm
from beian.standard import load_profile

ROOT = Path(__file__).resolve().parents[1]


def read_user_rows(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """``{"text", "risks"}`` lines, split on b"\\n" only (U+2028 inside a text is fine)."""
    rows: list[tuple[str, tuple[str, ...]]] = []
    for number, raw in enumerate(path.read_bytes().split(b"\n"), 1):
        if not raw.strip():
            continue
        try:
            rec = json.loads(raw)
            rows.append((str(rec["text"]), tuple(str(r) for r in rec.get("risks", []))))
        except (ValueError, KeyError, TypeError) as exc:
            raise SystemExit(
                f"{path}:{number}: not a {{text, risks}} JSON object ({exc})"
            ) from None
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=ROOT / "src/beian/detect/harm/model")
    ap.add_argument("--bits", type=int, default=17)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--data",
        type=Path,
        action="append",
        default=[],
        help='your labelled JSONL: {"text": ..., "risks": [...]} ([] = benign); repeatable',
    )
    args = ap.parse_args()
    recipe = build_harm_recipe(args.shared, seed=args.seed)
    risks = load_profile("tc260-003-2024").risk_ids()
    for path in args.data:
        rows = read_user_rows(path)
        unknown = sorted({r for _, rs in rows for r in rs} - set(risks))
        if unknown:
            raise SystemExit(f"{path}: unknown risk ids {unknown} (use A.1.a … A.5.b)")
        recipe.add(f"user:{path.name}", f"user:{path.name}", rows, path)
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
