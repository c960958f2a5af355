"""Issue 19 through the real CLI and git: duties that start when they arise, one owner per duty,
the category duties, the smaller readings — in ``due``, ``show``, ``grade``, ``set``, ``check``,
``close``, ``form``, ``init`` and ``policy show``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import Runner, git, invoke
from yqctl.core.due import DueEntry
from yqctl.store.index import CaseIndex
from yqctl.store.repo import Repo

FOUND = "2026-11-24T09:00:00+08:00"
AT_1500 = "2026-11-24T15:00:00+08:00"


def ok(yq: Runner, *args: str) -> Any:
    result = yq(*args, "--json")
    assert result.code in (0, 1), result.err
    return result.json()


def raised_case(repo: Path, new_case: Callable[..., str]) -> str:
    """The issue's example: found at 09:00 and graded 三级, raised to 二级 at 15:00."""
    case_id = new_case("--discovered-at", FOUND)
    r = ("--repo", str(repo))
    ok(invoke, "grade", case_id, *r, "--now", "2026-11-24T09:05:00+08:00")
    ok(invoke, "set", case_id, "signals.spread=local_hotspot", "signals.harmful=true", *r)
    second = ok(invoke, "grade", case_id, *r, "--now", AT_1500)
    assert second["level"] == 2
    return case_id


def by_key(items: list[dict[str, Any]], case_id: str) -> dict[str, dict[str, Any]]:
    return {i["deadline"]["key"]: i["deadline"] for i in items if i["id"] == case_id}


def test_due_counts_the_second_level_duties_from_when_the_case_became_second_level(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    """Was: 报办公室 due 09:30 and the 2-hour report due 11:00, overdue by 330 and 240 minutes
    the moment the case was graded."""
    case_id = raised_case(repo, new_case)
    items = ok(yq, "due", "--repo", str(repo), "--now", AT_1500)
    found = by_key(items, case_id)
    office, report = found["report_office"], found["unit_report"]
    assert (office["due"], office["status"]) == ("2026-11-24T15:30:00+08:00", "due_soon")
    assert (report["due"], report["status"]) == ("2026-11-24T17:00:00+08:00", "due_soon")
    assert (office["start"], office["start_from"], office["start_label"]) == (
        AT_1500,
        "applicable",
        "定为二级",
    )
    assert office["owner"] == {"key": "unit", "name": "后勤处"}
    assert found["opinion_form"]["owner"]["name"] == "舆情工作领导小组"
    assert found["reply"]["start"] == FOUND and found["reply"]["start_label"] == "发现"
    table = yq("due", "--repo", str(repo), "--now", AT_1500).out
    assert "起算" in table and "责任方" in table
    assert "2026-11-24 15:00 定为二级" in table and "舆情工作领导小组" in table


def test_show_and_grade_give_each_deadline_its_start_and_owner(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = raised_case(repo, new_case)
    shown = ok(yq, "show", case_id, "--repo", str(repo), "--now", AT_1500)
    office = next(d for d in shown["deadlines"] if d["key"] == "report_office")
    assert (office["start_label"], office["owner"]["name"]) == ("定为二级", "后勤处")
    page = yq("show", case_id, "--repo", str(repo), "--now", AT_1500).out
    for text in ("起算", "责任方", "定为二级", "舆情工作领导小组"):
        assert text in page, text
    dry = ok(yq, "grade", case_id, "--repo", str(repo), "--now", AT_1500, "--dry-run")
    assert {d["owner"]["name"] for d in dry["deadlines"]} == {"后勤处", "舆情工作领导小组"}


def test_a_case_made_major_later_counts_its_major_duties_from_the_grading_that_records_it(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = raised_case(repo, new_case)
    r = ("--repo", str(repo))
    changed = yq("set", case_id, "signals.major=true", *r)
    assert changed.code == 0, changed.err
    assert "认定为重大舆情" in changed.out and f"yqctl grade {case_id}" in changed.out
    later = "2026-11-24T16:00:00+08:00"
    # set alone records no moment: nothing starts until grade records it, and check says so
    assert "statement" not in by_key(ok(yq, "due", *r, "--now", later), case_id)
    warned = ok(yq, "check", *r)
    assert any("signals.major" in w["message"] for w in warned["warnings"])
    ok(yq, "grade", case_id, *r, "--now", later)
    found = by_key(ok(yq, "due", *r, "--now", later), case_id)
    statement = found["statement"]
    assert (statement["start"], statement["start_label"]) == (
        "2026-11-24T16:00:00+08:00",
        "认定为重大舆情",
    )
    assert statement["due"] == "2026-11-24T21:00:00+08:00"
    assert statement["owner"] == {"key": "units.党委宣传部", "name": "党委宣传部"}
    assert found["report_office"]["start"] == AT_1500  # 二级 since 15:00 still
    assert not any("signals.major" in w["message"] for w in ok(yq, "check", *r)["warnings"])


def test_a_press_conference_within_five_hours_is_also_the_statement(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    """五(三)1: 重大舆情5小时内发声 — a press conference held within them is itself a 发声."""
    case_id = new_case("--discovered-at", FOUND, "--signal", "authority_request=true")
    r = ("--repo", str(repo))
    ok(yq, "grade", case_id, *r, "--now", "2026-11-24T09:10:00+08:00")
    acted = yq("act", case_id, "press_conference", "--at", "2026-11-24 13:00", *r, "--now", AT_1500)
    assert acted.code == 0, acted.err
    found = by_key(ok(yq, "due", *r, "--all", "--now", AT_1500), case_id)
    assert found["statement"]["status"] == found["press_conference"]["status"] == "met"


def test_the_opinion_form_is_required_for_a_first_level_case(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    """五(二): 一级舆情除启动二级舆情响应机制外 — the 《舆情处置意见表》 too."""
    case_id = new_case("--discovered-at", FOUND, "--signal", "authority_request=true")
    ok(yq, "grade", case_id, "--repo", str(repo), "--now", "2026-11-24T09:10:00+08:00")
    result = yq("form", case_id, "opinion", "--repo", str(repo), "--now", AT_1500)
    assert result.code == 0, result.err
    assert "不要求此表" not in result.err
    assert "opinion_form" in by_key(ok(yq, "due", "--repo", str(repo), "--now", AT_1500), case_id)


def test_a_middle_school_fabrication_cannot_be_closed_without_the_referral(
    tmp_path: Path, yq: Runner
) -> None:
    """四(三)3: 要依法澄清事实真相，并请执纪执法部门依纪依法查处 — both, unconditionally."""
    repo = tmp_path / "school"
    assert yq("init", str(repo), "--policy", "middle-school").code == 0
    r = ("--repo", str(repo), "--now", AT_1500)
    made = ok(
        yq, "new", "--title", "网传学校合并", "--unit", "办公室", "--category", "fabrication",
        "--discovered-at", FOUND, *r,
    )  # fmt: skip
    case_id = made["id"]
    ok(yq, "grade", case_id, *r)
    found = by_key(ok(yq, "due", *r), case_id)
    assert found["referral"]["owner"] == {"key": "units.办公室", "name": "办公室"}
    assert found["clarify"]["owner"]["name"] == "宣传科"
    ok(yq, "act", case_id, "statement", "--text", "发布澄清说明", *r)
    close = ("close", case_id, "--result", "已澄清", "--evaluation", "澄清及时", *r)
    refused = yq(*close)
    assert refused.code == 1 and "请执纪执法部门依纪依法查处" in refused.err
    ok(yq, "act", case_id, "law_enforcement_referral", "--text", "已报辖区派出所", *r)
    assert ok(yq, *close)["status"] == "closed"


def test_init_and_policy_show_say_how_to_turn_the_follow_up_reminder_on(tmp_path: Path) -> None:
    created = invoke("init", str(tmp_path / "new"), "--policy", "middle-school")
    assert created.code == 0, created.err
    assert "follow_up_every: null" in created.out and "policies/middle-school.yaml" in created.out
    shown = invoke("policy", "show", "--repo", str(tmp_path / "new"), "--json").json()
    deadlines = next(t for t in shown["tables"] if t["title"].startswith("时限要求"))
    [follow_up] = [row for row in deadlines["rows"] if row[1] == "及时续报有关情况"]
    assert "把 follow_up_every: null 改为间隔（如 4h）即开启" in follow_up[2]


def test_policy_show_ends_with_what_the_policy_does_not_model(repo: Path, yq: Runner) -> None:
    page = yq("policy", "show", "--repo", str(repo)).out
    for text in ("未建模的原文", "新闻发言人", "原文", "责任", "起算", "一票否决"):
        assert text in page, text
    titles = [t["title"][:4] for t in ok(yq, "policy", "show", "--repo", str(repo))["tables"]]
    assert titles == ["舆情级别", "定级规则", "时限要求", "通知与上", "处置不力", "未建模的"]
    data = ok(yq, "policy", "show", "middle-school", "--repo", str(repo))
    last = data["tables"][-1]
    assert last["title"].startswith("未建模的原文")
    assert any("家长群" in row[1] for row in last["rows"])
    assert any("启动应急预案" in row[1] for row in last["rows"])


def test_due_rows_an_older_yqctl_remembered_are_computed_again(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    """The case index keeps due's rows under the code's fingerprint: rows an older yqctl stored
    (counted from discovery) are not served by this one."""
    case_id = raised_case(repo, new_case)
    git(repo, "status")  # nothing uncommitted: every case file is vouched for by git

    def plant(code: str) -> None:
        store = Repo(repo)
        index = CaseIndex(repo, "cases", code)
        context = store.policy_fingerprint
        [entry] = index.entries(store._read_entry, context=context)
        stale = DueEntry(
            case_id, "旧版本算出的行", 2, "二级", "后勤处", store.load_case(case_id).case.discovered_at,
            False, None,
        ).to_plain()  # fmt: skip
        index.store_due(context, [(entry, [stale], [])])
        index.close()

    def listed() -> list[str]:
        return [i["title"] for i in ok(yq, "due", "--repo", str(repo), "--now", AT_1500)]

    for stale in (repo / ".yqctl" / "cache").glob("cases.sqlite*"):
        stale.unlink()
    plant("0.9.0:1")  # an older yqctl's code fingerprint
    assert "旧版本算出的行" not in listed()
    # what makes it so: the same row stored under this code's own fingerprint would be served
    for stale in (repo / ".yqctl" / "cache").glob("cases.sqlite*"):
        stale.unlink()
    plant(Repo(repo).index.code)
    assert listed() == ["旧版本算出的行"]
