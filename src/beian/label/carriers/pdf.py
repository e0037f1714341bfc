"""PDF: the document Info dictionary key ``/AIGC`` (PG-20258A).

Written as an incremental update through pypdf, so the original bytes (and any signatures over
them) stay intact and the new Info dictionary is appended. Also read: ``TC260:AIGC`` in the
catalogue's XMP metadata stream.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from beian.label import xmp
from beian.label.carriers.base import FormatError, Reading, copy_unchanged
from beian.label.model import Found

EXPLICIT_KEY = "/BeianExplicitLabel"


def open_pdf(path: Path) -> PdfReader:
    """A reader for ``path``; FormatError for broken or encrypted files."""
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise FormatError("PDF is encrypted; beian does not decrypt files")
        _ = reader.trailer["/Root"]
    except (PdfReadError, KeyError, ValueError) as exc:
        raise FormatError(f"unreadable PDF: {exc}") from None
    return reader


def _xmp_text(reader: PdfReader) -> str:
    root: Any = reader.trailer["/Root"]
    meta = root.get("/Metadata")
    if meta is None:
        return ""
    data: bytes = meta.get_object().get_data()
    return data.decode("utf-8", "replace")


class PdfCarrier:
    """PDF Info ``/AIGC`` reader/writer."""

    name = "PDF Info /AIGC"

    def read(self, path: Path) -> Reading:
        """Labels in the Info dictionary and in XMP."""
        reader = open_pdf(path)
        out = Reading()
        for key, value in (reader.metadata or {}).items():
            if key.lstrip("/").upper() == "AIGC":
                out.labels.append(Found(f"PDF Info {key}", str(value)))
            elif key == EXPLICIT_KEY:
                out.extras["ExplicitLabel"] = str(value)
        text = _xmp_text(reader)
        if text:
            labels, _extras = xmp.read(text)
            out.labels += [Found("PDF XMP TC260:AIGC", p, False) for p, _ in labels]
        return out

    def write(self, src: Path, dst: Path, payload: str | None, extras: dict[str, str]) -> None:
        """Append an incremental update whose Info dictionary holds one ``/AIGC``."""
        if payload is None:  # nothing but AIGC labels is stored here: keep them
            copy_unchanged(src, dst)
            return
        del extras
        open_pdf(src)
        try:
            writer = PdfWriter(str(src), incremental=True)
            writer.add_metadata({"/AIGC": payload})
            writer.write(str(dst))
        except (PdfReadError, KeyError, ValueError) as exc:
            raise FormatError(f"cannot rewrite PDF: {exc}") from None
