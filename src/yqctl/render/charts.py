"""Bar charts for reports: PNG bytes with Chinese labels, sized for an A4 text column.

matplotlib is imported only here and only when a chart is drawn; a chart without a Chinese font
would show boxes (tofu) instead of characters, so we refuse rather than draw one.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yqctl.errors import YqError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.typing import RcKeyType

# preferred first: simplified-Chinese glyph shapes, then fonts that cover Hanzi anyway
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Serif CJK SC",
)
NO_CJK_FONT = (
    "没有找到中文字体，无法生成含中文的图表或 PDF（否则汉字会显示为方框）。"
    "请安装中文字体，如 Debian/Ubuntu：apt-get install fonts-noto-cjk"
)

DPI = 150
WIDTH_IN = 150 / 25.4  # 150 mm: an A4 page's text column
COLOR = "#3b6ea8"
_STYLE: dict[RcKeyType, Any] = {
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.unicode_minus": False,  # the CJK fonts lack U+2212
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#888888",
    "xtick.color": "#333333",
    "ytick.color": "#333333",
}


def bar_chart(
    title: str, labels: list[str], values: list[int], *, horizontal: bool = False
) -> bytes:
    """A PNG bar chart: one bar per label, its value written on it, integer ticks only."""
    if len(labels) != len(values):
        raise ValueError(f"labels ({len(labels)}) and values ({len(values)}) differ in length")
    font = require_cjk_font()
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    style: dict[RcKeyType, Any] = {**_STYLE, "font.sans-serif": [font, "DejaVu Sans"]}
    with rc_context(style):  # for this chart only, not for the process
        figure = Figure(figsize=_size(len(labels), horizontal), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        axes.set_title(title, loc="left", fontweight="bold")
        if not labels:
            _draw_empty(axes)
        elif horizontal:
            _draw_horizontal(axes, labels, values)
        else:
            _draw_vertical(axes, labels, values)
        buffer = io.BytesIO()
        # no "Software" chunk: the same data gives the same bytes
        figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _size(count: int, horizontal: bool) -> tuple[float, float]:
    if horizontal:
        return WIDTH_IN, min(max(0.32 * count + 0.9, 2.0), 9.0)
    return WIDTH_IN, 3.0


def _draw_vertical(axes: Axes, labels: list[str], values: list[int]) -> None:
    from matplotlib.ticker import MaxNLocator

    positions = list(range(len(labels)))
    bars = axes.bar(positions, values, width=0.6, color=COLOR)
    axes.set_xticks(positions, labels)
    axes.tick_params(axis="x", length=0)
    if _crowded(labels):
        axes.tick_params(axis="x", labelrotation=30)
        for label in axes.get_xticklabels():
            label.set_horizontalalignment("right")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(0, _headroom(values))
    axes.bar_label(bars, labels=[str(v) for v in values], padding=2)


def _draw_horizontal(axes: Axes, labels: list[str], values: list[int]) -> None:
    from matplotlib.ticker import MaxNLocator

    positions = list(range(len(labels)))
    bars = axes.barh(positions, values, height=0.6, color=COLOR)
    axes.set_yticks(positions, labels)
    axes.tick_params(axis="y", length=0)
    axes.invert_yaxis()  # first label on top, as it reads in a table
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(0, _headroom(values))
    axes.bar_label(bars, labels=[str(v) for v in values], padding=3)


def _draw_empty(axes: Axes) -> None:
    axes.text(0.5, 0.5, "（无数据）", ha="center", va="center", transform=axes.transAxes)
    axes.set_xticks([])
    axes.set_yticks([])


def _headroom(values: list[int]) -> float:
    # room above the tallest bar for its value label; an all-zero chart still gets an axis
    return max(max(values, default=0), 1) * 1.15


def _crowded(labels: list[str]) -> bool:
    # a 9 pt Hanzi is about 0.13 in wide; rotate when the longest label is wider than its slot
    slot = WIDTH_IN * 0.9 / len(labels)
    return max(len(label) for label in labels) * 0.13 > slot


def require_cjk_font() -> str:
    """The Chinese font family charts use, or a YqError saying how to install one."""
    font = cjk_font()
    if font is None:
        raise YqError(NO_CJK_FONT)
    return font


@functools.cache
def cjk_font() -> str | None:
    """The first installed family of ``CJK_FAMILIES`` as matplotlib sees them, or None.

    matplotlib reads its font list from a cache (``fontlist-*.json`` under MPLCONFIGDIR or
    ~/.cache/matplotlib) built the first time it ran: a font installed since (the
    ``apt-get install fonts-noto-cjk`` that ``NO_CJK_FONT`` asks for) is not in it. So before
    giving up, the system's font directories are scanned once more, and the cache rewritten.
    """
    _prepare_matplotlib()
    from matplotlib import font_manager

    found = _first_cjk_family(font_manager.fontManager)
    if found is None and _add_new_system_fonts(font_manager.fontManager):
        found = _first_cjk_family(font_manager.fontManager)
    return found


def _first_cjk_family(manager: Any) -> str | None:
    installed = {entry.name for entry in manager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


def _add_new_system_fonts(manager: Any) -> bool:
    """Add the system's fonts missing from ``manager``'s list and save the list to matplotlib's
    cache; whether any was added (fonts are added with the public addfont, saved with json_dump)."""
    import matplotlib
    from matplotlib import font_manager

    # fc-list's answer is cached for the life of the process; a long-lived one asks again
    fontconfig_files = getattr(font_manager, "_get_fontconfig_fonts", None)
    if fontconfig_files is not None and hasattr(fontconfig_files, "cache_clear"):
        fontconfig_files.cache_clear()
    known = {entry.fname for entry in [*manager.ttflist, *manager.afmlist]}
    added = False
    for path in font_manager.findSystemFonts(fontext="ttf"):
        if path in known:
            continue
        with contextlib.suppress(Exception):  # an unreadable font file: matplotlib skips it too
            manager.addfont(path)
            added = True
    if added:
        version = font_manager.FontManager.__version__
        cache = Path(matplotlib.get_cachedir()) / f"fontlist-v{version}.json"
        with contextlib.suppress(OSError):  # the next run then rescans again: slower, not wrong
            font_manager.json_dump(manager, cache)
    return added


def _prepare_matplotlib() -> None:
    """Give matplotlib a writable cache before its first import, so it neither warns nor rescans."""
    if "matplotlib" in sys.modules or "MPLCONFIGDIR" in os.environ:
        return
    try:
        home = Path.home()
    except RuntimeError:  # no HOME and no passwd entry
        home = Path("/nonexistent")
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "matplotlib"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "matplotlib"
    if not (_writable(config) and _writable(cache)):
        os.environ["MPLCONFIGDIR"] = _private_temp_dir()


def _writable(directory: Path) -> bool:
    with contextlib.suppress(OSError):
        directory.mkdir(parents=True, exist_ok=True)
    return directory.is_dir() and os.access(directory, os.W_OK)


def _private_temp_dir() -> str:
    # a stable name keeps the font cache across runs; someone else's directory is never used
    if hasattr(os, "getuid"):
        uid = os.getuid()
        stable = Path(tempfile.gettempdir()) / f"yqctl-matplotlib-{uid}"
        with contextlib.suppress(OSError):
            stable.mkdir(mode=0o700, exist_ok=True)
            info = stable.lstat()
            if stable.is_dir() and not stable.is_symlink() and info.st_uid == uid:
                return str(stable)
    return tempfile.mkdtemp(prefix="yqctl-matplotlib-")
