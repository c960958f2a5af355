"""The policy carries the school's name (issue 19 item 7), end to end: `init` titles the policy
from --institution or --policy-title (the file's comments kept), the reports print that title,
and `check` warns at path:line:col about every sample placeholder left in yq.yaml, org.yaml and
the policy, with how to fill it in."""

from __future__ import annotations

import difflib
import os
import pty
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_new_prompts import _converse, _yqctl
from tests.conftest import NOW, Runner, git
from yqctl import resources

MONTH = ("report", "monthly", "--month", "2026-11", "--now", NOW)
SHIPPED_TITLES = {
    "university": "XX工程学院舆情管理与处置办法（试行）",
    "middle-school": "xx中学舆情应急处置预案",
}


def init(yq: Runner, root: Path, *args: str) -> Any:
    result = yq("init", str(root), *args, "--json")
    assert result.code == 0, result.err
    return result.json()


def policy_lines(root: Path, policy: str) -> list[str]:
    return (root / "policies" / f"{policy}.yaml").read_text(encoding="utf-8").splitlines()


def position(root: Path, relative: str, key: str, text: str) -> tuple[int, int]:
    """Line and column (1-based) of ``text`` on the line that starts with ``key:``."""
    lines = (root / relative).read_text(encoding="utf-8").splitlines()
    number, line = next((n, row) for n, row in enumerate(lines, 1) if row.startswith(f"{key}:"))
    return number, line.index(text) + 1


@pytest.mark.parametrize(
    ("policy", "school", "title"),
    [
        ("university", "某某大学", "某某大学舆情管理与处置办法（试行）"),
        ("middle-school", "某某中学", "某某中学舆情应急处置预案"),
    ],
)
def test_init_titles_the_policy_from_the_institution_and_the_reports_print_it(
    yq: Runner, tmp_path: Path, policy: str, school: str, title: str
) -> None:
    root = tmp_path / "school"
    made = init(yq, root, "--policy", policy, "--institution", school, "--demo")
    assert made["policy_title"] == title
    for fmt in ("md", "html"):
        report = yq(*MONTH, "--repo", str(root), "--format", fmt)
        assert report.code == 0, report.err
        assert f"按《{title}》规定的处置时限" in report.out
        assert SHIPPED_TITLES[policy] not in report.out
    assert yq("check", "--repo", str(root)).code == 0


@pytest.mark.parametrize("policy", ["university", "middle-school"])
def test_init_changes_nothing_in_the_policy_but_its_title(
    yq: Runner, tmp_path: Path, policy: str
) -> None:
    root = tmp_path / "school"
    init(yq, root, "--policy", policy, "--institution", "某某学校")
    shipped = (resources.data_dir("policies") / f"{policy}.yaml").read_text("utf-8").splitlines()
    changed = [
        line
        for line in difflib.unified_diff(shipped, policy_lines(root, policy), lineterm="", n=0)
        if line[:1] in "+-" and line[:3] not in ("---", "+++")
    ]
    assert changed == [f"-name: {SHIPPED_TITLES[policy]}", f"+name: {changed[1][7:]}"]
    assert "某某学校" in changed[1]
    assert git(root, "status", "--porcelain") == ""  # committed with the rest


def test_policy_title_gives_the_documents_own_title(yq: Runner, tmp_path: Path) -> None:
    root = tmp_path / "school"
    made = init(
        yq,
        root,
        "--institution",
        "某某学院",
        "--policy-title",
        "《某某学院网络舆情应急处置办法》",
        "--demo",
    )
    assert made["policy_title"] == "某某学院网络舆情应急处置办法"  # the 《》 are the reports'
    assert "name: 某某学院网络舆情应急处置办法" in policy_lines(root, "university")
    monthly = yq(*MONTH, "--repo", str(root)).out
    assert "按《某某学院网络舆情应急处置办法》规定的处置时限" in monthly


def test_init_says_the_title_and_how_to_change_it(yq: Runner, tmp_path: Path) -> None:
    plain = yq("init", str(tmp_path / "a"))
    assert "处置政策标题：《XX工程学院舆情管理与处置办法（试行）》" in plain.out
    assert "--institution" in plain.out and "--policy-title" in plain.out
    named = yq("init", str(tmp_path / "b"), "--institution", "某某大学")
    assert "处置政策标题：《某某大学舆情管理与处置办法（试行）》" in named.out
    assert "--policy-title" not in named.out


@pytest.mark.parametrize(
    ("flag", "value", "said"),
    [
        ("--institution", "某某\n大学", "只能写一行"),
        ("--institution", "  ", "不能为空"),
        ("--policy-title", "办法\x1b[31m", "控制字符"),
        ("--policy-title", "《》", "不能为空"),
    ],
)
def test_a_name_that_cannot_be_printed_is_refused_before_anything_is_written(
    yq: Runner, tmp_path: Path, flag: str, value: str, said: str
) -> None:
    root = tmp_path / "school"
    result = yq("init", str(root), flag, value)
    assert result.code == 2 and said in result.err and "Traceback" not in result.err
    assert not root.exists()


# ---- check ------------------------------------------------------------------------------------


def placeholder_warnings(yq: Runner, root: Path) -> list[dict[str, Any]]:
    result = yq("check", "--repo", str(root), "--json")
    assert result.code == 0, result.out  # warnings, not problems
    return [w for w in result.json()["warnings"] if "样例的占位内容" in w["message"]]


def test_check_warns_about_every_sample_name_at_its_place(yq: Runner, repo: Path) -> None:
    found = {(w["path"], w["line"], w["col"]): w["message"] for w in placeholder_warnings(yq, repo)}
    policy = "policies/university.yaml"
    expected = {
        ("yq.yaml", *position(repo, "yq.yaml", "institution", "XX")): "yqctl init --institution",
        ("org.yaml", *position(repo, "org.yaml", "institution", "XX")): "与 yq.yaml 的",
        (policy, *position(repo, policy, "name", "XX")): "yqctl init --policy-title",
        (policy, *position(repo, policy, "source", "20XX")): "文号的实际年份",
    }
    for place, advice in expected.items():
        assert place in found, place
        assert advice in found[place]
    assert "“20XX”" in found[policy, *position(repo, policy, "source", "20XX")]
    cac = [m for (path, _, _), m in found.items() if "XX市网信办" in m]
    assert len(cac) == 2  # the policy's external.cac and org.yaml's external.cac.title
    assert all("改为实际名称" in m for m in cac)


def test_check_lists_the_names_printed_on_documents_first(yq: Runner, repo: Path) -> None:
    lines = [line for line in yq("check", "--repo", str(repo)).out.splitlines() if "提醒" in line]
    assert lines[0].startswith("提醒 yq.yaml:")
    assert lines[1].startswith("提醒 policies/university.yaml:")


def test_names_given_to_init_leave_only_what_it_cannot_know(yq: Runner, tmp_path: Path) -> None:
    root = tmp_path / "school"
    init(yq, root, "--institution", "某某大学")
    left = {(w["path"], w["message"].split(" ")[0]) for w in placeholder_warnings(yq, root)}
    assert left == {
        ("policies/university.yaml", "source"),  # 苏教办[20XX]9号: the school's own numbers
        ("policies/university.yaml", "external.cac"),  # XX市网信办: the city is not known
        ("org.yaml", "external.cac.title"),
    }


def test_placeholders_are_told_from_real_text(yq: Runner, repo: Path) -> None:
    org = repo / "org.yaml"
    text = org.read_text(encoding="utf-8").replace(
        "institution: XX工程学院", "institution: 某某大学"
    )
    # Latin words holding X are real names; the 预案's X同志 and a bare X are placeholders
    text = text.replace("    title: XX市网信办", '    title: "XXL 与 Foxx 联合实验室"')
    text = text.replace("roles:\n", "roles:\n  leader_x:\n    title: X同志\n    name: X\n", 1)
    org.write_text(text, encoding="utf-8")
    git(repo, "commit", "-qam", "org")
    messages = [w["message"] for w in placeholder_warnings(yq, repo) if w["path"] == "org.yaml"]
    assert len(messages) == 2
    assert messages[0].startswith("roles.leader_x.title") and "改为实际姓名或岗位" in messages[0]
    assert messages[1].startswith("roles.leader_x.name 仍含样例的占位内容“X”")


def test_a_quoted_value_is_pointed_at_its_placeholder(yq: Runner, repo: Path) -> None:
    config = repo / "yq.yaml"
    config.write_text(
        config.read_text("utf-8").replace("institution: XX工程学院", 'institution: "某XX学院"'),
        encoding="utf-8",
    )
    git(repo, "commit", "-qam", "quoted")
    [warning] = [w for w in placeholder_warnings(yq, repo) if w["path"] == "yq.yaml"]
    assert (warning["line"], warning["col"]) == position(repo, "yq.yaml", "institution", "XX")


# ---- on a terminal ----------------------------------------------------------------------------


def config_value(root: Path, relative: str, key: str) -> str:
    line = next(
        row
        for row in (root / relative).read_text("utf-8").splitlines()
        if row.startswith(f"{key}:")
    )
    return line.split(":", 1)[1].strip()


def test_init_on_a_terminal_asks_the_name_and_offers_the_title_it_gives(tmp_path: Path) -> None:
    root = tmp_path / "school"
    code, screen = _converse([_yqctl(), "init", str(root)], ["某某大学", ""], tmp_path)
    assert code == 0, screen
    assert "学校名称" in screen
    assert "[某某大学舆情管理与处置办法（试行）]" in screen  # offered: Enter takes it
    assert config_value(root, "yq.yaml", "institution") == "某某大学"
    assert (
        config_value(root, "policies/university.yaml", "name")
        == "某某大学舆情管理与处置办法（试行）"
    )


def test_init_on_a_terminal_takes_the_documents_own_title_after_a_bad_one(tmp_path: Path) -> None:
    root = tmp_path / "school"
    answers = ["", "办法\x07", "《某某学院网络舆情处置办法》"]
    code, screen = _converse(
        [_yqctl(), "init", str(root), "--policy", "middle-school"], answers, tmp_path
    )
    assert code == 0, screen
    assert "含有控制字符" in screen and "请重新输入" in screen
    assert config_value(root, "yq.yaml", "institution") == "xx中学"  # kept: check will say so
    assert config_value(root, "policies/middle-school.yaml", "name") == "某某学院网络舆情处置办法"


def test_a_demo_keeps_the_samples_names_without_asking(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    code, screen = _converse([_yqctl(), "init", str(root), "--demo"], [], tmp_path)
    assert code == 0, screen
    assert "学校名称（" not in screen
    assert config_value(root, "yq.yaml", "institution") == "XX工程学院"


def test_init_asks_nothing_the_flags_gave(tmp_path: Path) -> None:
    root = tmp_path / "school"
    args = [_yqctl(), "init", str(root), "--institution", "某某大学", "--policy-title", "某某办法"]
    code, screen = _converse(args, [], tmp_path)
    assert code == 0, screen
    assert "学校名称（" not in screen and "标题（" not in screen
    assert config_value(root, "policies/university.yaml", "name") == "某某办法"


def test_init_asks_nothing_when_its_output_is_captured(tmp_path: Path) -> None:
    """A script (a bench, CI) with a terminal for input but capturing the output: an answer typed
    ahead is never read as the school's name."""
    root = tmp_path / "school"
    master, slave = pty.openpty()
    os.write(master, "某某大学\n\n".encode())  # what a prompt would read, were there one
    result = subprocess.run(
        [_yqctl(), "init", str(root)], stdin=slave, capture_output=True, text=True, check=False
    )
    os.close(slave)
    os.close(master)
    assert result.returncode == 0, result.stderr
    assert config_value(root, "yq.yaml", "institution") == "XX工程学院"
