"""Hostile .xlsx workbooks built by hand with zipfile: a few KB on disk that claim (or unpack to)
far more than any export. The big parts are written in chunks, so building a 400 MB cell costs
the test a few MB of memory, not 400 MB. ``python -m tests.store.hostile_xlsx DIR`` writes the
set measured in bench/README.md."""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path

from openpyxl.utils import get_column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>标题</t></is></c><c r="B1" t="inlineStr"><is><t>链接</t></is></c></row>'
LEAD = '<row r="2"><c r="A2" t="inlineStr"><is><t>食堂异物</t></is></c><c r="B2" t="inlineStr"><is><t>https://weibo.com/1</t></is></c></row>'

_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
    f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
    '<sheet name="预警" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'<Relationships xmlns="{PACKAGE}">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)


def workbook(
    path: Path,
    rows: Iterable[str] = (HEADER, LEAD),
    *,
    dimension: str = "A1:B2",
    strings: Iterable[str] = (),
) -> Path:
    """A workbook whose one sheet holds ``rows`` (``<row>`` elements, written as they come) and
    whose shared-string table holds ``strings`` (``<si>`` elements)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        _stream(archive, "xl/sharedStrings.xml", [f'<sst xmlns="{MAIN}">', strings, "</sst>"])
        sheet_head = f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>'
        _stream(archive, "xl/worksheets/sheet1.xml", [sheet_head, rows, "</sheetData></worksheet>"])
    return path


def _stream(archive: zipfile.ZipFile, name: str, parts: list[str | Iterable[str]]) -> None:
    with archive.open(name, "w", force_zip64=True) as member:
        for part in parts:
            for text in [part] if isinstance(part, str) else part:
                member.write(text.encode())


def repeated(text: str, times: int) -> Iterator[str]:
    """``text`` ``times`` over, in pieces of at most 1 MB."""
    per_piece = max(1, (1 << 20) // len(text.encode()))
    while times > 0:
        yield text * min(per_piece, times)
        times -= per_piece


def one_huge_shared_string(path: Path, chars: int) -> Path:
    """A lead whose title is shared string 0, ``chars`` characters long."""
    title = '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="inlineStr"><is><t>https://weibo.com/1</t></is></c></row>'
    return workbook(path, [HEADER, title], strings=["<si><t>", *repeated("x", chars), "</t></si>"])


def many_shared_strings(path: Path, count: int) -> Path:
    return workbook(path, strings=repeated("<si><t>x</t></si>", count))


def wide_rows(path: Path, columns: int, rows: int = 1) -> Path:
    """``rows`` rows of ``columns`` cells each (no ``r`` attribute: each is the next column)."""
    body = (f"<row>{''.join(repeated('<c><v>1</v></c>', columns))}</row>" for _ in range(rows))
    return workbook(path, [HEADER, LEAD, *body])


def far_cell(path: Path, rows: int) -> Path:
    """``rows`` rows, each with one number in column XFD (the last Excel has)."""
    body = (f'<row r="{n}"><c r="XFD{n}"><v>1</v></c></row>' for n in range(3, 3 + rows))
    return workbook(path, [HEADER, LEAD, *body], dimension=f"A1:XFD{rows + 2}")


def lying_dimension(path: Path, last_row: int) -> Path:
    """The header, a lead, and an empty row ``last_row`` under a ``<dimension>`` that claims every
    column up to XFD: a reader that trusts it lays out ``last_row`` rows of 16,384 cells."""
    end = f'<row r="{last_row}"/>'
    return workbook(path, [HEADER, LEAD, end], dimension=f"A1:XFD{last_row}")


def export(path: Path, rows: int, columns: int = 20) -> Path:
    """Not hostile: an export of ``rows`` leads, ``columns`` columns of text and counts, every
    text a different shared string (the size the import's row limit allows)."""
    names = "".join(f'<c t="inlineStr"><is><t>列{c}</t></is></c>' for c in range(columns - 2))
    head = f'<row r="1"><c t="inlineStr"><is><t>标题</t></is></c><c t="inlineStr"><is><t>链接</t></is></c>{names}</row>'
    texts = columns // 2

    def body() -> Iterator[str]:
        for n in range(rows):
            cells = "".join(f'<c t="s"><v>{n * texts + c}</v></c>' for c in range(texts))
            counts = "".join(f"<c><v>{n + c}</v></c>" for c in range(columns - texts))
            yield f'<row r="{n + 2}">{cells}{counts}</row>'

    def strings() -> Iterator[str]:
        for n in range(rows):
            yield f"<si><t>学校食堂第{n}条舆情的标题</t></si><si><t>https://weibo.com/{n}</t></si>"
            yield "".join(f"<si><t>第{n}行第{c}列的文字</t></si>" for c in range(2, texts))

    dimension = f"A1:{get_column_letter(columns)}{rows + 1}"
    return workbook(path, chain([head], body()), dimension=dimension, strings=strings())


def hostile_set(folder: Path) -> dict[str, Path]:
    """The workbooks of issue 18 item 6 at full size (tens of MB to write, a few MB on disk)."""
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "dimension A1:XFD20000": lying_dimension(folder / "dim20k.xlsx", 20_000),
        "dimension A1:XFD100000": lying_dimension(folder / "dim100k.xlsx", 100_000),
        "one 400 MB shared string": one_huge_shared_string(folder / "bomb.xlsx", 400 << 20),
        "5,000,000 shared strings": many_shared_strings(folder / "strings.xlsx", 5_000_000),
        "one row of 1,000,000 cells": wide_rows(folder / "wide.xlsx", 1_000_000),
        "20,000 rows with a cell in XFD": far_cell(folder / "far.xlsx", 20_000),
    }


if __name__ == "__main__":
    for label, made in hostile_set(Path(sys.argv[1])).items():
        print(f"{made.stat().st_size:>10,} B  {label}  {made}")
