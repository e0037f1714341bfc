"""run_shard and the block sampler: the unit-of-work contract."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from tests.scan.conftest import ManifestFactory, corpus_rows, source_yaml, write_jsonl

from beian.records import Document
from beian.scan.engine import BlockSampler, ScanConfig, run_shard
from beian.scan.manifest import load_manifest
from beian.scan.plan import plan_tasks


def _docs(n: int) -> list[Document]:
    return [Document(id=str(i), text="x") for i in range(n)]


def _draw(rate: float, seed: int, n: int, key: str = "00000") -> list[str]:
    sampler = BlockSampler(rate, seed, key)
    out = [d.id for d in map(sampler.push, _docs(n)) if d is not None]
    last = sampler.finish()
    return out + ([last.id] if last else [])


@pytest.mark.parametrize("rate", [0.1, 0.25, 0.3, 1 / 3, 0.5, 1.0])
@pytest.mark.parametrize("n", [0, 1, 9, 10, 11, 99, 1000])
def test_block_sample_is_never_below_the_rate(rate: float, n: int) -> None:
    drawn = _draw(rate, 7, n)
    assert len(drawn) == math.ceil(round(n * rate, 9))
    assert len(set(drawn)) == len(drawn)


def test_block_sample_is_seeded() -> None:
    assert _draw(0.1, 1, 500) == _draw(0.1, 1, 500)
    assert _draw(0.1, 1, 500) != _draw(0.1, 2, 500)
    assert _draw(0.1, 1, 500, "00000") != _draw(0.1, 1, 500, "00001")


def test_run_shard_commits_outputs_then_marks_complete(
    tmp_path: Path, make_manifest: ManifestFactory
) -> None:
    write_jsonl(tmp_path / "corpus" / "a.jsonl", corpus_rows(30, "a", every=3))
    manifest = load_manifest(make_manifest([source_yaml("a", ["a.jsonl"])]))
    task = plan_tasks(manifest, 1 << 20)[0]
    out = tmp_path / "out"
    config = ScanConfig(mode="filter", out=str(out), detectors=["pii"])
    stats = run_shard(task, config)
    assert (stats.items, stats.clean, stats.rejected, stats.errors) == (30, 20, 10, 0)
    assert (out / "completions" / "00000").is_file()
    clean = out / "clean" / "00000.jsonl"
    assert len(clean.read_text("utf-8").splitlines()) == 20
    assert not list(out.rglob("*.tmp")), "no temp file survives a commit"
    # complete → skipped: the saved stats come back and outputs are not rewritten
    before = clean.stat().st_mtime_ns
    assert run_shard(task, config) == stats
    assert clean.stat().st_mtime_ns == before


def test_a_task_without_marker_is_redone_without_duplicates(
    tmp_path: Path, make_manifest: ManifestFactory
) -> None:
    write_jsonl(tmp_path / "corpus" / "a.jsonl", corpus_rows(30, "a", every=3))
    manifest = load_manifest(make_manifest([source_yaml("a", ["a.jsonl"])]))
    task = plan_tasks(manifest, 1 << 20)[0]
    out = tmp_path / "out"
    config = ScanConfig(mode="filter", out=str(out), detectors=["pii"])
    run_shard(task, config)
    reference = (out / "rejected" / "00000.jsonl").read_bytes()
    # a crash after the outputs were renamed but before the marker: rerun must replace them
    (out / "completions" / "00000").unlink()
    (out / "rejected" / ".00000.jsonl.tmp").write_text("half a line", "utf-8")
    run_shard(task, config)
    assert (out / "rejected" / "00000.jsonl").read_bytes() == reference
    assert not list(out.rglob("*.tmp"))
