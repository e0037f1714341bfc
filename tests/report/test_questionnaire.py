from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from beian.assess import attestations
from beian.assess.attestations import QUESTIONNAIRE_SHEET, SIGNATORY_SHEET
from beian.cli.main import app
from beian.errors import InputError
from beian.standard import load_profile
from beian.workspace import init_workspace


def _fill(path: Path, rows: dict[str, tuple[str, str, str, str]], signer: str = "") -> None:
    book = openpyxl.load_workbook(path)
    sheet = book[QUESTIONNAIRE_SHEET]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in rows:
            status, explanation, evidence, alternative = rows[str(row[0].value)]
            row[3].value, row[4].value, row[5].value, row[6].value = (
                status, explanation, evidence, alternative,
            )  # fmt: skip
    if signer:
        signers = book[SIGNATORY_SHEET]
        signers["B2"], signers["D2"] = signer, date(2026, 5, 1)
    book.save(path)


def test_export_lists_every_attestation_clause(tmp_path: Path) -> None:
    profile = load_profile()
    path = attestations.export_questionnaire(tmp_path, profile, tmp_path / "q.xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book[QUESTIONNAIRE_SHEET].iter_rows(values_only=True))
    assert rows[0][0] == "条款 clause" and rows[0][3] == "结论 status"
    assert [r[0] for r in rows[1:]] == attestations.attestable(profile)
    assert "5.1.d" in attestations.attestable(profile)  # no software check: attested (§3.2)
    assert {r[3] for r in rows[1:]} == {"待确认"}
    signers = [r[0] for r in book[SIGNATORY_SHEET].iter_rows(min_row=2, values_only=True)]
    assert signers == list(attestations.SIGNATORY_ROLES)
    book.close()


def test_import_writes_attestations_back(tmp_path: Path) -> None:
    profile = load_profile()
    (tmp_path / "ip.pdf").write_bytes(b"%PDF-1.4")
    path = attestations.export_questionnaire(tmp_path, profile, tmp_path / "q.xlsx")
    _fill(path, {
        "5.2.b": ("符合", "设有知识产权负责人", "ip.pdf", ""),
        "7.a": ("Not applicable", "仅面向企业客户", "", ""),
        "7.c": ("nonconforms", "关闭选项需5次点击", "a.pdf\nb.pdf", "默认不收集用户输入"),
    }, signer="张三")  # fmt: skip
    attestations.import_questionnaire(path, tmp_path, profile)
    att = attestations.load(tmp_path)
    assert att is not None
    assert att.clauses["5.2.b"].status == "conforms"
    assert att.clauses["5.2.b"].evidence == ["ip.pdf"]
    assert att.clauses["7.a"].status == "not_applicable"
    assert att.clauses["7.c"].evidence == ["a.pdf", "b.pdf"]
    assert att.clauses["7.c"].alternative == "默认不收集用户输入"
    assert att.clauses["6.a"].status == "pending"
    legal = att.signatories["legal_representative"]
    assert legal.name == "张三" and legal.signed_on == date(2026, 5, 1)
    assert attestations.conclude("5.2.b", att.clauses["5.2.b"], tmp_path).status == "conforms"
    # Exporting again shows what was imported.
    again = attestations.export_questionnaire(tmp_path, profile, tmp_path / "q2.xlsx")
    rows = {r[0]: r for r in openpyxl.load_workbook(again)[QUESTIONNAIRE_SHEET].iter_rows(
        min_row=2, values_only=True)}  # fmt: skip
    assert rows["7.c"][3] == "不符合" and rows["7.c"][5] == "a.pdf\nb.pdf"


@pytest.mark.parametrize(
    ("clause", "status", "message"),
    [("5.2.b", "maybe", "row 2: status 'maybe' is not one of"), ("99.z", "符合", "unknown clause")],
)
def test_bad_rows_are_one_line_errors(
    tmp_path: Path, clause: str, status: str, message: str
) -> None:
    profile = load_profile()
    path = attestations.export_questionnaire(tmp_path, profile, tmp_path / "q.xlsx")
    book = openpyxl.load_workbook(path)
    book[QUESTIONNAIRE_SHEET]["A2"], book[QUESTIONNAIRE_SHEET]["D2"] = clause, status
    book.save(path)
    with pytest.raises(InputError, match=message) as info:
        attestations.import_questionnaire(path, tmp_path, profile)
    assert "\n" not in str(info.value)
    assert not (tmp_path / attestations.FILE_NAME).exists()


def test_not_an_xlsx_file(tmp_path: Path) -> None:
    bad = tmp_path / "q.xlsx"
    bad.write_text("not a spreadsheet", encoding="utf-8")
    with pytest.raises(InputError, match="not a readable XLSX"):
        attestations.import_questionnaire(bad, tmp_path)


def test_cli_export_then_import(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    runner = CliRunner()
    out = runner.invoke(app, ["report", "questionnaire", "export", str(ws.root)])
    assert out.exit_code == 0, out.output
    path = ws.path("attestations") / "questionnaire.xlsx"
    _fill(path, {"7.a": ("不适用", "仅面向企业客户", "", "")})
    out = runner.invoke(app, ["report", "questionnaire", "import", str(path), str(ws.root)])
    assert out.exit_code == 0, out.output
    att = attestations.load(ws.path("attestations"))
    assert att is not None and att.clauses["7.a"].explanation == "仅面向企业客户"
