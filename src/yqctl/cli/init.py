"""``yqctl init``: create a case repository (yq.yaml, org.yaml, policies, folders, git)."""

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from yqctl.cli.common import JsonOpt, NoCommitOpt, console, emit_json, styled

# 续报 (university 三(三), middle school 四(二) “要及时续报有关情况”) has no interval in either
# document, so the policies ship it off; the office is told at once how to turn it on.
FOLLOW_UP_HINT = (
    "续报提醒默认关闭（原文未规定间隔）：要按固定间隔提醒续报，把 policies/{policy}.yaml 中的 "
    "follow_up_every: null 改为间隔（如 4h）；yqctl policy show 的时限表列出当前设置。"
)


class CiKind(StrEnum):
    gitlab = "gitlab"
    gitea = "gitea"
    github = "github"


class PolicyName(StrEnum):
    university = "university"
    middle_school = "middle-school"


def init(
    directory: Annotated[
        Path, typer.Argument(help="仓库目录（不存在则创建）", show_default=False)
    ] = Path("."),
    policy: Annotated[
        PolicyName,
        typer.Option(
            "--policy", help="处置政策：university（高校办法）或 middle-school（中学预案）"
        ),
    ] = PolicyName.university,
    institution: Annotated[
        str | None,
        typer.Option(
            "--institution",
            help="学校名称：写入 yq.yaml、org.yaml，并替换处置政策标题中的占位校名"
            "（未给时在终端上询问；否则用样例中的占位名称，yqctl check 会提示）",
            show_default=False,
        ),
    ] = None,
    policy_title: Annotated[
        str | None,
        typer.Option(
            "--policy-title",
            help="本校处置文件的实际标题，如“某某大学网络舆情管理办法”（不加书名号）；"
            "周报、月报据此写“按《…》规定的处置时限”（默认由学校名称替换占位校名得出，"
            "在终端上会请你确认）",
            show_default=False,
        ),
    ] = None,
    demo: Annotated[bool, typer.Option("--demo", help="同时加入该政策的演示案件")] = False,
    hooks: Annotated[
        bool,
        typer.Option(
            "--hooks",
            help="用于已有仓库的克隆：在本克隆的 git 配置中登记 yqctl 合并驱动"
            "（案件按字段合并，时间线取并集），必要时补上 .gitattributes",
        ),
    ] = False,
    ci: Annotated[
        CiKind | None,
        typer.Option(
            "--ci",
            help="写入共享仓库的 CI 配置：每次推送和合并请求运行 yqctl check，"
            "定时运行 yqctl due --check --notify（gitlab、gitea 或 github）",
            show_default=False,
        ),
    ] = None,
    no_commit: NoCommitOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """创建案件仓库：yq.yaml、org.yaml、policies/、templates/、cases/、evidence/，并提交到 git。"""
    from yqctl.store.scaffold import scaffold

    if hooks or ci:
        if hooks:
            _install_hooks(directory, commit=not no_commit, as_json=as_json)
        if ci:
            _install_ci(directory, ci.value, commit=not no_commit, as_json=as_json)
        return

    institution = _one_line(institution)
    policy_title = _title(policy_title)
    # ask only where the question is seen and answered: a script that captures the output (a
    # bench, CI, a test) must never wait for an answer nobody can see; a demo keeps its samples
    if not (as_json or demo) and sys.stdin.isatty() and sys.stdout.isatty():
        institution, policy_title = _ask(policy.value, institution, policy_title)
    result = scaffold(
        directory,
        policy.value,
        institution=institution,
        policy_title=policy_title,
        demo=demo,
        commit=not no_commit,
    )
    if as_json:
        emit_json(result)
        return
    out = console()
    out.print(styled("已创建案件仓库 [bold]{}[/]（政策：{}）", result["root"], policy.value))
    out.print(styled("处置政策标题：《{}》", result["policy_title"]))
    if result["demo_cases"]:
        out.print(f"已加入 {result['demo_cases']} 个演示案件")
    if institution is None and policy_title is None:
        out.print(
            "学校名称和政策标题仍是样例的占位内容：可编辑 yq.yaml、org.yaml 和 "
            f"policies/{policy.value}.yaml 的 name（yqctl check 会逐条提示），"
            "或新建仓库时用 --institution、--policy-title 指定。"
        )
    out.print("下一步：编辑 org.yaml 填写各单位与岗位的联系方式，然后 yqctl new 登记舆情。")
    out.print(FOLLOW_UP_HINT.format(policy=policy.value), markup=False)


def _ask(policy: str, institution: str | None, title: str | None) -> tuple[str | None, str | None]:
    """On a terminal, what no flag gave: the school's name, then the title of its document (the
    one derived from the name offered; Enter takes it)."""
    from yqctl.store.scaffold import policy_title

    if institution is None:
        institution = _answer("学校名称（直接回车保留样例的占位名称）", "", _one_line)
    if title is None:
        offered = policy_title(policy, institution)
        answer = _answer("本校处置文件的标题（不加书名号，直接回车即用此标题）", offered, _title)
        title = None if answer == offered else answer
    return institution, title


def _answer(question: str, default: str, check: Callable[[str, str], str | None]) -> str | None:
    """An answer that passes its option's checks, asked again until it does; blank: none."""
    from yqctl.errors import UsageError

    while True:
        answer = str(typer.prompt(question, default=default, show_default=bool(default)))
        if not answer.strip():
            return None
        try:
            return check(answer, "输入的内容")
        except UsageError as exc:
            console(stderr=True).print(f"{exc.message}，请重新输入", markup=False)


def _one_line(value: str | None, label: str = "--institution") -> str | None:
    """A name for the files: one line of text, no control characters, not blank."""
    from yqctl.errors import UsageError
    from yqctl.textutil import unsafe_message

    if value is None:
        return None
    if not value.strip():
        raise UsageError(f"{label} 不能为空")
    if message := unsafe_message(value, multiline=False):
        raise UsageError(f"{label} {message}")
    return value.strip()


def _title(value: str | None, label: str = "--policy-title") -> str | None:
    """The title without the 《》 the reports put around it (《《…》》 would print otherwise)."""
    title = _one_line(value, label)
    if title is not None and title.startswith("《") and title.endswith("》"):
        title = _one_line(title[1:-1], label)
    return title


def _install_hooks(directory: Path, *, commit: bool, as_json: bool) -> None:
    from yqctl.store.repo import Repo
    from yqctl.store.scaffold import install_hooks

    result = install_hooks(Repo.find(directory.resolve()).root, commit=commit)
    if as_json:
        emit_json(result)
        return
    out = console()
    if result["attributes_added"]:
        out.print("已在 .gitattributes 中为 cases/ 下的案件文件指定 yqctl 合并驱动")
    state = "已登记" if result["driver_registered"] else "已登记过（无需改动）"
    out.print(f"合并驱动{state}：git pull / merge 时，案件按字段合并，时间线取并集")


def _install_ci(directory: Path, kind: str, *, commit: bool, as_json: bool) -> None:
    from yqctl.store.repo import Repo
    from yqctl.store.scaffold import install_ci

    store = Repo.find(directory.resolve())
    written = install_ci(store.root, kind, store.config.notify, commit=commit)
    if as_json:
        emit_json({"ci": kind, "path": written})
        return
    console().print(f"已写入 {written}：推送和合并请求时运行 yqctl check，定时检查处置时限并通知")
