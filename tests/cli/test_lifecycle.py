"""The case lifecycle through the real CLI and git: status following the work, ``close`` with the
总结评估, ``reopen``, ``status`` by hand, ``assign`` and ``set`` — and their refusals, which must
leave the file and the history untouched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import NOW, Runner, git

Snapshot = Callable[[Path], dict[str, bytes]]


@pytest.fixture
def case_id(new_case: Callable[..., str]) -> str:
    return new_case("--discovered-at", "2026-11-24T09:00:00+08:00")


def run(yq: Runner, repo: Path, *args: str) -> Any:
    result = yq(*args, "--repo", str(repo), "--now", NOW, "--json")
    assert result.code == 0, result.err
    return result.json()


def data(repo: Path, case_id: str) -> dict:  # type: ignore[type-arg]
    path = repo / "cases" / "2026" / f"{case_id}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def refused(yq: Runner, repo: Path, snapshot: Snapshot, *args: str) -> str:
    """Run a command that must be refused; nothing may change, no commit may be made."""
    before, head = snapshot(repo), git(repo, "rev-parse", "HEAD")
    result = yq(*args, "--repo", str(repo), "--now", NOW)
    assert result.code in (1, 2), (result.code, result.out)
    assert "Traceback" not in result.err
    assert snapshot(repo) == before and git(repo, "rev-parse", "HEAD") == head
    return result.err


def last_message(repo: Path) -> str:
    return git(repo, "log", "-1", "--format=%s").strip()


# ---- status follows the work -----------------------------------------------------------------


def test_status_follows_grade_handling_response_and_tracking(
    yq: Runner, repo: Path, case_id: str
) -> None:
    assert data(repo, case_id)["status"] == "open"
    run(yq, repo, "grade", case_id)
    assert data(repo, case_id)["status"] == "graded"
    steps = [
        ("note", "graded"),  # bookkeeping: no move
        ("tracking", "handling"),  # tracking before any answer is still handling
        ("unit_report", "handling"),
        ("statement", "responded"),
        ("unit_report", "responded"),  # never backwards
        ("tracking", "tracking"),
    ]
    for action, expected in steps:
        assert run(yq, repo, "act", case_id, action)["status"] == expected, action
        assert data(repo, case_id)["status"] == expected


OWNED_ACTIONS = [
    ("discovered", "yqctl new 或 yqctl import"),
    ("graded", "yqctl grade"),  # act wrote a blank 定级 line with no grading record
    ("evidence_saved", "yqctl evidence add"),  # a 证据保全 with no file and no hash
    ("reassigned", "yqctl assign"),
    ("status_changed", "yqctl status"),
    ("closed", "yqctl close"),
    ("reopened", "yqctl reopen"),
]


@pytest.mark.parametrize(("action", "command"), OWNED_ACTIONS)
def test_act_refuses_the_entries_other_commands_own_naming_the_command(
    yq: Runner, repo: Path, case_id: str, snapshot: Snapshot, action: str, command: str
) -> None:
    before, head = snapshot(repo), git(repo, "rev-parse", "HEAD")
    result = yq("act", case_id, action, "--repo", str(repo), "--now", NOW)
    assert result.code == 2, (result.code, result.out)  # a usage error, like an unknown action
    assert f"只由 {command} 记录" in result.err and "Traceback" not in result.err
    assert snapshot(repo) == before and git(repo, "rev-parse", "HEAD") == head


def test_every_action_another_command_writes_is_refused_by_act() -> None:
    """The actions the other commands append (found in the source) are exactly those act refuses,
    so a command that comes to write its own entry must be named in lifecycle.COMMAND_OF."""
    import re

    from yqctl.core.enums import Action
    from yqctl.core.lifecycle import ACT_ACTIONS, COMMAND_OF

    source = Path(__file__).parents[2] / "src" / "yqctl"
    written = {
        Action[name]
        for path in source.rglob("*.py")
        for name in re.findall(r"entry\(\s*Action\.(\w+)", path.read_text("utf-8"))
    }
    # close writes the 总结评估 as a summary entry only when none was recorded with act before
    assert written - {Action.summary} == set(COMMAND_OF)
    assert {Action(action) for action, _ in OWNED_ACTIONS} == set(COMMAND_OF)
    assert set(ACT_ACTIONS) == set(Action) - set(COMMAND_OF)


# ---- close and reopen ----------------------------------------------------------------------------


def test_close_is_refused_while_deadlines_are_open_and_names_them(
    yq: Runner, repo: Path, case_id: str, snapshot: Snapshot
) -> None:
    run(yq, repo, "grade", case_id)  # 三级: registration form within 24 h, reply within 48 h
    err = refused(
        yq, repo, snapshot, "close", case_id, "--result", "已答复", "--evaluation", "及时"
    )
    assert "不能办结" in err and "《舆情处置情况登记表》" in err and "五(二)" in err
    assert "--force --reason" in err


def test_close_records_the_evaluation_and_meets_the_summary_deadline(
    yq: Runner, repo: Path, case_id: str
) -> None:
    run(yq, repo, "grade", case_id)
    run(yq, repo, "act", case_id, "registration_form", "--at", "2026-11-24T11:00:00+08:00")
    run(yq, repo, "act", case_id, "reply", "--at", "2026-11-24T12:00:00+08:00")
    out = run(
        yq,
        repo,
        "close",
        case_id,
        "--result",
        "已答复处理结果",
        "--evaluation",
        "回应及时，家长认可",
        "--lessons",
        "食堂巡查要常态化",
        "--improvements",
        "每周抽检",
    )
    assert out["status"] == "closed" and out["forced_over"] == []
    case = data(repo, case_id)
    assert case["status"] == "closed"
    assert case["closure"]["result"] == "已答复处理结果"
    assert case["closure"]["evaluation"] == "回应及时，家长认可"
    assert case["closure"]["improvements"] == "每周抽检"
    assert [e["action"] for e in case["timeline"]][-2:] == ["summary", "closed"]
    assert last_message(repo) == f"yqctl close {case_id}: 办结：已答复处理结果"
    shown = run(yq, repo, "show", case_id)
    assert all(d["status"] in ("met", "met_late") for d in shown["deadlines"])
    page = yq("show", case_id, "--repo", str(repo), "--now", NOW).out
    for text in (
        "总结评估：回应及时，家长认可",
        "经验教训：食堂巡查要常态化",
        "改进措施：每周抽检",
    ):
        assert text in page, text
    # why the level: the policy's default level, with its text and clause (university 四)
    assert "依据 u3-general：网络上出现个别或少量的有害信息" in page and "（四）" in page


def test_force_close_keeps_the_reason_in_the_record(yq: Runner, repo: Path, case_id: str) -> None:
    run(yq, repo, "grade", case_id)
    out = run(
        yq, repo, "close", case_id, "--result", "误报", "--evaluation", "核实为误报",
        "--force", "--reason", "经核实与我校无关",
    )  # fmt: skip
    assert len(out["forced_over"]) == 2
    closing = data(repo, case_id)["timeline"][-1]
    assert closing["action"] == "closed" and "强制办结理由：经核实与我校无关" in closing["text"]
    assert "强制：经核实与我校无关" in last_message(repo)


def test_force_needs_a_reason_and_result_and_evaluation_are_required(
    yq: Runner, repo: Path, case_id: str, snapshot: Snapshot
) -> None:
    args = ("close", case_id, "--result", "x", "--evaluation", "y")
    assert "--reason" in refused(yq, repo, snapshot, *args, "--force")
    assert "不能为空" in refused(
        yq, repo, snapshot, "close", case_id, "--result", " ", "--evaluation", "y"
    )
    assert "--evaluation" in refused(yq, repo, snapshot, "close", case_id, "--result", "x")


def test_a_closed_case_refuses_changes_until_reopened(
    yq: Runner, repo: Path, case_id: str, snapshot: Snapshot
) -> None:
    run(yq, repo, "grade", case_id)
    run(
        yq, repo, "close", case_id, "--result", "r", "--evaluation", "e", "--force", "--reason", "z"
    )
    assert "已办结" in refused(yq, repo, snapshot, "act", case_id, "reply")
    assert "reopen" in refused(yq, repo, snapshot, "assign", case_id, "学生处")
    assert "reopen" in refused(yq, repo, snapshot, "set", case_id, "title=新标题")
    assert "reopen" in refused(yq, repo, snapshot, "status", case_id, "handling", "--reason", "x")
    assert "已办结" in refused(
        yq, repo, snapshot, "close", case_id, "--result", "r", "--evaluation", "e"
    )
    run(yq, repo, "act", case_id, "note", "--text", "补充说明")  # a note is still allowed

    out = run(yq, repo, "reopen", case_id, "--reason", "事件再次发酵")
    case = data(repo, case_id)
    assert out["status"] == case["status"] == "graded"  # what the record implies
    assert "closure" not in case or case["closure"] is None
    assert case["timeline"][-1]["action"] == "reopened"
    assert run(yq, repo, "act", case_id, "statement")["status"] == "responded"
    assert "未办结" in refused(yq, repo, snapshot, "reopen", case_id, "--reason", "x")


def test_reports_count_a_closed_case_as_closed_and_a_reopened_one_as_open(
    yq: Runner, repo: Path, case_id: str
) -> None:
    run(yq, repo, "grade", case_id)
    run(
        yq, repo, "close", case_id, "--result", "r", "--evaluation", "e", "--force", "--reason", "z"
    )
    week = run(yq, repo, "report", "weekly")
    assert week["totals"]["closed"] == 1 and week["totals"]["open_at_end"] == 0
    run(yq, repo, "reopen", case_id, "--reason", "再次发酵")
    week = run(yq, repo, "report", "weekly")
    assert week["totals"]["closed"] == 0 and week["totals"]["open_at_end"] == 1


# ---- status by hand --------------------------------------------------------------------------


def test_status_by_hand_is_recorded_with_its_reason(yq: Runner, repo: Path, case_id: str) -> None:
    run(yq, repo, "grade", case_id)
    run(yq, repo, "act", case_id, "statement")
    out = run(yq, repo, "status", case_id, "handling", "--reason", "出现新的质疑，重新核查")
    assert out == {"id": case_id, "from": "responded", "status": "handling"}
    entry = data(repo, case_id)["timeline"][-1]
    assert entry["action"] == "status_changed"
    assert entry["text"] == "已回应 → 处置中：出现新的质疑，重新核查"
    assert last_message(repo).startswith(f"yqctl status {case_id}: responded → handling")


@pytest.mark.parametrize(
    ("target", "graded", "message"),
    [
        ("closed", True, "yqctl close"),
        ("open", True, "不能退回 open"),
        ("handling", False, "尚未定级"),
        ("graded", True, "状态已是"),
        ("finished", True, "未知的处置状态"),
    ],
)
def test_invalid_status_moves_are_refused(
    yq: Runner,
    repo: Path,
    case_id: str,
    snapshot: Snapshot,
    target: str,
    graded: bool,
    message: str,
) -> None:
    if graded:
        run(yq, repo, "grade", case_id)
    err = refused(yq, repo, snapshot, "status", case_id, target, "--reason", "试试")
    assert message in err


# ---- assign ----------------------------------------------------------------------------------


def test_assign_moves_the_case_and_its_open_deadlines(yq: Runner, repo: Path, case_id: str) -> None:
    run(yq, repo, "grade", case_id)
    before = run(yq, repo, "due")
    assert {item["unit"] for item in before if item["id"] == case_id} == {"后勤处"}
    out = run(yq, repo, "assign", case_id, "学生处", "--reason", "涉及学生宿舍管理")
    assert out == {"id": case_id, "from": "后勤处", "unit": "学生处"}
    case = data(repo, case_id)
    assert case["unit"] == "学生处"
    assert case["timeline"][-1]["action"] == "reassigned"
    assert case["timeline"][-1]["text"] == "后勤处 → 学生处：涉及学生宿舍管理"
    after = run(yq, repo, "due")
    assert {item["unit"] for item in after if item["id"] == case_id} == {"学生处"}
    assert last_message(repo) == f"yqctl assign {case_id}: 后勤处 → 学生处：涉及学生宿舍管理"


def test_assign_refuses_an_unknown_or_the_same_unit(
    yq: Runner, repo: Path, case_id: str, snapshot: Snapshot
) -> None:
    err = refused(yq, repo, snapshot, "assign", case_id, "宣传科")
    assert "未知的涉事单位 '宣传科'" in err and "学生处" in err
    assert "已是 后勤处" in refused(yq, repo, snapshot, "assign", case_id, "后勤处")


# ---- set -------------------------------------------------------------------------------------


def test_set_changes_typed_facts_keeps_comments_and_commits_once(
    yq: Runner, repo: Path, case_id: str
) -> None:
    path = repo / "cases" / "2026" / f"{case_id}.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "# 值班员手记：保留这条注释\n", encoding="utf-8"
    )
    git(repo, "commit", "-qam", "hand note")
    commits = int(git(repo, "rev-list", "--count", "HEAD"))
    out = run(
        yq, repo, "set", case_id, "signals.spread=local_hotspot", "signals.reposts=5000",
        "category=malicious_spread", "title=123", "discovered_at=2026-11-24 09:05",
    )  # fmt: skip
    case = data(repo, case_id)
    assert case["signals"]["spread"] == "local_hotspot" and case["signals"]["reposts"] == 5000
    assert case["category"] == "malicious_spread"
    assert case["title"] == "123"  # text stays text
    assert str(case["discovered_at"]) == "2026-11-24 09:05:00+08:00"
    assert out["set"]["signals.reposts"] == 5000
    assert "# 值班员手记：保留这条注释" in path.read_text(encoding="utf-8")
    assert int(git(repo, "rev-list", "--count", "HEAD")) == commits + 1
    assert last_message(repo).startswith(f"yqctl set {case_id}: signals.spread=local_hotspot")


def test_set_reads_counts_as_import_does(
    yq: Runner, repo: Path, new_case: Callable[..., str]
) -> None:
    """1.2万, 10万+ and 1,234 as an export writes them (they were refused as not integers), for
    every count signal and a source's 粉丝数; the new engagement fields are set like the others."""
    case_id = new_case("--source", "https://www.xiaohongshu.com/explore/1")
    out = run(
        yq, repo, "set", case_id, "signals.reposts=1.2万", "signals.views=10万+",
        "signals.likes=1,234", "signals.favorites=3k", "sources.1.followers=2.5万",
        "sources.1.keywords=食堂、异物", "sources.1.alert_level=红色预警",
    )  # fmt: skip
    assert out["set"]["signals.reposts"] == 12000
    case = data(repo, case_id)
    assert {k: case["signals"][k] for k in ("reposts", "views", "likes", "favorites")} == {
        "reposts": 12000, "views": 100000, "likes": 1234, "favorites": 3000,
    }  # fmt: skip
    source = case["sources"][0]
    assert source["platform"] == "xiaohongshu"  # new --source knows the host
    assert (source["followers"], source["keywords"], source["alert_level"]) == (
        25000, "食堂、异物", "红色预警",
    )  # fmt: skip
    assert last_message(repo).startswith(f"yqctl set {case_id}: signals.reposts=12000")
    run(yq, repo, "set", case_id, "sources.1.followers=")  # empty removes it, as for the others
    assert "followers" not in data(repo, case_id)["sources"][0]


def test_new_reads_count_signals_as_import_does(yq: Runner, repo: Path) -> None:
    base = ["new", "--title", "t", "--unit", "后勤处", "--category", "inquiry"]
    made = yq(*base, "--signal", "reposts=1.2万", "--signal", "likes=10万+", "--repo", str(repo),
              "--now", NOW, "--json")  # fmt: skip
    assert made.code == 0, made.err
    assert data(repo, made.json()["id"])["signals"]["reposts"] == 12000
    assert data(repo, made.json()["id"])["signals"]["likes"] == 100000
    bad = yq(*base, "--signal", "comments=好多", "--repo", str(repo), "--now", NOW)
    assert bad.code == 2 and "--signal comments：'好多' 不是数量" in bad.err


def test_set_on_a_graded_case_says_what_grade_would_now_give(
    yq: Runner, repo: Path, case_id: str
) -> None:
    run(yq, repo, "grade", case_id)  # 三级
    out = run(yq, repo, "set", case_id, "signals.spread=local_hotspot", "signals.harmful=true")
    assert out["grade_now"]["level"] == 2  # 局部热点且有害 → 二级 (university 四)
    text = yq("set", case_id, "signals.reposts=9000", "--repo", str(repo), "--now", NOW)
    assert text.code == 0 and "级别可能变化" in text.out and "二级" in text.out
    assert data(repo, case_id)["level"] == 3  # set never re-grades by itself
    quiet = run(yq, repo, "set", case_id, "summary=补充摘要")
    assert quiet["grade_now"] is None  # no fact grading reads changed


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        (
            "signals.reposts=很多",
            "signals.reposts：'很多' 不是数量（如 1234、1,234、1.2万、10万+）",
        ),
        ("signals.likes=-3", "不是数量"),
        ("category=rumour", "category"),
        ("unit=学生处", "yqctl assign"),
        ("level=1", "yqctl grade"),
        ("status=closed", "yqctl status"),
        ("timeline=x", "yqctl act"),
        ("id=YQ-20261124-AAAA", "不能修改"),
        ("signals.nonsense=1", "不能用 set 修改"),
        ("sources.9.url=https://x.cn", "来源编号"),
        ("title", "FIELD=VALUE"),
        ("signals.spread=[1, 2]", "单个值"),
        ("title=", "title"),
    ],
)
def test_set_refuses_bad_values_and_fields_other_commands_own(
    yq: Runner,
    repo: Path,
    case_id: str,
    snapshot: Snapshot,
    assignment: str,
    message: str,
) -> None:
    err = refused(yq, repo, snapshot, "set", case_id, assignment)
    assert message in err, err


def test_set_error_points_into_the_case_file(
    yq: Runner, repo: Path, case_id: str, snapshot: Snapshot
) -> None:
    err = refused(yq, repo, snapshot, "set", case_id, "signals.harmful=5")
    assert f"cases/2026/{case_id}.yaml:" in err and "signals.harmful" in err
