"""HTML → PDF with WeasyPrint, which embeds (subsets of) the fonts it uses.

WeasyPrint needs Pango from the operating system and finds fonts through fontconfig; both are
checked here so that a missing piece gives a Chinese sentence saying what to install.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
from typing import Any

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


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """The PDF of ``html``; relative links resolve against ``base_url``; no network access."""
    require_pdf_font()
    weasyprint = _import_weasyprint()
    # data: URIs (charts) and local files only: a template must not send data anywhere
    fetcher = weasyprint.URLFetcher(allowed_protocols=("data", "file"))
    try:
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        pdf = document.write_pdf(stylesheets=[weasyprint.CSS(string=DEFAULT_CSS)])
    except Exception as exc:  # WeasyPrint's failures are rare and not the user's to debug
        raise YqError(f"生成 PDF 失败：{type(exc).__name__}: {exc}") from exc
    return bytes(pdf)


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
