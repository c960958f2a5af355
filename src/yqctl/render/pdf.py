"""HTML → PDF with WeasyPrint, which embeds (subsets of) the fonts it uses.

WeasyPrint needs Pango from the operating system and finds fonts through fontconfig; both are
checked here so that a missing piece gives a Chinese sentence saying what to install.

A template may come from a shared repository, so what the PDF step reads is fenced in: every
image, stylesheet, font or ``@import`` goes through ``GuardedFetcher``, which hands out ``data:``
URIs and the files of an allow-list (the package's templates, the evidence files of the case on
the page) and refuses every other URL — ``file:`` elsewhere, ``http(s):``, any other scheme — by
stopping the render with an error naming it. Nothing is attached to the PDF: a template asking
for an attachment (``<link rel="attachment">``, ``<a rel="attachment">``) is refused as well.
"""

from __future__ import annotations

import contextlib
import io
import mimetypes
import os
import shutil
import stat
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from yqctl.errors import YqError
from yqctl.render.charts import CJK_FAMILIES, NO_CJK_FONT, cjk_font

# WeasyPrint's own list for Debian/Ubuntu (wheels in a virtualenv)
PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"

# User-origin defaults (a template's own CSS wins): A4 with GB/T 9704's margins, whose 156 mm text
# column fits the 150 mm charts, and simplified-Chinese glyphs before any other CJK variant.
_families = ", ".join(f'"{family}"' for family in CJK_FAMILIES)
DEFAULT_CSS = f"""
@page {{ size: A4; margin: 37mm 26mm 35mm 28mm; }}
html {{ font-family: {_families}, sans-serif; }}
"""


def html_to_pdf(html: str, base_url: str | None = None, *, allowed: Iterable[Path] = ()) -> bytes:
    """The PDF of ``html``; relative links resolve against ``base_url``.

    Only ``data:`` URIs and the files in or under ``allowed`` (files or directories) are read;
    any other resource, and any attachment, stops with a YqError naming its URL.
    """
    require_pdf_font()
    weasyprint = _import_weasyprint()
    fetcher = _guarded_fetcher(weasyprint, allowed)
    try:
        page = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        _refuse_attachments(page)
        css = weasyprint.CSS(string=DEFAULT_CSS, url_fetcher=fetcher)
        document = page.render(stylesheets=[css])
        if document.metadata.attachments or any(
            link[0] == "attachment" for each in document.pages for link in each.links
        ):  # a way to attach that _refuse_attachments did not know about
            raise RefusedResource(
                "模板要求把文件作为附件嵌入 PDF：yqctl 生成的 PDF 不带附件，已拒绝"
            )
        pdf = document.write_pdf()
    except weasyprint.urls.FatalURLFetchingError:
        pdf = None  # the fetcher said why, below
    except YqError:
        raise
    except Exception as exc:  # WeasyPrint's failures are rare and not the user's to debug
        raise YqError(f"生成 PDF 失败：{type(exc).__name__}: {exc}") from exc
    # also what WeasyPrint swallowed (a refused image inside an SVG is only logged)
    if fetcher.refused or pdf is None:
        raise RefusedResource(fetcher.refused[0] if fetcher.refused else "生成 PDF 失败")
    return bytes(pdf)


class RefusedResource(YqError):
    """A template asked the PDF step for a resource yqctl does not hand out."""


def _refuse_attachments(page: Any) -> None:
    """``<link rel="attachment">`` and ``<a rel="attachment">`` would embed the file they name."""
    for element in page.etree_element.iter():
        rel = element.get("rel") if isinstance(element.tag, str) else None
        if rel and "attachment" in rel.lower().split():
            href = element.get("href") or ""
            raise RefusedResource(
                f"模板要求把文件 {_shown(href)} 作为附件嵌入 PDF：yqctl 生成的 PDF 不带附件，已拒绝"
            )


def require_pdf_font() -> None:
    """Refuse to print Chinese as boxes: fontconfig (what Pango uses) must know a Chinese font."""
    families = fontconfig_chinese_families()
    if families is None:  # no fc-list to ask: matplotlib scans the same font directories
        families = [font] if (font := cjk_font()) else []
    if not families:
        raise YqError(NO_CJK_FONT)


def fontconfig_chinese_families() -> list[str] | None:
    """Font families fontconfig says cover Chinese, or None when ``fc-list`` is not installed."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        result = subprocess.run(
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return None
    names = {name.strip() for line in result.stdout.splitlines() for name in line.split(",")}
    return sorted(name for name in names if name)


def _import_weasyprint() -> Any:
    # WeasyPrint prints its own English hint to stdout when Pango is missing: keep stdout clean
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint
    except (OSError, ImportError) as exc:
        raise YqError(
            "无法加载 PDF 引擎 WeasyPrint：缺少系统库 Pango/HarfBuzz"
            f"（{exc}）。请安装系统软件包，如 Debian/Ubuntu：apt-get install {PANGO_PACKAGES}"
        ) from exc
    return weasyprint


def _guarded_fetcher(weasyprint: Any, allowed: Iterable[Path]) -> Any:
    """A WeasyPrint URL fetcher that serves ``data:`` URIs and the ``allowed`` files only.

    Paths are compared after ``realpath``, so neither ``..`` nor a symlink leads out of an
    allowed directory. A refusal raises WeasyPrint's ``FatalURLFetchingError`` (the only error
    that stops its render) and is also kept in ``refused``, for the places that swallow it.
    """
    roots = [Path(os.path.realpath(path)) for path in allowed]

    class GuardedFetcher(weasyprint.urls.URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("data",))
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url[:5].lower() == "data:":
                return super().fetch(url, headers)
            path = _local_path(url)
            if path is None:
                return self._refuse(
                    f"模板引用了外部资源 {_shown(url)}：PDF 只读取 data: 图片和本案的证据文件，已拒绝"
                )
            if not any(Path(path).is_relative_to(root) for root in roots):
                return self._refuse(
                    f"模板引用了文件 {_shown(url)}（{path}）：PDF 只读取 yqctl 自带的模板资源"
                    "和本案的证据文件，已拒绝"
                )
            body = _read_regular_file(path)
            if body is None:
                return self._refuse(f"模板引用的文件 {_shown(url)} 不存在或不是普通文件")
            kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return weasyprint.urls.URLFetcherResponse(url, body, {"Content-Type": kind})

        def _refuse(self, message: str) -> Any:
            self.refused.append(message)
            raise weasyprint.urls.FatalURLFetchingError(message)

    return GuardedFetcher()


def _local_path(url: str) -> str | None:
    """The real path a ``file:`` URL names (links resolved), or None for any other URL."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    return os.path.realpath(url2pathname(parts.path))


def _read_regular_file(path: str) -> bytes | None:
    # O_NOFOLLOW: the path is already resolved, so a link here appeared since; O_NONBLOCK: a FIFO
    # must not hang the render
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            return None
        return file.read()


def _shown(url: str, limit: int = 160) -> str:
    """A URL as an error message shows it: %-escapes decoded (Chinese file names), cut short."""
    text = unquote(url)
    return text if len(text) <= limit else text[: limit - 1] + "…"
