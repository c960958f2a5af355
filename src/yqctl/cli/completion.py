"""``yqctl completion SHELL``: the shell script that completes yqctl's commands and options.

Typer's own ``--install-completion`` would add two options to every help page and edit the
user's shell start-up files; this prints the script instead, to be put where the user wants::

    yqctl completion bash > ~/.local/share/bash-completion/completions/yqctl
"""

import os
from enum import StrEnum
from typing import Annotated

import typer

from yqctl.cli.common import write

COMPLETE_VAR = "_YQCTL_COMPLETE"  # the shell sets it when asking yqctl for completions


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"
    powershell = "powershell"


def completion(
    shell: Annotated[
        Shell, typer.Argument(help="shell：bash、zsh、fish 或 powershell", show_default=False)
    ],
) -> None:
    """输出命令补全脚本，如 yqctl completion bash > ~/.local/share/bash-completion/completions/yqctl。"""
    from typer._completion_shared import get_completion_script

    script = get_completion_script(prog_name="yqctl", complete_var=COMPLETE_VAR, shell=shell.value)
    write(script + "\n")


def prepare() -> None:
    """When the shell asks for completions, teach click the shells typer knows."""
    if COMPLETE_VAR in os.environ:
        from typer._completion_classes import completion_init

        completion_init()
