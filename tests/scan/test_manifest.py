"""The sources register: YAML and CSV forms, traceability and diversity against the profile."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.scan.conftest import ManifestFactory, source_yaml

from beian.errors import ConfigError, InputError
from beian.scan.manifest import load_manifest
from beian.scan.sources import check_sources
from beian.standard import Profile, load_profile

CSV = (
    "name,type,languages,modality,origin,licence,contract,collection_record,consent_record,"
    "robots_honoured,files,reader,reader_options\n"
    "wiki,open-source,zh;en,text,foreign,LICENSE,,,,,data/*.jsonl,,\n"
    'news,commercial,zh,text,domestic,,"{document: contracts/HT-2024-017.pdf, party: 某新闻社, '
    'date: 2024-03-01, scope: 2019-2023 news for model training}",,,,data/news.csv,csv,'
    "{text_field: body}\n"
    "crawl,self-collected,zh,text,domestic,,,records/crawl.log,,true,data/*.jsonl|data/news.csv,,\n"
)


def _write_data(root: Path) -> None:
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "data" / "a.jsonl").write_text('{"text": "你好"}\n', "utf-8")
    (root / "data" / "news.csv").write_text("body\n新闻\n", "utf-8")
    (root / "records").mkdir(exist_ok=True)
    (root / "records" / "crawl.log").write_text("2024-01-01 fetched …\n", "utf-8")
    (root / "LICENSE").write_text("licence\n", "utf-8")
    (root / "contracts").mkdir(exist_ok=True)
    (root / "contracts" / "HT-2024-017.pdf").write_bytes(b"%PDF-1.4 contract")


def test_csv_register_with_lists_references_and_reader_options(
    tmp_path: Path, profile: Profile
) -> None:
    _write_data(tmp_path)
    (tmp_path / "sources.csv").write_text(CSV, "utf-8")
    manifest = load_manifest(tmp_path / "sources.csv")
    news = manifest.source("news")
    assert news.reader == "csv" and news.reader_options == {"text_field": "body"}
    assert manifest.source("wiki").languages == ["zh", "en"]
    assert [p.name for p in manifest.files(manifest.source("crawl"))] == ["a.jsonl", "news.csv"]
    report = check_sources(manifest, profile)
    assert report.traceable, report.issues
    by_name = {s.name: s for s in report.sources}
    assert by_name["news"].records == {"contract": "record"}
    assert by_name["wiki"].records == {"licence": "file"}
    groups = {(g.language, g.modality): g for g in report.groups}
    assert groups[("zh", "text")].sources == ["wiki", "news", "crawl"] and groups[("zh", "text")].ok
    assert not groups[("en", "text")].ok  # one foreign source only
    assert {i.message for i in report.issues} == {
        "en/text: 1 source(s), the profile asks for at least 2",
        "en/text: only foreign sources; combine them with domestic ones",
    }


def test_minimum_sources_come_from_the_profile(
    tmp_path: Path, make_manifest: ManifestFactory
) -> None:
    manifest = load_manifest(
        make_manifest([source_yaml("a", ["x.jsonl"]), source_yaml("b", ["x.jsonl"])])
    )
    (tmp_path / "corpus" / "x.jsonl").write_text('{"text": "a"}\n', "utf-8")
    assert check_sources(manifest, load_profile()).ok
    strict = tmp_path / "strict.yaml"
    strict.write_text(
        "extends: tc260-003-2024\nprofile: strict\nclauses_patch:\n"
        "  5.1.b:\n    thresholds:\n      - {key: min_sources_per_language_modality, value: 3}\n",
        "utf-8",
    )
    report = check_sources(manifest, load_profile(str(strict)))
    assert report.traceable and not report.diverse and report.min_sources == 3


def test_register_errors_are_user_errors(tmp_path: Path, make_manifest: ManifestFactory) -> None:
    with pytest.raises(InputError, match="not found"):
        load_manifest(tmp_path / "none.yaml")
    with pytest.raises(ConfigError, match="source a: type"):
        load_manifest(make_manifest([source_yaml("a", ["x"], type="scraped")]))
    with pytest.raises(ConfigError, match="repeated: a"):
        load_manifest(make_manifest([source_yaml("a", ["x"]), source_yaml("a", ["y"])]))
