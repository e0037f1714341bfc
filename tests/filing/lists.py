"""Fictional public lists for the tests (every name and number is invented)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
SAMPLE_CSV = HERE / "data" / "sample-list-fictional.csv"
HEADER = ("序号", "属地", "模型名称", "备案单位", "备案号", "备案时间")

# Content order: 序号, 属地, 备案单位, 模型名称, 备案时间, 备案号 — under the usual header, as
# when a PDF's columns are transcribed in the wrong order.
SWAPPED_ROWS: tuple[tuple[object, ...], ...] = (
    (1, "北京", "北京青禾数据科技有限公司", "青禾问答", date(2025, 3, 3), "Beijing-QingHeWenDa-202503030011"),
    (2, "上海市", "上海澜图智能有限公司", "澜图绘画大模型", "2025/3/10", "Shanghai-LanTuHuiHua-202503100004"),
    # planted bad number: month 13 does not exist
    (3, "北京", "北京小苗教育科技有限公司", "小苗学伴", "2025-03-12", "Beijing-XiaoMiaoXueBan-202513020004"),
    # within-row swap: model name and company the other way round
    (4, "广东", "粤语通", "深圳粤声科技有限公司", "2025-03-15", "Guangdong-YueYuTong-202503150009"),
    # duplicate of the CSV sample's row 1 (same number, model, company)
    (5, "北京", "北京星河智能科技有限公司", "星河对话大模型", "2024-05-10", "Beijing-XingHeDuiHua-202405100007"),
    # conflicting: the sample's number for another model
    (6, "北京", "北京伪造科技有限公司", "别的模型", "2024-05-10", "Beijing-MoChiFanYi-202411280019"),
    # province mismatch: listed under 浙江, number says Jiangsu
    (7, "浙江", "杭州错位科技有限公司", "错位助手", "2025-03-20", "Jiangsu-CuoWeiZhuShou-202503200001"),
    (None, None, None, None, None, None),
    HEADER,
    (8, "四川", "成都蜀锦智能有限公司", "蜀锦写作", "2025年3月25日", "Sichuan-ShuJinXieZuo-202503250006"),
)  # fmt: skip


def write_swapped_xlsx(path: Path) -> Path:
    """The swapped-columns list as XLSX (dates partly real Excel dates, partly text)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "第二批"
    sheet.append(list(HEADER))
    for row in SWAPPED_ROWS:
        sheet.append(list(row))
    book.save(path)
    return path
