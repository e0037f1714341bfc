from __future__ import annotations

import re

import openpyxl

from beian.report.render import i18n

from .conftest import Rendered

_CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_fixed_string_exists_in_both_languages() -> None:
    for key in i18n.all_keys():
        m = i18n.msg(key, v="x", p=1, n=1, s=1, r=3)
        assert m.zh.strip() and m.en.strip(), key
        assert not _CJK.search(m.en) or key in {"role.legal_representative"}, key


def test_all_formats_written_in_both_languages(rendered: dict[str, Rendered]) -> None:
    for lang, r in rendered.items():
        expected = {"json", "html", "md", "filing_json", "filing_md", "run", "xlsx_keywords",
                    "xlsx_questions"}  # fmt: skip
        assert expected <= set(r.paths), lang
        assert all(p.is_file() and p.stat().st_size > 0 for p in r.paths.values())
    zh = rendered["zh"].paths["md"].read_text(encoding="utf-8")
    en = rendered["en"].paths["md"].read_text(encoding="utf-8")
    assert "逐条评估结论" in zh and "Clause-by-clause conclusions" not in zh
    assert "Clause-by-clause conclusions" in en and "逐条评估结论" not in en
    assert "关键词库规模" in zh and "Keyword library size" in en
    assert "不符合" in zh and "Does not conform" in en
    # Both languages describe the same document.
    assert rendered["zh"].paths["json"].read_bytes() == rendered["en"].paths["json"].read_bytes()


def test_html_is_self_contained(rendered: dict[str, Rendered]) -> None:
    html = rendered["zh"].paths["html"].read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert "https://" not in html
    assert html.count('class="chart status-chart"') == 1
    assert 'class="chart rate-chart"' in html and 'class="chart count-chart"' in html
    for role in ("法定代表人", "评估总体负责人", "合法性评估负责人"):
        assert role in html


def test_dossier_attachments_have_the_filing_columns(rendered: dict[str, Rendered]) -> None:
    book = openpyxl.load_workbook(rendered["zh"].paths["xlsx_keywords"], read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("关键词", "一级分类", "二级分类") and len(rows) > 100
    book.close()
    book = openpyxl.load_workbook(rendered["zh"].paths["xlsx_questions"], read_only=True)
    header = next(book.worksheets[0].iter_rows(values_only=True))
    assert header == ("序号", "测试题", "一级分类", "二级分类", "模型回答", "研判结果")
    book.close()
