"""Which format to write (``--format`` and the ``-o`` suffix) and writing it atomically."""

from __future__ import annotations

from pathlib import Path

from yqctl.errors import UsageError, YqError
from yqctl.store.files import atomic_write

FORMATS = ("md", "html", "docx", "pdf")
FORMAT_NAMES = {"md": "Markdown", "html": "HTML", "docx": "Word", "pdf": "PDF"}
_BY_SUFFIX = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}


def format_for(path: Path | None, explicit: str | None, *, default: str = "md") -> str:
    """The output format: ``--format`` if given, else the suffix of ``-o``, else ``default``.

    A ``--format`` that contradicts a known suffix (``--format pdf -o x.docx``) is a usage error;
    an unknown suffix is fine with ``--format`` (``-o report.txt --format md``) and an error without.
    """
    chosen = _checked(explicit) if explicit is not None else None
    inferred = _BY_SUFFIX.get(path.suffix.lower()) if path is not None else None
    if chosen and inferred and chosen != inferred:
        raise UsageError(
            f"--format {chosen} 与输出文件 {path} 的扩展名（{FORMAT_NAMES[inferred]}）不一致"
        )
    if chosen or inferred:
        return chosen or inferred or default
    if path is not None:
        raise UsageError(
            f"无法从文件名 {path} 判断输出格式：请用 .md、.html、.docx、.pdf 结尾，"
            f"或用 --format 指定（{'、'.join(FORMATS)}）"
        )
    return default


def _checked(fmt: str) -> str:
    normal = fmt.strip().lower().lstrip(".")
    normal = {"markdown": "md", "htm": "html", "word": "docx"}.get(normal, normal)
    if normal not in FORMATS:
        raise UsageError(f"不支持的输出格式 {fmt!r}（可选：{'、'.join(FORMATS)}）")
    return normal


def write_output(path: Path, data: str | bytes) -> None:
    """Write a rendered document atomically (old or new file, never half), creating folders."""
    if path.is_dir():
        raise YqError(f"输出路径 {path} 是一个目录，请给出文件名")
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise YqError(f"无法写入 {path}：{exc.strerror or exc}") from exc
