"""The corpus jobs end to end through the Python API (pii detector, in-process executor)."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.scan.conftest import ManifestFactory, corpus_rows, source_yaml, write_jsonl

from beian.errors import InputError, UserError
from beian.scan.executors import InlineExecutor, LocalExecutor
from beian.scan.jobs import (
    Detection,
    JobOptions,
    assess_corpus,
    filter_corpus,
    import_manual_verdicts,
    sample_corpus,
)
from beian.scan.manifest import Manifest, load_manifest
from beian.scan.manual import allocate
from beian.scan.summary_model import ScanSummary
from beian.standard import Profile, load_profile
from beian.store import FindingRow, ItemRow, RunRow, Store, VerdictRow, open_store

PII = Detection(["pii"])


def _inline(**kw: object) -> JobOptions:
    return JobOptions(executor=InlineExecutor(), **kw)  # type: ignore[arg-type]


@pytest.fixture
def corpus(tmp_path: Path, make_manifest: ManifestFactory) -> Manifest:
    """Two sources: 'clean' (no PII, 2 bad lines) and 'dirty' (every 5th item has a phone)."""
    root = tmp_path / "corpus"
    write_jsonl(root / "clean" / "a.jsonl", corpus_rows(120, "c"))
    with (root / "clean" / "a.jsonl").open("a", encoding="utf-8") as fh:
        fh.write("{broken\n" + json.dumps({"id": "x"}) + "\n")
    write_jsonl(root / "dirty.jsonl", corpus_rows(80, "d", every=5))
    return load_manifest(
        make_manifest(
            [source_yaml("clean", ["clean/*.jsonl"]), source_yaml("dirty", ["dirty.jsonl"])]
        )
    )


def _store(tmp_path: Path) -> Store:
    return open_store(f"sqlite:///{tmp_path / 'beian.db'}")


def test_assess_summary_contract_verdicts_and_store(
    tmp_path: Path, corpus: Manifest, profile: Profile
) -> None:
    store = _store(tmp_path)
    run_id, typed = assess_corpus(corpus, profile, tmp_path / "out", PII, store, job=_inline())
    summary = typed.to_json()  # the documented summary.json contract
    on_disk = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))
    assert on_disk == {k: v for k, v in summary.items() if k != "summary_file"}
    assert (
        ScanSummary.load(on_disk).model_copy(update={"summary_file": typed.summary_file}) == typed
    )
    for key in (
        "profile",
        "items",
        "errors",
        "sampled",
        "qualified_rate",
        "qualified_ci",
        "pass",
        "sources",
        "risks",
    ):
        assert key in summary
    assert (summary["items"], summary["errors"], summary["sampled"]) == (200, 2, 200)
    by_name = {s["name"]: s for s in summary["sources"]}
    assert by_name["clean"]["flagged"] == 0 and by_name["clean"]["verdict"] == "usable"
    assert by_name["dirty"]["flagged"] == 16 and by_name["dirty"]["verdict"] == "exclude"
    assert by_name["dirty"]["flagged_rate"] == 0.2
    lo, hi = by_name["dirty"]["ci"]
    assert lo < 0.2 < hi
    assert summary["risks"] == {"A.4.f": 16}
    assert summary["qualified_rate"] == 0.92 and summary["pass"] is False
    assert by_name["dirty"]["examples"][0]["file"] == "dirty.jsonl"
    assert summary["error_reasons"] == {"invalid JSON": 1, "missing text field 'text'": 1}
    with store.session() as s:
        run = s.get(RunRow, run_id)
        assert run is not None and run.kind == "corpus-assess" and run.summary["items"] == 200
        assert [sp["name"] for sp in run.specs] == ["pii", "jsonl"]
        items = s.scalars(select(ItemRow).where(ItemRow.run_id == run_id)).all()
        assert items and all(i.key.startswith("dirty:d-") for i in items)
        assert (
            s.scalars(select(FindingRow).where(FindingRow.item_id == items[0].id)).first()
            is not None
        )


def test_thresholds_come_from_the_profile(tmp_path: Path, corpus: Manifest) -> None:
    lax = tmp_path / "lax.yaml"
    lax.write_text(
        "extends: tc260-003-2024\nprofile: lax\nclauses_patch:\n"
        "  5.1.a:\n    thresholds:\n      - {key: per_source_illegal_share_max, value: 0.25}\n"
        "  9.2.b:\n    thresholds:\n      - {key: qualified_rate_min, value: 0.9}\n",
        "utf-8",
    )
    _run, summary = assess_corpus(
        corpus, load_profile(str(lax)), tmp_path / "out", PII, _store(tmp_path), job=_inline()
    )
    assert [s.verdict for s in summary.sources] == ["usable", "usable"]
    assert summary.passed is True


def test_sample_rate_checks_at_least_the_rate(
    tmp_path: Path, corpus: Manifest, profile: Profile
) -> None:
    _run, summary = assess_corpus(
        corpus,
        profile,
        tmp_path / "out",
        PII,
        _store(tmp_path),
        sample_rate=0.1,
        seed=3,
        job=_inline(),
    )
    assert summary.sampled == 12 + 8 and summary.sample_share >= 0.1
    with pytest.raises(UserError, match="9.2.b"):
        assess_corpus(corpus, profile, tmp_path / "o2", PII, _store(tmp_path), sample_rate=0.05)


def test_filter_accounts_for_every_record_and_never_touches_inputs(
    tmp_path: Path, corpus: Manifest, profile: Profile
) -> None:
    inputs = {
        p: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (tmp_path / "corpus").rglob("*.jsonl")
    }
    _run, summary = filter_corpus(
        corpus, profile, tmp_path / "f", PII, _store(tmp_path), job=_inline()
    )
    assert (summary.input, summary.clean, summary.rejected, summary.errors) == (
        202,
        184,
        16,
        2,
    )
    assert summary.accounted and summary.output_lines == {
        "clean": 184,
        "rejected": 16,
        "errors": 2,
    }
    rejected = [
        json.loads(x)
        for p in sorted((tmp_path / "f" / "rejected").glob("*.jsonl"))
        for x in p.open()
    ]
    assert all(r["reason"] == "flagged: A.4.f" and r["findings"] for r in rejected)
    clean_ids = [
        json.loads(x)["id"] for p in (tmp_path / "f" / "clean").glob("*.jsonl") for x in p.open()
    ]
    assert len(clean_ids) == len(set(clean_ids)) == 184
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inputs} == inputs


def test_rerun_resumes_and_changed_settings_need_restart(
    tmp_path: Path, corpus: Manifest, profile: Profile
) -> None:
    out = tmp_path / "out"
    _r1, first = assess_corpus(corpus, profile, out, PII, _store(tmp_path), job=_inline())
    stamps = {p: p.stat().st_mtime_ns for p in (out / "stats").iterdir()}
    _r2, again = assess_corpus(corpus, profile, out, PII, _store(tmp_path), job=_inline())
    assert again == first
    assert {p: p.stat().st_mtime_ns for p in (out / "stats").iterdir()} == stamps
    with pytest.raises(UserError, match="--restart"):
        assess_corpus(
            corpus, profile, out, Detection(["pii", "keyword"]), _store(tmp_path), job=_inline()
        )
    _r3, fresh = assess_corpus(
        corpus, profile, out, PII, _store(tmp_path), seed=1, job=_inline(restart=True)
    )
    assert fresh.items == 200


def test_allocation_is_proportional_and_keeps_every_source() -> None:
    assert allocate({"a": 900, "b": 90, "c": 10}, 100) == {"a": 90, "b": 9, "c": 1}
    assert allocate({"a": 9990, "b": 10, "c": 0}, 100) == {"a": 99, "b": 1, "c": 0}
    assert allocate({"a": 5, "b": 3}, 100) == {"a": 5, "b": 3}
    assert sum(allocate({"a": 333, "b": 333, "c": 334}, 4000).values()) == 1000


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_sample_is_stratified_reproducible_and_independent_of_sharding(
    tmp_path: Path, corpus: Manifest, profile: Profile
) -> None:
    store = _store(tmp_path)
    run_id, summary = sample_corpus(
        corpus, profile, tmp_path / "s1.csv", 50, store, seed=5, job=_inline()
    )
    assert summary["allocation"] == {"clean": 30, "dirty": 20} and summary["n"] == 50
    first = _rows(tmp_path / "s1.csv")
    assert len(first) == 50 and {r["run_id"] for r in first} == {run_id}
    sharded = JobOptions(executor=LocalExecutor(2, min_bytes_per_process=0), shard_bytes=2000)
    _r, _s = sample_corpus(corpus, profile, tmp_path / "s2.csv", 50, store, seed=5, job=sharded)

    def key(r: dict[str, str]) -> tuple[str, str]:
        return r["sample_id"], r["text"]

    assert [key(r) for r in _rows(tmp_path / "s2.csv")] == [key(r) for r in first]
    sample_corpus(corpus, profile, tmp_path / "s3.csv", 50, store, seed=6, job=_inline())
    assert [key(r) for r in _rows(tmp_path / "s3.csv")] != [key(r) for r in first]
    with store.session() as s:
        items = s.scalars(select(ItemRow).where(ItemRow.run_id == run_id)).all()
        assert sorted(i.key for i in items) == sorted(r["sample_id"] for r in first)


def _fill(path: Path, out: Path, bad: int, blank: int = 0) -> None:
    rows = _rows(path)
    for i, r in enumerate(rows):
        r["verdict"] = "" if i < blank else ("不合格" if i < blank + bad else "合格")
        r["reviewer"] = "张三"
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def test_manual_verdicts_are_scored_against_the_profile(tmp_path: Path, corpus: Manifest) -> None:
    small = tmp_path / "small.yaml"
    small.write_text(
        "extends: tc260-003-2024\nprofile: small\nclauses_patch:\n"
        "  9.2.a:\n    thresholds:\n      - {key: sample_min, value: 40}\n",
        "utf-8",
    )
    profile = load_profile(str(small))
    store = _store(tmp_path)
    sample_run, _s = sample_corpus(corpus, profile, tmp_path / "s.csv", 50, store, job=_inline())
    _fill(tmp_path / "s.csv", tmp_path / "reviewed.csv", bad=1)
    _run, summary = import_manual_verdicts(tmp_path / "reviewed.csv", profile, store)
    assert (summary["reviewed"], summary["qualified"], summary["qualified_rate"]) == (50, 49, 0.98)
    assert summary["pass"] is True and summary["sample_run"] == sample_run
    _fill(tmp_path / "s.csv", tmp_path / "reviewed.csv", bad=3, blank=15)
    _run, summary = import_manual_verdicts(tmp_path / "reviewed.csv", profile, store)
    assert summary["reviewed"] == 35 and summary["pass"] is False
    assert any("35 items reviewed" in w for w in summary["fail_reasons"])
    assert any("below 0.96" in w for w in summary["fail_reasons"])
    with store.session() as s:
        assert len(s.scalars(select(VerdictRow).where(VerdictRow.method == "manual")).all()) == 35
    rows = _rows(tmp_path / "reviewed.csv")
    rows[0]["verdict"] = "maybe"
    with (tmp_path / "odd.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(InputError, match="maybe"):
        import_manual_verdicts(tmp_path / "odd.csv", profile, store)


def test_unreadable_source_fails_5_1_a(tmp_path: Path) -> None:
    """F14: a source whose file is missing is a failure with its reason, never a PASS."""
    from beian.scan.executors import InlineExecutor
    from beian.scan.jobs import Detection, JobOptions, assess_corpus
    from beian.scan.manifest import load_manifest
    from beian.standard import load_profile
    from beian.store import open_store

    (tmp_path / "ok.jsonl").write_text('{"text": "今天天气很好"}\n', encoding="utf-8")
    (tmp_path / "LIC").write_text("CC0", encoding="utf-8")
    entry = "    type: self-collected\n    languages: [zh]\n    modality: text\n"
    entry += "    origin: domestic\n    licence: LIC\n"
    (tmp_path / "m.yaml").write_text(
        f"sources:\n  - name: good\n{entry}    files: [ok.jsonl]\n"
        f"  - name: gone\n{entry}    files: [missing.jsonl]\n",
        encoding="utf-8",
    )
    _, summary = assess_corpus(
        load_manifest(tmp_path / "m.yaml"),
        load_profile(),
        tmp_path / "out",
        Detection(["keyword"]),
        open_store(f"sqlite:///{tmp_path / 'db.sqlite'}"),
        job=JobOptions(executor=InlineExecutor()),
    )
    assert summary.passed is False and summary.sources_usable is False
    gone = next(s for s in summary.sources if s.name == "gone")
    assert gone.verdict == "unreadable" and gone.unreadable == ["missing.jsonl: not found"]
    assert any("gone could not be read" in r for r in summary.fail_reasons)
