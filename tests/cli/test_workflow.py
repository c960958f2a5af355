"""The life of a case through the real CLI and a real git repository."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import NOW, Runner, git
from yqctl.cli.zh import cells


def case_file(root: Path, case_id: str) -> Path:
    return root / "cases" / case_id[3:7] / f"{case_id}.yaml"


def test_init_creates_committed_repository_with_scaffold(repo: Path) -> None:
    for name in ("yq.yaml", "org.yaml", "policies/university.yaml", ".gitattributes", ".gitignore"):
        assert (repo / name).is_file(), name
    assert (repo / "cases").is_dir() and (repo / "evidence").is_dir()
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "log", "--format=%s").startswith("yqctl init")


def test_init_refuses_existing_repository(repo: Path, yq: Runner) -> None:
    result = yq("init", str(repo))
    assert result.code == 1
    assert "已经是 yqctl 仓库" in result.err


def test_new_act_history_records_each_commit_with_author(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case("--discovered-at", "2026-11-24 09:30")
    acted = yq(
        "act", case_id, "reported_to_office", "--repo", str(repo), "--now", NOW,
        "--at", "2026-11-24 09:50", "--by", "后勤处舆情信息员", "--text", "电话报舆情办",
    )  # fmt: skip
    assert acted.code == 0, acted.err
    history = yq("history", case_id, "--repo", str(repo), "--json")
    assert history.code == 0, history.err
    revisions = history.json()
    assert [r["subject"].split(":")[0] for r in revisions] == [
        f"yqctl new {case_id}",
        f"yqctl act {case_id}",
    ]
    assert revisions[0]["created"] is True
    assert revisions[0]["author"] == "测试值班员"  # from the git identity
    assert revisions[1]["author"] == "后勤处舆情信息员"  # --by becomes the commit author
    [change] = revisions[1]["changes"]
    assert change["field"] == "timeline[1]" and change["kind"] == "added"
    assert change["new"]["action"] == "reported_to_office"
    human = yq("history", case_id, "--repo", str(repo))
    assert "新建案件" in human.out and "reported_to_office" in human.out


def test_new_writes_commented_file_and_json(repo: Path, yq: Runner) -> None:
    result = yq(
        "new", "--repo", str(repo), "--now", NOW, "--json", "--title", "图书馆开放时间建议",
        "--unit", "教务处", "--category", "constructive", "--source", "https://tieba.baidu.com/p/1",
        "--signal", "posts=3", "--signal", "spread=isolated",
    )  # fmt: skip
    assert result.code == 0, result.err
    data = result.json()
    assert data["path"] == f"cases/2026/{data['id']}.yaml"
    assert data["discovered_at"] == NOW
    assert data["sources"][0]["platform"] == "tieba"
    assert data["signals"]["posts"] == 3
    assert data["timeline"][0]["action"] == "discovered"
    text = (repo / data["path"]).read_text(encoding="utf-8")
    keys = [line.split(":")[0] for line in text.splitlines() if line and line[0].isalpha()]
    assert keys[:8] == ["version", "id", "title", "discovered_at", "discovered_by", "unit",
                        "category", "summary"]  # fmt: skip
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert len(comments) >= len(keys)  # a Chinese comment on every field
    assert git(repo, "log", "-1", "--format=%s") == f"yqctl new {data['id']}: 图书馆开放时间建议\n"


def test_hand_comment_survives_three_writes(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case()
    path = case_file(repo, case_id)
    text = path.read_text(encoding="utf-8")
    text = text.replace("unit: 后勤处", "unit: 后勤处  # 经核实为二食堂", 1)
    text = text.replace("signals:", "# 由值班员人工补充\nsignals:", 1)
    path.write_text(
        text.replace("title: 网传食堂饭菜出现异物", "title: '网传食堂饭菜出现异物'"),
        encoding="utf-8",
    )
    git(repo, "commit", "-qam", "hand edit")
    for action in ("reported_to_office", "unit_report", "reply"):
        assert yq("act", case_id, action, "--repo", str(repo), "--now", NOW).code == 0
    after = path.read_text(encoding="utf-8")
    assert "unit: 后勤处  # 经核实为二食堂" in after
    assert "# 由值班员人工补充\nsignals:" in after
    assert "title: '网传食堂饭菜出现异物'" in after  # quoting kept
    assert after.count("action:") == 4


def test_act_commits_only_the_case_file(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case()
    (repo / "notes.txt").write_text("unrelated work in progress", encoding="utf-8")
    git(repo, "add", "notes.txt")
    org = repo / "org.yaml"
    org.write_text(org.read_text(encoding="utf-8") + "# 未提交的修改\n", encoding="utf-8")
    assert yq("act", case_id, "note", "--repo", str(repo), "--now", NOW, "--text", "x").code == 0
    changed = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert changed == [f"cases/2026/{case_id}.yaml"]
    status = git(repo, "status", "--porcelain")
    assert "A  notes.txt" in status and " M org.yaml" in status


def test_no_commit_writes_but_does_not_commit(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case()
    head = git(repo, "rev-parse", "HEAD")
    assert (
        yq("act", case_id, "statement", "--repo", str(repo), "--now", NOW, "--no-commit").code == 0
    )
    assert git(repo, "rev-parse", "HEAD") == head
    assert "action: statement" in case_file(repo, case_id).read_text(encoding="utf-8")


def test_show_and_list_json_follow_the_contract(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    first = new_case("--title", "考试泄题传言", "--unit", "教务处", "--category", "fabrication")
    second = new_case("--drill")
    shown = yq("show", first, "--repo", str(repo), "--json").json()
    assert shown["id"] == first and shown["category"] == "fabrication"
    assert shown["path"] == f"cases/2026/{first}.yaml"
    listed = yq("list", "--repo", str(repo), "--json").json()
    assert [item["id"] for item in listed] == [first]  # the drill is hidden
    for key in ("id", "title", "level", "status", "unit", "category", "discovered_at", "path"):
        assert key in listed[0]
    with_drills = yq("list", "--repo", str(repo), "--json", "--drills").json()
    assert {item["id"] for item in with_drills} == {first, second}


def test_list_filters(repo: Path, yq: Runner, new_case: Callable[..., str]) -> None:
    early = new_case("--discovered-at", "2026-11-01 08:00", "--unit", "学生处")
    late = new_case("--discovered-at", "2026-11-20 08:00", "--category", "fabrication")

    def ids(*flags: str) -> list[str]:
        result = yq("list", "--repo", str(repo), "--json", *flags)
        assert result.code == 0, result.err
        return [item["id"] for item in result.json()]

    assert ids() == [late, early]  # newest first
    assert ids("--unit", "学生处") == [early]
    assert ids("--category", "fabrication") == [late]
    assert ids("--since", "2026-11-10") == [late]
    assert ids("--until", "2026-11-10") == [early]
    assert ids("--status", "open") == [late, early]
    assert ids("--status", "closed") == []
    assert yq("list", "--repo", str(repo), "--status", "bogus").code == 2
    assert ids("--level", "1") == []  # ungraded cases have no level


def test_list_table_is_newest_first_with_marks_and_aligned_columns(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    old = new_case("--discovered-at", "2026-11-01 08:00", "--title", "旧的")
    drill = new_case("--discovered-at", "2026-11-20 08:00", "--title", "演练的", "--drill")
    result = yq("list", "--repo", str(repo), "--drills")
    assert result.code == 0, result.err
    title, header, *rows = result.out.splitlines()
    assert title == "案件 2 件"
    assert [row.split()[0] for row in rows] == [drill, old]
    assert rows[0].endswith("［演练］演练的") and rows[1].endswith("旧的")
    assert "待定级" in rows[1] and "2026-11-01 08:00" in rows[1]
    starts = [cells(line[: line.index("2026-11")]) for line in rows]
    assert starts == [cells(header[: header.index("发现时间")])] * 2


def test_repo_found_from_subdirectory(repo: Path, yq: Runner, new_case: Callable[..., str]) -> None:
    case_id = new_case()
    result = yq("show", case_id, "--json", cwd=repo / "cases")
    assert result.code == 0, result.err
    assert result.json()["id"] == case_id


def test_version_and_help(yq: Runner) -> None:
    from yqctl import __version__

    assert yq("--version").out.strip() == f"yqctl {__version__}"
    result = yq("--help")
    assert result.code == 0 and "舆情" in result.out


def test_closed_case_refuses_actions_but_takes_notes(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case()
    path = case_file(repo, case_id)
    text = path.read_text(encoding="utf-8").replace("status: open", "status: closed")
    path.write_text(text, encoding="utf-8")
    git(repo, "commit", "-qam", "手工办结")
    before = path.read_bytes()
    refused = yq("act", case_id, "statement", "--repo", str(repo), "--now", NOW)
    assert refused.code == 1 and "已办结" in refused.err
    assert path.read_bytes() == before
    assert yq("act", case_id, "note", "--repo", str(repo), "--now", NOW, "--text", "补记").code == 0


def test_act_refuses_future_time(repo: Path, yq: Runner, new_case: Callable[..., str]) -> None:
    case_id = new_case()
    result = yq(
        "act", case_id, "reply", "--repo", str(repo), "--now", NOW, "--at", "2026-11-25 09:00"
    )
    assert result.code == 1 and "晚于当前时间" in result.err


def test_ids_are_unique_and_never_reused(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    ids = {new_case("--no-commit") for _ in range(30)}
    assert len(ids) == 30
    assert all(i.startswith("YQ-20261124-") for i in ids)


def test_check_warns_when_org_lacks_a_role_the_policy_notifies(repo: Path, yq: Runner) -> None:
    org = repo / "org.yaml"
    text = org.read_text(encoding="utf-8")
    start = text.index("  group_leader:")
    end = text.index("\n  group_deputy:")
    org.write_text(text[:start] + text[end + 1 :], encoding="utf-8")
    result = yq("check", "--repo", str(repo), "--json")
    assert result.code == 0, result.out  # a warning, not a failure
    messages = [w["message"] for w in result.json()["warnings"]]
    assert any("group_leader" in m and "org.yaml 中没有登记" in m for m in messages)


def test_appended_entries_stay_above_the_next_fields_comment(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case()
    assert yq("grade", case_id, "--repo", str(repo), "--now", NOW).code == 0
    assert yq("act", case_id, "reply", "--repo", str(repo), "--now", NOW).code == 0
    lines = case_file(repo, case_id).read_text(encoding="utf-8").splitlines()
    for key in ("status:", "confidential:"):
        index = next(i for i, line in enumerate(lines) if line.startswith(key))
        assert lines[index - 1].startswith("# "), f"{key} lost its comment: {lines[index - 1]!r}"
    timeline = lines.index("timeline:")
    confidential = next(i for i, line in enumerate(lines) if line.startswith("confidential:"))
    block = lines[timeline:confidential]
    assert [line.strip() for line in block if "action:" in line] == [
        "action: discovered",
        "action: graded",
        "action: reply",
    ]
    assert sum(line.startswith("#") for line in block) == 1  # only confidential's own comment


def test_act_refuses_empty_at(repo: Path, yq: Runner, new_case: Callable[..., str]) -> None:
    case_id = new_case()
    result = yq("act", case_id, "reply", "--repo", str(repo), "--now", NOW, "--at", "")
    assert result.code == 2 and "--at" in result.err


def test_check_warns_about_times_later_than_now(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case()
    path = case_file(repo, case_id)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "discovered_at: 2026-11-24T16:00:00+08:00", "discovered_at: 2062-11-24T16:00:00+08:00"
        ),
        encoding="utf-8",
    )
    result = yq("check", "--repo", str(repo), "--now", NOW, "--json")
    assert result.code == 0, result.out
    [warning] = [w for w in result.json()["warnings"] if "晚于现在" in w["message"]]
    assert warning["path"] == f"cases/2026/{case_id}.yaml" and warning["line"] > 0
