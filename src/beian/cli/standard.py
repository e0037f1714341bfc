"""``beian risks`` and ``beian standard show|export|list``."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from beian.cli._common import console, folding, print_json
from beian.standard import DEFAULT_PROFILE, builtin_profiles, export_profile, load_profile
from beian.standard.refs import ClauseRef
from beian.standard.schema import Profile, Threshold

standard_app = typer.Typer(
    help="The standard as data: profiles, clauses, thresholds.", no_args_is_help=True
)

ProfileOpt = Annotated[
    str, typer.Option("--profile", "-p", help="Built-in profile name or path to a profile YAML.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def risks_json(profile: Profile) -> list[dict[str, str]]:
    """The ``beian risks --json`` contract."""
    return [
        {"id": r.id, "category": r.category, "name_zh": r.name_zh, "name_en": r.name_en}
        for r in profile.risks
    ]


def _threshold_json(t: Threshold) -> dict[str, Any]:
    return t.model_dump(mode="json")


def clauses_json(profile: Profile) -> dict[str, Any]:
    """The ``beian standard show --json`` contract."""
    return {
        "profile": profile.profile,
        "version": profile.version,
        "clauses": [
            {
                "id": c.id,
                "title_zh": c.title_zh,
                "title_en": c.title_en,
                "kind": c.kind,
                "thresholds": [_threshold_json(t) for t in c.thresholds],
                "confidence": c.confidence,
                "refs": [r.model_dump(mode="json") for r in c.refs],
                "applies_if": c.applies_if,
            }
            for c in profile.clauses
        ],
    }


def risks(profile: ProfileOpt = DEFAULT_PROFILE, as_json: JsonOpt = False) -> None:
    """List the risks of Appendix A (A.1.a … A.5.b)."""
    prof = load_profile(profile)
    if as_json:
        print_json(risks_json(prof))
        return
    table = folding(Table("id", "风险", "risk", title=f"{prof.standard_zh} 附录A"))
    for r in prof.risks:
        table.add_row(r.id, r.name_zh, r.name_en)
    console.print(table)


@standard_app.command("show")
def show(profile: ProfileOpt = DEFAULT_PROFILE, as_json: JsonOpt = False) -> None:
    """Show a profile's clauses with kind, thresholds and confidence tag."""
    prof = load_profile(profile)
    if as_json:
        print_json(clauses_json(prof))
        return
    table = Table(
        "clause", "refs", "kind", "title", "thresholds", "conf.",
        title=f"{prof.profile} {prof.version}",
    )  # fmt: skip
    for c in prof.clauses:
        figures = "; ".join(f"{t.key} {t.op} {t.value:g}" for t in c.thresholds)
        refs = "; ".join(_ref_short(r) for r in c.refs)
        table.add_row(c.id, refs, c.kind, c.title_zh, figures, c.confidence)
    console.print(table)


def _ref_short(ref: ClauseRef) -> str:
    number = ref.number or "?"
    return f"{ref.source} {number}{'' if ref.exact else '~'} [{ref.confidence}]"


@standard_app.command("export")
def export(profile: ProfileOpt = DEFAULT_PROFILE) -> None:
    """Print the complete profile as YAML: copy it, edit a threshold, point beian.toml at it."""
    typer.echo(export_profile(profile), nl=False)


@standard_app.command("list")
def list_profiles() -> None:
    """List the built-in profiles and the clause sets a profile can include."""
    from beian.standard.loader import builtin_sets

    for name in builtin_profiles():
        prof = load_profile(name)
        typer.echo(f"{name}\t{prof.version}\t{prof.standard_zh}")
    for name in builtin_sets():
        typer.echo(f"{name}\tset\t(includes: [{name}])")


@standard_app.command("obligations-template")
def obligations_template(profile: ProfileOpt = DEFAULT_PROFILE) -> None:
    """Print attestations/obligations.yaml for a profile: its questions and structured fields."""
    from beian.assess.obligations import template

    typer.echo(template(load_profile(profile)), nl=False)


def register(app: typer.Typer) -> None:
    """Attach ``risks`` and the ``standard`` group to the root app."""
    app.command("risks")(risks)
    app.add_typer(standard_app, name="standard")
