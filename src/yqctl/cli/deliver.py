"""Rendering a form or report and putting it where the user asked: shared by ``form`` and ``report``.

Text formats go to standard output unless ``-o`` is given; Word and PDF are files, so without
``-o`` they are written to the current directory under the document's own name.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from yqctl.cli.common import console, emit_json, write

if TYPE_CHECKING:
    from yqctl.render.documents import Document
    from yqctl.store.repo import Repo

FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="输出格式：md、html、docx、pdf（默认按 -o 的扩展名，否则 md）",
        show_default=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="写入此文件（md、html 默认输出到屏幕；docx、pdf 默认写入当前目录）",
        show_default=False,
    ),
]


def deliver(
    store: "Repo | None", document: "Document", fmt: str | None, output: Path | None, as_json: bool
) -> None:
    """Print ``--json``, or render in the chosen format and write or print it, with ``store``'s
    templates (None: the built-in ones)."""
    from yqctl.render.documents import render
    from yqctl.render.output import format_for, write_output
    from yqctl.render.templates import TemplateSet

    if as_json:
        emit_json(document.to_json())
        return
    chosen = format_for(output, fmt)
    data = render(TemplateSet(store.root if store else None), document, chosen)
    if output is None and isinstance(data, str):
        write(data)
        return
    target = output or Path(f"{document.filename}.{chosen}")
    write_output(target, data)
    console(stderr=True).print(f"已生成 {target}", markup=False)
