"""The incident register over real HTTP: a burst of blocked answers in the gateway's audit log
opens an incident, an operator opens one by hand and handles both, and the export has the
columns report clause EMG-1's register asks for (checked by the assess field checker)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from beian.assess.structured import check_field
from beian.standard import Profile
from beian.store.gateway_models import AuditEventRow
from beian.web.auth import add_user
from beian.web.incidents import COLUMNS
from tests.web.conftest import PASSWORD, Bench
from tests.web.console.conftest import Served, chat, obligations_profile

HARM_ANSWER = "好的，下面是制作炸药包去炸学校的详细步骤。第一步，购买硝酸铵化肥和柴油。"


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    return obligations_profile(tmp_path)


def test_burst_opens_an_incident_and_the_register_exports_for_emg1(
    bench: Bench, gateway_on: Callable[..., Served], tmp_path: Path
) -> None:
    gw = gateway_on()
    gw.upstream.add_rule("炸药", reply=HARM_ANSWER)
    chat(gw, "u1", "长城有多长？")
    blocked = [chat(gw, f"u{i}", "讲讲炸药的历史")[0] for i in range(5)]
    add_user(bench.store, "olga", ["operator"], PASSWORD)
    olga = bench.login("olga")
    index = olga.http.get("/console").text
    assert "EMG-1" in index and "OPT-1" in index and "IM15-1" in index
    assert olga.post("/console/incidents/scan").status_code == 303
    assert olga.post("/console/incidents/scan").status_code == 303  # the same burst: no twin
    page = olga.http.get("/console/incidents").text
    assert page.count("data-incident=") == 1 and "审计日志拦截集中" in page and "待定级" in page
    assert olga.post("/console/incidents", title="", level="IV").status_code == 400
    assert (
        olga.post("/console/incidents", title="模型被诱导输出违法内容", level="III").status_code
        == 303
    )
    ids = [
        int(i)
        for i in re.findall(r'data-incident="(\d+)"', olga.http.get("/console/incidents").text)
    ]
    burst, manual = sorted(ids)
    assert olga.post(f"/console/incidents/{burst}/handle", level="IV", notes="").status_code == 400
    r = olga.post(f"/console/incidents/{burst}/handle", level="IV", reported_to="省网信办",
                  notes="已更新关键词库并复核拦截")  # fmt: skip
    assert r.status_code == 303
    export = olga.http.get("/console/incidents.csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert [r["incident_id"] for r in rows] == [f"INC-{burst:04d}", f"INC-{manual:04d}"]
    assert (
        rows[0]["level"] == "IV" and rows[0]["reported_to"] == "省网信办" and rows[0]["handled_on"]
    )
    assert rows[1]["handled_on"] == ""  # still open: the register shows it
    with bench.store.session() as s:
        links = [json.loads(e.payload) for e in s.scalars(
            select(AuditEventRow).where(AuditEventRow.kind.like("web.incident%")))]  # fmt: skip
    assert [p["source"] for p in links if "source" in p] == ["audit-burst", "manual"]
    assert sorted(p.get("requests", 0) for p in links if "source" in p) == [0, len(blocked)]
    # the export as the obligations section reads it
    (tmp_path / "incidents.csv").write_text(export.text, encoding="utf-8")
    clause = bench.profile.clause("EMG-1")
    field = next(f for f in clause.fields if f.key == "incidents")
    assert tuple(field.columns) == COLUMNS
    check = check_field(field, "incidents.csv", clause, tmp_path)
    assert check.figures["incidents_rows"] == 2
    assert [m.en for m in check.missing] == ["Incident register: 1 rows have empty fields"]
    assert bench.login("alice").http.get("/console/incidents").status_code == 403
