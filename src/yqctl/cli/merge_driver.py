"""``yqctl merge-driver``: what git runs to merge two versions of a case file (not for people).

Registered by ``yqctl init`` (``yqctl init --hooks`` on a clone): git calls it with the common
ancestor, the local version (which it overwrites with the result) and the other version. A case
it can read is merged by meaning (:mod:`yqctl.core.merge`) and the merge succeeds: conflicts on a
value stay in the file under ``conflicts`` for ``yqctl resolve``. A version it cannot read (a
syntax error, conflict markers) is merged line by line by ``git merge-file``, as git would have.
"""

import subprocess
from pathlib import Path
from typing import Annotated

import typer

from yqctl.cli.common import write

LABELS = ("本地", "共同祖先", "对方")  # git merge-file's -L labels: ours, base, theirs


def merge_driver(
    base: Annotated[Path, typer.Argument(help="共同祖先版本（git 的 %O）", show_default=False)],
    ours: Annotated[
        Path, typer.Argument(help="本地版本，合并结果写回此文件（git 的 %A）", show_default=False)
    ],
    theirs: Annotated[Path, typer.Argument(help="对方版本（git 的 %B）", show_default=False)],
    path: Annotated[
        str | None, typer.Argument(help="案件文件在仓库中的路径（git 的 %P，用于提示）")
    ] = None,
) -> None:
    """git 合并驱动：按字段合并同一案件的两个版本（由 git 调用）。"""
    from yqctl.errors import YqError
    from yqctl.store.files import atomic_write
    from yqctl.store.mergefile import merge_texts

    display = path or str(ours)
    try:
        texts = [_text(file, display) for file in (base, ours, theirs)]
        merged = merge_texts(texts[0] or None, texts[1], texts[2], display)
    except YqError as exc:
        write(f"yqctl：{display} 无法按字段合并，改为逐行合并：\n{exc}\n", err=True)
        raise typer.Exit(_merge_lines(base, ours, theirs)) from None
    atomic_write(ours, merged.text)
    if merged.conflicts:
        fields = "、".join(conflict.field for conflict in merged.conflicts)
        write(
            f"yqctl：{display} 有 {len(merged.conflicts)} 处两边改得不同（{fields}），"
            "暂取本地的值并记入 conflicts；合并后运行 yqctl resolve 选定\n",
            err=True,
        )


def _text(file: Path, display: str) -> str:
    from yqctl.store import yamlio

    return yamlio.decode(yamlio.read_bytes(file, display), display)


def _merge_lines(base: Path, ours: Path, theirs: Path) -> int:
    """``git merge-file``: conflict markers in ``ours``; non-zero while conflicts remain."""
    args = ["git", "merge-file"]
    for label in LABELS:
        args += ["-L", label]
    result = subprocess.run([*args, str(ours), str(base), str(theirs)], check=False)
    return 1 if result.returncode != 0 else 0
