"""``yqctl grade``, ``yqctl due``, ``yqctl policy show`` and ``new --type`` through the real CLI."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import NOW, Runner, git

DISCOVERED = "2026-11-24 09:30"


def grade(yq: Runner, repo: Path, case_id: str, *flags: str, now: str = NOW) -> dict[str, Any]:
    result = yq("grade", case_id, "--repo", str(repo), "--now", now, "--json", *flags)
    assert result.code == 0, result.err
    data: Any = result.json()
    return data


def due(yq: Runner, repo: Path, *flags: str, now: str = NOW) -> list[dict[str, Any]]:
    result = yq("due", "--repo", str(repo), "--now", now, "--json", *flags)
    assert result.code in (0, 1), result.err
    data: Any = result.json()
    return data


def test_grade_records_level_rules_hash_and_timeline(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case("--discovered-at", DISCOVERED, "--signal", "authority_request=true")
    out = grade(yq, repo, case_id)
    assert (out["id"], out["level"], out["level_name"], out["major"]) == (case_id, 1, "一级", True)
    assert [rule["id"] for rule in out["matched_rules"]] == ["u1-authority"]
    assert all(rule["text"] and rule["clause"] == "四" for rule in out["matched_rules"])
    statement = next(d for d in out["deadlines"] if d["key"] == "statement")
    # 重大舆情 5 小时内发声 五(三)1, from when the grading recognised it as 重大 (issue 19)
    assert statement["due"] == "2026-11-24T21:00:00+08:00"
    assert (statement["start"], statement["start_label"]) == (
        "2026-11-24T16:00:00+08:00",
        "定为一级（重大舆情）",
    )
    assert statement["owner"] == {"key": "units.党委宣传部", "name": "党委宣传部"}
    assert statement["status"] == "open"
    roles = {c["role"] for c in out["contacts"]}
    assert {"unit.head", "office", "office_director", "group_leader"} <= roles
    shown = yq("show", case_id, "--repo", str(repo), "--json").json()
    assert shown["level"] == 1 and shown["status"] == "graded"
    [entry] = shown["grading"]
    policy_bytes = (repo / "policies" / "university.yaml").read_bytes()
    assert entry["policy_hash"] == hashlib.sha256(policy_bytes).hexdigest()
    assert entry["matched"] == ["u1-authority"] and entry["policy"] == "university"
    assert shown["timeline"][-1]["action"] == "graded"
    subject = git(repo, "log", "-1", "--format=%s").strip()
    assert subject == f"yqctl grade {case_id}: 一级（u1-authority）"


def test_grade_dry_run_changes_nothing(
    repo: Path,
    yq: Runner,
    new_case: Callable[..., str],
    snapshot: Callable[[Path], dict[str, bytes]],
) -> None:
    case_id = new_case()
    before, head = snapshot(repo), git(repo, "rev-parse", "HEAD")
    out = grade(yq, repo, case_id, "--dry-run")
    assert out["level"] == 3 and out["dry_run"] is True
    assert snapshot(repo) == before and git(repo, "rev-parse", "HEAD") == head


def test_grade_override_needs_reason_and_is_recorded(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case()
    missing = yq("grade", case_id, "--repo", str(repo), "--now", NOW, "--level", "2")
    assert missing.code == 1 and "--reason" in missing.err
    lonely = yq("grade", case_id, "--repo", str(repo), "--now", NOW, "--reason", "x")
    assert lonely.code == 2
    unknown = yq(
        "grade", case_id, "--repo", str(repo), "--now", NOW, "--level", "7", "--reason", "x"
    )
    assert unknown.code == 1 and "级别 7" in unknown.err
    out = grade(yq, repo, case_id, "--level", "2", "--reason", "涉及多名学生，领导小组研判升级")
    assert out["level"] == 2 and out["rule_level"] == 3
    entry = yq("show", case_id, "--repo", str(repo), "--json").json()["grading"][-1]
    assert entry["override_reason"] == "涉及多名学生，领导小组研判升级"


def test_regrading_after_spread_moves_deadlines(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case("--discovered-at", DISCOVERED)
    first = grade(yq, repo, case_id, now="2026-11-24T10:00:00+08:00")
    assert first["level"] == 3
    assert "registration_form" in {a for d in first["deadlines"] for a in d["closed_by"]}
    path = repo / "cases" / "2026" / f"{case_id}.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("spread: isolated", "spread: local_hotspot").replace(
        "harmful: false", "harmful: true"
    )
    path.write_text(text, encoding="utf-8")
    git(repo, "commit", "-qam", "帖文扩散")
    second = grade(yq, repo, case_id, now="2026-11-24T11:00:00+08:00")
    assert second["level"] == 2 and second["matched_rules"][0]["id"] == "u2-local-hotspot"
    closers = {a for d in second["deadlines"] for a in d["closed_by"]}
    assert "registration_form" not in closers and {"unit_report", "opinion_form"} <= closers
    unit_report = next(d for d in second["deadlines"] if d["closed_by"] == ["unit_report"])
    # 2 小时 五(二), from when it became 二级 (issue 19), not from discovery (was 11:30: overdue)
    assert unit_report["due"] == "2026-11-24T13:00:00+08:00"
    assert unit_report["start_label"] == "定为二级"
    assert len(yq("show", case_id, "--repo", str(repo), "--json").json()["grading"]) == 2


def test_due_orders_overdue_first_and_filters(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    old = new_case(
        "--discovered-at", "2026-11-22 09:00", "--unit", "学生处"
    )  # 24h 登记表 long overdue
    recent = new_case("--discovered-at", "2026-11-24 14:00")  # due tomorrow
    ungraded = new_case("--discovered-at", "2026-11-24 15:00")
    grade(yq, repo, old, now="2026-11-22T10:00:00+08:00")
    grade(yq, repo, recent, now="2026-11-24T14:10:00+08:00")
    items = due(yq, repo)
    assert items[0]["id"] == ungraded and items[0]["deadline"]["title"] == "待定级"
    statuses = [item["deadline"]["status"] for item in items[1:]]
    assert statuses == sorted(statuses, key=["overdue", "due_soon", "open"].index)
    overdue = [item for item in items if item["deadline"]["status"] == "overdue"]
    assert overdue and all(item["id"] == old for item in overdue)
    minutes = [item["overdue_by_minutes"] for item in overdue]
    assert minutes == sorted(minutes, reverse=True) and minutes[0] > 24 * 60
    for item in items:
        assert set(item) >= {"id", "title", "level", "unit", "deadline", "overdue_by_minutes"}
        assert set(item["deadline"]) >= {"key", "title", "due", "status"}
    assert {item["id"] for item in due(yq, repo, "--unit", "学生处")} == {old}
    soon = due(yq, repo, "--within", "2h")
    assert all(
        i["deadline"]["status"] in ("overdue", "due_soon") or i["deadline"]["due"] is None
        for i in soon
        if i["level"]
    )
    assert yq("due", "--repo", str(repo), "--now", NOW, "--check").code == 1
    calm = yq(
        "due",
        "--repo",
        str(repo),
        "--now",
        "2026-11-22T10:05:00+08:00",
        "--check",
        "--unit",
        "学生处",
    )
    assert calm.code == 0, calm.out


def test_due_all_shows_met_deadlines_with_time(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case("--discovered-at", DISCOVERED)
    grade(yq, repo, case_id, now="2026-11-24T09:40:00+08:00")
    acted = yq(
        "act",
        case_id,
        "registration_form",
        "--repo",
        str(repo),
        "--now",
        NOW,
        "--at",
        "2026-11-24 12:00",
    )
    assert acted.code == 0, acted.err
    open_keys = {i["deadline"]["key"] for i in due(yq, repo) if i["id"] == case_id}
    met = [
        i for i in due(yq, repo, "--all") if i["id"] == case_id and i["deadline"]["status"] == "met"
    ]
    assert met and met[0]["deadline"]["met_at"] == "2026-11-24T12:00:00+08:00"
    assert met[0]["deadline"]["key"] not in open_keys


def test_due_on_demo_shows_a_realistic_mix(demo_repo: Path, yq: Runner) -> None:
    items = due(yq, demo_repo)
    statuses = {item["deadline"]["status"] for item in items}
    assert {"overdue", "due_soon", "open"} <= statuses
    assert items[0]["deadline"]["title"] == "待定级"
    human = yq("due", "--repo", str(demo_repo), "--now", NOW)
    assert "已超时" in human.out and "待定级" in human.out


def test_policy_show_lists_every_clause(repo: Path, yq: Runner) -> None:
    result = yq("policy", "show", "--repo", str(repo))
    assert result.code == 0, result.err
    for text in (
        "一级",
        "二级",
        "三级",
        "五(二)",
        "五(三)",
        "u1-authority",
        "u2-account-compromised",
    ):
        assert text in result.out, text
    middle = yq("policy", "show", "middle-school", "--repo", str(repo), "--json")
    assert middle.code == 0, middle.err
    data = middle.json()
    assert data["id"] == "middle-school" and len(data["tables"]) == 5
    deadlines = next(table for table in data["tables"] if table["title"].startswith("时限要求"))
    clauses = {row[deadlines["headers"].index("条款")] for row in deadlines["rows"]}
    assert any("四(三)" in clause for clause in clauses)


def test_new_with_type_prefills_fields(repo: Path, yq: Runner) -> None:
    result = yq(
        "new",
        "--repo",
        str(repo),
        "--now",
        NOW,
        "--json",
        "--type",
        "canteen",
        "--title",
        "二食堂饭菜有虫",
    )
    assert result.code == 0, result.err
    data = result.json()
    assert data["title"] == "【食品安全】二食堂饭菜有虫"
    assert (data["unit"], data["category"]) == ("后勤处", "inquiry")
    assert data["first_actions"]
    unknown = yq("new", "--repo", str(repo), "--now", NOW, "--type", "nosuch", "--title", "x")
    assert unknown.code == 1 and "canteen" in unknown.err


def test_due_names_unreadable_case_and_exits_1(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    good = new_case()
    broken = repo / "cases" / "2026" / "YQ-20261124-BAD0.yaml"
    broken.write_text("version: 1\nid: YQ-20261124-BAD0\ntitle: [\n", encoding="utf-8")
    result = yq("due", "--repo", str(repo), "--now", NOW, "--json")
    assert result.code == 1
    assert "cases/2026/YQ-20261124-BAD0.yaml:" in result.err
    assert any(item["id"] == good for item in result.json())  # the readable cases still listed


def test_show_lists_deadlines_met_and_open(
    repo: Path, yq: Runner, new_case: Callable[..., str]
) -> None:
    case_id = new_case("--discovered-at", DISCOVERED)
    grade(yq, repo, case_id, now="2026-11-24T09:40:00+08:00")
    assert (
        yq(
            "act", case_id, "reply", "--repo", str(repo), "--now", NOW, "--at", "2026-11-24 11:00"
        ).code
        == 0
    )
    shown = yq("show", case_id, "--repo", str(repo), "--now", NOW, "--json").json()
    states = {d["key"]: d for d in shown["deadlines"]}
    assert (
        states["reply"]["status"] == "met"
        and states["reply"]["met_at"] == "2026-11-24T11:00:00+08:00"
    )
    assert states["registration_form"]["status"] == "open"
    human = yq("show", case_id, "--repo", str(repo), "--now", NOW)
    assert "处置时限" in human.out and "按时完成" in human.out and "三级" in human.out
