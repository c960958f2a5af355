"""Generate yqctl's built-in Word templates: ``templates/*.docx`` (docxtpl).

    python tools/make_docx_templates.py [--out DIR]

Writes ``registration.docx`` (附件3), ``opinion.docx`` (附件4) and ``record.docx`` (the middle
school's 《舆情处置记录》), ``daily.docx``, ``weekly.docx``
and ``monthly.docx`` (one layout: the title comes from ``head.title``) and ``special.docx`` (专报).
The files are committed; run this script again after changing it. The output is byte-for-byte the
same on every run (fixed document dates, fixed zip entry times).

The templates are ordinary Word documents an office can open and restyle (its own letterhead,
fonts, margins) as long as the tags stay intact:

- ``{{ doc.x }}``: a value. A line break in the value (``\\n``) becomes a line break in Word;
  ``|replace("\\n", "\\a")`` turns each line into a paragraph of its own (docxtpl's ``\\a``).
- ``{%p if … %}`` / ``{%p for … %}`` / ``{%p endfor %}``: a paragraph of its own that disappears
  from the output; the paragraphs between are kept, dropped or repeated.
- ``{%tr for e in doc.timeline %}`` … ``{%tr endfor %}``: rows of their own in a table; the rows
  between are repeated, ``{%tr else %}`` rows stand in for an empty list.
- ``{{ charts.per_day }}``, ``{{ charts.levels }}``: the report's charts as pictures.

Every template's context is ``doc`` (the form or report of ``yqctl.core``), ``head`` (institution,
office, marking, title, generated_at) and ``charts``; the filters are ``cn_datetime``, ``cn_date``
and ``blank(width)``; a missing value prints as nothing, never as "None".

Layout follows the feel of GB/T 9704 (党政机关公文格式): A4, 宋体 text, 黑体 headings, a header with
the institution and its marking (内部资料) on every page, 第 X 页 共 Y 页 in the footer.
"""

from __future__ import annotations

import argparse
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENTATION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "templates"

LATIN = "Times New Roman"
SONG = "宋体"  # body text
HEI = "黑体"  # headings
MONO = "Courier New"  # hashes
BLANK = "＿"  # a line to write on
GAP = "\u3000"  # full-width space
RED = "C00000"  # the red rule under the masthead (版头分隔线)
SHADE = "EDEDED"  # label cells
FIXED_TIME = datetime(2026, 1, 1, tzinfo=UTC)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)
COMMENT_PREFIX = "yqctl 内置模板，由 tools/make_docx_templates.py 生成；python-docx "

# style names (styleIds are the names without spaces)
BODY = "Body Indent"  # 正文：首行缩进两字
BODY_KEEP = "Body Keep With Next"  # 正文, on the same page as the table it introduces
META = "Masthead Line"  # 发文单位 … 日期, with the red rule
NOTE = "Note"  # 截至 …, small centered
TABLE_TEXT = "Table Text"
TABLE_SMALL = "Table Small"  # 五号: the timeline inside a form
TABLE_LABEL = "Table Label"
TABLE_HEAD = "Table Head"
FIGURE = "Figure"
TAG = "Template Tag"  # paragraphs holding only a docxtpl tag: gone in the output
BOX = "Summary Box"
ANNEX = "Annex"  # 附件3 at the top left
AFTER_TABLE = "After Table"  # a small empty paragraph: ends a chain of rows kept together


# ---- what to write --------------------------------------------------------------------------


@dataclass(frozen=True)
class R:
    """A run: text with its own font, if it differs from the paragraph style's."""

    text: str
    bold: bool | None = None
    east_asia: str | None = None
    latin: str | None = None
    size: float | None = None
    color: str | None = None


@dataclass(frozen=True)
class Fld:
    """A field (PAGE, NUMPAGES) with the number Word shows until it updates the field."""

    code: str
    shown: str = "1"


Run = str | R | Fld


@dataclass(frozen=True)
class P:
    runs: tuple[Run, ...]
    style: str | None = None
    align: WD_ALIGN_PARAGRAPH | None = None


def p(*runs: Run, style: str | None = None, align: WD_ALIGN_PARAGRAPH | None = None) -> P:
    return P(runs, style, align)


def tag(text: str) -> P:
    return P((text,), TAG)


@dataclass(frozen=True)
class C:
    """A table cell: paragraphs, how many grid columns it spans, whether it is a label."""

    paras: tuple[P, ...]
    span: int = 1
    kind: str = "value"  # value / label / head
    valign: WD_CELL_VERTICAL_ALIGNMENT = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def label(text: str, span: int = 1) -> C:
    return C((p(text, style=TABLE_LABEL),), span, "label")


def head_cell(text: str, span: int = 1) -> C:
    return C((p(text, style=TABLE_HEAD),), span, "head")


def value(*content: str | P, span: int = 1, top: bool = False) -> C:
    paras = tuple(x if isinstance(x, P) else p(x, style=TABLE_TEXT) for x in content)
    valign = WD_CELL_VERTICAL_ALIGNMENT.TOP if top else WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return C(paras, span, "value", valign)


def centered(text: str, span: int = 1) -> C:
    return C((p(text, style=TABLE_TEXT, align=WD_ALIGN_PARAGRAPH.CENTER),), span)


@dataclass(frozen=True)
class Row:
    cells: tuple[C, ...]
    height: float | None = None  # mm, at least
    header: bool = False  # repeated at the top of each page
    keep: bool = False  # on the same page as the next row (signatures are not left alone)


def row(*cells: C, height: float | None = None, header: bool = False, keep: bool = False) -> Row:
    return Row(cells, height, header, keep)


def tag_row(text: str, columns: int) -> Row:
    """A row holding only a ``{%tr … %}`` tag: docxtpl replaces the whole row by the tag."""
    return Row((C((tag(text),), columns),))


@dataclass
class Spec:
    """One template: its page and the body, built by ``build``."""

    name: str
    page: Page
    body_pt: float
    build: Callable[[Builder], None]


@dataclass(frozen=True)
class Page:
    top: float
    bottom: float
    left: float
    right: float
    header: float = 15.0  # header distance from the edge, mm
    footer: float = 15.0

    @property
    def width(self) -> float:
        return 210.0 - self.left - self.right


REPORT_PAGE = Page(top=37, bottom=35, left=28, right=26, header=18, footer=20)  # GB/T 9704
FORM_PAGE = Page(top=25, bottom=20, left=25, right=20, header=12, footer=10)


# ---- building a document --------------------------------------------------------------------


@dataclass
class Builder:
    doc: DocxDocument
    page: Page
    body_pt: float
    tables: list[Table] = field(default_factory=list)

    def add(self, *paras: P) -> None:
        for para in paras:
            write(self.doc.add_paragraph(), para)

    def text(self, *runs: Run, keep: bool = False) -> None:
        """A paragraph of body text; ``keep``: on the same page as what follows (a table)."""
        self.add(p(*runs, style=BODY_KEEP if keep else BODY))

    def heading(self, text: str, level: int = 1) -> None:
        self.add(p(text, style=f"Heading {level}"))

    def tag(self, text: str) -> None:
        self.add(tag(text))

    def table(self, widths: Sequence[float], rows: Sequence[Row]) -> Table:
        table = make_table(self.doc, widths, rows)
        self.tables.append(table)
        return table

    def masthead(self, subtitle: str | None, right: str) -> None:
        """Title, subtitle, then 发文单位 on the left and ``right`` on the right above a red rule."""
        self.add(p("{{ head.title }}", style="Title"))
        if subtitle is not None:
            self.add(p(subtitle, style="Subtitle"))
        self.add(p("{{ head.office }}\t" + right, style=META))


def write(paragraph: Paragraph, para: P) -> None:
    if para.style is not None:
        paragraph.style = para.style
    if para.align is not None:
        paragraph.alignment = para.align
    for item in para.runs:
        if isinstance(item, Fld):
            add_field(paragraph, item)
            continue
        spec = item if isinstance(item, R) else R(item)
        run = paragraph.add_run(spec.text)
        if spec.bold is not None:
            run.bold = spec.bold
        if spec.size is not None:
            run.font.size = Pt(spec.size)
        if spec.color is not None:
            run.font.color.rgb = RGBColor.from_string(spec.color)
        if spec.east_asia or spec.latin:
            set_fonts(run._r.get_or_add_rPr(), spec.east_asia, spec.latin)


def add_field(paragraph: Paragraph, fld: Fld) -> None:
    """A complex field (begin / instrText / separate / shown value / end): Word and LibreOffice
    both update PAGE and NUMPAGES in headers and footers when they lay the document out."""

    def fld_run(child: BaseOxmlElement) -> None:
        r = OxmlElement("w:r")
        r.append(child)
        paragraph._p.append(r)

    for kind, text in (("begin", None), ("instr", f" {fld.code} "), ("separate", None)):
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            fld_run(instr)
        else:
            fld_run(_fld_char(kind))
    paragraph.add_run(fld.shown)
    fld_run(_fld_char("end"))


def _fld_char(kind: str) -> BaseOxmlElement:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    return char


def make_table(doc: DocxDocument, widths: Sequence[float], rows: Sequence[Row]) -> Table:
    """A fixed-width table with full borders (Table Grid), centered on the page."""
    table: Table = doc.add_table(rows=0, cols=len(widths))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:w"), str(twips(sum(widths))))
    tbl_w.set(qn("w:type"), "dxa")
    look = tbl_pr.find(qn("w:tblLook"))
    if look is not None:
        tbl_pr.remove(look)
    margins = OxmlElement("w:tblCellMar")  # a little air above and below the text of a cell
    for side, dxa in (("top", 28), ("left", 108), ("bottom", 28), ("right", 108)):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(dxa))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    tbl_pr.append(margins)  # after tblLayout, as CT_TblPr orders them
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    for spec in rows:
        add_row(table, widths, spec)
    return table


def add_row(table: Table, widths: Sequence[float], spec: Row) -> None:
    spans = [cell.span for cell in spec.cells]
    if sum(spans) != len(widths):
        raise ValueError(f"row spans {spans} do not fill {len(widths)} columns")
    new: _Row = table.add_row()  # type: ignore[no-untyped-call]
    for cell, width in zip(new.cells, widths, strict=True):
        cell.width = Mm(width)
    tr_pr = new._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if spec.header:
        tr_pr.append(OxmlElement("w:tblHeader"))
    if spec.height is not None:
        new.height = Mm(spec.height)
        new.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    cells = list(new.cells)
    start = 0
    for cell_spec in spec.cells:
        cell = cells[start]
        if cell_spec.span > 1:
            cell = cell.merge(cells[start + cell_spec.span - 1])
        fill(cell, cell_spec)
        if spec.keep:  # Word keeps a row with the next when its paragraphs keep with next
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True
        start += cell_spec.span


def fill(cell: _Cell, spec: C) -> None:
    cell.vertical_alignment = spec.valign
    if spec.kind in ("label", "head"):
        shade(cell, SHADE)
    first, *rest = spec.paras
    write(cell.paragraphs[0], first)
    for para in rest:
        write(cell.add_paragraph(), para)


def shade(cell: _Cell, fill_color: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill_color)
    tc_pr = cell._tc.get_or_add_tcPr()
    # CT_TcPr's order: … tcBorders, shd, noWrap, tcMar, textDirection, tcFitText, vAlign, hideMark
    later = {
        qn(f"w:{t}")
        for t in ("noWrap", "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark")
    }
    successor = next((child for child in tc_pr if child.tag in later), None)
    if successor is None:
        tc_pr.append(shd)
    else:
        successor.addprevious(shd)


def twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


# ---- document, styles, page -----------------------------------------------------------------


def new_document(spec: Spec) -> Builder:
    doc = Document()
    _clean_package(doc)
    _styles(doc, spec.body_pt)
    _page(doc, spec.page)
    core = doc.core_properties
    core.author = "yqctl"
    core.last_modified_by = "yqctl"
    core.title = "{{ head.title }}"  # docxtpl renders the document's properties too
    core.subject = ""
    # the generator's python-docx: its default template is the base of ours (see the tests)
    core.comments = f"{COMMENT_PREFIX}{docx.__version__}"
    core.keywords = ""
    core.revision = 1
    core.created = FIXED_TIME
    core.modified = FIXED_TIME
    return Builder(doc, spec.page, spec.body_pt)


def _clean_package(doc: DocxDocument) -> None:
    """No stale thumbnail of python-docx's blank page; Word 2013+ mode; Chinese theme fonts."""
    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rid]
    settings = doc.settings.element
    for name in ("w:savePreviewPicture", "w:rsids", "w14:docId"):
        found = settings.find(qn(name))
        if found is not None:
            settings.remove(found)
    for compat in settings.iter(qn("w:compatSetting")):
        if compat.get(qn("w:name")) == "compatibilityMode":
            compat.set(qn("w:val"), "15")
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def set_fonts(r_pr: BaseOxmlElement, east_asia: str | None, latin: str | None = None) -> None:
    """Explicit fonts: the theme's (Calibri, MS Mincho …) would otherwise win."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    if latin is not None:
        for attr in ("ascii", "hAnsi", "cs"):
            fonts.set(qn(f"w:{attr}"), latin)
    if east_asia is not None:
        fonts.set(qn("w:eastAsia"), east_asia)
        fonts.set(qn("w:hint"), "eastAsia")


def _styles(doc: DocxDocument, body_pt: float) -> None:
    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    assert defaults is not None
    r_pr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert r_pr is not None
    set_fonts(r_pr, SONG, LATIN)
    lang = r_pr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        lang.set(qn("w:bidi"), "ar-SA")
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    if spacing is not None:
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")

    normal = paragraph_style(doc, "Normal", SONG, body_pt)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    normal.paragraph_format.widow_control = False  # Chinese text: no orphan control

    body = paragraph_style(doc, BODY, SONG, body_pt)
    body.paragraph_format.first_line_indent = Pt(body_pt * 2)
    _chars_indent(body, 200)
    body.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    body.paragraph_format.line_spacing = Pt(round(body_pt * 1.75))

    keep = paragraph_style(doc, BODY_KEEP, SONG, body_pt, base=BODY)
    keep.paragraph_format.keep_with_next = True

    title = paragraph_style(doc, "Title", SONG, 18, bold=True)  # 小二号
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(6)
    title.paragraph_format.space_before = Pt(0)
    title.paragraph_format.keep_with_next = True

    subtitle = paragraph_style(doc, "Subtitle", SONG, 16 if body_pt >= 14 else 14)
    subtitle.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.paragraph_format.space_after = Pt(6)
    subtitle.paragraph_format.keep_with_next = True

    h1 = paragraph_style(doc, "Heading 1", HEI, 16 if body_pt >= 14 else 14)
    h1.paragraph_format.space_before = Pt(12)
    h1.paragraph_format.space_after = Pt(6)
    h1.paragraph_format.keep_with_next = True
    h1.paragraph_format.first_line_indent = Pt(0)

    h2 = paragraph_style(doc, "Heading 2", SONG, body_pt, bold=True)
    h2.paragraph_format.space_before = Pt(8)
    h2.paragraph_format.space_after = Pt(4)
    h2.paragraph_format.keep_with_next = True
    h2.paragraph_format.first_line_indent = Pt(body_pt * 2)
    _chars_indent(h2, 200)

    report = body_pt >= 14
    meta = paragraph_style(doc, META, SONG, 14 if report else 10.5)
    meta.paragraph_format.space_before = Pt(6)
    meta.paragraph_format.space_after = Pt(12 if report else 4)
    if report:  # a form (附件) has no masthead: no red rule above its table
        _bottom_border(meta, RED, 12, 2)

    note = paragraph_style(doc, NOTE, SONG, 12)
    note.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    note.paragraph_format.space_after = Pt(6)

    annex = paragraph_style(doc, ANNEX, HEI, 14)
    annex.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    annex.paragraph_format.space_after = Pt(6)

    cell_pt = 12 if body_pt < 14 else 10.5
    paragraph_style(
        doc, TABLE_TEXT, SONG, cell_pt
    ).paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    paragraph_style(doc, TABLE_SMALL, SONG, 10.5, base=TABLE_TEXT)
    lbl = paragraph_style(doc, TABLE_LABEL, SONG, cell_pt, bold=True, base=TABLE_TEXT)
    lbl.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head = paragraph_style(doc, TABLE_HEAD, HEI, cell_pt, base=TABLE_TEXT)
    head.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    paragraph_style(doc, AFTER_TABLE, SONG, 6)
    box = paragraph_style(doc, BOX, SONG, body_pt)
    box.paragraph_format.line_spacing = 1.3
    box.paragraph_format.space_before = Pt(3)
    box.paragraph_format.space_after = Pt(3)
    box.paragraph_format.first_line_indent = Pt(body_pt * 2)
    _chars_indent(box, 200)

    figure = paragraph_style(doc, FIGURE, SONG, body_pt)
    figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    figure.paragraph_format.space_before = Pt(6)
    figure.paragraph_format.space_after = Pt(6)

    tag_style = paragraph_style(doc, TAG, LATIN, 8)
    tag_style.font.color.rgb = RGBColor.from_string("7F7F7F")
    set_fonts(tag_style.element.get_or_add_rPr(), SONG, "Consolas")

    header = paragraph_style(doc, "Header", SONG, 10.5)
    header.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _bottom_border(header, "000000", 6, 1)
    footer = paragraph_style(doc, "Footer", SONG, 10.5)
    footer.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for style in (header, footer):  # python-docx's template has tab stops for Letter paper
        tabs = style.element.pPr.find(qn("w:tabs")) if style.element.pPr is not None else None
        if tabs is not None:
            style.element.pPr.remove(tabs)


def paragraph_style(
    doc: DocxDocument,
    name: str,
    east_asia: str,
    size: float,
    *,
    bold: bool = False,
    base: str = "Normal",
) -> ParagraphStyle:
    """The style ``name`` (created if new), reset to black ``east_asia``/Times New Roman."""
    styles = doc.styles
    if name in [s.name for s in styles]:
        style = styles[name]
        assert isinstance(style, ParagraphStyle)
        _reset(style)
    else:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        assert isinstance(style, ParagraphStyle)
        if name != "Normal":
            style.base_style = styles[base]
        style.quick_style = True
    set_fonts(style.element.get_or_add_rPr(), east_asia, LATIN)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    return style


def _reset(style: ParagraphStyle) -> None:
    """Drop python-docx's Calibri/blue/borders, keeping the outline level of headings."""
    element = style.element
    r_pr = element.rPr
    if r_pr is not None:
        element.remove(r_pr)
    p_pr = element.pPr
    if p_pr is not None:
        for child in list(p_pr):
            if child.tag not in (qn("w:outlineLvl"), qn("w:tabs")):
                p_pr.remove(child)


def _chars_indent(style: ParagraphStyle, hundredths: int) -> None:
    """First-line indent in characters (首行缩进 2 字符), as Word's Chinese UI sets it."""
    ind = style.element.get_or_add_pPr().find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        style.element.get_or_add_pPr().append(ind)
    ind.set(qn("w:firstLineChars"), str(hundredths))


def _bottom_border(style: ParagraphStyle, color: str, size: int, space: int) -> None:
    p_pr = style.element.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(size))  # eighths of a point
    bottom.set(qn("w:space"), str(space))
    bottom.set(qn("w:color"), color)
    border.append(bottom)
    # CT_PPr's child order: pStyle, keepNext, keepLines, pageBreakBefore, framePr, widowControl,
    # numPr, suppressLineNumbers, pBdr, shd, tabs, … — insert before the first later sibling.
    later = ("w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:outlineLvl")
    for child in p_pr:
        if child.tag in {qn(t) for t in later}:
            child.addprevious(border)
            return
    p_pr.append(border)


def _page(doc: DocxDocument, page: Page) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENTATION.PORTRAIT
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.top_margin = Mm(page.top)
    section.bottom_margin = Mm(page.bottom)
    section.left_margin = Mm(page.left)
    section.right_margin = Mm(page.right)
    section.header_distance = Mm(page.header)
    section.footer_distance = Mm(page.footer)
    section.gutter = Mm(0)
    # the masthead's right tab stop sits at the right margin
    meta = doc.styles[META]
    assert isinstance(meta, ParagraphStyle)
    meta.paragraph_format.tab_stops.add_tab_stop(Mm(page.width), WD_TAB_ALIGNMENT.RIGHT)
    write(
        section.header.paragraphs[0],
        p("{{ head.institution }} · {{ head.marking }}", style="Header"),
    )
    write(
        section.footer.paragraphs[0],
        p("第 ", Fld("PAGE"), " 页  共 ", Fld("NUMPAGES"), " 页", style="Footer"),
    )


def save(builder: Builder, path: Path) -> None:
    """Save with fixed zip entry times, so that the same script gives the same bytes."""
    buffer = io.BytesIO()
    builder.doc.save(buffer)
    buffer.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    path.write_bytes(out.getvalue())


# ---- shared pieces --------------------------------------------------------------------------

TIMELINE_HEAD = ("时间", "处置措施", "具体情况", "责任人/单位")
DATE_BLANK = "年" + GAP * 2 + "月" + GAP * 2 + "日"  # the year is written before it


def timeline_rows(
    loop: str, spans: Sequence[int], empty: Sequence[Row], style: str = TABLE_TEXT
) -> list[Row]:
    """The timeline as table rows: a header, one row per entry, ``empty`` when there is none."""
    columns = sum(spans)
    t, a, x, b = spans
    return [
        row(
            *(head_cell(h, span=s) for h, s in zip(TIMELINE_HEAD, spans, strict=True)),
            header=True,
            keep=True,
        ),
        tag_row(f"{{%tr for e in {loop} %}}", columns),
        row(
            value(p("{{ e.at|cn_datetime }}", style=style), span=t),
            value(p("{{ e.action_label }}", style=style), span=a),
            value(p("{{ e.text }}", style=style), span=x),
            value(p("{{ e.by }}", style=style), span=b),
        ),
        tag_row("{%tr else %}", columns),
        *empty,
        tag_row("{%tr endfor %}", columns),
    ]


def blank_rows(spans: Sequence[int], count: int, height: float = 9) -> list[Row]:
    """Rows to fill in by hand."""
    return [Row(tuple(value("", span=s) for s in spans), height) for _ in range(count)]


def source_paras() -> list[P]:
    """The case's sources, one paragraph each (platform, account, time, link); a blank if none."""
    return [
        tag("{%p for s in doc.sources %}"),
        p(
            "{{ loop.index }}. {{ s.platform_label }}"
            "{% if s.account %}" + GAP + "账号：{{ s.account }}{% endif %}"
            "{% if s.published_at %}" + GAP + "发布：{{ s.published_at|cn_datetime }}{% endif %}"
            "{% if s.url %}" + GAP + "链接：{{ s.url }}{% endif %}",
            style=TABLE_TEXT,
        ),
        tag("{%p else %}"),
        p("来源：" + BLANK * 24, style=TABLE_TEXT),
        tag("{%p endfor %}"),
    ]


def sign_line(who: str) -> P:
    """签字：…… 日期：年 月 日, at the right of the cell."""
    text = f"{who}：{GAP * 8}日期：{GAP * 3}{DATE_BLANK}"
    return p(text, style=TABLE_TEXT, align=WD_ALIGN_PARAGRAPH.RIGHT)


def empty_para() -> P:
    return p("", style=TABLE_TEXT)


# ---- the forms: 附件3《舆情处置情况登记表》, 附件4《舆情处置意见表》 ------------------------------

# One grid for both forms (mm, total = FORM_PAGE.width = 165): the boundaries of
#   label 30 | value 50.5 | label 30 | value 54.5          (spans 1, 3, 1, 2)
#   time 36 | action 24 | text 77 | by 28                  (spans 2, 1, 3, 1)
# Word and LibreOffice add a little space between Chinese and Latin text (autospace): a
# cn_datetime (2026年11月24日 10:00) needs 36 mm at 五号 to break cleanly before the hour.
FORM_GRID = (30.0, 6.0, 24.0, 20.5, 30.0, 26.5, 28.0)
WIDE = 6  # a value right of a label, across the form


def pair(label1: str, value1: str | P, label2: str, value2: str | P, height: float = 11) -> Row:
    """Two label/value pairs side by side."""
    return row(
        label(label1), value(value1, span=3), label(label2), value(value2, span=2), height=height
    )


def field_row(
    name: str, *content: str | P, height: float = 11, top: bool = False, keep: bool = False
) -> Row:
    return row(label(name), value(*content, span=WIDE, top=top), height=height, keep=keep)


def found_row(name: str, who: str, *, height: float) -> Row:
    """Who found the case (``who``: 发现途径 / 发现人) and its sources, in one cell."""
    return field_row(
        name,
        p(f"{who}：{{{{ doc.discovered_by|blank(12) }}}}", style=TABLE_TEXT),
        *source_paras(),
        height=height,
        top=True,
    )


def rule_paras(j: str, prefix: str = "") -> list[P]:
    """The grading's rules (``j`` a Judgement), a paragraph each with its clause, and the reason
    of a level set by hand."""
    return [
        tag(f"{{%p for r in {j}.rules %}}"),
        p(
            prefix + "{{ r.text }}{% if r.clause %}（条款 {{ r.clause }}）{% endif %}",
            style=TABLE_TEXT,
        ),
        tag("{%p endfor %}"),
        tag(f"{{%p if {j}.override_reason %}}"),
        p(f"调整定级理由：{{{{ {j}.override_reason }}}}", style=TABLE_TEXT),
        tag("{%p endif %}"),
    ]


def form_top(b: Builder, *, annex: bool = True) -> None:
    if annex:
        b.add(p("{{ doc.annex }}", style=ANNEX))
    b.add(p("{{ head.title }}", style="Title"))
    b.tag("{%p if doc.drill %}")
    b.add(p("（演练）", style=NOTE))
    b.tag("{%p endif %}")
    b.add(
        p(
            "编号：{{ doc.case_id }}\t{{ head.office }}"
            + GAP
            + "{{ head.generated_at|cn_datetime }} 生成",
            style=META,
        )
    )


def registration(b: Builder) -> None:
    filed = "{% if doc.filed_at %}{{ doc.filed_at|cn_datetime }}{% endif %}"
    rows = [
        pair("填报单位", "{{ doc.unit }}", "填报人及\n联系方式", "{{ doc.reporter }}"),
        pair(
            "填报时间",
            # blank: 年 月 日 时 on the right, to write in by hand
            p(
                filed + "{% if not doc.filed_at %}" + DATE_BLANK + GAP * 2 + "时{% endif %}",
                style=TABLE_TEXT,
                align=WD_ALIGN_PARAGRAPH.RIGHT,
            ),
            "发现时间",
            "{{ doc.discovered_at|cn_datetime }}",
        ),
        field_row("舆情标题", "{{ doc.title }}"),
        found_row("发现途径与\n来源（平台、\n链接、账号）", "发现途径", height=20),
        field_row("内容摘要", "{{ doc.summary }}", height=30, top=True),
        pair("舆情级别", "{{ doc.level_name }}", "舆情类别", "{{ doc.category_label }}"),
        field_row("传播情况", "{{ doc.spread.text }}", height=13),
        row(label("处置措施及过程（时间线）", span=len(FORM_GRID)), height=8),
        *timeline_rows(
            "doc.timeline", (2, 1, 3, 1), blank_rows((2, 1, 3, 1), 4), style=TABLE_SMALL
        ),
        field_row("处置结果", "{{ doc.result }}", height=20, top=True, keep=True),
        field_row(
            "单位负责人意见\n（签字、日期）",
            p("{{ doc.head_opinion }}", style=TABLE_TEXT),
            empty_para(),
            empty_para(),
            sign_line("负责人签字"),
            height=30,
            top=True,
            keep=True,
        ),
        field_row("备注", "{{ doc.remarks }}", height=13, top=True),
    ]
    form_top(b)
    b.table(FORM_GRID, rows)


def opinion(b: Builder) -> None:
    j = "doc.judgement"
    reported = (
        "{% if doc.reported_to_superiors %}☑是" + GAP + "□否"
        "{% elif doc.reported_to_superiors is sameas false %}□是" + GAP + "☑否"
        "{% else %}□是" + GAP + "□否{% endif %}"
    )
    rows = [
        field_row("编号", "{{ doc.case_id }}"),
        field_row("标题", "{{ doc.title }}"),
        field_row(
            "级别及\n定级依据\n（命中规则\n与条款）",
            p(f"级别：{{{{ {j}.level_name }}}}", style=TABLE_TEXT),
            *rule_paras(j, "依据{{ loop.index }}："),
            tag(f"{{%p if {j}.graded_at %}}"),
            p(
                f"定级时间：{{{{ {j}.graded_at|cn_datetime }}}}"
                f"{{% if {j}.graded_by %}}（{{{{ {j}.graded_by }}}}）{{% endif %}}",
                style=TABLE_TEXT,
            ),
            tag("{%p endif %}"),
            height=18,
            top=True,
        ),
        field_row(
            "发现时间\n与来源",
            p("发现时间：{{ doc.discovered_at|cn_datetime }}", style=TABLE_TEXT),
            *source_paras(),
            height=14,
            top=True,
        ),
        field_row("内容摘要", "{{ doc.summary }}", height=22, top=True),
        field_row("传播态势", "{{ doc.spread.text }}", height=13),
        field_row("研判意见", "{{ doc.assessment }}", height=22, top=True),
        field_row("处置意见", "{{ doc.handling }}", height=22, top=True),
        field_row(
            "是否报上级\n网络管理部门",
            reported
            + "{% if doc.reported_to_superiors_text %}"
            + GAP * 2
            + "{{ doc.reported_to_superiors_text }}{% endif %}",
            keep=True,
        ),
        field_row(
            "领导小组意见",
            p("{{ doc.group_opinion }}", style=TABLE_TEXT),
            empty_para(),
            empty_para(),
            sign_line("签字"),
            height=26,
            top=True,
            keep=True,
        ),
        field_row(
            "签发",
            p("{{ doc.signed_by }}", style=TABLE_TEXT),
            sign_line("签发人"),
            height=14,
            top=True,
        ),
    ]
    form_top(b)
    b.table(FORM_GRID, rows)


# ---- the middle school's 《舆情处置记录》 -----------------------------------------------------------

# 事项 | 时限 | 应完成时间 (a cn_datetime, see FORM_GRID) | 落实情况 | 状态: FORM_PAGE.width in all
STEP_GRID = (44.0, 20.0, 36.0, 45.0, 20.0)
NOT_DUE = "{% if st.status in ['not_applicable', 'conditional'] %}—{% endif %}"
CENTER = WD_ALIGN_PARAGRAPH.CENTER


def steps_table(b: Builder, items: str) -> None:
    """The steps of a section: the 预案's words, the policy's deadline, what was done, status."""
    small = TABLE_SMALL
    b.table(
        STEP_GRID,
        [
            heads("事项", "时限", "应完成时间", "落实情况（时间、措施、经办）", "状态"),
            *looped(
                f"st in {items}",
                row(
                    value(
                        p("{{ st.title }}", style=small),
                        tag("{%p if st.condition %}"),
                        p("（条件：{{ st.condition }}）", style=small),
                        tag("{%p endif %}"),
                        top=True,
                    ),
                    value(p("{{ st.within or '—' }}", style=small, align=CENTER)),
                    value(
                        p(
                            "{% if st.due %}{{ st.due|cn_datetime }}{% else %}—{% endif %}",
                            style=small,
                            align=CENTER,
                        )
                    ),
                    value(
                        tag("{%p for e in st.entries %}"),
                        p(
                            "{{ e.at|cn_datetime }}" + GAP + "{{ e.action_label }}"
                            "{% if e.by %}（{{ e.by }}）{% endif %}"
                            "{% if e.text %}：{{ e.text }}{% endif %}",
                            style=small,
                        ),
                        tag("{%p else %}"),
                        p(NOT_DUE, style=small),
                        tag("{%p endfor %}"),
                        top=True,
                    ),
                    value(p("{{ st.status_label }}", style=small, align=CENTER)),
                    height=12,
                ),
                "（无）",
            ),
        ],
    )
    b.add(p("", style=AFTER_TABLE))


def record_section(b: Builder, section: str, heading: str) -> None:
    """一、研判预警（四(一)） and the 预案's words."""
    b.heading(f"{{{{ {section}.number }}}}、{heading}（{{{{ {section}.clause }}}}）")
    b.text(f"{{{{ {section}.basis }}}}", keep=True)


def record(b: Builder) -> None:
    j = "doc.judgement"
    major = (
        f"{{% if {j}.level is none %}}□是" + GAP + "□否（尚未定级）"
        "{% elif doc.major %}☑是" + GAP + "□否{% else %}□是" + GAP + "☑否{% endif %}"
    )
    form_top(b, annex=False)
    note(b, "按《{{ doc.policy_name }}》四、处置程序及办法逐项记录。")
    b.heading("基本情况")
    b.table(
        FORM_GRID,
        [
            field_row("舆情标题", "{{ doc.title }}"),
            pair("涉事科室/级部", "{{ doc.unit }}", "舆情类别", "{{ doc.category_label }}"),
            pair(
                "发现时间",
                "{{ doc.discovered_at|cn_datetime }}",
                "处置状态",
                "{{ doc.status_label }}",
            ),
            found_row("发现人\n及来源", "发现人", height=16),
            field_row("内容摘要", "{{ doc.summary }}", height=24, top=True),
        ],
    )

    record_section(b, "doc.assess", "研判预警")
    b.table(
        FORM_GRID,
        [
            field_row(
                "级别及\n研判依据",
                p(
                    f"{{{{ {j}.level_name }}}}{{% if {j}.graded_at %}}（{{{{ {j}.graded_at|cn_datetime }}}}"
                    f"{{% if {j}.graded_by %}}，{{{{ {j}.graded_by }}}}{{% endif %}}定级）{{% endif %}}",
                    style=TABLE_TEXT,
                ),
                *rule_paras(j),
                height=14,
                top=True,
            ),
            field_row("是否认定为\n重大网络舆情", major),
            field_row("传播态势", "{{ doc.spread.text }}", height=13),
            row(label("搜集掌握的情况", span=len(FORM_GRID)), height=8),
            *timeline_rows(
                "doc.assess.entries", (2, 1, 3, 1), blank_rows((2, 1, 3, 1), 2), style=TABLE_SMALL
            ),
        ],
    )

    record_section(b, "doc.respond", "快速反应")
    b.tag(f"{{%p if {j}.level is none %}}")
    b.text("尚未定级：认定为重大网络舆情后启动快速反应。")
    b.tag("{%p elif not doc.major %}")
    b.text(
        "本案未认定为重大网络舆情，不启动快速反应"
        "{% if doc.respond.active %}；已记录的报告、发声照列{% endif %}。"
    )
    b.tag("{%p endif %}")
    b.tag("{%p if doc.respond.active %}")
    steps_table(b, "doc.respond.steps")
    b.tag("{%p endif %}")

    record_section(b, "doc.classify", "分类处置")
    b.text("舆情类别：{{ doc.category_label }}。", keep=True)
    b.tag("{%p if doc.classify.steps %}")
    steps_table(b, "doc.classify.steps")
    b.tag("{%p else %}")
    b.table(FORM_GRID, [field_row("处置情况", "", height=24, top=True)])
    b.tag("{%p endif %}")

    record_section(b, "doc.track", "动态跟踪")
    b.text(
        "跟踪责任人：{% if doc.trackers %}{{ doc.trackers|join('、') }}"
        "{% else %}" + BLANK * 12 + "{% endif %}",
        keep=True,
    )
    steps_table(b, "doc.track.steps")

    record_section(b, "doc.review", "总结评估")
    steps_table(b, "doc.review.steps")
    closed = "{% if doc.closed_at %}{{ doc.closed_at|cn_datetime }}{% endif %}"
    b.table(
        FORM_GRID,
        [
            field_row(
                "办结时间",
                p(
                    closed + "{% if not doc.closed_at %}" + DATE_BLANK + GAP * 2 + "时{% endif %}",
                    style=TABLE_TEXT,
                ),
            ),
            field_row("处置结果", "{{ doc.result }}", height=18, top=True),
            field_row(
                "总结评估\n（发生、传播\n和处置情况）", "{{ doc.evaluation }}", height=24, top=True
            ),
            field_row("经验教训", "{{ doc.lessons }}", height=18, top=True),
            field_row("健全完善\n工作机制", "{{ doc.improvements }}", height=18, top=True),
        ],
    )

    b.tag("{%p if doc.other_duties %}")
    b.heading("其他处置时限（本校策略另有规定）")
    steps_table(b, "doc.other_duties")
    b.tag("{%p endif %}")

    b.heading("附：处置过程（时间线）")
    b.table(
        FORM_GRID,
        timeline_rows(
            "doc.timeline",
            (2, 1, 3, 1),
            [row(centered("（暂无处置记录）", span=len(FORM_GRID)))],
            style=TABLE_SMALL,
        ),
    )
    b.add(p("", style=AFTER_TABLE))
    b.add(
        p(
            "记录人：" + GAP * 6 + "审核人：" + GAP * 6 + "日期：" + GAP * 3 + DATE_BLANK,
            style=TABLE_TEXT,
            align=WD_ALIGN_PARAGRAPH.RIGHT,
        )
    )


# ---- 日报 / 周报 / 月报 -------------------------------------------------------------------------

REPORT_WIDTH = REPORT_PAGE.width  # 156 mm
TIME_COLUMN = 36.0  # a cn_datetime in two clean lines at 五号 (see FORM_GRID)
REPORT_TIMELINE = (TIME_COLUMN, 28.0, 64.0, 28.0)


def report_timeline(b: Builder, loop: str) -> None:
    b.table(
        REPORT_TIMELINE,
        timeline_rows(loop, (1, 1, 1, 1), [row(centered("（暂无处置记录）", span=4))]),
    )


def heads(*names: str) -> Row:
    """A table's header row: repeated on every page, never left alone at the foot of one."""
    return row(*(head_cell(name) for name in names), header=True, keep=True)


def looped(loop: str, body: Row, empty: str) -> list[Row]:
    """``{%tr for …%}`` rows around ``body``, with one row saying ``empty`` when there is none."""
    columns = sum(cell.span for cell in body.cells)
    return [
        tag_row(f"{{%tr for {loop} %}}", columns),
        body,
        tag_row("{%tr else %}", columns),
        row(centered(empty, span=columns)),
        tag_row("{%tr endfor %}", columns),
    ]


def count_table(b: Builder, heading: str, items: str) -> None:
    """A short table, kept on one page: every row keeps with the next, and a small empty
    paragraph after the table ends the chain (else it would run on into the next table)."""
    b.heading(heading, 2)
    head = heads("项目", "起数")
    body = row(value("{{ c.label }}"), centered("{{ c.count }}"))
    b.table(
        (REPORT_WIDTH - 40, 40),
        [
            Row(head.cells, head.height, header=True, keep=True),
            *looped(f"c in {items}", Row(body.cells, keep=True), "（无）"),
        ],
    )
    b.add(p("", style=AFTER_TABLE))


def chart(b: Builder, key: str) -> None:
    b.tag(f"{{%p if charts.{key} is defined %}}")
    b.add(p(f"{{{{ charts.{key} }}}}", style=FIGURE))
    b.tag("{%p endif %}")


CASE_TITLE = (
    "{% if c.redacted %}涉密，内容从略{% else %}{{ c.title }}"
    "{% if c.drill %}（演练）{% endif %}{% endif %}"
)


def case_list(b: Builder, heading: str, items: str, *, closed: bool = False) -> None:
    """编号, 标题, 级别, 涉事单位, then 状态 (or 办结时间); a confidential case shows no title."""
    b.heading(f"{heading}（{{{{ {items}|length }}}} 起）", 2)
    last = ("办结时间", "{% if not c.redacted %}{{ c.closed_at|cn_datetime }}{% endif %}")
    if not closed:
        last = ("状态", "{{ c.status_label }}")
    b.table(
        (38.0, 40.0, 20.0, 24.0, TIME_COLUMN) if closed else (38.0, 52.0, 20.0, 26.0, 20.0),
        [
            heads("编号", "标题", "级别", "涉事单位", last[0]),
            *looped(
                f"c in {items}",
                row(
                    value("{{ c.id }}"),
                    value(CASE_TITLE),
                    centered("{{ c.level_name }}"),
                    centered("{{ c.unit }}"),
                    centered(last[1]),
                ),
                "（无）",
            ),
        ],
    )


def late_by(x: str) -> str:
    """How late ``x`` (a DeadlineLine) is: 1天2小时 / 3小时 / 45分钟, as Markdown and HTML say it."""
    return (
        f"{{% set n = {x}.late_by_minutes %}}"
        "{% if n >= 1440 %}{{ n // 1440 }}天{% endif %}"
        "{% if n % 1440 >= 60 %}{{ n % 1440 // 60 }}小时{% endif %}"
        "{% if n < 1440 and n % 60 %}{{ n % 60 }}分钟{% endif %}"
    )


def note(b: Builder, text: str, *, when: str | None = None) -> None:
    """A left-aligned note paragraph (注：…); with ``when``, left out unless that holds."""
    if when:
        b.tag(f"{{%p if {when} %}}")
    b.add(p(text, style=NOTE, align=WD_ALIGN_PARAGRAPH.LEFT))
    if when:
        b.tag("{%p endif %}")


def as_of_note(b: Builder) -> None:
    b.tag("{%p if not doc.complete %}")
    b.add(p("（截至 {{ doc.as_of|cn_datetime }}，本期尚未结束，数据为阶段性统计）", style=NOTE))
    b.tag("{%p endif %}")


def deadlines_sentence(b: Builder, d: str) -> None:
    """本期应完成的处置时限 … 按时完成率 …, and whether drills are counted."""
    b.tag(f"{{%p if {d}.total or doc.options.include_drills %}}")
    b.text(
        f"{{% if {d}.decided %}}本期应完成的处置时限 {{{{ {d}.total }}}} 项，按时完成率 "
        f"{{{{ {d}.rate_text }}}}{{% if {d}.missed or {d}.late %}}（超时未完成 {{{{ {d}.missed }}}} "
        f"项、逾期完成 {{{{ {d}.late }}}} 项）{{% endif %}}。{{% elif {d}.total %}}本期应完成的处置"
        f"时限 {{{{ {d}.total }}}} 项，均尚未到期。{{% endif %}}"
        "{% if doc.options.include_drills %}本报告含演练案件。{% endif %}"
    )
    b.tag("{%p endif %}")


def deadlines_paragraph(b: Builder, d: str, rules: str) -> None:
    """按《办法》规定的处置时限，本期应完成 … 项：按时完成 … (``rules`` names the rules)."""
    b.text(
        f"按{rules}规定的处置时限，本期应完成 {{{{ {d}.total }}}} 项：按时完成 "
        f"{{{{ {d}.on_time }}}} 项，逾期完成 {{{{ {d}.late }}}} 项，超时未完成 {{{{ {d}.missed }}}} 项"
        f"{{% if {d}.pending %}}，尚未到期 {{{{ {d}.pending }}}} 项{{% endif %}}；"
        f"{{% if {d}.decided %}}按时完成率 {{{{ {d}.rate_text }}}}{{% else %}}尚无已到期的时限，"
        "不计算按时完成率{% endif %}。"
    )


OUTCOMES = ("total", "on_time", "late", "missed", "pending", "rate_text")
TALLY_WIDTHS = (36.0, 16.0, 20.0, 20.0, 24.0, 16.0, 24.0)


def tally_table(b: Builder, first: str, name: str, loop: str, tally: str, total: str) -> None:
    """时限数, 按时完成 … 按时完成率 per ``first`` (责任方 or 学校), then the 合计 row."""
    b.table(
        TALLY_WIDTHS,
        [
            heads(first, "时限数", "按时完成", "逾期完成", "超时未完成", "未到期", "按时完成率"),
            *looped(
                loop,
                row(
                    value(f"{{{{ {name} }}}}"),
                    *(centered(f"{{{{ {tally}.{k} }}}}") for k in OUTCOMES),
                ),
                "（无）",
            ),
            row(head_cell("合计"), *(centered(f"{{{{ {total}.{k} }}}}") for k in OUTCOMES)),
        ],
    )
    note(
        b,
        "按时完成率 = 按时完成 ÷（按时完成 + 逾期完成 + 超时未完成）；未到期的时限不计入。",
    )


def misses_table(
    b: Builder, loop: str, x: str, who: str, empty: str, *, school: str | None = None
) -> None:
    """The deadlines missed or met late: ``who`` heads the first cell (案件编号 / 责任方 — the
    owner the policy charges, issue 19 — and the ``school`` first in a district report)."""
    first = f"{{{{ {x}.case_id }}}}\n{{{{ {x}.owner }}}}"
    if school is not None:
        first = f"{{{{ {school} }}}}\n{first}"
    b.table(
        (36.0, 48.0, TIME_COLUMN, TIME_COLUMN),
        [
            heads(who, "时限事项（条款）", "应完成时间", "落实情况"),
            *looped(
                loop,
                row(
                    value(first),
                    value(
                        f"{{{{ {x}.title }}}}{{% if {x}.clause %}}（{{{{ {x}.clause }}}}）{{% endif %}}"
                    ),
                    centered(f"{{{{ {x}.due|cn_datetime }}}}"),
                    centered(
                        f"{{{{ {x}.outcome_label }}}}{{% if {x}.late_by_minutes %}}（"
                        f"{{% if {x}.met_at %}}迟{{% else %}}已超{{% endif %}} "
                        + late_by(x)
                        + "）{% endif %}"
                    ),
                ),
                empty,
            ),
        ],
    )


def key_case_heading(b: Builder, c: str, prefix: str = "") -> None:
    """A 重点舆情's heading and its line of facts (a confidential one shows no title or dates)."""
    b.heading(
        f"{{{{ loop.index }}}}. {prefix}{{% if {c}.redacted %}}{{{{ {c}.id }}}}（涉密，内容从略）{{% else %}}"
        f"{{{{ {c}.title }}}}{{% if {c}.drill %}}（演练）{{% endif %}}{{% endif %}}",
        2,
    )
    b.text(
        f"{{% if not {c}.redacted %}}编号：{{{{ {c}.id }}}}；{{% endif %}}级别：{{{{ {c}.level_name }}}}"
        f"{{% if {c}.category_label %}}；类别：{{{{ {c}.category_label }}}}{{% endif %}}"
        f"；涉事单位：{{{{ {c}.unit }}}}"
        f"{{% if {c}.discovered_at %}}；发现时间：{{{{ {c}.discovered_at|cn_datetime }}}}{{% endif %}}"
        f"；状态：{{{{ {c}.status_label }}}}"
        f"{{% if {c}.closed_at %}}（{{{{ {c}.closed_at|cn_datetime }}}}办结）{{% endif %}}。"
    )


def optional_text(b: Builder, value_of: str, label_text: str, *, lines: bool = False) -> None:
    """``label_text``：the value, in a paragraph left out when the value is empty."""
    shown = f'{{{{ {value_of}|replace("\\n", "\\a") }}}}' if lines else f"{{{{ {value_of} }}}}"
    b.tag(f"{{%p if {value_of} %}}")
    b.text(R(label_text, bold=True), shown)
    b.tag("{%p endif %}")


def period(b: Builder) -> None:
    t = "doc.totals"
    d = "doc.deadline_tally"
    b.masthead("{{ doc.period.label }}", "{{ head.generated_at|cn_datetime }}")
    as_of_note(b)

    b.heading("一、总体情况")
    b.tag(f"{{%p if {t}.in_period %}}")
    b.text(
        f"本期共涉及舆情 {{{{ {t}.in_period }}}} 起，其中新增 {{{{ {t}.new }}}} 起、办结 "
        f"{{{{ {t}.closed }}}} 起，期末在办 {{{{ {t}.open_at_end }}}} 起"
        f"{{% if {t}.ungraded %}}（其中待定级 {{{{ {t}.ungraded }}}} 起）{{% endif %}}。"
        "按级别分，{% for c in doc.by_level if c.count %}{{ c.label }} {{ c.count }} 起"
        "{% if not loop.last %}、{% endif %}{% endfor %}。"
        f"{{% if {t}.redacted %}}其中 {{{{ {t}.redacted }}}} 起为涉密案件，只列编号、级别、"
        "涉事单位和状态，内容从略。{% endif %}"
    )
    b.tag("{%p else %}")
    b.text("本期未发现舆情。")
    b.tag("{%p endif %}")
    deadlines_sentence(b, d)
    chart(b, "per_day")

    b.heading("二、分类统计")
    count_table(b, "（一）按舆情级别", "doc.by_level")
    chart(b, "levels")
    count_table(b, "（二）按处置状态", "doc.by_status")
    count_table(b, "（三）按舆情类别", "doc.by_category")
    count_table(b, "（四）按发布平台", "doc.by_platform")
    count_table(b, "（五）按涉事单位", "doc.by_unit")
    note(
        b,
        (
            "注：{% if doc.complete %}处置状态按本期末统计"
            "{% else %}处置状态截至 {{ doc.as_of|cn_datetime }}{% endif %}；"
            "一起舆情可能涉及多个发布平台。"
        ),
    )

    b.heading("三、重点舆情{% if doc.key_levels %}（{{ doc.key_levels|join('、') }}）{% endif %}")
    b.tag("{%p for c in doc.key_cases %}")
    key_case_heading(b, "c")
    b.tag("{%p if not c.redacted %}")
    optional_text(b, "c.summary", "基本情况：", lines=True)
    b.tag("{%p if c.timeline %}")
    b.text(R("处置情况：", bold=True), keep=True)
    report_timeline(b, "c.timeline")
    b.tag("{%p endif %}")
    optional_text(b, "c.result", "处置结果：")
    b.tag("{%p endif %}")
    b.tag("{%p else %}")
    b.text("本期无{{ doc.key_text }}。")
    b.tag("{%p endfor %}")

    b.heading("四、舆情清单")
    case_list(b, "（一）本期新增", "doc.new_cases")
    case_list(b, "（二）本期办结", "doc.closed_cases", closed=True)
    case_list(b, "（三）期末在办", "doc.open_cases")
    note(
        b,
        "注：标注“涉密，内容从略”的案件只列编号、级别、涉事单位和状态。",
        when=f"{t}.redacted",
    )

    b.heading("五、处置时限落实情况")
    b.tag(f"{{%p if {d}.total %}}")
    deadlines_paragraph(b, d, "《{{ doc.policy_name }}》")
    b.heading("（一）各责任方落实情况", 2)
    tally_table(b, "责任方", "u.unit", "u in doc.unit_tallies", "u.tally", d)
    b.heading("（二）超时未完成和逾期完成的时限", 2)
    misses_table(
        b,
        "x in doc.deadlines if x.outcome == 'missed' or x.outcome == 'late'",
        "x",
        "案件编号 / 责任方",
        "无。本期应完成的处置时限均已按时完成或尚未到期。",
    )
    b.tag("{%p else %}")
    b.text("本期没有应完成的处置时限。")
    b.tag("{%p endif %}")


# ---- 区域汇总报告 -------------------------------------------------------------------------------

SCHOOL_FIGURES = ("in_period", "new", "closed", "open_at_end", "ungraded")


def district(b: Builder) -> None:
    """Several schools' report of one period: doc is a DistrictReport."""
    t = "doc.totals"
    d = "doc.deadline_tally"
    b.masthead("{{ doc.period.label }}", "{{ head.generated_at|cn_datetime }}")
    as_of_note(b)

    b.heading("一、总体情况")
    b.tag(f"{{%p if {t}.in_period %}}")
    b.text(
        f"本期 {{{{ doc.schools|length }}}} 所学校共涉及舆情 {{{{ {t}.in_period }}}} 起，其中新增 "
        f"{{{{ {t}.new }}}} 起、办结 {{{{ {t}.closed }}}} 起，期末在办 {{{{ {t}.open_at_end }}}} 起"
        f"{{% if {t}.ungraded %}}（其中待定级 {{{{ {t}.ungraded }}}} 起）{{% endif %}}；"
        "重点舆情 {{ doc.key_count }} 起。"
        f"{{% if {t}.redacted %}}其中 {{{{ {t}.redacted }}}} 起为涉密案件，只列编号、级别、"
        "涉事单位和状态，内容从略。{% endif %}"
    )
    b.tag("{%p else %}")
    b.text("本期 {{ doc.schools|length }} 所学校均未发现舆情。")
    b.tag("{%p endif %}")
    deadlines_sentence(b, d)
    chart(b, "per_day")

    b.heading("二、各校情况")
    chart(b, "schools")
    b.table(
        (40.0, 16.0, 16.0, 16.0, 24.0, 20.0, 24.0),
        [
            heads("学校", "涉及", "新增", "办结", "期末在办", "待定级", "重点舆情"),
            *looped(
                "s in doc.schools",
                row(
                    value("{{ s.name }}{% if s.unreadable %}（数据不全）{% endif %}"),
                    *(centered(f"{{{{ s.totals.{k} }}}}") for k in SCHOOL_FIGURES),
                    centered("{{ s.key_count }}"),
                ),
                "（无）",
            ),
            row(
                head_cell("合计"),
                *(centered(f"{{{{ {t}.{k} }}}}") for k in SCHOOL_FIGURES),
                centered("{{ doc.key_count }}"),
            ),
        ],
    )
    b.text("各校按本校办法定级，级别名称以各校办法为准：", keep=True)
    b.table(
        (40.0, 56.0, REPORT_WIDTH - 96.0),
        [
            heads("学校", "处置办法", "级别分布"),
            *looped(
                "s in doc.schools",
                row(
                    value("{{ s.name }}"),
                    value("{{ s.policy_name }}"),
                    value(
                        "{% for c in s.by_level if c.count %}{{ c.label }} {{ c.count }} 起"
                        "{% if not loop.last %}、{% endif %}{% else %}—{% endfor %}"
                    ),
                ),
                "（无）",
            ),
        ],
    )
    note(
        b,
        (
            "注：标注“数据不全”的学校有 {{ doc.unreadable }} 个案件文件无法读取，未计入本报告"
            "（在该校仓库运行 yqctl check 查看）。"
        ),
        when="doc.unreadable",
    )

    b.heading("三、处置时限落实情况")
    b.tag(f"{{%p if {d}.total %}}")
    deadlines_paragraph(b, d, "各校办法")
    b.heading("（一）各校落实情况", 2)
    tally_table(b, "学校", "s.name", "s in doc.schools", "s.deadline_tally", d)
    b.heading("（二）超时未完成和逾期完成的时限", 2)
    misses_table(
        b,
        "item in doc.late_deadlines",
        "item.deadline",
        "学校 / 案件编号 / 责任方",
        "无。本期应完成的处置时限均已按时完成或尚未到期。",
        school="item.school",
    )
    b.tag("{%p else %}")
    b.text("本期没有应完成的处置时限。")
    b.tag("{%p endif %}")

    b.heading("四、重点舆情")
    b.tag("{%p for item in doc.key_cases %}")
    key_case_heading(b, "item.case", "{{ item.school }}：")
    b.tag("{%p if not item.case.redacted %}")
    optional_text(b, "item.case.summary", "基本情况：", lines=True)
    optional_text(b, "item.case.result", "处置结果：")
    b.tag("{%p endif %}")
    b.tag("{%p else %}")
    b.text("本期各校均无重点舆情。")
    b.tag("{%p endfor %}")

    b.heading("五、分类统计")
    count_table(b, "（一）按舆情类别", "doc.by_category")
    count_table(b, "（二）按发布平台", "doc.by_platform")
    note(
        b,
        (
            "注：{% if doc.complete %}按本期末统计{% else %}截至 {{ doc.as_of|cn_datetime }}"
            "{% endif %}；一起舆情可能涉及多个发布平台。各校的案件清单和处置过程见各校本期报告。"
        ),
    )


# ---- 舆情专报 ---------------------------------------------------------------------------------


def special(b: Builder) -> None:
    j = "doc.judgement"
    b.masthead("{{ doc.title }}", "{{ head.generated_at|cn_datetime }}")
    b.tag("{%p if doc.drill %}")
    b.add(p("（演练）", style=NOTE))
    b.tag("{%p endif %}")
    box = C(
        (
            p(R("核心摘要：", bold=True, east_asia=HEI), "{{ doc.core_summary }}", style=BOX),
            p(R("{{ doc.risk }}", bold=True), style=BOX),
        )
    )
    b.table((REPORT_WIDTH,), [Row((box,))])

    b.heading("一、事件概况")
    b.text(
        "编号：{{ doc.case_id }}；发现时间：{{ doc.discovered_at|cn_datetime }}"
        "{% if doc.discovered_by %}；发现途径：{{ doc.discovered_by }}{% endif %}；"
        "涉事单位：{{ doc.unit }}；舆情类别：{{ doc.category_label }}；处置状态：{{ doc.status_label }}。"
    )
    b.tag("{%p if doc.summary %}")
    b.text('{{ doc.summary|replace("\\n", "\\a") }}')
    b.tag("{%p endif %}")

    b.heading("二、传播态势")
    b.text("{{ doc.spread.text }}")
    b.heading("（一）主要信息来源", 2)
    b.table(
        (26.0, 34.0, TIME_COLUMN, 60.0),
        [
            heads("平台", "账号", "发布时间", "链接"),
            *looped(
                "s in doc.sources",
                row(
                    centered("{{ s.platform_label }}"),
                    value("{{ s.account }}"),
                    centered("{{ s.published_at|cn_datetime }}"),
                    value("{{ s.url }}"),
                ),
                "（暂无记录）",
            ),
        ],
    )
    for heading, items in (
        ("（二）批评、质疑的声音", "doc.critical"),
        ("（三）支持、理解的声音", "doc.supportive"),
    ):
        b.heading(heading, 2)
        b.tag(f"{{%p for s in {items} %}}")
        b.text(
            "{{ loop.index }}. {{ s.platform_label }}{% if s.account %}“{{ s.account }}”{% endif %}"
            "{% if s.excerpt %}：{{ s.excerpt }}{% endif %}"
            "{% if s.url %}（{{ s.url }}）{% endif %}"
        )
        b.tag("{%p else %}")
        b.text("暂无记录。")
        b.tag("{%p endfor %}")

    b.heading("三、研判")
    b.text(
        f"级别：{{{{ {j}.level_name }}}}"
        f"{{% if {j}.graded_at %}}（{{{{ {j}.graded_at|cn_datetime }}}}"
        f"{{% if {j}.graded_by %}}，{{{{ {j}.graded_by }}}}{{% endif %}}）{{% endif %}}。"
    )
    b.tag(f"{{%p for r in {j}.rules %}}")
    b.text(
        "定级依据{{ loop.index }}：{{ r.text }}{% if r.clause %}（条款 {{ r.clause }}）{% endif %}。"
    )
    b.tag("{%p endfor %}")
    b.tag(f"{{%p if {j}.override_reason %}}")
    b.text(f"调整定级理由：{{{{ {j}.override_reason }}}}")
    b.tag("{%p endif %}")

    b.heading("四、处置情况")
    report_timeline(b, "doc.timeline")
    b.tag("{%p if doc.closure_result %}")
    b.text("处置结果：{{ doc.closure_result }}")
    b.tag("{%p endif %}")
    b.tag("{%p if doc.closure_evaluation %}")
    b.text("总结评估：{{ doc.closure_evaluation }}")
    b.tag("{%p endif %}")

    b.heading("五、下一步工作")
    b.tag("{%p for s in doc.next_steps %}")
    b.text(
        "{{ loop.index }}. {{ s.title }}（{% if s.clause %}条款 {{ s.clause }}；{% endif %}"
        "{{ s.status_label }}{% if s.due %}，时限 {{ s.due|cn_datetime }}{% endif %}）。"
    )
    b.tag("{%p else %}")
    b.text("各项处置时限均已完成，继续做好舆情动态跟踪。")
    b.tag("{%p endfor %}")

    b.heading("六、证据清单")
    b.table(
        (12.0, 62.0, 82.0),
        [
            heads("序号", "证据文件（平台）", "SHA-256"),
            *looped(
                "e in doc.evidence",
                row(
                    centered("{{ loop.index }}"),
                    value("{{ e.path }}（{{ e.platform_label }}）"),
                    value(p(R("{{ e.sha256 }}", latin=MONO, size=8), style=TABLE_TEXT)),
                ),
                "（暂无保全的证据）",
            ),
        ],
    )


# ---- the set --------------------------------------------------------------------------------

SPECS = [
    Spec("registration", FORM_PAGE, 12, registration),
    Spec("opinion", FORM_PAGE, 12, opinion),
    Spec("record", FORM_PAGE, 12, record),
    Spec("daily", REPORT_PAGE, 14, period),
    Spec("weekly", REPORT_PAGE, 14, period),
    Spec("monthly", REPORT_PAGE, 14, period),
    Spec("special", REPORT_PAGE, 14, special),
    Spec("district", REPORT_PAGE, 14, district),
]


def generate(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in SPECS:
        builder = new_document(spec)
        spec.build(builder)
        path = out / f"{spec.name}.docx"
        save(builder, path)
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate yqctl's built-in Word templates.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="目标目录（默认 templates/）")
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(path)


if __name__ == "__main__":
    main()
