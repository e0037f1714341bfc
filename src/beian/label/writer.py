"""``LabelWriter``: one media type's implicit carrier plus its explicit handler.

``apply`` builds the output in scratch files beside the destination (explicit label first, then
the implicit one), re-reads the result to prove it holds exactly the label written (or, when
only the explicit label is added, exactly the labels the input had), and only then renames it
into place. Another producer's label is kept and gets propagation fields (``provenance``).
``verify`` turns what the carrier and the explicit handler found, and any structural damage,
into problems with the rule each one breaks.
"""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from dataclasses import replace
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from beian.errors import InputError, UserError
from beian.label.atomic import commit, scratch_for
from beian.label.carriers.base import Carrier, FormatError, Reading
from beian.label.explicit.base import Explicit
from beian.label.fields import check_fields, decode, to_json, validate_object
from beian.label.integrity import damage
from beian.label.model import (
    ExplicitStatus,
    Found,
    LabelResult,
    LabelSpec,
    LabelStatus,
    Problem,
    Severity,
)
from beian.label.provenance import Resolution, audit, resolve
from beian.label.rules import LabelFigures, label_figures

BAD_INPUT: tuple[type[Exception], ...] = (
    FormatError,
    ValueError,  # JSON, Unicode, XMP and numeric parse errors of malformed files
    SyntaxError,  # xml.etree.ElementTree.ParseError
    struct.error,
    zlib.error,
    zipfile.BadZipFile,
    EOFError,
    IndexError,
    KeyError,
)
"""Exceptions that mean "this input file is malformed", never a beian bug in practice."""
BAD_INPUT_OR_OS: tuple[type[Exception], ...] = (*BAD_INPUT, OSError)


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return (
        text if isinstance(exc, FormatError) else f"malformed file ({type(exc).__name__}: {text})"
    )


class WriterOptions(BaseModel):
    """Options shared by every label writer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    require_explicit: bool = False
    """Report a missing or unconfirmable explicit label as an error (default: warning)."""
    min_glyph_ratio: float | None = None
    """Profile figure for L-03 / L-05 (``None``: the default profile's, see ``label_figures``)."""
    min_video_seconds: float | None = None
    """Profile figure for L-05 (``None``: the default profile's)."""

    def figures(self) -> LabelFigures:
        """The explicit-label figures these options stand for."""
        base = label_figures()
        return LabelFigures(
            self.min_glyph_ratio if self.min_glyph_ratio is not None else base.min_glyph_ratio,
            self.min_video_seconds
            if self.min_video_seconds is not None
            else base.min_video_seconds,
        )


class LabelWriter:
    """Writes and verifies GB 45438 labels for one media type."""

    def __init__(
        self,
        media_type: str,
        carrier: Carrier | None,
        explicit: Explicit | None,
        options: WriterOptions | None = None,
    ) -> None:
        self.media_type = media_type
        self.carrier = carrier
        self.explicit = explicit
        self.options = options or WriterOptions()

    def apply(self, src: Path, dst: Path, label: LabelSpec) -> LabelResult:
        """Write ``src`` to ``dst`` with the labels ``label`` asks for.

        ``src`` is changed only when ``dst`` is ``src`` (the CLI's ``--in-place``), and then only
        by one atomic rename of the finished file.
        """
        if not (label.implicit or label.explicit):
            raise UserError("nothing to write: choose --implicit and/or --explicit")
        notes: tuple[str, ...] = ()
        if label.implicit and self.carrier is None:
            if not label.explicit:
                raise UserError(f"{self.media_type} has no metadata carrier; use --explicit")
            notes = (f"{self.media_type} has no metadata carrier; implicit label skipped",)
            label = label.model_copy(update={"implicit": False})
        if label.explicit and self.explicit is None:
            raise UserError(f"beian cannot add explicit labels to {self.media_type}")
        try:
            notes += tuple(f"input looks damaged: {d}" for d in damage(src, self.media_type))
            result = self._apply(src, dst, label)
        except BAD_INPUT as exc:
            raise InputError(f"{src}: {_reason(exc)}") from None
        except OSError as exc:
            raise InputError(f"{src}: {exc.strerror or exc}") from None
        return replace(result, notes=notes + result.notes)

    def _apply(self, src: Path, dst: Path, label: LabelSpec) -> LabelResult:
        suffix = src.suffix
        before = self.carrier.read(src).labels if self.carrier else []
        resolution = None
        if label.implicit:
            resolution = resolve(before, label.fields, label.force)
            check_fields(resolution.fields)
        explicit_desc, implicit_desc = "", ""
        with scratch_for(dst) as scratch:
            current: Path = src
            extras: dict[str, str] = {}
            if label.explicit and self.explicit is not None:
                step = scratch.path(suffix)
                explicit_desc, extras = self.explicit.add(current, step, label, scratch)
                current = step
            if self.carrier is not None and (resolution is not None or extras):
                step = scratch.path(suffix)
                payload = to_json(resolution.fields) if resolution is not None else None
                self.carrier.write(current, step, payload, extras)
                current = step
                implicit_desc = self.carrier.name if payload is not None else ""
            if self.carrier is not None:
                self._self_check(current, payload_of(resolution, before))
            commit(current, dst)
        notes = resolution.notes if resolution is not None else ()
        logged = ""
        if resolution is not None and resolution.replaced is not None:
            logged = str(audit(dst, src, resolution))
        return LabelResult(
            src, dst, self.media_type, implicit_desc, explicit_desc, notes, audit=logged
        )

    def _self_check(self, path: Path, expected: list[str]) -> None:
        """The written file must hold exactly the labels expected, else nothing is committed.

        ``expected`` is the one label written, or the input's labels when only the explicit
        label was added (explicit labelling must never remove or alter an implicit one).
        """
        assert self.carrier is not None
        found = [_canonical(f) for f in self.carrier.read(path).labels]
        if sorted(found) != sorted(expected):
            raise FormatError(
                f"after writing, the file holds {len(found)} label(s) instead of the "
                f"{len(expected)} expected, or they differ; not saved"
            )

    def verify(self, path: Path) -> LabelStatus:
        """Every problem of ``path``'s implicit and explicit labels."""
        try:
            return self._verify(path)
        except BAD_INPUT_OR_OS as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else _reason(exc)
            problem = Problem("unreadable", f"cannot read the file: {reason}")
            return LabelStatus(path, self.media_type, problems=(problem,))

    def _verify(self, path: Path) -> LabelStatus:
        reading = self.carrier.read(path) if self.carrier else Reading()
        problems = [Problem("damaged", d) for d in damage(path, self.media_type)]
        problems += reading.problems
        fields = self._implicit_problems(reading, problems)
        explicit = ExplicitStatus("not_applicable")
        if self.explicit is not None:
            explicit, more = self.explicit.check(path, reading)
            problems += more
            severity: Severity = "error" if self.options.require_explicit else "warning"
            if explicit.state == "absent":
                msg = f"no explicit label: {explicit.detail}"
                problems.append(Problem("no-explicit-label", msg, "L-08", severity))
            elif explicit.state == "not_checked" and self.options.require_explicit:
                msg = f"explicit label cannot be confirmed: {explicit.detail}"
                problems.append(Problem("explicit-unconfirmed", msg, "L-08", severity))
        return LabelStatus(
            path, self.media_type, tuple(reading.labels), fields, explicit, tuple(problems)
        )

    def _implicit_problems(
        self, reading: Reading, problems: list[Problem]
    ) -> dict[str, object] | None:
        if self.carrier is None:
            msg = (
                f"{self.media_type} has no metadata carrier; implicit text labels are not mandatory"
            )
            problems.append(Problem("no-carrier", msg, "L-09", "info"))
            return None
        labels = reading.labels
        if not labels:
            msg = f"no implicit AIGC label (expected in {self.carrier.name})"
            problems.append(Problem("no-label", msg, "L-09"))
            return None
        if len(labels) > 1:
            where = ", ".join(f.carrier for f in labels)
            msg = f"{len(labels)} AIGC labels ({where}); a file keeps exactly one"
            problems.append(Problem("multiple-labels", msg, "L-12"))
        first: dict[str, object] | None = None
        for found in labels:
            if not found.standard:
                msg = f"label in {found.carrier}; the practice guide names {self.carrier.name}"
                problems.append(Problem("nonstandard-carrier", msg, "L-14", "warning"))
            obj, bad = decode(found)
            problems += bad
            if obj is not None:
                problems += validate_object(obj)
                first = first if first is not None else obj
        return first


def to_json_dict(obj: dict[str, object]) -> str:
    """Compact JSON of a decoded object in the same form ``to_json`` writes."""
    return json.dumps(obj, ensure_ascii=True, separators=(",", ":"))


def _canonical(found: Found) -> str:
    """One label occurrence as comparable text: its decoded object, else its raw payload."""
    obj, _problems = decode(found)
    return to_json_dict(obj) if obj is not None else f"{found.carrier}:{found.payload}"


def payload_of(resolution: Resolution | None, before: list[Found]) -> list[str]:
    """Labels the output must hold: the one written, or the input's own."""
    if resolution is not None:
        return [to_json(resolution.fields)]
    return [_canonical(f) for f in before]
