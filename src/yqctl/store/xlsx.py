"""The first sheet of an ``.xlsx`` workbook, read in one streaming pass within fixed limits.

An export is a file from outside that may be anything, and a few KB of zip can claim or unpack to
gigabytes. openpyxl, even in read-only mode, cannot be held to a budget: it lays rows out as wide
and as many as the sheet's ``<dimension>`` claims (a 1.8 KB file claiming ``A1:XFD20000`` took
2.6 GB), reads the whole shared-string table into memory before the first row (one deflated
400 MB string: MemoryError), builds each ``<row>`` element whole before yielding it, and turns
hyperlinks and merged cells into objects. So the parts this reader needs (the package and
workbook relationships, the workbook, the styles, the shared strings and the first worksheet)
are parsed here with expat as they are unpacked, 64 KB at a time, and every limit below is
checked while reading, before the memory is taken:

* the zip's central directory is at most 1 MB (a real workbook lists a few dozen parts, a
  crafted one could list a million, each an object in memory);
* no DTD and no entity declarations (no entity expansion), elements nested at most 64 deep;
* a single tag (name and attributes) or other markup token at most 1 MB, since expat must hold
  a token whole: the bytes expat holds unparsed are checked after each chunk;
* at most ``MAX_COLUMNS`` columns in a row, ``MAX_CELLS`` cells laid out in the sheet (rows
  are as wide as their last cell), ``MAX_SHARED_STRINGS`` shared strings, ``MAX_CELL_CHARS``
  characters in one cell or shared string, ``MAX_TEXT_CHARS`` characters kept in all;
* at most ``MAX_ELEMENTS`` XML elements in all: this bounds the time a crafted part can take;
* the small parts (relationships, workbook, styles) at most 10 MB unpacked each.

The ``<dimension>`` element is never read: rows are as the sheet's ``<row>`` elements say. Values
are typed as openpyxl types them with ``data_only`` (the cached result of a formula, never the
formula; numbers in a date format as datetimes, through openpyxl's own format rules).
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from xml.parsers import expat

from yqctl.core.leads import Cell, Row
from yqctl.errors import Problem, YqError

# Limits, chosen from what the import accepts (100,000 rows) and what exports hold:
MAX_COLUMNS = 200  # monitoring exports have 10-60 columns; 200 leaves room for any of them
MAX_CELLS = 4_000_000  # 100,000 rows (the import's limit) × 40 columns laid out
MAX_SHARED_STRINGS = 2_000_000  # 20 different texts in each of 100,000 rows; exports (Excel,
# WPS, POI, openpyxl, xlsxwriter) write each different text once
MAX_CELL_CHARS = 100_000  # Excel/WPS keep at most 32,767 per cell; no post is longer
MAX_TEXT_CHARS = 50_000_000  # what a CSV at the 50 MB file limit can hold
MAX_ELEMENTS = 8 * MAX_CELLS  # a cell is 2-4 elements (c, v or is/t), a string 2 (si, t)
MAX_EXPANDED_BYTES = 1 << 30  # the parts unpacked: more is a zip bomb, refused before reading
MAX_DEPTH = 64  # a worksheet nests about 6 deep
MAX_TOKEN_BYTES = 1 << 20
MAX_SMALL_PART_BYTES = 10 << 20
MAX_DIRECTORY_BYTES = 1 << 20
CHUNK = 64 << 10

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships "
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RID = f"{DOC_RELS} id"
_RELATIONSHIP = PACKAGE_RELS + "Relationship"
_C = MAIN + "c"
_CELLXFS = MAIN + "cellXfs"
_IS = MAIN + "is"
_NUMFMT = MAIN + "numFmt"
_NUMFMTS = MAIN + "numFmts"
_RPH = MAIN + "rPh"
_ROW = MAIN + "row"
_SHEET = MAIN + "sheet"
_SI = MAIN + "si"
_T = MAIN + "t"
_V = MAIN + "v"
_WORKBOOKPR = MAIN + "workbookPr"
_XF = MAIN + "xf"
_COORDINATE = re.compile(r"([A-Z]{1,3})[0-9]+")


class _Refused(Exception):
    """A limit or rule broken at (row, column) of the sheet, or (0, 0) for the workbook."""

    def __init__(self, message: str, row: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message, self.row, self.column = message, row, column


def refusal(display: str, message: str, line: int = 0, col: int = 0) -> YqError:
    problem = Problem(display, line, col, message)
    return YqError(str(problem), [problem])


def first_sheet_rows(raw: bytes, display: str) -> Iterator[Row]:
    """The first worksheet's rows, numbered as the sheet numbers them; a row the sheet leaves out
    comes as an empty row. Stops reading when the caller stops asking."""
    try:
        _check_directory(raw)
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:  # never unpacks more than it declares
            if sum(info.file_size for info in archive.infolist()) > MAX_EXPANDED_BYTES:
                limit = MAX_EXPANDED_BYTES >> 20
                raise _Refused(f"解压后超过 {limit} MB，拒绝读取（不像是监测平台的导出表）")
            yield from _Workbook(archive).rows()
    except _Refused as refused:
        raise refusal(display, refused.message, refused.row, refused.column) from None
    except (
        zipfile.BadZipFile,
        expat.ExpatError,
        zlib.error,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,  # a compression method zipfile lacks
        RuntimeError,  # zipfile's "File is encrypted"
    ) as exc:
        raise refusal(display, f"不是有效的 .xlsx 文件（{type(exc).__name__}）") from None


def _check_directory(raw: bytes) -> None:
    """Refuse a central directory over ``MAX_DIRECTORY_BYTES`` before zipfile lists it (it keeps
    an object per entry). The end record is found as zipfile finds it: the last signature."""
    end = raw.rfind(b"PK\x05\x06", max(0, len(raw) - 22 - 0xFFFF))
    if end < 0:
        return  # not a zip: zipfile says so
    if end >= 76 and raw[end - 20 : end - 16] == b"PK\x06\x07":  # ZIP64: its record's size
        (size,) = struct.unpack("<Q", raw[end - 36 : end - 28])
    else:
        (size,) = struct.unpack("<L", raw[end + 12 : end + 16].ljust(4, b"\0"))
    if size > MAX_DIRECTORY_BYTES:
        raise _Refused("压缩包目录过大（部件过多），不像是监测平台的导出表，拒绝读取")


class _Budget:
    """What the whole workbook may still cost: elements parsed, characters kept."""

    def __init__(self) -> None:
        self.elements = MAX_ELEMENTS
        self.text = MAX_TEXT_CHARS

    def keep(self, chars: int) -> None:
        self.text -= chars
        if self.text < 0:
            raise _Refused(f"文字总量超过 {MAX_TEXT_CHARS} 字符，请分批导入")


class _Part:
    """One XML part, parsed as it is unpacked. Subclasses see ``start``/``end``/``text`` with names
    as ``"namespace local"`` and keep only what they need."""

    small = True  # whole part at most MAX_SMALL_PART_BYTES

    def __init__(self, archive: zipfile.ZipFile, name: str, budget: _Budget) -> None:
        self.archive, self.name, self.budget = archive, name, budget
        self.depth = 0

    def parse(self) -> Iterator[None]:
        """Feed the part to expat chunk by chunk; yields after each chunk so that a caller can
        take what the chunk completed (the worksheet's rows)."""
        try:
            info = self.archive.getinfo(self.name)
        except KeyError:
            raise _Refused(f"不是有效的 .xlsx 文件（缺少 {self.name}）") from None
        if self.small and info.file_size > MAX_SMALL_PART_BYTES:
            raise _Refused(f"{self.name} 解压后超过 {MAX_SMALL_PART_BYTES >> 20} MB，拒绝读取")
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._no_dtd
        parser.EntityDeclHandler = self._no_dtd
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self.text
        parser.CommentHandler = parser.ProcessingInstructionHandler = self._ignore
        fed = 0
        with self.archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
                fed += len(chunk)
                if fed - parser.CurrentByteIndex > MAX_TOKEN_BYTES:  # expat holds it unparsed
                    raise _Refused(f"{self.name} 中有超过 1 MB 的标记，拒绝读取")
                yield
            parser.Parse(b"", True)
        yield

    def read(self) -> None:
        for _ in self.parse():
            pass

    def _no_dtd(self, *_: Any) -> None:
        raise _Refused(f"{self.name} 含有 DTD 或实体声明，拒绝读取")

    def _ignore(self, *_: Any) -> None:
        """Comments and processing instructions: handled so that expat reports where it is."""

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        self.budget.elements -= 1
        if self.depth > MAX_DEPTH or self.budget.elements < 0:
            limit = (
                f"嵌套超过 {MAX_DEPTH} 层" if self.depth > MAX_DEPTH else f"超过 {MAX_ELEMENTS} 个"
            )
            raise _Refused(f"XML 元素{limit}，不像是监测平台的导出表，拒绝读取")
        self.start(name, attrs)

    def _end(self, name: str) -> None:
        self.depth -= 1
        self.end(name)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        pass

    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


class _Relationships(_Part):
    """A ``.rels`` part: relationship id → (type's last word, target part name)."""

    def __init__(self, archive: zipfile.ZipFile, name: str, budget: _Budget, base: str) -> None:
        super().__init__(archive, name, budget)
        self.base = base
        self.targets: dict[str, tuple[str, str]] = {}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == _RELATIONSHIP and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.join(self.base, target)
            kind = attrs.get("Type", "").rsplit("/", 1)[-1]
            self.targets[attrs.get("Id", "")] = (kind, posixpath.normpath(path))

    def first(self, kind: str) -> str | None:
        return next((path for k, path in self.targets.values() if k == kind), None)


class _WorkbookPart(_Part):
    """The sheets' relationship ids in order, and the date system (1900 or 1904)."""

    def __init__(self, archive: zipfile.ZipFile, name: str, budget: _Budget) -> None:
        super().__init__(archive, name, budget)
        self.sheets: list[str] = []
        self.date1904 = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == _SHEET:
            self.sheets.append(attrs.get(_RID, ""))
        elif name == _WORKBOOKPR:
            self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")


class _Styles(_Part):
    """Which cell styles (``s``) show numbers as dates or durations, by openpyxl's rules."""

    def __init__(self, archive: zipfile.ZipFile, name: str, budget: _Budget) -> None:
        super().__init__(archive, name, budget)
        self.formats: dict[str, str] = {}  # custom numFmtId → format code
        self.cell_formats: list[str] = []  # numFmtId of each cellXfs/xf, in order
        self.section = ""  # the styleSheet child being read: numFmts, cellXfs, dxfs …

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self.depth == 2:
            self.section = name
        elif name == _NUMFMT and self.section == _NUMFMTS:
            self.formats[attrs.get("numFmtId", "")] = attrs.get("formatCode", "")
        elif name == _XF and self.section == _CELLXFS:
            self.cell_formats.append(attrs.get("numFmtId", "0"))

    def kinds(self) -> tuple[set[int], set[int]]:
        """(styles that are dates, styles that are durations)."""
        from openpyxl.styles.numbers import (
            builtin_format_code,
            is_date_format,
            is_timedelta_format,
        )

        dates: set[int] = set()
        durations: set[int] = set()
        for style, number in enumerate(self.cell_formats):
            code = self.formats.get(number)
            if code is None and number.isdigit():
                code = builtin_format_code(int(number))
            if is_date_format(code):
                dates.add(style)
            if is_timedelta_format(code):
                durations.add(style)
        return dates, durations


class _Text:
    """The text of one cell or shared string as it arrives, capped at ``MAX_CELL_CHARS``."""

    def __init__(self, budget: _Budget) -> None:
        self.budget = budget
        self.pieces: list[str] = []
        self.size = 0

    def add(self, data: str, row: int = 0, column: int = 0) -> None:
        self.size += len(data)
        if self.size > MAX_CELL_CHARS:
            raise _Refused(f"单元格超过 {MAX_CELL_CHARS} 字符，拒绝读取", row, column)
        self.budget.keep(len(data))
        self.pieces.append(data)

    def take(self) -> str:
        text = "".join(self.pieces)
        self.pieces, self.size = [], 0
        return text


class _RichText(_Part):
    """What ``<si>`` and ``<is>`` hold: the text of their ``t`` elements, directly or in runs
    (``r``), without the phonetic guide (``rPh``) — as openpyxl reads it."""

    def __init__(self, archive: zipfile.ZipFile, name: str, budget: _Budget) -> None:
        super().__init__(archive, name, budget)
        self.value = _Text(budget)
        self.phonetic = 0  # depth inside rPh
        self.in_t = False

    def rich_start(self, name: str) -> None:
        if name == _RPH:
            self.phonetic += 1
        elif name == _T and not self.phonetic:
            self.in_t = True

    def rich_end(self, name: str) -> None:
        if name == _RPH:
            self.phonetic -= 1
        elif name == _T:
            self.in_t = False


class _SharedStrings(_RichText):
    small = False

    def __init__(self, archive: zipfile.ZipFile, name: str, budget: _Budget) -> None:
        super().__init__(archive, name, budget)
        self.strings: list[str] = []
        self.in_si = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == _SI:
            if len(self.strings) >= MAX_SHARED_STRINGS:
                raise _Refused(f"共享字符串过多（超过 {MAX_SHARED_STRINGS} 个），拒绝读取")
            self.in_si = True
        elif self.in_si:
            self.rich_start(name)

    def end(self, name: str) -> None:
        if name == _SI:
            self.strings.append(self.value.take())
            self.in_si = False
        elif self.in_si:
            self.rich_end(name)

    def text(self, data: str) -> None:
        if self.in_t:
            self.value.add(data)


class _Sheet(_RichText):
    """The worksheet's rows as they complete: ``<row>`` elements of ``<c>`` cells, each typed by
    its ``t`` attribute and style."""

    small = False

    def __init__(
        self, archive: zipfile.ZipFile, name: str, budget: _Budget, book: _Workbook
    ) -> None:
        super().__init__(archive, name, budget)
        self.book = book
        self.done: list[Row] = []  # rows completed by the chunk being parsed
        self.row = 0  # the number of the row being read (or last read)
        self.cells: dict[int, Cell] = {}
        self.column = 0
        self.laid_out = 0  # cells in all rows so far, each row as wide as its last cell
        self.kind = ""
        self.style = 0
        self.in_value = False  # in <v>
        self.in_inline = False  # in <is>

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == _C:
            self._cell_start(attrs)
        elif name == _V:
            self.in_value = True
        elif name == _IS:
            self.in_inline = True
        elif self.in_inline:
            self.rich_start(name)
        elif name == _ROW:
            self._row_start(attrs.get("r"))

    def _row_start(self, number: str | None) -> None:
        row = self.row + 1 if number is None else _row_number(number)
        if row <= self.row:
            raise _Refused(f"第 {row} 行出现在第 {self.row} 行之后（行号须递增），不是有效的 .xlsx")
        self.row, self.column, self.cells = row, 0, {}

    def _cell_start(self, attrs: dict[str, str]) -> None:
        self.value.take()  # text outside any cell is no cell's
        reference = attrs.get("r")
        found = _COORDINATE.fullmatch(reference) if reference else None
        if found:
            self.column = 0
            for letter in found[1]:
                self.column = self.column * 26 + ord(letter) - 64
        else:  # no reference (or an unreadable one): the next column, as openpyxl does
            self.column += 1
        if self.column > MAX_COLUMNS:
            raise _Refused(f"超过 {MAX_COLUMNS} 列，不像是监测平台的导出表", self.row, self.column)
        self.kind = attrs.get("t", "n")
        style = attrs.get("s", "0")
        self.style = int(style) if style.isdigit() else 0

    def end(self, name: str) -> None:
        if name == _C:
            text = self.value.take()
            if text or self.kind == "inlineStr":
                self.cells[self.column] = self._typed(text)
        elif name == _V:
            self.in_value = False
        elif name == _IS:
            self.in_inline = False
        elif self.in_inline:
            self.rich_end(name)
        elif name == _ROW:
            self._row_end()

    def _row_end(self) -> None:
        width = max(self.cells, default=0)
        self.laid_out += width
        if self.laid_out > MAX_CELLS:
            raise _Refused(f"单元格超过 {MAX_CELLS} 个，请分批导入", self.row)
        values: list[Cell] = [None] * width
        for column, value in self.cells.items():
            values[column - 1] = value
        self.done.append((self.row, values))

    def text(self, data: str) -> None:
        if self.in_value or (self.in_inline and self.in_t):
            self.value.add(data, self.row, self.column)

    def _typed(self, text: str) -> Cell:
        """A cell's value as openpyxl types it; a value that does not read as its type is kept as
        the text (the import names it at row:column if the column matters)."""
        kind = self.kind
        if kind == "s":
            strings = self.book.strings
            if not text.isdigit() or int(text) >= len(strings):
                raise _Refused(f"引用了不存在的共享字符串 {text[:20]}", self.row, self.column)
            return strings[int(text)]
        try:
            if kind == "n":
                fraction = "." in text or "e" in text or "E" in text
                number: int | float = float(text) if fraction else int(text)
                if self.style in self.book.dates:
                    return _date(number, self.book, self.style in self.book.durations)
                return number
            if kind == "b":
                return bool(int(text))
            if kind == "d":
                from openpyxl.utils.datetime import from_ISO8601

                return _as_cell(from_ISO8601(text))  # type: ignore[no-untyped-call]  # untyped in types-openpyxl
        except (ValueError, OverflowError):
            return text
        return text  # str, inlineStr, e (an error such as #N/A) and any other type


def _row_number(text: str) -> int:
    try:
        number = float(text) if "." in text else int(text)
    except ValueError:
        raise _Refused(f"行号 {text[:20]!r} 不是数字，不是有效的 .xlsx") from None
    if number != int(number) or not 1 <= number <= 1_048_576:
        raise _Refused(f"行号 {text[:20]!r} 无效，不是有效的 .xlsx")
    return int(number)


def _date(number: float, book: _Workbook, duration: bool) -> Cell:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel

    epoch = CALENDAR_MAC_1904 if book.date1904 else WINDOWS_EPOCH
    try:
        return _as_cell(from_excel(number, epoch, timedelta=duration))
    except (OverflowError, ValueError):
        return "#VALUE!"  # openpyxl's reading of a date out of range


def _as_cell(value: object) -> Cell:
    """Datetimes and dates as they are; a time of day or a duration as its text."""
    return value if isinstance(value, datetime | date) else str(value)


class _Workbook:
    """Finds the parts through the package's relationships, then reads them in order."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = set(archive.namelist())
        self.budget = _Budget()
        self.strings: list[str] = []
        self.dates: set[int] = set()
        self.durations: set[int] = set()
        self.date1904 = False

    def rows(self) -> Iterator[Row]:
        package = self._relationships("_rels/.rels", "")
        book_name = package.first("officeDocument") or "xl/workbook.xml"
        book = _WorkbookPart(self.archive, book_name, self.budget)
        book.read()
        self.date1904 = book.date1904
        folder, file_name = posixpath.split(book_name)
        parts = self._relationships(f"{folder}/_rels/{file_name}.rels", folder)
        sheet = next(
            (parts.targets[rid][1] for rid in book.sheets
             if parts.targets.get(rid, ("", ""))[0] == "worksheet"),
            None,
        )  # fmt: skip
        if sheet is None:
            raise _Refused("工作簿中没有工作表")
        styles_name = parts.first("styles")
        if styles_name in self.names:
            styles = _Styles(self.archive, styles_name, self.budget)
            styles.read()
            self.dates, self.durations = styles.kinds()
        strings_name = parts.first("sharedStrings")
        if strings_name in self.names:
            table = _SharedStrings(self.archive, strings_name, self.budget)
            table.read()
            self.strings = table.strings
        yield from self._sheet_rows(_Sheet(self.archive, sheet, self.budget, self))

    def _relationships(self, name: str, base: str) -> _Relationships:
        rels = _Relationships(self.archive, name, self.budget, base)
        if name in self.names:
            rels.read()
        return rels

    @staticmethod
    def _sheet_rows(sheet: _Sheet) -> Iterator[Row]:
        """The rows each chunk completed, with the rows the sheet leaves out as empty rows (made
        one at a time: a jump to row 1,048,576 costs nothing until asked for)."""
        last = 0
        for _ in sheet.parse():
            for number, cells in sheet.done:
                for missing in range(last + 1, number):
                    yield missing, ()
                yield number, cells
                last = number
            sheet.done.clear()
