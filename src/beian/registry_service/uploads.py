"""Turning a received form into the dossier's declared facts and its digest-checked files."""

from __future__ import annotations

from pydantic import ValidationError
from starlette.requests import Request

from beian.errors import InputError
from beian.registry_service.checks import Upload
from beian.registry_service.formdata import FormData, digest_lines, parse
from beian.registry_service.workflow import Application

MAX_FILES = 200


async def read_form(request: Request, limit: int) -> FormData:
    """The form of an upload, refused as soon as more than ``limit`` bytes arrived (the body
    is not read whole first)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise InputError(f"上传过大（上限 {limit} 字节） / upload larger than {limit} bytes")
        chunks.append(chunk)
    return parse(request.headers.get("content-type", ""), b"".join(chunks), limit)


def uploads_of(form: FormData) -> list[Upload]:
    """The files with the digests declared in the form's ``sha256`` field (sha256sum lines)."""
    if len(form.files) > MAX_FILES:
        raise InputError(f"文件过多（上限 {MAX_FILES}） / more than {MAX_FILES} files")
    declared = digest_lines(form.fields.get("sha256", ""))
    return [Upload(name, data, declared.get(name, "")) for name, data in form.files]


def application_of(form: FormData) -> Application:
    """The declared facts, or one readable line saying which is wrong."""
    fields = ("company", "filing_type", "model_name", "number_name", "province")
    try:
        return Application.model_validate({f: form.fields.get(f, "") for f in fields})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{where}: {first['msg']}") from None
