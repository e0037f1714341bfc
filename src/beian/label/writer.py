"""``LabelWriter``: one media type's implicit carrier plus its explicit handler.

``apply`` builds the output in scratch files beside the destination (explicit label first, then
the implicit one), re-reads the result to prove it holds exactly the label written, and only
then renames it into place. ``verify`` turns what the carrier and the explicit handler found
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
from beian.label.model import (
    ExplicitStatus,
    LabelResult,
    LabelSpec,
    LabelStatus,
    Problem,
    Severity,
)

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
    """Report a missing explicit label as an error (default: warning)."""


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
        """Write ``src`` to ``dst`` with the labels ``label`` asks for; ``src`` is never changed."""
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
        payload = to_json(label.fields)
        if label.implicit:
            check_fields(label.fields)
        try:
            result = self._apply(src, dst, label, payload)
        except BAD_INPUT as exc:
            raise InputError(f"{src}: {_reason(exc)}") from None
        except OSError as exc:
            raise InputError(f"{src}: {exc.strerror or exc}") from None
        return replace(result, notes=notes) if notes else result

    def _apply(self, src: Path, dst: Path, label: LabelSpec, payload: str) -> LabelResult:
        suffix = src.suffix
        explicit_desc, implicit_desc = "", ""
        with scratch_for(dst) as scratch:
            current: Path = src
            extras: dict[str, str] = {}
            if label.explicit and self.explicit is not None:
                step = scratch.path(suffix)
                explicit_desc, extras = self.explicit.add(current, step, label, scratch)
                current = step
            if label.implicit and self.carrier is not None:
                step = scratch.path(suffix)
                self.carrier.write(current, step, payload, extras)
                current = step
                self._self_check(step, payload)
                implicit_desc = self.carrier.name
            commit(current, dst)
        return LabelResult(src, dst, self.media_type, implicit_desc, explicit_desc)

    def _self_check(self, path: Path, payload: str) -> None:
        """The written file must hold exactly our label, else nothing is committed."""
        assert self.carrier is not None
        found = self.carrier.read(path).labels
        if len(found) != 1:
            where = ", ".join(f.carrier for f in found)
            raise FormatError(
                f"after writing, the file holds {len(found)} labels ({where}); not saved"
            )
        obj, problems = decode(found[0])
        if obj is None or to_json_dict(obj) != payload:
            raise FormatError("label read back differs from the label written; not saved")

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
        problems = list(reading.problems)
        fields = self._implicit_problems(reading, problems)
        explicit = ExplicitStatus("not_applicable")
        if self.explicit is not None:
            explicit, more = self.explicit.check(path, reading)
            problems += more
            if explicit.state == "absent":
                severity: Severity = "error" if self.options.require_explicit else "warning"
                msg = f"no explicit label: {explicit.detail}"
                problems.append(Problem("no-explicit-label", msg, "L-08", severity))
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
