"""``yqctl init``: create a case repository (yq.yaml, org.yaml, policies, folders, git)."""

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
        str | None, typer.Option("--institution", help="学校名称（默认用样例中的占位名称）")
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

    result = scaffold(
        directory, policy.value, institution=institution, demo=demo, commit=not no_commit
    )
    if as_json:
        emit_json(result)
        return
    out = console()
    out.print(styled("已创建案件仓库 [bold]{}[/]（政策：{}）", result["root"], policy.value))
    if result["demo_cases"]:
        out.print(f"已加入 {result['demo_cases']} 个演示案件")
    out.print("下一步：编辑 org.yaml 填写各单位与岗位的联系方式，然后 yqctl new 登记舆情。")
    out.print(FOLLOW_UP_HINT.format(policy=policy.value), markup=False)


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
