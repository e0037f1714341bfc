"""Load standard profiles from the package or from a user's file.

A profile file is either complete, or names a base with ``extends:`` and patches it:
``clauses_patch`` / ``risks_patch`` map ids to changed fields (thresholds merge by ``key``),
``clauses_remove`` drops clauses. ``includes`` merges clause sets (``profiles/sets/<name>.yaml``
or a file): their clauses, chapters, sources and questions are added. ``export_profile`` writes the resolved, complete form, which is
what a user copies to make their own profile.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from beian.cachedir import yaml_data
from beian.errors import ConfigError
from beian.standard.index import DEFAULT_PROFILE as DEFAULT_PROFILE
from beian.standard.schema import Profile

_PATCH_KEYS = {
    "extends", "clauses_patch", "risks_patch", "clauses_remove", "includes", "terminology"
}  # fmt: skip
_WORDED = ("title_zh", "title_en", "evidence_zh", "evidence_en")
_SET_LISTS = ("sources", "chapters", "questions")


def builtin_profiles() -> list[str]:
    """Names of the profiles shipped with beian."""
    folder = resources.files("beian.standard").joinpath("profiles")
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def _read_yaml(text: str, where: str) -> dict[str, Any]:
    # Profiles are read on every CLI start: parsed once by libyaml's safe loader (about ten
    # times faster than the pure-Python one), then from the cache without importing PyYAML.
    try:
        data = yaml_data(text)
    except Exception as exc:
        import yaml

        if not isinstance(exc, yaml.YAMLError):
            raise
        raise ConfigError(f"{where}: not valid YAML ({exc.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: a profile must be a YAML mapping")
    return data


def _raw(name_or_path: str, base_dir: Path | None) -> tuple[dict[str, Any], Path | None]:
    if name_or_path in builtin_profiles():
        ref = resources.files("beian.standard").joinpath("profiles", f"{name_or_path}.yaml")
        return _read_yaml(ref.read_text(encoding="utf-8"), name_or_path), None
    path = Path(name_or_path)
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if not path.is_file():
        known = ", ".join(builtin_profiles())
        raise ConfigError(f"profile {name_or_path!r} is neither a built-in ({known}) nor a file")
    return _read_yaml(path.read_text(encoding="utf-8"), str(path)), path.parent


def _merge_by(items: list[dict[str, Any]], patch: dict[str, Any], key: str, what: str) -> None:
    index = {str(item[key]): item for item in items}
    for ident, changes in patch.items():
        target = index.get(str(ident))
        if target is None:
            raise ConfigError(f"patch names unknown {what} {ident!r}")
        for field, value in (changes or {}).items():
            if field == "thresholds" and isinstance(value, list):
                _merge_thresholds(target, value)
            else:
                target[field] = value


def _merge_thresholds(clause: dict[str, Any], patches: list[dict[str, Any]]) -> None:
    current = {t["key"]: t for t in clause.get("thresholds", [])}
    for t in patches:
        current[t["key"]] = {**current.get(t["key"], {}), **t}
    clause["thresholds"] = list(current.values())


def builtin_sets() -> list[str]:
    """Names of the clause sets (sub-profiles) shipped with beian."""
    folder = resources.files("beian.standard").joinpath("profiles", "sets")
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def _set_data(name_or_path: str, base_dir: Path | None) -> dict[str, Any]:
    if name_or_path in builtin_sets():
        ref = resources.files("beian.standard").joinpath("profiles", "sets", f"{name_or_path}.yaml")
        return _read_yaml(ref.read_text(encoding="utf-8"), name_or_path)
    path = Path(name_or_path)
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if not path.is_file():
        known = ", ".join(builtin_sets())
        raise ConfigError(f"clause set {name_or_path!r} is neither a built-in ({known}) nor a file")
    return _read_yaml(path.read_text(encoding="utf-8"), str(path))


def _include(merged: dict[str, Any], names: list[str], base_dir: Path | None) -> None:
    """Add the clause sets ``names`` to ``merged``; a clause id defined twice is an error."""
    ids = {str(c["id"]) for c in merged.get("clauses", [])}
    for name in names:
        part = _set_data(str(name), base_dir)
        for key in _SET_LISTS:
            have = {str(item["id"]) for item in merged.get(key, [])}
            extra = [dict(i) for i in part.get(key) or [] if str(i["id"]) not in have]
            merged[key] = [*merged.get(key, []), *extra]
        for clause in part.get("clauses") or []:
            if str(clause["id"]) in ids:
                raise ConfigError(f"clause set {name!r} defines clause {clause['id']} again")
            ids.add(str(clause["id"]))
            merged["clauses"].append(dict(clause))
        merged["includes"] = [*merged.get("includes", []), str(name)]


def _apply_terms(merged: dict[str, Any], terms: list[dict[str, str]]) -> None:
    """Replace terms (``{from, to}``, in order) in clause and chapter wording."""
    items = [*merged.get("clauses", []), *merged.get("chapters", [])]
    for item in items:
        for key in _WORDED:
            text = item.get(key)
            if isinstance(text, str):
                for term in terms:
                    text = text.replace(str(term["from"]), str(term["to"]))
                item[key] = text


def resolve_profile_data(name_or_path: str, base_dir: Path | None = None) -> dict[str, Any]:
    """The complete (extends, patches, terminology and includes applied) profile mapping."""
    data, here = _raw(name_or_path, base_dir)
    own_includes = [str(n) for n in data.get("includes") or []]
    terms = list(data.get("terminology") or [])
    if "extends" not in data:
        merged = {k: v for k, v in data.items() if k not in {"includes", "terminology"}}
        merged["clauses"] = [dict(c) for c in data.get("clauses") or []]
        _apply_terms(merged, terms)
        _include(merged, own_includes, here)
        return merged
    base = resolve_profile_data(str(data["extends"]), here)
    merged = {**base, **{k: v for k, v in data.items() if k not in _PATCH_KEYS}}
    merged["clauses"] = [dict(c) for c in base["clauses"]]
    merged["risks"] = [dict(r) for r in base["risks"]]
    for key in _SET_LISTS:  # a child's chapter/source/question replaces the base's of that id
        mine = {str(i["id"]): dict(i) for i in data.get(key) or []}
        kept = [mine.pop(str(i["id"]), dict(i)) for i in base.get(key) or []]
        merged[key] = [*kept, *mine.values()]
    _merge_by(merged["clauses"], data.get("clauses_patch") or {}, "id", "clause")
    _merge_by(merged["risks"], data.get("risks_patch") or {}, "id", "risk")
    removed = {str(c) for c in data.get("clauses_remove") or []}
    merged["clauses"] = [c for c in merged["clauses"] if str(c["id"]) not in removed]
    _apply_terms(merged, terms)
    _include(merged, own_includes, here)
    return merged


def load_profile(name_or_path: str = DEFAULT_PROFILE, base_dir: Path | None = None) -> Profile:
    """Load and validate a profile by built-in name or file path."""
    return _load_cached(name_or_path, str(base_dir) if base_dir else None)


@lru_cache(maxsize=32)
def _load_cached(name_or_path: str, base_dir: str | None) -> Profile:
    data = resolve_profile_data(name_or_path, Path(base_dir) if base_dir else None)
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"profile {name_or_path!r}: {where}: {first['msg']}") from None


def export_profile(name_or_path: str, base_dir: Path | None = None) -> str:
    """The resolved profile as YAML, ready to copy and edit."""
    profile = load_profile(name_or_path, base_dir)
    # The clauses of included sets are already in the dump; listing the sets again would add
    # them twice when the export is loaded.
    data = profile.model_dump(mode="json", exclude_defaults=True, exclude={"includes"})
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
