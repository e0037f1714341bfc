"""The typed run summaries of ``corpus assess`` and ``corpus filter`` (``summary.json``).

A scan writes one of these models (``model_dump`` by alias) into ``summary.json`` and into the
store's ``runs.summary``; ``beian assess`` and the CLI read them back through
:func:`ScanSummary.load` / :func:`FilterSummary.load`, so a renamed field is a type error, not a
``KeyError`` at assessment time. Stored summaries of earlier versions still load: fields added
since then have defaults, and keys this version does not know are kept (``extra="allow"``); the
JSON form holds the keys that were set, so a summary read and written again is the same JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Self

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from beian.records import ComponentSpec

SourceVerdict = Literal["usable", "exclude", "no-data", "unreadable"]


class Stored(BaseModel):
    """Base of a summary stored as JSON: dumped by alias, read leniently (see module doc)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    @classmethod
    def load(cls, data: Mapping[str, Any] | None) -> Self:
        """Validate a stored summary (``runs.summary`` or ``summary.json``)."""
        return cls.model_validate(dict(data or {}))

    def to_json(self) -> dict[str, Any]:
        """The JSON form written to ``summary.json`` and the store: the keys that were set
        (a readable source has no ``unreadable`` key), ``pass`` by its name."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class TracedFinding(BaseModel):
    """One finding of a traced example, as :meth:`beian.records.Finding.to_dict` wrote it."""

    model_config = ConfigDict(extra="allow")

    risk: str
    detector: str
    score: float
    start: int | None = None
    end: int | None = None
    evidence: str = ""
    why: str = ""


class TracedExample(BaseModel):
    """A flagged record kept as an example of its source (the store makes it an item)."""

    model_config = ConfigDict(extra="allow")

    id: str | None = None
    source: str
    file: str
    position: int
    risks: list[str] = []
    findings: list[TracedFinding] = []


class FilesRead(BaseModel):
    """Files planned, read to their end, and not: every listed file is one or the other."""

    listed: int = 0
    read: int = 0
    unreadable: int = 0
    problems: dict[str, str] = {}
    accounted: bool = True


class ScanCommon(Stored):
    """What the assess and filter summaries share: the register, the detectors, the tallies."""

    profile: str
    profile_version: str = ""
    bytes: int = 0
    tasks: int = 0
    manifest: str = ""
    manifest_sha256: str = ""
    detectors: list[ComponentSpec] = []
    error_reasons: dict[str, int] = {}
    risks: dict[str, int] = {}
    legacy_encodings: dict[str, str] = {}
    files: FilesRead | None = None
    """``None`` in summaries written before every listed file was accounted for."""
    summary_file: str = ""

    def file_json(self) -> dict[str, Any]:
        """The ``summary.json`` form: the stored one without the path of that file itself."""
        return self.model_dump(
            mode="json", by_alias=True, exclude_unset=True, exclude={"summary_file"}
        )

    def detector_names(self) -> set[str]:
        """Names of the detectors the scan ran (its components of kind ``detector``)."""
        return {d.name for d in self.detectors if d.kind == "detector"}

    def traced_examples(self) -> list[TracedExample]:
        """The flagged examples the summary keeps (the store records them as items)."""
        return []


class SourceSummary(BaseModel):
    """One source of a technical scan (the 5.1 a row before the profile's rule judges it)."""

    model_config = ConfigDict(extra="allow")

    name: str
    items: int = 0
    errors: int = 0
    sampled: int = 0
    flagged: int = 0
    flagged_rate: float | None = None
    ci: list[float] = [0.0, 1.0]
    verdict: SourceVerdict = "no-data"
    examples: list[TracedExample] = []
    error_reasons: dict[str, int] = {}
    unreadable: list[str] = []
    """Why the source could not be read (files and reasons); empty when it could."""


class ScanSummary(ScanCommon):
    """The ``corpus assess`` summary: §9.2 b technical sampling and the §5.1 a source rows."""

    items: int = 0
    errors: int = 0
    sampled: int = 0
    sample_share: float = 0.0
    sample_rate: float | None = None
    seed: int = 0
    detection_setup: str = ""
    flagged: int = 0
    qualified_rate: float = 0.0
    qualified_ci: list[float] = [0.0, 1.0]
    passed: bool = Field(
        default=False, validation_alias=AliasChoices("pass", "passed"), serialization_alias="pass"
    )
    fail_reasons: list[str] = []
    thresholds: dict[str, float] = {}
    sources: list[SourceSummary] = []
    sources_usable: bool = False

    def traced_examples(self) -> list[TracedExample]:
        return [e for source in self.sources for e in source.examples]


class FilterSource(BaseModel):
    """One source of a filter run: every input record is clean, rejected or an error."""

    model_config = ConfigDict(extra="allow")

    name: str
    input: int = 0
    clean: int = 0
    rejected: int = 0
    errors: int = 0
    unreadable_files: dict[str, str] = {}


class FilterSummary(ScanCommon):
    """The ``corpus filter`` summary (§5.2 a), with the output files recounted from disk."""

    input: int = 0
    clean: int = 0
    rejected: int = 0
    errors: int = 0
    accounted: bool = False
    output_lines: dict[str, int] = {}
    complete: bool = True
    outputs: dict[str, str] = {}
    sources: list[FilterSource] = []
    clean_manifest: str = ""
