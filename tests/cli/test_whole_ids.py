"""An id is matched whole (issue 18 item 11): ``cases/2026/YQ-20261124-NNN1\\n.yaml`` holding
``id: "YQ-20261124-NNN1\\n"`` passed ``check`` and ``list`` and its id reached a commit message,
because the id pattern's ``$`` also matches before a final newline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.test_bad_input import case_text, no_traceback, put
from tests.conftest import NOW, Runner, git

NEWLINE_ID = "YQ-20261124-NNN1\n"
NEWLINE_FILE = f"cases/2026/{NEWLINE_ID}.yaml"


@pytest.fixture
def good_id(new_case: Callable[..., str]) -> str:
    return new_case()


@pytest.fixture
def newline_case(repo: Path) -> Path:
    """The file with the newline in its name and its id, committed as a colleague's clone would."""
    return put(repo, NEWLINE_FILE, case_text('"YQ-20261124-NNN1\\n"'))


def test_check_reports_a_case_whose_id_and_file_name_end_in_a_newline(
    repo: Path, good_id: str, newline_case: Path, yq: Runner
) -> None:
    result = yq("check", "--repo", str(repo), "--json")
    assert result.code == 1
    [problem] = [p for p in result.json()["problems"] if p["path"] == NEWLINE_FILE]
    assert (problem["line"], problem["col"]) == (2, 5)
    assert "案件编号" in problem["message"] and "格式不对" in problem["message"]


def test_list_does_not_show_it_as_a_case_but_names_it(
    repo: Path, good_id: str, newline_case: Path, yq: Runner
) -> None:
    result = yq("list", "--repo", str(repo), "--json")
    assert result.code == 1
    no_traceback(result)
    assert [case["id"] for case in result.json()] == [good_id]
    assert "格式不对" in result.err


def test_no_command_takes_the_newline_id_or_puts_it_in_a_commit_message(
    repo: Path, good_id: str, newline_case: Path, yq: Runner
) -> None:
    commands = [
        ("act", NEWLINE_ID, "note", "--text", "补记", "--now", NOW),
        ("set", NEWLINE_ID, "title=改个标题", "--now", NOW),
        ("status", NEWLINE_ID, "handling", "--reason", "开始处置", "--now", NOW),
        ("grade", NEWLINE_ID, "--now", NOW),
        ("show", NEWLINE_ID),
        ("history", NEWLINE_ID),
    ]
    for args in commands:
        result = yq(*args, "--repo", str(repo))
        assert result.code != 0, args
        no_traceback(result)
        assert "格式不对" in result.err, (args, result.err)
    messages = git(repo, "log", "--format=%B")
    assert "NNN1" not in messages.replace(f"add {NEWLINE_FILE}", "")  # only the test's own commit
