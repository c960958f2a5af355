"""The streaming .xlsx reader: it reads what openpyxl reads, all the rows the sheet has whatever its
``<dimension>`` claims, and refuses each limit (columns, cells, shared strings, cell and total
text, markup, nesting, DTDs, zip directory) with a message naming it, before the memory is taken.
The hostile workbooks are built by hand (tests/store/hostile_xlsx.py); the limits are lowered
where reaching the real one would take seconds."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from tests.store import hostile_xlsx as hx
from yqctl.errors import YqError
from yqctl.store import xlsx
from yqctl.store.tables import read_table


def _refusal(path: Path) -> str:
    with pytest.raises(YqError) as caught:
        read_table(path, path.name)
    return str(caught.value)


def test_values_read_as_openpyxl_reads_them(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    bold = InlineFont(b=True)
    sheet.append(["标题", "时间", "日期", "时刻", "数", "小数", "真假", "富文本", None, "末列"])
    sheet.append(["食堂", datetime(2026, 11, 24, 7, 5), date(2026, 11, 24), time(7, 5), 1200,
                  1.5, True, CellRichText(["网传", TextBlock(bold, "异物")]), None, "#N/A"])  # fmt: skip
    sheet.append([])
    sheet.append(["隔一行", None, None, None, -3, 2.5e-5, False])
    sheet["J1"].number_format = "yyyy年m月d日"  # a date format on a text cell changes nothing
    path = tmp_path / "types.xlsx"
    book.save(path)
    ours = read_table(path, "types.xlsx")
    theirs = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    expected = [
        (n, _trimmed([str(c) if isinstance(c, time) else c for c in cells]))
        for n, cells in enumerate(theirs.values, start=1)
    ]  # a time of day is its text (the import reads it as text)
    assert [(n, _trimmed(cells)) for n, cells in ours] == expected
    assert ours[1][1][1] == datetime(2026, 11, 24, 7, 5) and ours[1][1][7] == "网传异物"


def _trimmed(cells: object) -> list[object]:
    """Cells without the empty ones at the end (openpyxl pads rows to the dimension's width)."""
    values = list(cells)  # type: ignore[call-overload]
    while values and values[-1] is None:
        values.pop()
    return values


def test_the_1904_date_system_and_inline_strings_without_phonetic_guides(tmp_path: Path) -> None:
    cells = (
        '<row r="1"><c r="A1" t="inlineStr"><is><r><t>食</t></r><r><t>堂</t></r>'
        '<rPh sb="0" eb="1"><t>しょく</t></rPh></is></c><c r="B1" s="1"><v>1</v></c>'
        '<c r="C1" t="b"><v>1</v></c><c r="D1" t="str"><v>=公式</v></c>'
        '<c r="E1" t="d"><v>2026-11-24T07:05:00</v></c></row>'
    )
    path = hx.workbook(tmp_path / "old.xlsx", [cells])
    styles = (
        f'<styleSheet xmlns="{hx.MAIN}"><cellXfs count="2"><xf numFmtId="0"/>'
        '<xf numFmtId="14"/></cellXfs></styleSheet>'
    )
    _rewrite(path, {"xl/styles.xml": styles}, workbook_pr='<workbookPr date1904="1"/>')
    (_, row), *_ = read_table(path, "old.xlsx")
    assert list(row) == ["食堂", datetime(1904, 1, 2), True, "=公式", datetime(2026, 11, 24, 7, 5)]


def _rewrite(path: Path, extra: dict[str, str], *, workbook_pr: str = "") -> None:
    """Add parts (and a styles relationship) to a workbook built by hostile_xlsx."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name).decode() for name in source.namelist()}
    styles_rel = f'<Relationship Id="rId3" Type="{hx.REL}/styles" Target="styles.xml"/>'
    rels = parts["xl/_rels/workbook.xml.rels"]
    parts["xl/_rels/workbook.xml.rels"] = rels.replace("</Rel", styles_rel + "</Rel")
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        "<sheets>", workbook_pr + "<sheets>"
    )
    parts.update(extra)
    with zipfile.ZipFile(path, "w") as target:
        for name, text in parts.items():
            target.writestr(name, text)


def test_every_row_is_read_whatever_the_dimension_claims(tmp_path: Path) -> None:
    """openpyxl's read-only mode stopped at the row the ``<dimension>`` named (A1:B2: one lead of
    four read, three lost without a word) and laid rows out as wide as it claimed."""
    cells = [f'<c r="A{n}" t="inlineStr"><is><t>第{n}条</t></is></c>' for n in range(3, 6)]
    leads = [f'<row r="{n}">{cell}</row>' for n, cell in enumerate(cells, start=3)]
    path = hx.workbook(tmp_path / "dim.xlsx", [hx.HEADER, hx.LEAD, *leads], dimension="A1:B2")
    rows = read_table(path, "dim.xlsx")
    assert [n for n, _ in rows] == [1, 2, 3, 4, 5] and rows[4][1] == ["第5条"]
    wide = read_table(hx.lying_dimension(tmp_path / "wide.xlsx", 20_000), "wide.xlsx")
    assert len(wide) == 20_000 and {len(cells) for _, cells in wide[2:]} == {0}


def _long_inline_cell(path: Path) -> Path:
    cell = f'<c r="B2" t="inlineStr"><is><t>{"x" * 100_001}</t></is></c>'
    return hx.workbook(path, [hx.HEADER, f'<row r="2">{cell}</row>'])


def _long_attribute(path: Path) -> Path:
    return hx.workbook(path, [f'<row r="3"><c a="{"x" * (1 << 21)}"/></row>'])


HOSTILE: dict[str, tuple[Callable[[Path], Path], str, str]] = {
    "columns": (lambda p: hx.wide_rows(p, 201), "超过 200 列", ":3:201:"),
    "far-column": (lambda p: hx.far_cell(p, 1), "超过 200 列", ":3:16384:"),
    "shared-string": (
        lambda p: hx.one_huge_shared_string(p, 100_001),
        "单元格超过 100000 字符",
        ": ",
    ),
    "inline-string": (_long_inline_cell, "单元格超过 100000 字符", ":2:2:"),
    "rows": (lambda p: hx.workbook(p, [hx.HEADER, '<row r="1048576"/>']), "行数超过", ": "),
    "markup": (_long_attribute, "超过 1 MB 的标记", ": "),
    "depth": (lambda p: hx.workbook(p, ["<x>" * 65]), "嵌套超过 64 层", ": "),
    "order": (lambda p: hx.workbook(p, [hx.LEAD, hx.HEADER]), "行号须递增", ": "),
}


@pytest.mark.parametrize(("build", "message", "where"), HOSTILE.values(), ids=HOSTILE.keys())
def test_a_workbook_past_a_limit_is_refused_naming_it(
    tmp_path: Path, build: Callable[[Path], Path], message: str, where: str
) -> None:
    path = build(tmp_path / "hostile.xlsx")
    said = _refusal(path)
    assert message in said and f"hostile.xlsx{where}" in said, said


def test_a_deflated_400_mb_cell_is_refused_without_unpacking_it(tmp_path: Path) -> None:
    path = hx.one_huge_shared_string(tmp_path / "bomb.xlsx", 400 << 20)
    assert path.stat().st_size < 4 << 20
    assert "单元格超过 100000 字符" in _refusal(path)


def _junk_elements(path: Path) -> Path:
    return hx.workbook(path, [hx.HEADER, hx.LEAD, *["<x/>"] * 1000])


BUDGETS: dict[str, tuple[str, int, Callable[[Path], Path], str]] = {
    "shared-strings": (
        "MAX_SHARED_STRINGS",
        100,
        lambda p: hx.many_shared_strings(p, 101),
        "共享字符串过多",
    ),
    "cells": ("MAX_CELLS", 1000, lambda p: hx.wide_rows(p, 150, rows=7), "单元格超过 1000 个"),
    "text": (
        "MAX_TEXT_CHARS",
        1000,
        lambda p: hx.many_shared_strings(p, 1001),
        "文字总量超过 1000 字符",
    ),
    "elements": ("MAX_ELEMENTS", 1000, _junk_elements, "元素超过 1000 个"),
    "directory": ("MAX_DIRECTORY_BYTES", 100, hx.workbook, "压缩包目录过大"),
}


@pytest.mark.parametrize(
    ("limit", "value", "build", "message"), BUDGETS.values(), ids=BUDGETS.keys()
)
def test_each_budget_is_refused_when_spent(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    limit: str,
    value: int,
    build: Callable[[Path], Path],
    message: str,
) -> None:
    """The real limits take a few seconds to reach (2,000,000 strings); lowered, the same code
    refuses the same way."""
    path = build(tmp_path / "budget.xlsx")
    assert len(read_table(path, "budget.xlsx")) >= 2
    monkeypatch.setattr(xlsx, limit, value)
    assert message in _refusal(path)


def test_a_dtd_is_refused_not_expanded(tmp_path: Path) -> None:
    path = hx.workbook(tmp_path / "laughs.xlsx")
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f'<sst xmlns="{hx.MAIN}"><si><t>&b;</t></si></sst>'
    )
    _rewrite(path, {"xl/sharedStrings.xml": laughs})
    assert "含有 DTD 或实体声明" in _refusal(path)


def test_a_zip_listing_thousands_of_parts_is_refused_before_it_is_listed(tmp_path: Path) -> None:
    path = hx.workbook(tmp_path / "parts.xlsx")
    with zipfile.ZipFile(path, "a") as archive:
        for n in range(25_000):
            archive.writestr(f"x/{n}", b"")
    assert "压缩包目录过大" in _refusal(path)
