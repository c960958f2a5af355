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


@pytest.mark.parametrize(
    "body",
    [
        "<link rel='stylesheet' href='{url}/style.css'><p>正文</p>",
        "<img src='{url}/leak?title=舆情'><p>正文</p>",
    ],
)
def test_a_template_cannot_send_data_anywhere(web_server: tuple[str, list[str]], body: str) -> None:
    url, requests = web_server
    with pytest.raises(YqError, match=f"外部资源 {url}/"):
        html_to_pdf(page(body.format(url=url)))
    assert requests == []


def test_relative_images_resolve_against_base_url(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(bar_chart("校徽", ["甲"], [1]))
    pdf = html_to_pdf(
        page("<img src='logo.png'>"), base_url=tmp_path.as_uri() + "/", allowed=[tmp_path]
    )
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1


# -- what a hostile template can make the PDF step read ------------------------------------------

MARKER = "SECRET-MARKER-7f3a"  # stands for /etc/passwd or a private key: must never reach a PDF


def write_secrets(folder: Path) -> Path:
    """Files outside every allowed folder: a text file, a stylesheet and an image."""
    folder.mkdir()
    (folder / "secret.txt").write_text(f"root:x:0:0:{MARKER}:/root:/bin/bash\n")
    (folder / "leak.css").write_text(f'body::after {{ content: "{MARKER}"; }}')
    (folder / "leak.png").write_bytes(bar_chart(MARKER, ["甲"], [1]))
    return folder


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    return write_secrets(tmp_path / "outside")


# {out}: the folder as a file: URL; the base URL is tmp_path/allowed/deep/, so ../../outside/ leads
# out of the allowed folder by a relative path
LEAKS = {
    "link-attachment": "<link rel='attachment' href='{out}/secret.txt'><p>正文</p>",
    "a-attachment": "<a rel='attachment' href='../../outside/secret.txt'>附件</a>",
    "img-relative": "<img src='../../outside/leak.png'>",
    "img-symlink": "<img src='linked.png'>",
    "css-url": "<div style=\"background: url('{out}/leak.png'); width: 20mm; height: 20mm\"></div>",
    "css-import": "<style>@import url('{out}/leak.css');</style><p>正文</p>",
    "link-stylesheet": "<link rel='stylesheet' href='../../outside/leak.css'><p>正文</p>",
    "svg-image": "<img src=\"data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' "
    "width='10' height='10'><image href='{out}/leak.png' width='10' height='10'/></svg>\">",
}


def leaked(pdf: bytes) -> list[str]:
    """What of ``outside`` a PDF holds: attachments, images, the marker in its text."""
    reader = PdfReader(io.BytesIO(pdf))
    found = [f"attachment {name}" for name in reader.attachments]
    found += [f"image on page {n}" for n, each in enumerate(reader.pages, 1) if each.images]
    found += ["marker in text"] if MARKER in "".join(p.extract_text() for p in reader.pages) else []
    return found


@pytest.mark.parametrize("name", LEAKS)
def test_a_template_cannot_make_the_pdf_read_a_file_outside_the_allowed_ones(
    name: str, outside: Path, tmp_path: Path
) -> None:
    allowed = tmp_path / "allowed" / "deep"
    allowed.mkdir(parents=True)
    (allowed / "linked.png").symlink_to(outside / "leak.png")
    html = page(LEAKS[name].format(out=outside.as_uri()))
    try:
        pdf = html_to_pdf(html, base_url=allowed.as_uri() + "/", allowed=[allowed])
    except YqError as exc:
        assert "已拒绝" in exc.message
        assert "outside" in exc.message or "linked.png" in exc.message
    else:
        assert leaked(pdf) == [], "a file outside the allowed folder reached the PDF"
        pytest.fail("the render should have been refused with a message naming the URL")


def test_an_allowed_image_is_embedded_and_a_missing_one_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "shot.png").write_bytes(bar_chart("截图", ["甲"], [1]))
    base = tmp_path.as_uri() + "/"
    pdf = html_to_pdf(page("<img src='shot.png'>"), base_url=base, allowed=[tmp_path / "shot.png"])
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1
    with pytest.raises(YqError, match=r"gone\.png 不存在"):
        html_to_pdf(page("<img src='gone.png'>"), base_url=base, allowed=[tmp_path])


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


def test_an_attachment_the_html_scan_misses_is_still_refused(
    monkeypatch: pytest.MonkeyPatch, outside: Path
) -> None:
    # the rendered document is checked too, in case WeasyPrint learns another way to attach
    monkeypatch.setattr(pdf_module, "_refuse_attachments", lambda page: None)
    html = page(LEAKS["link-attachment"].format(out=outside.as_uri()))
    with pytest.raises(YqError, match="不带附件"):
        html_to_pdf(html, allowed=[outside])
