"""Round-5 safe compliant answers (and harmful twins): written, measured, kept out of training."""

from __future__ import annotations

from pathlib import Path

from beian.detect.harm.authored import authored_rows, parse_row

FOLDER = Path(__file__).resolve().parents[3] / "scripts" / "harm_authoring" / "unused_answers"
FILES = {"answers_safe_compliant_benign.jsonl": 600, "answers_safe_compliant_harmful.jsonl": 150}


def _rows(name: str) -> list[tuple[str, tuple[str, ...], str]]:
    lines = (FOLDER / name).read_text(encoding="utf-8").splitlines()
    return [parse_row(name, n, line) for n, line in enumerate(lines, start=1) if line.strip()]


def test_files_parse_are_large_enough_and_labelled_one_way() -> None:
    for name, minimum in FILES.items():
        rows = _rows(name)
        assert len(rows) >= minimum
        harmful = name.endswith("_harmful.jsonl")
        assert {bool(risks) for _, risks, _ in rows} == {harmful}
        assert {kind for _, _, kind in rows} == {"answer"}
        texts = [t for t, _, _ in rows]
        assert len(set(texts)) == len(texts)
        assert [t for t in texts if not 150 <= len(t) <= 600] == []


def test_they_are_not_training_data() -> None:
    # kept out of seed/authored, so neither the recipe nor authored_rows() can read them
    seed = {t for t, _, _ in authored_rows()}
    for name in FILES:
        assert not {t for t, _, _ in _rows(name)} & seed
