"""Reading a monitoring platform's export: CSV (UTF-8, GB18030 or Excel's UTF-16 text, comma, tab
or semicolon) and Excel ``.xlsx`` (the first sheet). Each row comes with the number the user sees:
the line in a text file, the row in a sheet, so that every problem can be pointed at.

The file is outside the repository and may be anything: its size and row count are capped; a
workbook is read by store.xlsx in one streaming pass within limits on columns, cells, shared
strings and text (its ``<dimension>`` is not trusted), and only cell values are read (no formulas
are evaluated, no macros run).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from yqctl.core.leads import HEADER_SEARCH_ROWS, MAX_LEADS, Row
from yqctl.errors import Problem, YqError
from yqctl.store import xlsx, yamlio

MAX_TABLE_BYTES = 50 * 1024 * 1024
# rows read at most: the import's data rows and what may stand above the header
MAX_ROWS = MAX_LEADS + HEADER_SEARCH_ROWS
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
SHEET_SUFFIXES = (".xlsx", ".xlsm")


def read_table(path: Path, display: str) -> list[Row]:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise _fail(
            display, "旧版 Excel（.xls）文件无法读取：请在 Excel/WPS 中另存为 .xlsx 或 .csv"
        )
    if suffix not in (*SHEET_SUFFIXES, *TEXT_SUFFIXES):
        raise _fail(display, "只能导入 .csv、.tsv 或 .xlsx 文件")
    raw = yamlio.read_bytes(path, display, max_bytes=MAX_TABLE_BYTES)
    if suffix in SHEET_SUFFIXES:
        return _read_sheet(raw, display)
    return _read_text(_decode(raw, display), display, tab=suffix == ".tsv")


def _decode(raw: bytes, display: str) -> str:
    """UTF-8 (with or without BOM), Excel's "Unicode text" (UTF-16), else GB18030 (WPS, older
    Excel on Chinese Windows)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _fail(display, "文件编码无法识别：请保存为 UTF-8 编码的 CSV")


def _read_text(text: str, display: str, *, tab: bool) -> list[Row]:
    if "\0" in text:
        raise _fail(display, "文件包含 NUL 字节，不是文本表格（Excel 文件请用 .xlsx 扩展名）")
    delimiter = "\t" if tab else _delimiter(text)
    # strict: an unclosed quote would otherwise swallow every later row into one cell
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[Row] = []
    start = 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
            _check_rows(len(rows), display)
    except csv.Error as exc:
        raise YqError(
            "", [Problem(display, start, 1, f"CSV 格式错误（检查这一行起的引号是否成对）：{exc}")]
        ) from None
    return rows


def _delimiter(text: str) -> str:
    """Comma, tab or semicolon: whichever the header line holds most of."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (",", "\t", ";")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _read_sheet(raw: bytes, display: str) -> list[Row]:
    rows: list[Row] = []
    for row in xlsx.first_sheet_rows(raw, display):  # stops reading at the row limit
        rows.append(row)
        _check_rows(len(rows), display)
    return rows


def _check_rows(count: int, display: str) -> None:
    if count > MAX_ROWS:
        raise _fail(display, f"行数超过 {MAX_ROWS}（数据最多 {MAX_LEADS} 行），请分批导入")


def _fail(display: str, message: str) -> YqError:
    return xlsx.refusal(display, message)
