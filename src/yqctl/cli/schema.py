"""``yqctl schema``: the JSON Schema of the case file, for editors that autocomplete and check."""

from pathlib import Path
from typing import Annotated

import typer


def schema(
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="写入此文件（如仓库根目录的 case.schema.json）；默认输出到屏幕",
            show_default=False,
        ),
    ] = None,
) -> None:
    """输出案件文件的 JSON Schema：编辑器（如装了 YAML 插件的 VS Code）据此补全和检查字段。

    yqctl init 已把它写成仓库根目录的 case.schema.json，yqctl new 写的案件文件第一行指向它。"""
    from yqctl.cli.common import write
    from yqctl.store.files import atomic_write
    from yqctl.store.schema import schema_text

    text = schema_text()
    if output is None:
        write(text)
        return
    atomic_write(output, text)
    write(f"已写入 {output}\n")
