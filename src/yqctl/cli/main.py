"""The ``yqctl`` application: registers one command per module and turns errors into exit codes.

Importing this module stays light (typer and the command modules; no rich, pydantic, YAML, Jinja,
matplotlib…): each command imports what it needs when it runs, and help is plain text
(:mod:`yqctl.cli.zh`), so ``yqctl --help`` and ``--version`` start about as fast as typer does.

The command modules do without ``from __future__ import annotations``: typer evaluates each string
annotation twice at every start (~45 ms of ``compile`` for yqctl's options), so names imported only
for type checking are quoted instead. Plain str/Path options skip typer's pydantic coercion
(:mod:`yqctl.cli.params`).
"""

import os
import sys

import typer

from yqctl import __version__
from yqctl.cli import (
    act,
    assign,
    check,
    close,
    completion,
    due,
    edit,
    evidence,
    form,
    grade,
    history,
    import_leads,
    init,
    merge_driver,
    new,
    policy,
    report,
    resolve,
    schema,
    set_fields,
    show,
    stats,
    status,
    sync,
)
from yqctl.cli import list as list_cmd
from yqctl.cli.common import write
from yqctl.cli.zh import localize, usage_error_text
from yqctl.errors import UsageError, YqError

app = typer.Typer(
    name="yqctl",
    help="yqctl：学校舆情事件的登记、定级、处置与报告。每个事件一个 YAML 文件，git 历史即审计记录。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help as plain text: rich's help formatting alone costs ~80 ms
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        write(f"yqctl {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="显示版本号并退出"
    ),
) -> None:
    """yqctl：学校舆情事件的登记、定级、处置与报告。"""


app.command("init")(init.init)
app.command("new")(new.new)
app.command("import")(import_leads.import_leads)
app.command("show")(show.show)
app.command("list")(list_cmd.list_cases)
app.command("act")(act.act)
app.command("set")(set_fields.set_fields)
app.command("edit")(edit.edit)
app.command("assign")(assign.assign)
app.command("status")(status.status)
app.command("close")(close.close)
app.command("reopen")(close.reopen)
app.add_typer(evidence.app, name="evidence")
app.command("check")(check.check)
app.command("history")(history.history)
app.command("grade")(grade.grade)
app.command("due")(due.due)
app.command("form")(form.form)
app.add_typer(report.app, name="report")
app.command("stats")(stats.stats)
app.add_typer(policy.app, name="policy")
app.command("sync")(sync.sync)
app.command("schema")(schema.schema)
app.command("completion")(completion.completion)
app.command("resolve")(resolve.resolve)
app.command("merge-driver", hidden=True)(merge_driver.merge_driver)
localize(app)  # Chinese help and usage line for every command above


def main() -> None:
    """Console entry point: Chinese messages, exit 1 for problems, 2 for usage, no tracebacks."""
    # yqctl uses no pydantic plugins; looking for them scans every installed package's metadata
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    completion.prepare()
    try:
        # not standalone: click's usage errors come here, to be said in Chinese
        code = app(prog_name="yqctl", standalone_mode=False)
    except typer.TyperException as exc:  # click's: unknown option or command, bad value …
        write(usage_error_text(exc), err=True)
        sys.exit(exc.exit_code)
    except typer.Abort:  # end of input at a prompt
        write("\n已取消\n", err=True)
        sys.exit(1)
    except UsageError as exc:
        _print_error(exc)
        sys.exit(2)
    except YqError as exc:
        _print_error(exc)
        sys.exit(1)
    except KeyboardInterrupt:
        write("已中断\n", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug of ours: say so briefly; YQCTL_DEBUG=1 shows the traceback
        if os.environ.get("YQCTL_DEBUG"):
            raise
        write(
            f"yqctl 内部错误：{type(exc).__name__}: {exc}（设置 YQCTL_DEBUG=1 查看详情）\n",
            err=True,
        )
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)  # typer.Exit(code) arrives as a return value


def _print_error(exc: YqError) -> None:
    text = str(exc)
    write(("错误：" + text if not exc.problems else text) + "\n", err=True)
