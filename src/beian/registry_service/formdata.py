"""Reading ``multipart/form-data`` bodies (RFC 7578) without the python-multipart dependency.

The body is split on its boundary; each part's Content-Disposition gives the field or file
name. File names are read as UTF-8 (what browsers send). Sizes are limited before parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath

from beian.errors import InputError


@dataclass(frozen=True)
class FormData:
    """Text fields and files (name → bytes) of one form."""

    fields: dict[str, str] = field(default_factory=dict)
    files: list[tuple[str, bytes]] = field(default_factory=list)


def safe_name(raw: str) -> str:
    """The bare file name a browser sent (no folders, no control characters)."""
    name = PurePosixPath(PureWindowsPath(raw).name).name
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if not name or name in (".", ".."):
        raise InputError(f"文件名无效 {raw!r} / invalid file name {raw!r}")
    return name[:300]


_PARAM = re.compile(r'(name|filename)="((?:[^"\\]|\\.)*)"')


def _boundary(content_type: str) -> bytes:
    m = re.search(r'boundary="?([^";]+)"?', content_type)
    if not content_type.lower().startswith("multipart/form-data") or not m:
        raise InputError("须以 multipart/form-data 上传 / send multipart/form-data")
    return m.group(1).encode("latin-1")


def _part(chunk: bytes, out: FormData) -> None:
    head, sep, data = chunk.partition(b"\r\n\r\n")
    if not sep:
        raise InputError("无法解析上传内容 / cannot parse the upload")
    # browsers send file names as raw UTF-8 inside the header
    disposition = next(
        (line for line in head.decode("utf-8", "replace").split("\r\n")
         if line.lower().startswith("content-disposition:")), "",
    )  # fmt: skip
    params = {k: v.replace('\\"', '"') for k, v in _PARAM.findall(disposition)}
    if "filename" in params:
        if params["filename"] or data:  # an empty file input sends an unnamed empty part
            out.files.append((safe_name(params["filename"]), data))
    elif "name" in params:
        out.fields[params["name"]] = data.decode("utf-8", "replace")


def parse(content_type: str, body: bytes, limit: int) -> FormData:
    """Fields and files of a form-data body of at most ``limit`` bytes."""
    if len(body) > limit:
        raise InputError(f"上传过大（上限 {limit} 字节） / upload larger than {limit} bytes")
    delimiter = b"\r\n--" + _boundary(content_type)  # the CRLF before it belongs to it
    out = FormData()
    for chunk in (b"\r\n" + body).split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        _part(chunk.removeprefix(b"\r\n"), out)
    return out


def digest_lines(text: str) -> dict[str, str]:
    """``sha256sum`` output (``<hex>  <name>`` per line) as name → digest."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.strip().split(maxsplit=1)
        if len(parts) == 2 and len(parts[0]) == 64:
            found[safe_name(parts[1].lstrip("*"))] = parts[0].lower()
    return found
