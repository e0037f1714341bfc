"""The registry end to end over HTTP: a dossier from a real ``beian assess`` is submitted with
the CLI, returned with a reason, fixed, resubmitted, filed and published; the provider's
register picks up the number; refusals and the audit chain are checked."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from beian.store.gateway_models import AuditEventRow
from tests.registry_service.conftest import MODEL, Registry, assessed, beian, fix_and_reassess
from tests.registry_service.flow import cli_submit, provider_picks_up
from tests.web.conftest import Person, sign_in

REASON = "报告为草稿（未签字）且未写服务名称：请补充签字并重新评估"


def _person(url: str, name: str) -> Person:
    return sign_in(httpx.Client(base_url=url, follow_redirects=False, timeout=30), name)


def _post(p: Person, path: str, **data: str) -> httpx.Response:
    return p.http.post(path, data={"csrf": p.csrf("/dossiers"), **data})


@pytest.mark.slow
def test_submit_return_fix_file_publish_and_pick_up(
    registry: Registry, tmp_path: Path, store_url: str
) -> None:
    ws = tmp_path / "ws"
    code, first = cli_submit(registry.url, assessed(ws))
    assert code == 1 and first["status"] == "submitted"
    dossier = int(str(first["id"]))
    checks = first["versions"][0]["checks"]
    assert {c["code"] for c in checks if c["level"] == "error"} == {"draft", "name"}

    shen = _person(registry.url, "shen")
    refused = _post(shen, f"/dossiers/{dossier}/accept")
    assert refused.status_code == 400 and "automatic check found errors" in refused.text
    comment = _post(shen, f"/dossiers/{dossier}/comment", text="附件4、附件5 请一并补充")
    assert comment.status_code == 303
    assert _post(shen, f"/dossiers/{dossier}/return", reason=REASON).status_code == 303

    token = registry.token("xinghe")
    seen = httpx.get(f"{registry.url}/api/dossiers/{dossier}",
                     headers={"Authorization": f"Bearer {token}"}).json()  # fmt: skip
    assert seen["status"] == "returned"
    assert [(e["kind"], e["who"]) for e in seen["events"]] == [
        ("submit", "xinghe"),
        ("comment", "shen"),
        ("return", "shen"),
    ]
    assert seen["events"][2]["text"] == REASON and seen["events"][2]["audit_seq"] > 0

    code, second = cli_submit(registry.url, fix_and_reassess(ws), dossier)
    assert code == 0 and second["status"] == "submitted"
    assert [v["version"] for v in second["versions"]] == [2, 1]
    assert _post(shen, f"/dossiers/{dossier}/accept").status_code == 303
    page = shen.http.get(f"/dossiers/{dossier}").text
    number = re.search(r'id="number">([^<]+)<', page).group(1)  # type: ignore[union-attr]
    assert re.fullmatch(r"Beijing-XingHeDuiHua-\d{8}0001", number)

    guan = _person(registry.url, "guan")
    assert _post(guan, "/admin/publish", label="2026年12月").status_code == 303
    listed = httpx.get(f"{registry.url}/list.json", params={"q": "星河"}).json()
    assert listed["count"] == 1 and listed["entries"][0]["number"] == number
    assert number in httpx.get(f"{registry.url}/list", params={"q": "XingHe"}).text
    assert httpx.get(f"{registry.url}/list.json", params={"q": "无此模型"}).json()["count"] == 0
    batches = httpx.get(f"{registry.url}/api/batches").json()
    assert [(b["label"], b["count"]) for b in batches] == [("2026年12月", 1)]

    provider_picks_up(ws, registry.url, number, tmp_path)
    verify = beian("gateway", "audit", "verify", "--store", store_url, "--json")
    assert json.loads(verify.stdout)["ok"] is True
    with registry.store.session() as s:
        links = [(r.kind, json.loads(r.payload)) for r in s.scalars(select(AuditEventRow))]
    steps = [(k, p.get("who")) for k, p in links if k.startswith("registry.")]
    assert steps == [("registry.submit", "xinghe"), ("registry.comment", "shen"),
                     ("registry.return", "shen"), ("registry.resubmit", "xinghe"),
                     ("registry.accept", "shen"), ("registry.publish", "guan")]  # fmt: skip
    accepted = next(p for k, p in links if k == "registry.accept")
    assert accepted["number"] == number and accepted["version"] == 2


def test_refusals(registry: Registry, draft_run: Path) -> None:
    _code, found = cli_submit(registry.url, draft_run)
    dossier = found["id"]
    other = registry.token("other")
    r = httpx.get(f"{registry.url}/api/dossiers/{dossier}",
                  headers={"Authorization": f"Bearer {other}"})  # fmt: skip
    assert r.status_code == 403 and "error" in r.json()
    assert httpx.get(f"{registry.url}/api/dossiers/{dossier}").status_code == 403
    provider = _person(registry.url, "xinghe")
    assert _post(provider, f"/dossiers/{dossier}/accept").status_code == 403
    shen = _person(registry.url, "shen")
    no_csrf = shen.http.post(f"/dossiers/{dossier}/return", data={"reason": "x"})
    assert no_csrf.status_code == 403
    assert _post(shen, f"/dossiers/{dossier}/return", reason="  ").status_code == 400
    guan = _person(registry.url, "guan")
    nothing = _post(guan, "/admin/publish", label="空")
    assert nothing.status_code == 400 and "nothing new to publish" in nothing.text
    bad = httpx.post(f"{registry.url}/api/dossiers", headers={"Authorization": f"Bearer {other}"},
                     data={"company": "某公司", "filing_type": "model_filing", "model_name": MODEL,
                           "number_name": "星河", "province": "北京"},
                     files=[("files", ("report.json", b"{}"))])  # fmt: skip
    assert bad.status_code == 400 and "Latin letters" in bad.json()["error"]
