"""``yqctl form``: fill in one of the forms the repository's policy has, from a case.

The policy lists its forms (``forms:`` in ``policies/<id>.yaml``): the university 办法's 附件3 and
附件4, the middle-school 预案's 《舆情处置记录》. ``form ID`` lists them; ``form ID KIND`` refuses a
kind the policy does not have, naming those it has, and shell completion offers only those.
"""

from typing import TYPE_CHECKING, Annotated

import typer

from yqctl.cli.common import (
    JsonOpt,
    NowOpt,
    RepoOpt,
    console,
    emit_json,
    open_repo,
    resolve_now,
    styled,
)
from yqctl.cli.deliver import FormatOpt, OutputOpt, deliver

if TYPE_CHECKING:
    from yqctl.core.enums import FormKind
    from yqctl.store.repo import LoadedCase, Repo

# what each form is, for help, the list of forms, messages and completion (kept here, not taken
# from core.forms: help and completion must not import the domain models)
KINDS = {
    "registration": "附件3《舆情处置情况登记表》：三级舆情由涉事单位填写，24 小时内反馈（高校办法五(二)）",
    "opinion": "附件4《舆情处置意见表》：领导小组研判、确定处置意见（高校办法五(二)）",
    "record": "《舆情处置记录》：按中学预案四(一)至(五)逐项记录研判预警、快速反应、分类处置、"
    "动态跟踪、总结评估",
}


def _complete_kind(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """The forms of the repository the command line names (or the one above the current
    directory); every form when there is none to read."""
    return [(kind, KINDS[kind]) for kind in _offered_quietly(ctx) if kind.startswith(incomplete)]


def _offered_quietly(ctx: typer.Context) -> list[str]:
    from yqctl.errors import YqError
    from yqctl.store.repo import Repo

    try:
        repo = ctx.params.get("repo")
        return [kind.value for kind in Repo.find(repo).policy.policy.form_kinds]
    except (YqError, OSError):
        return list(KINDS)


def form(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="案件编号", show_default=False)],
    kind: Annotated[
        str | None,
        typer.Argument(
            metavar="[KIND]",
            help="表单：registration（附件3 登记表）、opinion（附件4 意见表）、record（中学预案的"
            "舆情处置记录），以仓库策略 forms 所列为准；不给时列出可用的表单",
            show_default=False,
            autocompletion=_complete_kind,
        ),
    ] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """按案件填写本仓库策略所列的表单（高校办法：附件3 登记表、附件4 意见表；中学预案：舆情处置记录）；不给 KIND 时列出可用的表单。案件未记录的栏目留空，供手工填写。"""
    from yqctl.render.documents import form_document
    from yqctl.store.repo import check_id_argument

    store = open_repo(repo)
    offered = [k.value for k in store.policy.policy.form_kinds]
    if kind is not None and kind not in offered:
        raise _not_offered(store, kind, offered)
    moment = resolve_now(now, store)
    loaded = store.load_case(check_id_argument(case_id))
    if kind is None:
        _list_forms(store, loaded, offered, as_json)
        return
    chosen = _kind(kind)
    _warn_if_not_required(store, loaded, chosen)
    deliver(store, form_document(store, loaded.case, chosen, moment), fmt, output, as_json)


def _kind(value: str) -> "FormKind":
    from yqctl.core.enums import FormKind

    return FormKind(value)


def _not_offered(store: "Repo", kind: str, offered: list[str]) -> Exception:
    from yqctl.errors import UsageError

    name = f"《{store.policy.policy.name}》"
    if not offered:
        return UsageError(f"本仓库的策略{name}没有列出任何表单（policies 中的 forms 为空）")
    choices = "；".join(f"{k}（{KINDS[k]}）" for k in offered)
    known = f"本仓库的策略{name}没有表单 {kind}" if kind in KINDS else f"表单 {kind!r} 不存在"
    return UsageError(f"{known}；可用：{choices}")


def _list_forms(store: "Repo", loaded: "LoadedCase", offered: list[str], as_json: bool) -> None:
    """The policy's forms, each with whether the policy asks for it at the case's level."""
    required = {kind: _required(store, loaded, _kind(kind)) for kind in offered}
    if as_json:
        emit_json([{"kind": k, "title": KINDS[k], "required": required[k]} for k in offered])
        return
    out = console()
    name = store.policy.policy.name
    if not offered:
        out.print(f"本仓库的策略《{name}》没有列出任何表单。", markup=False)
        return
    out.print(f"本仓库的策略《{name}》提供的表单：", markup=False)
    width = max(len(kind) for kind in offered)
    for kind in offered:
        needed = "（按现行策略，本案须填此表）" if required[kind] else ""
        out.print(styled("  [bold]{}[/]  {}{}", kind.ljust(width), KINDS[kind], needed))
    out.print(f"用法：yqctl form {loaded.case.id} KIND [--format md|html|docx|pdf] [-o 文件]")


def _required(store: "Repo", loaded: "LoadedCase", kind: "FormKind") -> bool | None:
    """Whether a deadline of the case asks for the form (its filing closes one); None for a form
    no deadline can ask for (the record: the case's own account, not a duty)."""
    from yqctl.core.deadlines import deadlines
    from yqctl.core.enums import FORM_ACTIONS

    action = FORM_ACTIONS.get(kind)
    if action is None:
        return None
    found = deadlines(loaded.case, store.policy.policy, store.calendar, store.config.zone)
    return any(action in deadline.closed_by for deadline in found)


def _warn_if_not_required(store: "Repo", loaded: "LoadedCase", kind: "FormKind") -> None:
    """The policy says which level needs which form; filling another is allowed, but said."""
    if _required(store, loaded, kind) is False:
        level = store.policy.policy.level_name(loaded.case.level)
        console(stderr=True).print(
            styled(
                "[yellow]提示：按现行策略，{}案件不要求此表（{}）；仍照常生成。[/]",
                level,
                KINDS[kind.value].split("：")[0],
            )
        )
