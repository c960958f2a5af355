"""Reading alert exports as users get them: CSV in UTF-8, GB18030 or Excel's UTF-16 text, with
commas, tabs or semicolons, cells spanning lines; and .xlsx with typed cells. Every row carries
the number the user sees; what is not a table is refused with a clear message."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from yqctl.errors import YqError
from yqctl.store import tables, xlsx
from yqctl.store.tables import read_table

ROWS = [["标题", "链接"], ["食堂异物", "https://weibo.com/1"]]


@pytest.mark.parametrize(
    ("encoding", "separator"),
    [("utf-8", ","), ("utf-8-sig", ","), ("gb18030", ","), ("utf-16", "\t"), ("utf-8", ";")],
)
def test_csv_in_the_encodings_and_separators_exports_use(
    tmp_path: Path, encoding: str, separator: str
) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes("\r\n".join(separator.join(row) for row in ROWS).encode(encoding))
    assert read_table(path, "leads.csv") == [(1, ROWS[0]), (2, ROWS[1])]


def test_rows_are_numbered_by_the_line_they_start_on(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text('标题,正文\n甲,"第一行\n第二行"\n乙,一行\n', encoding="utf-8")
    assert [number for number, _ in read_table(path, "leads.csv")] == [1, 2, 4]


def test_xlsx_cells_keep_their_types_and_sheet_row_numbers(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["舆情预警导出"])
    sheet.append(["标题", "发布时间", "转发数"])
    sheet.append(["食堂异物", datetime(2026, 11, 24, 7, 5), 1200])
    path = tmp_path / "leads.xlsx"
    book.save(path)
    rows = read_table(path, "leads.xlsx")
    assert rows[2] == (3, ["食堂异物", datetime(2026, 11, 24, 7, 5), 1200])
    assert rows[1][0] == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("leads.xls", b"\xd0\xcf\x11\xe0", "另存为 .xlsx"),
        ("leads.xlsx", b"not a zip file", "不是有效的 .xlsx"),
        ("leads.pdf", b"%PDF-1.7", "只能导入"),
        ("leads.csv", b"a,b\n\x00\x01", "NUL"),
        ("leads.csv", b'a,"b\n', "CSV"),
        ("missing.xlsx", None, "不存在"),
    ],
)
def test_what_is_not_a_table_is_refused(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(YqError) as caught:
        read_table(path, name)
    assert message in str(caught.value) and name in str(caught.value)


def test_a_table_with_too_many_rows_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables, "MAX_ROWS", 3)
    path = tmp_path / "leads.csv"
    path.write_text("标题\n" + "".join(f"第{i}条\n" for i in range(5)), encoding="utf-8")
    with pytest.raises(YqError) as caught:
        read_table(path, "leads.csv")
    assert "分批导入" in str(caught.value)


def test_a_workbook_that_unpacks_to_more_than_the_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["标题", "正文"])
    sheet.append(["甲", "很长的正文" * 2000])
    path = tmp_path / "leads.xlsx"
    book.save(path)
    assert len(read_table(path, "leads.xlsx")) == 2
    monkeypatch.setattr(xlsx, "MAX_EXPANDED_BYTES", 5000)
    with pytest.raises(YqError) as caught:
        read_table(path, "leads.xlsx")
    assert "解压后超过" in str(caught.value)
