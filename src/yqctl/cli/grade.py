"""``yqctl grade``: apply the policy to a case; record the level, who to tell, what is due."""

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
    styled,
)

if TYPE_CHECKING:
    from yqctl.core.case import Case
    from yqctl.core.deadlines import DeadlineState
    from yqctl.core.escalation import Notify
    from yqctl.core.grading import GradeResult
    from yqctl.store.repo import LoadedCase, Repo


def grade(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="案件编号", show_default=False)],
    level: Annotated[
        int | None, typer.Option("--level", help="人工指定级别（须同时给出 --reason）")
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="人工定级的理由")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只显示结果，不写文件（与 --notify 一起用则不发送）")
    ] = False,
    notify_channels: Annotated[
        bool,
        typer.Option("--notify", help="把级别、应通知的人和处置时限发到 yq.yaml 的通知渠道"),
    ] = False,
    by: ByOpt = None,
    no_commit: NoCommitOpt = False,
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """按策略定级：显示级别和命中的规则、应通知的人及联系方式、由此开始计算的处置时限。"""
    from yqctl.core.deadlines import case_states
    from yqctl.core.escalation import contacts
    from yqctl.core.grading import with_grade
    from yqctl.errors import UsageError
    from yqctl.store.repo import check_id_argument
    from yqctl.store.transaction import writing

    if reason is not None and level is None:
        raise UsageError("--reason 用于人工定级，须与 --level 一起给出")
    refuse_unsafe({"--reason": reason, "--by": by})
    store = open_repo(repo, commit=not (dry_run or no_commit))
    moment = resolve_now(now, store)
    case_id = check_id_argument(case_id)
    who = author_for(by, store)
    if dry_run:
        loaded, result = _assess(store, case_id, level, reason)
    else:
        # locked from reading the case to committing it: a concurrent act cannot lose its entry
        with writing(store.root, f"grade {case_id}", foreign_ok=no_commit) as change:
            loaded, result = _assess(store, case_id, level, reason)
            change.track(loaded.path)
            _record(store, loaded.case.id, result, moment, who, store.policy.sha256)
            if not no_commit:
                rules = "、".join(rule.id for rule in result.matched_rules)
                why = f"人工定级：{reason}" if result.overridden else rules
                change.commit(
                    f"yqctl grade {loaded.case.id}: {result.level_name}（{why}）", author=by
                )
    policy = store.policy
    graded = with_grade(loaded.case, result, moment, who, policy.sha256)
    states = case_states(graded, policy.policy, store.calendar, store.config.zone, moment)
    notify = contacts(graded, result.level, policy.policy, store.org)
    if as_json:
        emit_json(_json(loaded.case.id, result, notify, states, dry_run))
    else:
        _print(loaded.case.id, result, notify, states, dry_run, store)
    if notify_channels and not _announce(graded, result, notify, states, store, dry_run):
        raise typer.Exit(1)


def _announce(
    case: "Case",
    result: "GradeResult",
    notify: "list[Notify]",
    states: "list[DeadlineState]",
    store: "Repo",
    dry_run: bool,
) -> bool:
    from yqctl.cli.due import due_text
    from yqctl.cli.notifying import notify as send
    from yqctl.core.notify import GradedCase, grade_message

    people = [" ".join(x for x in (p.title, p.name, p.phone) if x) for p in notify]
    deadlines = [
        f"{s.deadline.title}（{s.deadline.clause}）：{due_text(s.deadline, store.zone)}"
        + (" 前" if s.deadline.due else "")
        for s in states
        if not s.is_met
    ]
    graded = GradedCase(
        case.id, case.title, case.confidential, result.level_name, result.major, case.unit,
        people, deadlines,
    )  # fmt: skip
    return send(store, grade_message(graded, store.config.institution), "grade", dry_run=dry_run)


def _assess(
    store: "Repo", case_id: str, level: int | None, reason: str | None
) -> "tuple[LoadedCase, GradeResult]":
    """The case as it is now and the level the policy (or the override) gives it."""
    from yqctl.core.grading import grade as run_grade

    loaded = store.load_case(case_id)
    result = run_grade(loaded.case, store.policy.policy, override_level=level, reason=reason)
    return loaded, result


def _record(
    store: "Repo", case_id: str, result: "GradeResult", at: Any, by: str | None, policy_hash: str
) -> None:
    """Write level, the grading entry, status and a ``graded`` timeline entry, validated."""
    from ruamel.yaml.comments import CommentedMap

    from yqctl.cli.editing import append_entry, append_to, set_status
    from yqctl.core.case import Case
    from yqctl.core.enums import Action, Status
    from yqctl.core.lifecycle import later
    from yqctl.core.timeline import entry
    from yqctl.store import roundtrip

    record = result.to_entry(at, by, policy_hash).model_dump()
    rules = "、".join(rule.id for rule in result.matched_rules)
    text = f"定为{result.level_name}" + (
        f"（人工定级：{result.override_reason}）" if result.overridden else f"（{rules}）"
    )

    def change(tree: CommentedMap, case: Case) -> None:
        roundtrip.set_key(tree, "level", result.level, after="signals")
        append_to(tree, "grading", record, after="level")
        set_status(tree, later(case.status, Status.graded))  # only an open case moves
        append_entry(tree, entry(Action.graded, at, at, by, text))

    store.edit_case(case_id, change)


def _json(
    case_id: str,
    result: "GradeResult",
    notify: "list[Notify]",
    states: "list[DeadlineState]",
    dry_run: bool,
) -> dict[str, Any]:
    return {
        "id": case_id,
        **result.to_json(),
        "contacts": [person.to_json() for person in notify],
        "deadlines": [state.to_json() for state in states],
        "dry_run": dry_run,
    }


def _print(
    case_id: str,
    result: "GradeResult",
    notify: "list[Notify]",
    states: "list[DeadlineState]",
    dry_run: bool,
    store: "Repo",
) -> None:
    from rich.table import Table

    from yqctl.cli.due import deadline_table

    out = console()
    major = "，重大舆情" if result.major else ""
    verb = "（试算，未写入）" if dry_run else ""
    out.print(
        styled("[bold]{}[/] 定为 [bold red]{}[/]{}{}", case_id, result.level_name, major, verb)
    )
    if result.overridden:
        out.print(
            f"  人工定级，理由：{result.override_reason or ''}（规则结果：{result.rule_level}级）"
        )
    for rule in result.matched_rules:
        clause = f"［{rule.clause}］" if rule.clause else "［学校自定，原文无此条］"
        out.print(f"  命中 {rule.id}{clause}{rule.text}", markup=False)
    people = Table(title="应通知", title_justify="left")
    for column in ("对象", "姓名", "电话", "邮箱", "说明"):
        people.add_column(column)
    for person in notify:
        people.add_row(
            person.title,
            person.name or "",
            person.phone or "",
            person.email or "",
            person.note or ("org.yaml 未登记，请补充" if person.missing else ""),
        )
    out.print(people)
    out.print(deadline_table(states, store))
