"""Answer-model data (``seed/answers/``): round-5 safe compliant answers and harmful twins, and
round-6 everyday how-to answers. They train the answer model only, never the shared one."""

from __future__ import annotations

from pathlib import Path

from beian.detect.harm.answer import answers_digest, seed_answer_rows
from beian.detect.harm.authored import authored_rows, parse_row

FOLDER = (
    Path(__file__).resolve().parents[3] / "src" / "beian" / "detect" / "harm" / "seed" / "answers"
)
FILES = {
    "answers_safe_compliant_benign.jsonl": (600, 150, 600),
    "answers_safe_compliant_harmful.jsonl": (150, 150, 600),
    "answers_general_benign.jsonl": (350, 60, 400),
}


def _rows(name: str) -> list[tuple[str, tuple[str, ...], str]]:
    lines = (FOLDER / name).read_text(encoding="utf-8").splitlines()
    return [parse_row(name, n, line) for n, line in enumerate(lines, start=1) if line.strip()]


def test_files_parse_are_large_enough_and_labelled_one_way() -> None:
    for name, (minimum, shortest, longest) in FILES.items():
        rows = _rows(name)
        assert len(rows) >= minimum
        harmful = name.endswith("_harmful.jsonl")
        assert {bool(risks) for _, risks, _ in rows} == {harmful}
        assert {kind for _, _, kind in rows} == {"answer"}
        texts = [t for t, _, _ in rows]
        assert len(set(texts)) == len(texts)
        assert [t for t in texts if not shortest <= len(t) <= longest] == []


def test_loader_reads_every_file_and_digest_is_stable() -> None:
    assert len(seed_answer_rows()) == sum(len(_rows(n)) for n in FILES)
    assert answers_digest() == answers_digest()


def test_they_do_not_train_the_shared_model() -> None:
    # kept out of seed/authored, so neither the shared recipe nor authored_rows() reads them
    seed = {t for t, _, _ in authored_rows()}
    for name in FILES:
        assert not {t for t, _, _ in _rows(name)} & seed
