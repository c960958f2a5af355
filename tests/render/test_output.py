"""Choosing the output format and writing the document atomically."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from yqctl.errors import UsageError, YqError
from yqctl.render.output import FORMATS, format_for, write_output


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("日报.md", "md"),
        ("日报.markdown", "md"),
        ("日报.html", "html"),
        ("日报.HTM", "html"),
        ("登记表.docx", "docx"),
        ("周报.PDF", "pdf"),
    ],
)
def test_format_from_the_suffix(name: str, expected: str) -> None:
    assert format_for(Path("out") / name, None) == expected


def test_explicit_format_agreeing_with_the_suffix() -> None:
    assert format_for(Path("周报.pdf"), "pdf") == "pdf"
    assert format_for(Path("周报.pdf"), "PDF") == "pdf"


def test_explicit_format_for_an_unknown_suffix() -> None:
    assert format_for(Path("周报.txt"), "md") == "md"
    assert format_for(Path("周报"), "docx") == "docx"


def test_no_file_no_format_gives_the_default() -> None:
    assert format_for(None, None) == "md"
    assert format_for(None, None, default="html") == "html"
    assert format_for(None, "html") == "html"


def test_format_conflicting_with_the_suffix_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"--format pdf 与输出文件 .*不一致"):
        format_for(Path("登记表.docx"), "pdf")


def test_unknown_suffix_without_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"无法从文件名 周报\.txt 判断输出格式"):
        format_for(Path("周报.txt"), None)


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="不支持的输出格式 'odt'"):
        format_for(None, "odt")


def test_formats() -> None:
    assert FORMATS == ("md", "html", "docx", "pdf")


def test_writes_text_and_bytes_creating_folders(tmp_path: Path) -> None:
    text_path = tmp_path / "reports" / "2026" / "日报.md"
    write_output(text_path, "# 日报\n")
    assert text_path.read_text(encoding="utf-8") == "# 日报\n"
    binary_path = tmp_path / "reports" / "周报.pdf"
    write_output(binary_path, b"%PDF-1.7\r\n\x00\xff")
    assert binary_path.read_bytes() == b"%PDF-1.7\r\n\x00\xff"


def test_replaces_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "out" / "日报.html"
    write_output(path, "旧")
    write_output(path, "新")
    assert path.read_text(encoding="utf-8") == "新"
    assert [p.name for p in path.parent.iterdir()] == ["日报.html"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "out" / "周报.pdf"
    write_output(path, b"old")

    def fail(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(YqError, match=r"无法写入 .*No space left"):
        write_output(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in path.parent.iterdir()] == ["周报.pdf"]


def test_a_new_file_is_readable_by_others_as_usual(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_output(tmp_path / "日报.md", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "日报.md").stat().st_mode & 0o777 == 0o644


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "日报.md"
    path.write_text("旧")
    path.chmod(0o600)
    write_output(path, "新")
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_directory_is_not_an_output_file(tmp_path: Path) -> None:
    with pytest.raises(YqError, match="是一个目录"):
        write_output(tmp_path, "x")
