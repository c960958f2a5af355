"""``yqctl close`` and ``yqctl reopen``: end a case with its result and 总结评估, or take it up again.

Both seed documents end a case with a summary evaluation (总结评估): what happened, how it was
handled, the lessons, what to improve. ``close`` records it as the ``summary`` entry (which meets
the policy's 总结评估 deadline) and in ``closure``; it refuses while other policy deadlines are
still open, unless ``--force`` with a reason, which the record keeps.
"""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from yqctl.cli.common import (
    ByOpt,
    JsonOpt,
    NoCommitOpt,
    NowOpt,
    RepoOpt,
    author_for,
    console,
    emit_json,
    open_repo,
    refuse_unsafe,
    resolve_now,
)

if TYPE_CHECKING:
    from datetime import datetime, tzinfo

    from yqctl.core.case import Case
    from yqctl.core.due import DeadlineState
    from yqctl.store.repo import LoadedCase, Repo

IdArg = Annotated[str, typer.Argument(metavar="ID", help="案件编号", show_default=False)]
AtOpt = Annotated[str | None, typer.Option("--at", help="办结时间（默认：现在；可补记）")]


def close(
    case_id: IdArg,
    result: Annotated[
        str, typer.Option("--result", help="处置结果：事件如何了结", show_default=False)
    ],
    evaluation: Annotated[
        str,
        typer.Option(
            "--evaluation", help="总结评估：事件经过、处置是否及时得当", show_default=False
        ),
    ],
    lessons: Annotated[str | None, typer.Option("--lessons", help="经验教训")] = None,
    improvements: Annotated[str | None, typer.Option("--improvements", help="改进措施")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="仍有未完成的处置时限时也办结（须 --reason）")
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", help="强制办结的理由（写入时间线）")
    ] = None,
    at: AtOpt = None,
    by: ByOpt = None,
    no_commit: NoCommitOpt = False,
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """办结案件：写明处置结果和总结评估；仍有未完成的处置时限时拒绝，除非 --force --reason。"""
    from ruamel.yaml.comments import CommentedMap

    from yqctl.cli.editing import append_entry, commit_change, set_status
    from yqctl.core.case import Case
    from yqctl.core.enums import Status
    from yqctl.core.lifecycle import closed_refusal, closure_record
    from yqctl.errors import UsageError, YqError
    from yqctl.store import roundtrip
    from yqctl.store.repo import check_id_argument

    for name, value in (("--result", result), ("--evaluation", evaluation)):
        if not value.strip():
            raise UsageError(f"{name} 不能为空：办结须写明处置结果和总结评估")
    if force and not (reason and reason.strip()):
        raise UsageError("--force 须用 --reason 说明为何在处置时限未完成时办结")
    texts = {"--result": result, "--evaluation": evaluation, "--reason": reason, "--by": by}
    refuse_unsafe(texts | {"--lessons": lessons, "--improvements": improvements})
    store = open_repo(repo, commit=not no_commit)
    moment = resolve_now(now, store)
    when = _when(at, store, moment)
    who = author_for(by, store)
    record = closure_record(when, result.strip(), evaluation.strip(), lessons, improvements)
    unmet: list[DeadlineState] = []

    def change(tree: CommentedMap, case: Case) -> None:
        refused = closed_refusal(case, "再次办结")
        if refused:
            raise YqError(refused)
        entries = _closing_entries(
            case, when, moment, who, evaluation.strip(), result.strip(), reason
        )
        unmet[:] = _unmet(store, case, entries, moment)
        if unmet and not force:
            raise YqError(_unmet_message(case, unmet, store.zone))
        for item in entries:
            append_entry(tree, item)
        set_status(tree, Status.closed)
        roundtrip.set_key(tree, "closure", record, after="drill")

    loaded = commit_change(
        store,
        check_id_argument(case_id),
        "close",
        change,
        lambda case: f"办结：{result.strip()}" + (f"（强制：{reason}）" if force and unmet else ""),
        no_commit=no_commit,
        author=by,
    )
    _report(loaded, "已办结", as_json, forced=[s.deadline.title for s in unmet])


def reopen(
    case_id: IdArg,
    reason: Annotated[
        str, typer.Option("--reason", help="重新办理的理由（写入时间线）", show_default=False)
    ],
    at: Annotated[str | None, typer.Option("--at", help="重新办理的时间（默认：现在）")] = None,
    by: ByOpt = None,
    no_commit: NoCommitOpt = False,
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """重新办理已办结的案件：状态回到办结前，撤下 closure（原处置结果和总结评估留在时间线和 git 历史中）。"""
    from ruamel.yaml.comments import CommentedMap

    from yqctl.cli.editing import append_entry, commit_change, set_status
    from yqctl.core.case import Case
    from yqctl.core.enums import Action, Status
    from yqctl.core.lifecycle import replayed_status
    from yqctl.core.timeline import entry
    from yqctl.errors import UsageError, YqError
    from yqctl.store.repo import check_id_argument

    if not reason.strip():
        raise UsageError("--reason 不能为空：请说明为何重新办理")
    store = open_repo(repo, commit=not no_commit)
    moment = resolve_now(now, store)
    when = _when(at, store, moment)
    who = author_for(by, store)

    def change(tree: CommentedMap, case: Case) -> None:
        if case.status is not Status.closed:
            raise YqError(f"案件 {case.id} 未办结（状态 {case.status.value}），无需重新办理")
        if case.closure is not None and when < case.closure.closed_at:
            raise YqError(
                f"重新办理时间 {when.isoformat()} 早于办结时间 {case.closure.closed_at.isoformat()}"
            )
        append_entry(tree, entry(Action.reopened, when, moment, who, reason.strip()))
        tree.pop("closure", None)
        set_status(tree, replayed_status(case))

    loaded = commit_change(
        store,
        check_id_argument(case_id),
        "reopen",
        change,
        lambda _: f"重新办理：{reason.strip()}",
        no_commit=no_commit,
        author=by,
    )
    _report(loaded, "已重新办理", as_json)


def _when(at: str | None, store: "Repo", moment: "datetime") -> "datetime":
    from yqctl.core.timeline import FUTURE_TOLERANCE
    from yqctl.errors import UsageError
    from yqctl.timeutil import parse_time

    if at is None:
        return moment
    when = parse_time(at, store.config.zone, what="--at")
    if when > moment + FUTURE_TOLERANCE:
        raise UsageError(f"--at {when.isoformat()} 晚于当前时间 {moment.isoformat()}")
    return when


def _closing_entries(
    case: "Case",
    when: "datetime",
    moment: "datetime",
    who: str | None,
    evaluation: str,
    result: str,
    reason: str | None,
) -> list[dict[str, Any]]:
    """The 总结评估 (unless the timeline has one already) and the 办结 entry."""
    from yqctl.core.enums import Action
    from yqctl.core.timeline import entry

    entries = []
    if not any(e.action is Action.summary for e in case.timeline):
        entries.append(entry(Action.summary, when, moment, who, evaluation))
    closing = f"处置结果：{result}" + (f"；强制办结理由：{reason.strip()}" if reason else "")
    entries.append(entry(Action.closed, when, moment, who, closing))
    return entries


def _unmet(
    store: "Repo", case: "Case", entries: list[dict[str, Any]], moment: "datetime"
) -> "list[DeadlineState]":
    """The policy deadlines still open once the closing entries are recorded (a recurring 续报
    ends with the case, so it does not hold the case open)."""
    from yqctl.core.case import TimelineEntry
    from yqctl.core.lifecycle import open_deadlines

    added = [TimelineEntry.model_validate(item) for item in entries]
    after = case.model_copy(update={"timeline": [*case.timeline, *added]})
    policy = store.policy.policy
    states = open_deadlines(after, policy, store.calendar, store.config.zone, moment)
    return [state for state in states if not state.deadline.recurring]


def _unmet_message(case: "Case", unmet: "list[DeadlineState]", zone: "tzinfo") -> str:
    from yqctl.cli.due import due_text

    lines = [
        f"  · {s.deadline.title}（{s.deadline.clause}）：{due_text(s.deadline, zone)}"
        for s in unmet
    ]
    return (
        f"案件 {case.id} 还有 {len(unmet)} 项处置时限未完成，不能办结：\n"
        + "\n".join(lines)
        + "\n先用 yqctl act 记录已做的处置；确需办结，加 --force --reason …"
    )


def _report(
    loaded: "LoadedCase", done: str, as_json: bool, forced: list[str] | None = None
) -> None:
    from yqctl.core.enums import label

    case = loaded.case
    if as_json:
        data: dict[str, Any] = {"id": case.id, "path": loaded.path, "status": case.status.value}
        data["closure"] = case.closure.model_dump(mode="json") if case.closure else None
        if forced is not None:
            data["forced_over"] = forced
        emit_json(data)
        return
    console().print(f"{done} {case.id}：{case.title}（状态：{label(case.status)}）", markup=False)
    if forced:
        console().print(
            f"未完成的处置时限：{'、'.join(forced)}（已记录强制办结理由）", markup=False
        )
