"""``beian classifier train|eval|score``: build, measure and try the risk classifier."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from beian.cli._common import console, err_console, print_json
from beian.errors import InputError
from beian.records import ErrorRecord
from beian.standard import DEFAULT_PROFILE, Profile, load_profile

if TYPE_CHECKING:
    from beian.detect.classifier.data import LabelledRows

EXAMPLES = """示例 / Examples:
  beian classifier score "出售冰毒，货到付款"
      最高分的风险 / the top-scoring risks of a text
  beian classifier eval -i labelled.jsonl --json
      每个风险的 P/R/F1 与 95% 区间 / P/R/F1 per risk with 95 % intervals
  beian classifier train --data mine.jsonl --out model/
      用自己的标注训练 / train on your own labels
  beian classifier eval -i labelled.jsonl --model model/
      评估这个模型 / measure that model
"""
"""The help epilogs; single newlines survive Typer's rich help, so one command per line."""

LABELLED_LINE = 'a labelled line / 标注每行: {"text": "...", "risks": ["A.1.h"]}; [] = benign\n'

TRAIN_EXAMPLES = (
    """示例 / Examples:
  beian classifier train --data mine.jsonl --out model/
      用自己的标注训练 / train on your own labelled JSONL
  beian classifier train --out model/ --shared ../shared
      按配方重建内置模型 / rebuild the shipped model from its recipe
"""
    + LABELLED_LINE
)

TRAIN_HARM_EXAMPLES = """示例 / Examples:

  beian classifier train-harm --data ours.jsonl --out models/harm
      在 beian 自有数据（及 ../shared 配方）上加入自有标注训练 / add your labelled data

  beian detect -d keyword,harm -w my-service "文本"
      工作区 \\[detection.options.harm] model = "models/harm" 后使用 / then use it in a workspace
"""
EVAL_EXAMPLES = (
    """示例 / Examples:
  beian classifier eval -i labelled.jsonl
      每个风险的 P/R/F1 与 95% 区间 / P/R/F1 per risk with 95 % intervals
  beian classifier eval -i labelled.jsonl --model model/ --json
  beian classifier eval -i labelled.jsonl --min-score 0.3
      所有风险同一阈值 / one threshold for every risk
"""
    + LABELLED_LINE
)

SCORE_EXAMPLES = """示例 / Examples:
  beian classifier score "出售冰毒，货到付款" "明天北京有小雨"
  beian classifier score "出售冰毒，货到付款" --top 5 --json
达到阈值的风险带 * / a risk at or above its threshold is starred (*)
"""

classifier_app = typer.Typer(
    help="The built-in multi-label risk classifier.",
    no_args_is_help=True,
    epilog=EXAMPLES + LABELLED_LINE,
)

ProfileOpt = Annotated[
    str, typer.Option("--profile", "-p", help="Built-in profile name or profile YAML.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ModelOpt = Annotated[
    Path | None, typer.Option("--model", help="Model directory (default: the shipped model).")
]


def _report_errors(errors: list[ErrorRecord]) -> None:
    for e in errors:
        err_console.print(f"{e.file}:{e.position}: {e.reason}", markup=False, highlight=False)
    if errors:
        err_console.print(f"{len(errors)} malformed line(s)", markup=False)


Row = tuple[str, tuple[str, ...]]


def _labelled_line(raw: bytes, profile: Profile) -> tuple[Row | None, str]:
    """One line's ``(text, risk ids)``, ``(None, reason)`` when unusable, ``(None, "")`` if blank."""
    from beian.detect.classifier.data import _parse as parse_row

    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8: {exc.reason} at byte {exc.start}"
    if not line.strip():
        return None, ""
    try:
        return parse_row(line, profile), ""
    except ValueError as exc:
        return None, str(exc)


def read_labelled_jsonl(paths: list[Path], profile: Profile) -> LabelledRows:
    """Labelled rows of ``paths``, read as ``beian detect`` reads JSONL: lines end at b"\\n" only.

    Decoding the whole file and calling ``str.splitlines`` would also cut at U+2028, U+2029,
    U+0085 (and \\v, \\f, \\x1c-\\x1e), which JSON allows unescaped inside strings, turning one
    valid record into two malformed lines. A line that is not UTF-8 is one error, not the file.
    """
    from beian.detect.classifier.data import LabelledRows

    out = LabelledRows()
    for path in paths:
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        with path.open("rb") as fh:
            for number, line in enumerate(fh, start=1):
                raw = line.rstrip(b"\r\n")
                if number == 1:
                    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a BOM from Windows editors
                row, reason = _labelled_line(raw, profile)
                if row is not None:
                    out.rows.append(row)
                elif reason:
                    clip = raw[:200].decode("utf-8", errors="replace")
                    out.errors.append(
                        ErrorRecord(file=str(path), position=number, reason=reason, raw=clip)
                    )
    return out


@classifier_app.command("train-harm", epilog=TRAIN_HARM_EXAMPLES)
def train_harm_cmd(
    out: Annotated[
        Path, typer.Option("--out", help="Directory to write the harm model to (new or empty).")
    ],
    data: Annotated[
        list[Path] | None,
        typer.Option("--data", help="Your labelled JSONL file(s) (text, risks); repeatable."),
    ] = None,
    shared: Annotated[
        Path | None,
        typer.Option("--shared", help="../shared for the shipped recipe (default $BEIAN_SHARED)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    bits: Annotated[int, typer.Option("--bits", min=12, max=20, help="2**bits buckets.")] = 17,
    profile: ProfileOpt = DEFAULT_PROFILE,
) -> None:
    """Train a harm model (harm probability + attribution) on the shipped recipe plus your data.

    Without ../shared the recipe is beian's own data only (it ships with the package). Point a
    workspace at the result with \\[detection.options.harm] model = "DIR".
    """
    from beian.detect.harm.recipe import build_harm_recipe
    from beian.detect.harm.train import train_harm
    from beian.errors import ConfigError

    prof = load_profile(profile)
    try:
        recipe = build_harm_recipe(shared, seed)
    except ConfigError:
        if shared is not None:
            raise
        err_console.print(
            "note: ../shared not found: the recipe is beian's own data plus yours",
            markup=False,
            highlight=False,
        )
        recipe = build_harm_recipe(None, seed, seeds_only=True)
    for path in data or []:
        read = read_labelled_jsonl([path], prof)
        _report_errors(read.errors)
        if read.errors:
            raise InputError(f"{len(read.errors)} malformed line(s) in {path}; fix them first")
        recipe.add(f"user:{path.name}", f"user:{path.name}", list(read.rows), path)
    model = train_harm(recipe, prof.risk_ids(), seed=seed, bits=bits, version="user")
    model.save(out)
    meta = model.meta
    console.print(
        f"wrote {out}: operating point {meta.threshold}, dev recall {meta.dev.get('recall')}, "
        f"dev benign flagged {meta.dev.get('benign_flagged')}; "
        f"trained on {', '.join(meta.train_sources)}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


@classifier_app.command("train", epilog=TRAIN_EXAMPLES)
def train(
    out: Annotated[
        Path, typer.Option("--out", help="Directory to write weights.npz and model.json to.")
    ],
    data: Annotated[
        list[Path] | None,
        typer.Option(
            "--data", help="Labelled JSONL file(s); repeatable. Omit to rebuild the shipped model."
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed (same data + seed → identical weights).")
    ] = 0,
    shared: Annotated[
        Path | None,
        typer.Option(
            "--shared",
            help="Shared folder for the shipped recipe (default $BEIAN_SHARED or ../shared).",
        ),
    ] = None,
    epochs: Annotated[int, typer.Option("--epochs", min=1, help="Training epochs.")] = 6,
    bits: Annotated[
        int, typer.Option("--bits", min=8, max=22, help="Feature space is 2**bits buckets.")
    ] = 16,
    profile: ProfileOpt = DEFAULT_PROFILE,
) -> None:
    """Train a model on your labelled JSONL, or rebuild the shipped model from its recipe."""
    from beian.detect.classifier.model import SourceRecord
    from beian.detect.classifier.recipe import RECIPE_NAME, build_recipe
    from beian.detect.classifier.train import LabelledSet, train_model
    from beian.digest import sha256_file

    prof = load_profile(profile)
    synthetic: dict[str, int] = {}
    if data:
        read = read_labelled_jsonl(data, prof)
        _report_errors(read.errors)
        if read.errors:
            raise InputError(
                f"{len(read.errors)} malformed line(s) in the training data; fix them first"
            )
        rows = read.rows
        sources = tuple(
            SourceRecord(
                name=p.name, sha256=sha256_file(p), records=sum(1 for _ in p.open(encoding="utf-8"))
            )
            for p in data
        )
        recipe_name = "user"
    else:
        recipe = build_recipe(shared, seed)
        rows, sources, recipe_name = recipe.merged(), tuple(recipe.sources), RECIPE_NAME
        synth = LabelledSet.build(recipe.synthetic, prof.risk_ids())
        synthetic = synth.positives()
    if not rows:
        raise InputError("no training rows")
    labelled = LabelledSet.build(rows, prof.risk_ids())
    model = train_model(labelled, seed=seed, bits=bits, epochs=epochs)
    meta = model.meta.model_copy(
        update={"recipe": recipe_name, "sources": sources, "synthetic_counts": synthetic}
    )
    type(model)(weights=model.weights, bias=model.bias, meta=meta).save(out)
    console.print(
        f"trained on {len(rows)} texts ({labelled.positives()['benign']} benign); wrote {out}"
    )


def _gold_pred(
    rows: list[tuple[str, tuple[str, ...]]], model_dir: Path | None, min_score: float | None
) -> tuple[Any, Any, tuple[str, ...], dict[str, Any]]:
    import numpy as np

    from beian.detect.classifier.model import load_model

    model = load_model(model_dir)
    # Which model was measured: 8.4 accepts a measurement only for the model in use.
    measured = {
        "weights_sha256": model.meta.weights_sha256,
        "recipe": model.meta.recipe,
        "version": model.meta.version,
        "min_score": min_score,
    }
    risks = model.risks
    col = {r: i for i, r in enumerate(risks)}
    gold = np.zeros((len(rows), len(risks)), dtype=bool)
    for i, (_, labels) in enumerate(rows):
        for r in labels:
            if r in col:
                gold[i, col[r]] = True
    probs = model.scores([t for t, _ in rows])
    cut = (
        np.full(len(risks), min_score, dtype=np.float32)
        if min_score is not None
        else model.threshold_vector()
    )
    return gold, probs >= cut, risks, measured


def _fmt(row: dict[str, Any], key: str) -> str:
    lo, hi = row[f"{key}_ci"]
    return f"{row[key]:.3f} [{lo:.2f}–{hi:.2f}]"


@classifier_app.command("eval", epilog=EVAL_EXAMPLES)
def evaluate_cmd(
    input_: Annotated[
        list[Path],
        typer.Option("--input", "-i", help="Labelled JSONL ({text, risks}); repeatable."),
    ],
    model: ModelOpt = None,
    min_score: Annotated[
        float | None,
        typer.Option("--min-score", min=0.0, max=1.0, help="One threshold for all risks."),
    ] = None,
    profile: ProfileOpt = DEFAULT_PROFILE,
    as_json: JsonOpt = False,
) -> None:
    """Precision/recall/F1 per risk, micro, macro and any-risk flag, with 95 % intervals."""
    from beian.detect.classifier.metrics import evaluate

    prof = load_profile(profile)
    read = read_labelled_jsonl(input_, prof)
    _report_errors(read.errors)
    gold, pred, risks, measured = _gold_pred(read.rows, model, min_score)
    result = evaluate(gold, pred, risks)
    result["detector"] = "classifier"
    result["model"] = measured
    result["inputs"] = [str(p) for p in input_]
    result["errors"] = {
        "count": len(read.errors),
        "lines": [e.model_dump() for e in read.errors[:100]],
    }
    if as_json:
        print_json(result)
    else:
        _print_table(result)
    if read.errors:
        raise typer.Exit(1)


def _print_table(result: dict[str, Any]) -> None:
    table = Table(
        "risk",
        "support",
        "pred",
        "precision [95% CI]",
        "recall [95% CI]",
        "F1 [95% CI]",
        title=f"{result['n']} texts, {result['benign']} benign",
    )
    rows = [*result["per_risk"].items(), ("micro", result["micro"]), ("flag", result["flag"])]
    for name, row in rows:
        table.add_row(
            name,
            str(row["support"]),
            str(row["predicted"]),
            _fmt(row, "precision"),
            _fmt(row, "recall"),
            _fmt(row, "f1"),
        )
    console.print(table)
    macro = result["macro"]
    lo, hi = macro["f1_ci"]
    console.print(
        f"macro F1 {macro['f1']:.3f} [{lo:.2f}–{hi:.2f}] over {macro['risks']} risks; F1 interval: bootstrap"
    )


@classifier_app.command("score", epilog=SCORE_EXAMPLES)
def score(
    texts: Annotated[list[str], typer.Argument(help="Texts to score.")],
    model: ModelOpt = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Show this many risks per text.")] = 3,
    as_json: JsonOpt = False,
) -> None:
    """Show the highest-scoring risks of each text and whether they pass the threshold."""
    import numpy as np

    from beian.detect.classifier.model import load_model

    m = load_model(model)
    probs = m.scores(texts)
    cut = m.threshold_vector()
    out: list[dict[str, Any]] = []
    for text, row in zip(texts, probs, strict=True):
        best = np.argsort(-row, kind="stable")[:top]
        out.append(
            {
                "text": text,
                "top": [
                    {
                        "risk": m.risks[i],
                        "score": round(float(row[i]), 4),
                        "flagged": bool(row[i] >= cut[i]),
                    }
                    for i in best
                ],
            }
        )
    if as_json:
        print_json(out)
        return
    for item in out:
        tops = ", ".join(
            f"{t['risk']} {t['score']:.2f}{'*' if t['flagged'] else ''}" for t in item["top"]
        )
        console.print(f"{item['text'][:40]}  →  {tops}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Attach the ``classifier`` group (train, eval, score) to the root app."""
    app.add_typer(classifier_app, name="classifier")
