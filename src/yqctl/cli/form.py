"""``yqctl form``: fill in 附件3《舆情处置情况登记表》 or 附件4《舆情处置意见表》 from a case."""

from typing import TYPE_CHECKING, Annotated

import typer

from yqctl.cli.common import JsonOpt, NowOpt, RepoOpt, console, open_repo, resolve_now, styled
from yqctl.cli.deliver import FormatOpt, OutputOpt, deliver

if TYPE_CHECKING:
    from yqctl.core.forms import FormKind
    from yqctl.store.repo import LoadedCase, Repo

KINDS = {"registration": "登记表（附件3）", "opinion": "意见表（附件4）"}


def form(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="案件编号", show_default=False)],
    kind: Annotated[
        str,
        typer.Argument(
            metavar="KIND",
            help="registration：《舆情处置情况登记表》；opinion：《舆情处置意见表》",
            show_default=False,
        ),
    ],
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """按案件填写表单：registration 为附件3 登记表（三级，涉事单位 24 小时内反馈），opinion 为附件4 意见表（二级，领导小组研判）。案件未记录的栏目留空，供手工填写。"""
    from yqctl.core.forms import FormKind
    from yqctl.errors import UsageError
    from yqctl.render.documents import form_document
    from yqctl.store.repo import check_id_argument

    if kind not in KINDS:
        choices = "、".join(f"{k}（{v}）" for k, v in KINDS.items())
        raise UsageError(f"表单 {kind!r} 不存在；可选：{choices}")
    store = open_repo(repo)
    moment = resolve_now(now, store)
    loaded = store.load_case(check_id_argument(case_id))
    _warn_if_not_required(store, loaded, FormKind(kind))
    deliver(store, form_document(store, loaded.case, FormKind(kind), moment), fmt, output, as_json)


def _warn_if_not_required(store: "Repo", loaded: "LoadedCase", kind: "FormKind") -> None:
    """The policy says which level needs which form; filling another is allowed, but said."""
    from yqctl.core.deadlines import deadlines
    from yqctl.core.enums import Action

    action = Action(f"{kind.value}_form")
    policy = store.policy.policy
    needed = any(
        action in d.closed_by
        for d in deadlines(loaded.case, policy, store.calendar, store.config.zone)
    )
    if not needed:
        level = policy.level_name(loaded.case.level)
        console(stderr=True).print(
            styled(
                "[yellow]提示：按现行策略，{}案件不要求此表（{}）；仍照常生成。[/]",
                level,
                KINDS[kind.value],
            )
        )
