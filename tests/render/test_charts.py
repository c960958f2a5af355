"""Bar charts: PNGs with real Chinese glyphs, sized for A4, or a clear error without a font."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from tests.conftest import NOW
from yqctl.errors import YqError
from yqctl.render import charts
from yqctl.render.charts import bar_chart, cjk_font

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
UNITS = ["后勤处", "教务处", "学生工作处", "保卫处"]


def png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk comes first
    return width, height


def test_png_with_chinese_labels_and_no_missing_glyphs() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = bar_chart("各单位舆情数量", UNITS, [5, 3, 0, 12])
    assert png.startswith(PNG_SIGNATURE)
    assert not [w for w in caught if "missing from font" in str(w.message)]


def test_fits_an_a4_text_column_at_150_dpi() -> None:
    width, height = png_size(bar_chart("各单位", UNITS, [1, 2, 3, 4]))
    assert width == pytest.approx(150 / 25.4 * 150, abs=2)  # 150 mm at 150 dpi
    assert 300 < height < width


def test_horizontal_chart_grows_with_its_labels() -> None:
    few = png_size(bar_chart("各类舆情", ["询问", "其他"], [2, 1], horizontal=True))
    many = png_size(
        bar_chart("各类舆情", [f"类别{i}" for i in range(12)], [1] * 12, horizontal=True)
    )
    assert few[0] == many[0]
    assert many[1] > few[1]


def test_same_data_same_bytes() -> None:
    assert bar_chart("周报", UNITS, [1, 2, 3, 4]) == bar_chart("周报", UNITS, [1, 2, 3, 4])


def test_no_data_and_all_zero_still_draw() -> None:
    assert bar_chart("本周无舆情", [], []).startswith(PNG_SIGNATURE)
    assert bar_chart("本周无舆情", UNITS, [0, 0, 0, 0]).startswith(PNG_SIGNATURE)


def test_many_long_labels_are_drawn() -> None:
    labels = [f"马克思主义学院第{i}党支部" for i in range(10)]
    assert bar_chart("各单位", labels, list(range(10))).startswith(PNG_SIGNATURE)


def test_labels_and_values_must_pair_up() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        bar_chart("各单位", UNITS, [1, 2])


def test_prefers_a_simplified_chinese_font() -> None:
    font = cjk_font()
    assert font in charts.CJK_FAMILIES
    if font is not None and font.startswith("Noto Sans CJK"):
        assert font == "Noto Sans CJK SC"


def test_without_a_chinese_font_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    with pytest.raises(YqError, match="apt-get install fonts-noto-cjk"):
        bar_chart("各单位", UNITS, [1, 2, 3, 4])


def test_unwritable_home_gives_no_matplotlib_warning(tmp_path: Path) -> None:
    # HOME is a file: nothing can be created under it, not even by root
    home = tmp_path / "home-is-a-file"
    home.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MPL", "XDG_"))}
    env["HOME"] = str(home)
    code = "from yqctl.render.charts import bar_chart; print(len(bar_chart('各单位', ['甲'], [1])) > 0)"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "True", "")


def test_private_temp_dir_belongs_to_us() -> None:
    directory = Path(charts._private_temp_dir())
    assert directory.is_dir() and not directory.is_symlink()
    if hasattr(os, "getuid"):
        assert directory.stat().st_uid == os.getuid()
        assert directory.stat().st_mode & 0o077 == 0


def _stale_font_cache(config: Path) -> dict[str, str]:
    """An environment whose matplotlib font cache was built before any system font existed:
    MPL_IGNORE_SYSTEM_FONTS hides them (only matplotlib's own fonts, none of them Chinese),
    as on a machine where fonts-noto-cjk was installed after matplotlib first ran."""
    if charts.cjk_font() is None:
        pytest.skip("no Chinese font installed on this machine")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MPL", "XDG_"))}
    env["MPLCONFIGDIR"] = str(config)
    build = "from matplotlib import font_manager as f; print(len(f.fontManager.ttflist))"
    subprocess.run(
        [sys.executable, "-c", build], env={**env, "MPL_IGNORE_SYSTEM_FONTS": "1"}, check=True
    )
    [cache] = config.glob("fontlist-*.json")
    assert not any(family in cache.read_text("utf-8") for family in charts.CJK_FAMILIES)
    return env


def test_a_font_installed_after_matplotlibs_cache_was_built_is_found(tmp_path: Path) -> None:
    env = _stale_font_cache(tmp_path / "mpl")
    code = "from yqctl.render.charts import cjk_font; print(cjk_font())"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() in charts.CJK_FAMILIES, result.stderr
    # the rebuilt list is saved: the next run finds the font without scanning again
    [cache] = (tmp_path / "mpl").glob("fontlist-*.json")
    assert result.stdout.strip() in cache.read_text("utf-8")


def test_report_with_charts_works_after_installing_a_font(demo_repo: Path, tmp_path: Path) -> None:
    env = _stale_font_cache(tmp_path / "mpl")
    target = tmp_path / "周报.html"
    command = [sys.executable, "-m", "yqctl", "report", "weekly", "--week", "2026-W47"]
    result = subprocess.run(
        [*command, "--repo", str(demo_repo), "--now", NOW, "-o", str(target)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "data:image/png;base64," in target.read_text("utf-8")
