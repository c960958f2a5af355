"""``yqctl edit``: open a case in ``$EDITOR``, on a copy. The copy is validated when the editor
closes; on errors they are shown (``copy:line:col``) and the user may edit again. The case file is
replaced only by a valid version, under the lock, and committed. What the user typed is never
lost: a copy that is not taken stays on disk and its path is said.

Fields other commands own (unit, level, grading, status, timeline, closure, evidence …) must not
change here: those commands record why, and the timeline stays append-only.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from yqctl.cli.common import (
    ByOpt,
    JsonOpt,
    NoCommitOpt,
    NowOpt,
    RepoOpt,
    console,
    emit_json,
    open_repo,
)

if TYPE_CHECKING:
    from yqctl.errors import Problem
    from yqctl.store.repo import LoadedCase, Repo

SHOWN_FIELDS = 6  # changed fields named in the commit message before "等 N 项"


def edit(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="案件编号", show_default=False)],
    by: ByOpt = None,
    no_commit: NoCommitOpt = False,
    repo: RepoOpt = None,
    now: NowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """用编辑器（$VISUAL / $EDITOR）修改案件文件：保存后校验，有错可重新编辑，只有有效的版本才会写入并提交。"""
    import os
    import tempfile

    from yqctl.core.lifecycle import closed_refusal
    from yqctl.errors import YqError
    from yqctl.store import yamlio
    from yqctl.store.editor import editor_command
    from yqctl.store.repo import check_id_argument

    store = open_repo(repo, commit=not no_commit)
    case_id = check_id_argument(case_id)
    current = store.load_case(case_id)
    refused = closed_refusal(current.case, "编辑")
    if refused:
        raise YqError(refused)
    original = yamlio.read_text(store.root / current.path, current.path)
    command = editor_command(os.environ)
    copy = Path(tempfile.mkdtemp(prefix="yqctl-edit-")) / Path(current.path).name
    copy.write_text(original, encoding="utf-8")
    text = _edit_until_valid(store, current, copy, command)
    if text is None:
        _discard(copy)
        console(stderr=True).print("未作修改", markup=False)
        return
    try:
        loaded, changed = _replace(store, current, original, text, by=by, no_commit=no_commit)
    except YqError as exc:
        raise YqError(f"{exc}\n你编辑的内容保存在 {copy}") from None
    _discard(copy)
    _report(store, current, loaded, changed, as_json=as_json)


def _edit_until_valid(
    store: "Repo", current: "LoadedCase", copy: Path, command: list[str]
) -> str | None:
    """The edited text once it is a valid case (None if left as it was); asks to edit again while
    it is not, and gives up (keeping the copy) when the user declines or the editor fails."""
    from yqctl.errors import Problem, YqError
    from yqctl.store import yamlio
    from yqctl.store.editor import run_editor

    original = copy.read_bytes()
    err = console(stderr=True)
    while True:
        try:
            run_editor(command, copy)
        except YqError:
            if copy.read_bytes() == original:
                _discard(copy)
            else:
                err.print(f"你编辑的内容保存在 {copy}", markup=False)
            raise
        if copy.read_bytes() == original:
            return None
        try:
            text = yamlio.read_text(copy, str(copy))
            problems = _problems(store, current, text, str(copy))
        except YqError as exc:  # invalid, emptied, not UTF-8 …: problems to show
            problems = exc.problems or [Problem(str(copy), 0, 0, exc.message)]
        if not problems:
            return text
        for problem in problems:
            err.print(str(problem), markup=False)
        if not _again():
            raise YqError(f"案件未修改。你编辑的内容保存在 {copy}")


def _problems(store: "Repo", current: "LoadedCase", text: str, display: str) -> list["Problem"]:
    """What is wrong with the edited text as the new version of ``current``, past what
    ``check_case_text`` raises: the fields other commands own."""
    from yqctl.core.assignments import OWNED_BY, owned_changes

    edited = store.check_case_text(display, text, expect_id=current.case.id)
    return [
        edited.doc.problem((name,), f"{name} 不能在 edit 中修改：{OWNED_BY[name]}", key=True)
        for name in owned_changes(current.case, edited.case)
    ]


def _again() -> bool:
    """Edit again? (yes by default; end of input means no)."""
    try:
        return bool(typer.confirm("案件文件有错误，重新编辑？", default=True, err=True))
    except typer.Abort:
        return False


def _replace(
    store: "Repo",
    current: "LoadedCase",
    original: str,
    text: str,
    *,
    by: str | None,
    no_commit: bool,
) -> "tuple[LoadedCase, list[str]]":
    """Write the edited text in place of the case, if nobody changed the case meanwhile."""
    from yqctl.cli.editing import commit_write
    from yqctl.core.diff import diff
    from yqctl.errors import YqError
    from yqctl.store import yamlio

    case_id, relative = current.case.id, current.path
    changed: list[str] = []

    def write(_track: object) -> "LoadedCase":
        now_there = yamlio.read_text(store.root / relative, relative)
        if now_there != original:
            raise YqError(
                f"编辑期间 {relative} 已被其他命令或同步修改，为免覆盖未写入；"
                "请重新运行 yqctl edit，把你的修改再做一遍"
            )
        loaded = store.write_case_text(relative, text, expect_id=case_id)
        changed[:] = [change.field for change in diff(current.doc.data, loaded.doc.data)]
        return loaded

    loaded = commit_write(
        store,
        case_id,
        "edit",
        write,
        lambda _: _describe(changed),
        no_commit=no_commit,
        author=by,
    )
    return loaded, changed


def _describe(changed: list[str]) -> str:
    if not changed:
        return "修改注释或格式"
    shown = "、".join(changed[:SHOWN_FIELDS])
    more = f"等 {len(changed)} 项" if len(changed) > SHOWN_FIELDS else ""
    return f"修改 {shown}{more}"


def _report(
    store: "Repo",
    current: "LoadedCase",
    loaded: "LoadedCase",
    changed: list[str],
    *,
    as_json: bool,
) -> None:
    from yqctl.cli.editing import regrade_now, regrade_text

    regrade = regrade_now(store, current.case, loaded.case)
    if as_json:
        emit_json(
            {
                "id": loaded.case.id,
                "path": loaded.path,
                "changed": changed,
                "grade_now": regrade.to_json() if regrade else None,
            }
        )
        return
    out = console()
    out.print(f"已修改 {loaded.case.id}：{_describe(changed)}", markup=False)
    if regrade is not None:
        out.print(regrade_text(store, loaded.case, regrade), markup=False)


def _discard(copy: Path) -> None:
    import contextlib
    import shutil

    with contextlib.suppress(OSError):
        shutil.rmtree(copy.parent)
