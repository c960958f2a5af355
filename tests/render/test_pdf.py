"""HTML → PDF: Chinese text extractable, the CJK font embedded, charts drawn, no network."""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pypdf import PdfReader

from yqctl.errors import YqError
from yqctl.render import pdf as pdf_module
from yqctl.render.charts import bar_chart
from yqctl.render.pdf import PANGO_PACKAGES, html_to_pdf

TITLE = "关于网传食堂饭菜出现异物的舆情日报"


def page(body: str) -> str:
    return f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>{body}</body></html>'


def poppler(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} not installed (apt-get install poppler-utils)")
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture(scope="module")
def report_pdf() -> bytes:
    png = bar_chart("各单位舆情数量", ["后勤处", "教务处", "保卫处"], [3, 1, 2])
    uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return html_to_pdf(
        page(f"<h1>{TITLE}</h1><p>后勤处：3 起</p><img src='{uri}' style='width:150mm'>")
    )


def test_chinese_text_can_be_extracted(report_pdf: bytes, tmp_path: Path) -> None:
    assert report_pdf.startswith(b"%PDF-")
    text = poppler("pdftotext", report_pdf, tmp_path)
    assert TITLE in text and "后勤处：3 起" in text


def test_a_cjk_font_is_embedded(report_pdf: bytes, tmp_path: Path) -> None:
    fonts = poppler("pdffonts", report_pdf, tmp_path).splitlines()[2:]
    cjk = [line for line in fonts if "CJK" in line or "Han" in line or "Hei" in line]
    assert cjk, fonts
    assert all(line.split()[-5] == "yes" for line in cjk)  # the "emb" column


def test_chart_is_drawn_and_page_is_a4(report_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(report_pdf))
    [first] = reader.pages
    assert len(first.images) == 1
    width_mm = float(first.mediabox.width) / 72 * 25.4
    height_mm = float(first.mediabox.height) / 72 * 25.4
    assert (round(width_mm), round(height_mm)) == (210, 297)


def test_templates_own_page_size_wins() -> None:
    pdf = html_to_pdf(page("<style>@page { size: A5 landscape }</style><p>专报</p>"))
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4) == 210
    assert round(float(box.height) / 72 * 25.4) == 148


@pytest.fixture
def web_server() -> Iterator[tuple[str, list[str]]]:
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def test_a_template_cannot_send_data_anywhere(web_server: tuple[str, list[str]]) -> None:
    url, requests = web_server
    html = page(
        f"<link rel='stylesheet' href='{url}/style.css'>"
        f"<img src='{url}/leak?title=舆情'><p>正文</p>"
    )
    assert html_to_pdf(html).startswith(b"%PDF-")
    assert requests == []


def test_relative_images_resolve_against_base_url(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(bar_chart("校徽", ["甲"], [1]))
    pdf = html_to_pdf(page("<img src='logo.png'>"), base_url=tmp_path.as_uri() + "/")
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1


def test_without_a_chinese_font_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_module, "fontconfig_chinese_families", lambda: [])
    with pytest.raises(YqError, match="apt-get install fonts-noto-cjk"):
        html_to_pdf(page("<p>日报</p>"))


def test_without_fc_list_matplotlib_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_module, "fontconfig_chinese_families", lambda: None)
    monkeypatch.setattr(pdf_module, "cjk_font", lambda: None)
    with pytest.raises(YqError, match="中文字体"):
        pdf_module.require_pdf_font()
    monkeypatch.setattr(pdf_module, "cjk_font", lambda: "Noto Sans CJK SC")
    pdf_module.require_pdf_font()


def test_fontconfig_lists_chinese_families() -> None:
    families = pdf_module.fontconfig_chinese_families()
    if families is None:
        pytest.skip("fc-list not installed")
    assert any("CJK" in f or "Hei" in f or "Han" in f for f in families), families


def test_missing_pango_names_the_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as without libpango
    with pytest.raises(YqError) as caught:
        html_to_pdf(page("<p>日报</p>"))
    assert PANGO_PACKAGES in str(caught.value) and "Pango" in str(caught.value)
