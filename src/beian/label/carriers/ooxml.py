"""DOCX / XLSX / PPTX: a custom document property ``AIGC`` in ``docProps/custom.xml`` (PG-20258A).

The package is copied entry by entry; only the custom-properties part, ``[Content_Types].xml``
and ``_rels/.rels`` change, and the last two only when the part is new. Edits are textual
insertions so unrelated XML keeps its exact bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from beian.label.carriers.base import FormatError, Reading, copy_unchanged
from beian.label.model import Found

CUSTOM_PART = "docProps/custom.xml"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_PROP_RE = re.compile(
    r"<(?:\w+:)?property\b[^>]*?\bname=\"([^\"]*)\"[^>]*>.*?</(?:\w+:)?property>", re.S
)
_EMPTY = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Properties xmlns="{_CP_NS}" xmlns:vt="{_VT_NS}"></Properties>'
)


def _custom_part(zf: zipfile.ZipFile) -> str | None:
    """Name of the custom-properties part from ``_rels/.rels`` (or the usual name)."""
    try:
        rels = zf.read("_rels/.rels").decode("utf-8")
    except KeyError:
        raise FormatError("not an OOXML package (no _rels/.rels)") from None
    for el in ET.fromstring(rels):
        if el.get("Type") == CUSTOM_REL:
            return (el.get("Target") or CUSTOM_PART).lstrip("/")
    return CUSTOM_PART if CUSTOM_PART in zf.namelist() else None


def open_package(path: Path) -> zipfile.ZipFile:
    """The package as a zip; FormatError when it is not one."""
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise FormatError(f"not a valid OOXML (zip) package: {exc}") from None


class OoxmlCarrier:
    """OOXML ``docProps/custom.xml`` property reader/writer."""

    name = "OOXML docProps/custom.xml property AIGC"

    def read(self, path: Path) -> Reading:
        """Every custom property named ``AIGC`` (any case)."""
        out = Reading()
        with open_package(path) as zf:
            part = _custom_part(zf)
            if part is None or part not in zf.namelist():
                return out
            root = ET.fromstring(zf.read(part))
        for prop in root:
            name = prop.get("name", "")
            value = "".join(prop.itertext())
            if name.upper() == "AIGC":
                out.labels.append(Found(f"OOXML custom property {name}", value))
            elif name == "BeianExplicitLabel":
                out.extras["ExplicitLabel"] = value
        return out

    def write(self, src: Path, dst: Path, payload: str | None, extras: dict[str, str]) -> None:
        """Rewrite the package with one ``AIGC`` custom property."""
        if payload is None:  # nothing but AIGC labels is stored here: keep them
            copy_unchanged(src, dst)
            return
        del extras
        with open_package(src) as zin:
            part = _custom_part(zin)
            names = zin.namelist()
            custom = zin.read(part).decode("utf-8") if part and part in names else _EMPTY
            new_custom = _set_property(custom, payload)
            target = part or CUSTOM_PART
            with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
                for info in zin.infolist():
                    data = zin.read(info)
                    if info.filename == target:
                        data = new_custom.encode("utf-8")
                    elif info.filename == "[Content_Types].xml" and part is None:
                        data = _add_override(data.decode("utf-8")).encode("utf-8")
                    elif info.filename == "_rels/.rels" and part is None:
                        data = _add_rel(data.decode("utf-8")).encode("utf-8")
                    zout.writestr(info, data)
                if target not in names:
                    zout.writestr(target, new_custom.encode("utf-8"))


def _set_property(xml: str, payload: str) -> str:
    kept = _PROP_RE.sub(lambda m: "" if m.group(1).upper() == "AIGC" else m.group(0), xml)
    pids = [int(p) for p in re.findall(r'\bpid="(\d+)"', kept)]
    pid = max([1, *pids]) + 1  # pids start at 2
    vt_decl = "" if "xmlns:vt=" in kept else f' xmlns:vt="{_VT_NS}"'
    prop = (
        f'<property fmtid="{_FMTID}" pid="{pid}" name="AIGC">'
        f"<vt:lpwstr{vt_decl}>{escape(payload)}</vt:lpwstr></property>"
    )
    if "</Properties>" in kept:
        return kept.replace("</Properties>", prop + "</Properties>", 1)
    if re.search(r"<Properties\b[^>]*/>", kept):
        return re.sub(
            r"<Properties\b([^>]*)/>", rf"<Properties\1>{prop}</Properties>", kept, count=1
        )
    raise FormatError("docProps/custom.xml has no Properties element")


def _add_override(xml: str) -> str:
    override = f'<Override PartName="/{CUSTOM_PART}" ContentType="{CUSTOM_TYPE}"/>'
    if "</Types>" not in xml:
        raise FormatError("[Content_Types].xml has no Types element")
    return xml.replace("</Types>", override + "</Types>", 1)


def _add_rel(xml: str) -> str:
    ids = set(re.findall(r'\bId="([^"]+)"', xml))
    n = 1
    while f"rId{n}" in ids:
        n += 1
    rel = f'<Relationship Id="rId{n}" Type="{CUSTOM_REL}" Target="{CUSTOM_PART}"/>'
    if "</Relationships>" not in xml:
        raise FormatError("_rels/.rels has no Relationships element")
    return xml.replace("</Relationships>", rel + "</Relationships>", 1)
