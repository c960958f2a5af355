"""Bad input through the real CLI: a clear ``path:line:col:`` message in Chinese, exit 1 (2 for
usage errors), no traceback, and no file changed."""

from __future__ import annotations

import hashlib
import io
import shutil
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import NOW, Result, Runner, git

Snapshot = Callable[[Path], dict[str, bytes]]

BAD_ID = "YQ-20261124-BAD1"
BAD_FILE = f"cases/2026/{BAD_ID}.yaml"

# a valid case of the university scaffold; line numbers below depend on this text
CASE = """\
version: 1
id: {id}
title: 网传某学院食堂饭菜出现异物
discovered_at: 2026-11-24T09:30:00+08:00
discovered_by: 信息中心值班员
unit: 后勤处
category: inquiry
summary: 有学生在微博发帖称食堂饭菜中出现异物。
sources:
  - platform: weibo
    url: https://weibo.com/1234567890/AbCdEf
signals:
  spread: isolated
  posts: 3
status: open
timeline:
  - at: 2026-11-24T09:30:00+08:00
    action: discovered
    text: 微博巡查发现
"""


def case_text(case_id: str = BAD_ID, *replace: tuple[str, str]) -> str:
    text = CASE.format(id=case_id)
    for old, new in replace:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def put(root: Path, relative: str, data: str | bytes, *, commit: bool = True) -> Path:
    """Write a file into the repository and (by default) commit it, as a colleague would have."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    if commit:
        git(root, "add", "--", relative)
        git(root, "commit", "-q", "-m", f"add {relative}")
    return path


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def no_traceback(result: Result) -> None:
    assert "Traceback" not in result.out + result.err
    assert "内部错误" not in result.out + result.err  # main() turns a bug of ours into this


def problem_line(result: Result, prefix: str, *words: str, code: int = 1) -> str:
    """The one output line that starts with ``prefix`` (e.g. ``path:3:1: ``) and holds ``words``."""
    assert result.code == code, (result.code, result.out, result.err)
    no_traceback(result)
    lines = [line for line in (result.out + result.err).splitlines() if line.startswith(prefix)]
    assert lines, f"no line starts with {prefix!r}:\n{result.out}\n{result.err}"
    for word in words:
        assert any(word in line for line in lines), (word, lines)
    return lines[0]


@pytest.fixture
def good_id(new_case: Callable[..., str]) -> str:
    """One valid case in the repository, so that every test also shows it is left alone."""
    return new_case()


# --- one bad case file: check, show, act, list ------------------------------------------------

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n"
    for p, c in zip("abcdefghi", "bcdefghij", strict=True)
)

BAD_FILES: dict[str, tuple[bytes, int, int, tuple[str, ...]]] = {
    "malformed-yaml": (
        case_text(BAD_ID, ("title: 网传某学院", "title: 网传: 某学院")).encode(),
        3, 10, ("YAML 语法错误",),
    ),
    "conflict-markers": (
        case_text(
            BAD_ID, ("status: open\n", "<<<<<<< HEAD\nstatus: open\n=======\nstatus: graded\n>>>>>>> b\n")
        ).encode(),
        15, 1, ("合并冲突",),
    ),
    "naive-time": (
        case_text(BAD_ID, ("discovered_at: 2026-11-24T09:30:00+08:00", "discovered_at: 2026-11-24 09:30")).encode(),
        4, 16, ("discovered_at", "时间缺少时区"),
    ),
    "text-for-time": (
        case_text(BAD_ID, ("  - at: 2026-11-24T09:30:00+08:00", "  - at: 今天上午")).encode(),
        17, 9, ("timeline[0].at", "不是有效的时间"),
    ),
    "unknown-key": (
        case_text(BAD_ID, ("summary:", "sumary:")).encode(),
        8, 1, ("未知字段 'sumary'", "是否想写 'summary'"),
    ),
    "unknown-category": (
        case_text(BAD_ID, ("category: inquiry", "category: 询问")).encode(),
        7, 11, ("未知的舆情类别 '询问'", "inquiry（询问/置疑/诉求）"),
    ),
    "unknown-action": (
        case_text(BAD_ID, ("    action: discovered", "    action: 发现")).encode(),
        18, 13, ("未知的处置动作 '发现'", "discovered（发现）", "note（备注）"),
    ),
    "unknown-platform": (
        case_text(BAD_ID, ("  - platform: weibo", "  - platform: 微博")).encode(),
        10, 15, ("未知的平台 '微博'", "weibo（微博）"),
    ),
    "duplicate-key": (
        case_text(BAD_ID, ("status: open\n", "status: open\nunit: 学生处\n")).encode(),
        16, 1, ("重复的键 'unit'", "第 6 行"),
    ),
    "python-object-tag": (
        case_text(BAD_ID, ("summary: 有学生", "summary: !!python/object/apply:os.system [有学生")).encode()
        .replace("异物。\n".encode(), "异物。]\n".encode()),
        8, 10, ("标签", "!!python/object/apply:os.system"),
    ),
    "alias-bomb": (
        (case_text(BAD_ID) + BOMB).encode(),
        20, 4, ("锚点 &a",),
    ),
    "empty-file": (b"", 1, 1, ("为空",)),
    "not-utf8": (
        case_text(BAD_ID).encode("gbk"),
        3, 8, ("不是 UTF-8",),
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_case_file_fails_check_show_act_and_list_naming_line_and_column(
    name: str, repo: Path, good_id: str, yq: Runner, snapshot: Snapshot
) -> None:
    raw, line, col, words = BAD_FILES[name]
    put(repo, BAD_FILE, raw)
    prefix = f"{BAD_FILE}:{line}:{col}: "
    before, commit = snapshot(repo), head(repo)

    checked = yq("check", "--repo", str(repo))
    problem_line(checked, prefix, *words)
    assert good_id not in checked.out  # the good case has no problem

    problem_line(yq("show", BAD_ID, "--repo", str(repo)), prefix, *words)

    acted = yq("act", BAD_ID, "note", "--repo", str(repo), "--now", NOW, "--text", "补记")
    problem_line(acted, prefix, *words)

    listed = yq("list", "--repo", str(repo), "--json")
    problem_line(listed, prefix, *words)
    assert [item["id"] for item in listed.json()] == [good_id]  # the good one is still listed

    assert snapshot(repo) == before and head(repo) == commit


def test_check_json_gives_path_line_col_and_message_of_each_problem(
    repo: Path, good_id: str, yq: Runner
) -> None:
    put(repo, BAD_FILE, BAD_FILES["naive-time"][0])
    result = yq("check", "--repo", str(repo), "--json")
    assert result.code == 1
    [problem] = result.json()["problems"]
    assert problem["path"] == BAD_FILE and (problem["line"], problem["col"]) == (4, 16)
    assert "时间缺少时区" in problem["message"]


def test_long_problem_is_printed_on_one_line_whatever_the_terminal_width(
    repo: Path, good_id: str, yq: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    put(repo, BAD_FILE, BAD_FILES["conflict-markers"][0])
    result = yq("check", "--repo", str(repo))
    line = problem_line(result, f"{BAD_FILE}:15:1: ", "合并冲突")
    assert line.rstrip().endswith("删除这些标记行")  # one line, for editors and CI annotations


def test_fifty_megabyte_case_file_is_refused_quickly_by_size_without_reading_it(
    repo: Path, good_id: str, yq: Runner, snapshot: Snapshot
) -> None:
    path = repo / BAD_FILE
    with path.open("wb") as handle:
        handle.write(b"title: ")
        chunk = b"x" * (1 << 20)
        for _ in range(50):
            handle.write(chunk)
    before = snapshot(repo)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        checked = yq("check", "--repo", str(repo))
        shown = yq("show", BAD_ID, "--repo", str(repo))
        acted = yq("act", BAD_ID, "note", "--repo", str(repo), "--now", NOW, "--no-commit")
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    for result in (checked, shown, acted):
        problem_line(result, f"{BAD_FILE}:1:1: ", "文件过大", "50.0 MiB", "上限 1.0 MiB")
    assert elapsed < 10, elapsed
    assert peak < 20 * 1024 * 1024, peak  # read at most the cap, never the 50 MiB
    assert snapshot(repo) == before


# --- the repository as a whole: ids, evidence, units ------------------------------------------


@pytest.mark.parametrize("copy_to", ["cases/2025/{id}.yaml", "cases/2026/YQ-20261124-ZZZZ.yaml"])
def test_duplicate_id_in_two_files_is_reported_at_the_id_of_the_copy(
    copy_to: str, repo: Path, good_id: str, yq: Runner
) -> None:
    original = f"cases/2026/{good_id}.yaml"
    copy = copy_to.format(id=good_id)
    put(repo, copy, (repo / original).read_bytes())
    line = next(
        n
        for n, text in enumerate((repo / copy).read_text().splitlines(), 1)
        if text.startswith("id:")
    )
    result = yq("check", "--repo", str(repo))
    problem_line(result, f"{copy}:{line}:5: ", f"重复的案件编号 {good_id}", original)
    assert f"{original}:" not in result.out  # the original is the right one
    assert yq("show", good_id, "--repo", str(repo)).code == 0


def test_id_that_disagrees_with_its_file_name_is_refused_everywhere(
    repo: Path, good_id: str, yq: Runner, snapshot: Snapshot
) -> None:
    put(repo, BAD_FILE, case_text("YQ-20261124-BBBB"))
    prefix = f"{BAD_FILE}:2:5: "
    words = ("YQ-20261124-BBBB 与文件位置不符", "cases/2026/YQ-20261124-BBBB.yaml")
    before = snapshot(repo)
    problem_line(yq("check", "--repo", str(repo)), prefix, *words)
    problem_line(yq("show", BAD_ID, "--repo", str(repo)), prefix, *words)
    problem_line(yq("act", BAD_ID, "note", "--repo", str(repo), "--now", NOW), prefix, *words)
    assert snapshot(repo) == before


def test_id_whose_year_folder_disagrees_is_refused(repo: Path, yq: Runner) -> None:
    put(repo, f"cases/2025/{BAD_ID}.yaml", case_text())
    problem_line(
        yq("check", "--repo", str(repo)), f"cases/2025/{BAD_ID}.yaml:2:5: ", f"应保存为 {BAD_FILE}"
    )


@pytest.mark.parametrize(
    "case_id",
    [
        "../../etc/passwd",
        "/etc/passwd",
        f"{BAD_ID}/../../../outside",
        "cases/2026/x",
        "yq-20261124-bad1",
    ],
)
def test_path_like_id_is_refused_by_show_and_act_and_nothing_is_touched(
    case_id: str, repo: Path, good_id: str, yq: Runner, snapshot: Snapshot, tmp_path: Path
) -> None:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text("root:x:0:0\n")
    before, commit = snapshot(tmp_path), head(repo)
    for args in (("show", case_id), ("act", case_id, "note", "--now", NOW)):
        result = yq(*args, cwd=repo / "cases")
        assert result.code == 1, result
        no_traceback(result)
        assert f"案件编号 {case_id!r} 格式不对" in result.err
    assert snapshot(tmp_path) == before and head(repo) == commit


EVIDENCE_ID = "YQ-20261124-EV1D"


def evidence_case(evidence: str, sha256: str | None = None) -> str:
    extra = f"    evidence: {evidence}\n" + (f"    sha256: {sha256}\n" if sha256 else "")
    return case_text(
        EVIDENCE_ID,
        (
            "    url: https://weibo.com/1234567890/AbCdEf\n",
            "    url: https://weibo.com/1234567890/AbCdEf\n" + extra,
        ),
    )


@pytest.mark.parametrize(
    ("evidence", "words"),
    [
        ("../../etc/passwd", ("证据路径 '../../etc/passwd' 指向仓库之外",)),
        ("evidence/../../outside.png", ("指向仓库之外",)),
        ("/etc/passwd", ("证据路径 '/etc/passwd' 必须是仓库内的相对路径",)),
        ("C:/Windows/win.ini", ("必须是仓库内的相对路径",)),
    ],
)
def test_evidence_path_outside_the_repository_is_refused_at_its_line(
    evidence: str, words: tuple[str, ...], repo: Path, yq: Runner
) -> None:
    put(repo, f"cases/2026/{EVIDENCE_ID}.yaml", evidence_case(evidence, "a" * 64))
    result = yq("check", "--repo", str(repo))
    problem_line(result, f"cases/2026/{EVIDENCE_ID}.yaml:12:15: ", *words)


def test_evidence_symlink_pointing_outside_the_repository_is_refused(
    repo: Path, yq: Runner, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"\x89PNG not ours")
    link = repo / "evidence" / EVIDENCE_ID / "weibo-1.png"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    digest = hashlib.sha256(outside.read_bytes()).hexdigest()  # even with the right hash
    put(
        repo,
        f"cases/2026/{EVIDENCE_ID}.yaml",
        evidence_case(f"evidence/{EVIDENCE_ID}/weibo-1.png", digest),
    )
    result = yq("check", "--repo", str(repo))
    problem_line(result, f"cases/2026/{EVIDENCE_ID}.yaml:12:15: ", "指向仓库之外")


def test_evidence_directory_symlinked_outside_is_refused(
    repo: Path, yq: Runner, tmp_path: Path
) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "a.png").write_bytes(b"png")
    (repo / "evidence" / EVIDENCE_ID).symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    put(
        repo,
        f"cases/2026/{EVIDENCE_ID}.yaml",
        evidence_case(f"evidence/{EVIDENCE_ID}/a.png", "a" * 64),
    )
    problem_line(
        yq("check", "--repo", str(repo)), f"cases/2026/{EVIDENCE_ID}.yaml:12:15: ", "指向仓库之外"
    )


def test_wrong_sha256_of_evidence_is_reported_at_the_hash(repo: Path, yq: Runner) -> None:
    relative = f"evidence/{EVIDENCE_ID}/weibo-1.png"
    put(repo, relative, b"the screenshot as saved")
    wrong = hashlib.sha256(b"a different screenshot").hexdigest()
    put(repo, f"cases/2026/{EVIDENCE_ID}.yaml", evidence_case(relative, wrong))
    result = yq("check", "--repo", str(repo))
    problem_line(result, f"cases/2026/{EVIDENCE_ID}.yaml:13:13: ", "sha256 不符", wrong[:12])


def test_right_sha256_of_evidence_inside_the_repository_passes(repo: Path, yq: Runner) -> None:
    relative = f"evidence/{EVIDENCE_ID}/weibo-1.png"
    put(repo, relative, b"the screenshot as saved")
    right = hashlib.sha256(b"the screenshot as saved").hexdigest()
    put(repo, f"cases/2026/{EVIDENCE_ID}.yaml", evidence_case(relative, right))
    result = yq("check", "--repo", str(repo))
    assert result.code == 0, result.out
    assert "全部通过" in result.out


def test_missing_evidence_file_is_reported(repo: Path, yq: Runner) -> None:
    put(repo, f"cases/2026/{EVIDENCE_ID}.yaml", evidence_case("evidence/none.png", "a" * 64))
    problem_line(
        yq("check", "--repo", str(repo)), f"cases/2026/{EVIDENCE_ID}.yaml:12:15: ", "证据文件不存在"
    )


def test_case_file_that_is_a_symlink_is_refused_and_named_once(
    repo: Path, yq: Runner, tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere.yaml"
    target.write_text(case_text())
    (repo / BAD_FILE).parent.mkdir(parents=True)
    (repo / BAD_FILE).symlink_to(target)
    result = yq("check", "--repo", str(repo))
    problem_line(result, f"{BAD_FILE}: 案件文件不能是符号链接")


def test_unknown_unit_is_reported_by_check_and_refused_by_act(
    repo: Path, yq: Runner, snapshot: Snapshot
) -> None:
    put(repo, BAD_FILE, case_text(BAD_ID, ("unit: 后勤处", "unit: 食堂")))
    problem_line(
        yq("check", "--repo", str(repo)), f"{BAD_FILE}:6:7: ", "未知的涉事单位 '食堂'", "org.yaml"
    )
    before = snapshot(repo)
    acted = yq("act", BAD_ID, "note", "--repo", str(repo), "--now", NOW)
    problem_line(acted, f"{BAD_FILE}:6:7: ", "未知的涉事单位 '食堂'", "后勤处")
    assert snapshot(repo) == before


def test_broken_org_file_is_reported_with_its_line(repo: Path, yq: Runner) -> None:
    org = (repo / "org.yaml").read_text()
    put(repo, "org.yaml", org.replace("units:\n", "units: !!python/object:dict\n", 1))
    line = org[: org.index("units:\n")].count("\n") + 1
    problem_line(yq("check", "--repo", str(repo)), f"org.yaml:{line}:8: ", "标签")


def test_conflict_in_repository_config_stops_every_command_with_its_line(
    repo: Path, good_id: str, yq: Runner
) -> None:
    config = (repo / "yq.yaml").read_text()
    put(repo, "yq.yaml", config + "<<<<<<< HEAD\ntimezone: Asia/Shanghai\n=======\n>>>>>>> x\n")
    line = config.count("\n") + 1
    for args in (("check",), ("list",), ("show", good_id)):
        problem_line(yq(*args, "--repo", str(repo)), f"yq.yaml:{line}:1: ", "冲突")


# --- command-line input -----------------------------------------------------------------------


def test_unknown_action_is_a_usage_error_listing_the_actions(
    repo: Path, good_id: str, yq: Runner, snapshot: Snapshot
) -> None:
    before = snapshot(repo)
    result = yq("act", good_id, "not_an_action", "--repo", str(repo), "--now", NOW)
    assert result.code == 2
    no_traceback(result)
    assert "未知的处置动作 'not_an_action'" in result.err
    assert "reported_to_office（报舆情办）" in result.err and "summary（总结评估）" in result.err
    assert "graded" not in result.err and "closed" not in result.err  # other commands' actions
    assert snapshot(repo) == before


@pytest.mark.parametrize("at", ["昨天下午", "2026-11-24T25:00:00+08:00", "2026-02-30 10:00"])
def test_invalid_at_time_is_a_usage_error_and_nothing_is_written(
    at: str, repo: Path, good_id: str, yq: Runner, snapshot: Snapshot
) -> None:
    before, commit = snapshot(repo), head(repo)
    result = yq("act", good_id, "note", "--at", at, "--repo", str(repo), "--now", NOW)
    assert result.code == 2, result
    no_traceback(result)
    assert "--at" in result.err and "2026-11-24T09:30:00+08:00" in result.err
    assert snapshot(repo) == before and head(repo) == commit


def test_at_time_without_zone_is_read_in_the_repository_zone(
    repo: Path, good_id: str, yq: Runner
) -> None:
    result = yq(
        "act",
        good_id,
        "note",
        "--at",
        "2026-11-24 15:00",
        "--repo",
        str(repo),
        "--now",
        NOW,
        "--json",
    )
    assert result.code == 0, result.err
    assert result.json()["entry"]["at"] == "2026-11-24T15:00:00+08:00"


def test_new_from_file_with_unknown_key_points_into_that_file(
    repo: Path, yq: Runner, snapshot: Snapshot, tmp_path: Path
) -> None:
    source = tmp_path / "from.yaml"
    source.write_text("title: 网传食堂饭菜出现异物\nunti: 后勤处\ncategory: inquiry\n")
    before, commit = snapshot(repo), head(repo)
    result = yq("new", "--from", str(source), "--repo", str(repo), "--now", NOW)
    problem_line(result, f"{source}:2:1: ", "未知字段 'unti'", "是否想写 'unit'")
    assert snapshot(repo) == before and head(repo) == commit


@pytest.mark.parametrize(
    ("text", "line", "col", "word"),
    [
        ("title: a\ndiscovered_at: 2026-11-24 09:30\n", 2, 16, "时间缺少时区"),
        ("title: a\nsummary: !!python/object:os.system x\n", 2, 10, "标签"),
        ("title: a\nid: YQ-20261124-7KQ2\n", 2, 1, "id 由 yqctl 生成"),
        ("title: a\ntitle: b\n", 2, 1, "重复的键"),
        ("<<<<<<< HEAD\ntitle: a\n=======\ntitle: b\n>>>>>>> x\n", 1, 1, "冲突"),
    ],
    ids=["naive-time", "tag", "id-given", "duplicate-key", "conflict"],
)
def test_new_from_bad_file_is_refused_at_its_line_and_nothing_written(
    text: str,
    line: int,
    col: int,
    word: str,
    repo: Path,
    yq: Runner,
    snapshot: Snapshot,
    tmp_path: Path,
) -> None:
    source = tmp_path / "from.yaml"
    source.write_text(text)
    before = snapshot(repo)
    args = ("new", "--from", str(source), "--unit", "后勤处", "--category", "inquiry")
    result = yq(*args, "--repo", str(repo), "--now", NOW)
    problem_line(result, f"{source}:{line}:{col}: ", word)
    assert snapshot(repo) == before


def test_new_with_unknown_unit_flag_is_a_usage_error_listing_units(
    repo: Path, yq: Runner, snapshot: Snapshot
) -> None:
    before = snapshot(repo)
    result = yq(
        "new",
        "--title",
        "t",
        "--unit",
        "食堂",
        "--category",
        "inquiry",
        "--repo",
        str(repo),
        "--now",
        NOW,
    )
    assert result.code == 2
    no_traceback(result)
    assert "--unit '食堂'" in result.err and "后勤处" in result.err
    assert snapshot(repo) == before


def test_new_without_required_flags_and_no_terminal_names_the_missing_flags(
    repo: Path, yq: Runner, snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal: no prompting
    before = snapshot(repo)
    result = yq("new", "--title", "网传食堂饭菜出现异物", "--repo", str(repo), "--now", NOW)
    assert result.code == 2
    no_traceback(result)
    assert "缺少必填项：--unit、--category" in result.err
    assert snapshot(repo) == before


def test_outside_any_repository_says_where_it_looked(yq: Runner, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    for args in (("list",), ("check",), ("show", "YQ-20261124-7KQ2")):
        result = yq(*args, cwd=empty)
        assert result.code == 1
        no_traceback(result)
        assert "找不到 yq.yaml" in result.err and "yqctl init" in result.err


def test_repo_option_pointing_nowhere_is_refused(yq: Runner, tmp_path: Path) -> None:
    result = yq("check", "--repo", str(tmp_path / "nothing"))
    assert result.code == 1
    no_traceback(result)
    assert "仓库目录不存在" in result.err


def test_writing_commands_in_a_directory_that_is_not_git_refuse_before_writing(
    repo: Path,
    good_id: str,
    yq: Runner,
    snapshot: Snapshot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plain = tmp_path / "plain"
    shutil.copytree(repo, plain, ignore=shutil.ignore_patterns(".git"))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # no enclosing repository either
    before = snapshot(plain)
    for args in (
        ("new", "--title", "t", "--unit", "后勤处", "--category", "inquiry"),
        ("act", good_id, "note"),
        ("grade", good_id),
    ):
        result = yq(*args, "--repo", str(plain), "--now", NOW)
        assert result.code == 1, result
        no_traceback(result)
        assert "不是 git 仓库" in result.err and "--no-commit" in result.err
        assert snapshot(plain) == before, args  # refused before anything was written
    written = yq("act", good_id, "note", "--repo", str(plain), "--now", NOW, "--no-commit")
    assert written.code == 0, written.err  # the advice in the message works


# --- the shipped demo -------------------------------------------------------------------------


def test_check_on_the_demo_repository_is_clean(demo_repo: Path, yq: Runner) -> None:
    result = yq("check", "--repo", str(demo_repo), "--json")
    assert result.code == 0, result.out
    report = result.json()
    assert report["problems"] == []
    assert report["files"] >= 3 + len(list((demo_repo / "cases").rglob("*.yaml")))


def test_check_with_broken_yq_yaml_still_reports_the_other_files(repo: Path, yq: Runner) -> None:
    (repo / "yq.yaml").write_text("version: 1\ninstitution: [\n", encoding="utf-8")
    org = repo / "org.yaml"
    org.write_text(org.read_text(encoding="utf-8") + "bogus_key: 1\n", encoding="utf-8")
    result = yq("check", "--repo", str(repo), "--now", "2026-11-24T16:00:00+08:00")
    assert result.code == 1
    assert "yq.yaml:" in result.out and "org.yaml:" in result.out and "bogus_key" in result.out


def test_policy_show_builtin_outside_a_repository(tmp_path: Path, yq: Runner) -> None:
    result = yq("policy", "show", "middle-school", "--json", cwd=tmp_path)
    assert result.code == 0, result.err
    assert result.json()["path"] == "(内置) middle-school.yaml"
