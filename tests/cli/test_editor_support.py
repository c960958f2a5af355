"""Shell completion and the pre-commit hook: yqctl reaches people in their shell and editor."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import Runner

ROOT = Path(__file__).resolve().parents[2]


def complete(*words: str) -> list[str]:
    """What yqctl offers when bash asks it to complete ``words`` (the last one partial)."""
    env = {
        **os.environ,
        "_YQCTL_COMPLETE": "complete_bash",
        "COMP_WORDS": " ".join(["yqctl", *words]),
        "COMP_CWORD": str(len(words)),
    }
    result = subprocess.run(
        [sys.executable, "-m", "yqctl"], env=env, capture_output=True, text=True, check=False
    )
    return result.stdout.split()


def test_bash_completes_commands_and_options() -> None:
    assert complete("sy") == ["sync"]
    assert set(complete("re")) == {"resolve", "report", "reopen"}
    assert "--within" in complete("due", "--wi")


def test_bash_completes_only_the_actions_act_records() -> None:
    offered = complete("act", "YQ-20261124-AAAA", "")
    assert {"reported_to_office", "statement", "summary", "note"} <= set(offered)
    owned = {"discovered", "graded", "evidence_saved", "reassigned", "status_changed", "closed"}
    assert not (owned | {"reopened"}) & set(offered)
    assert complete("act", "YQ-20261124-AAAA", "gr") == []  # graded is grade's
    assert set(complete("act", "YQ-20261124-AAAA", "re")) == {
        "reported_to_office", "reported_to_leaders", "reported_to_superiors",
        "reported_to_police", "registration_form", "reply", "result_reply",
    }  # fmt: skip


def test_completion_prints_a_script_for_each_shell(yq: Runner) -> None:
    for shell in ("bash", "zsh", "fish", "powershell"):
        result = yq("completion", shell)
        assert result.code == 0 and "_YQCTL_COMPLETE" in result.out, shell
    assert yq("completion", "tcsh").code == 2


def test_the_pre_commit_hook_runs_a_real_yqctl_command(yq: Runner, demo_repo: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    (hook,) = hooks
    assert hook["id"] == "yqctl-check" and hook["pass_filenames"] is False
    program, *args = hook["entry"].split()
    assert program == "yqctl"
    assert yq(*args, "--repo", str(demo_repo)).code == 0
    pattern = re.compile(hook["files"])
    for path in ("cases/2026/YQ-20261124-AAAA.yaml", "org.yaml", "policies/university.yaml"):
        assert pattern.search(path), path
    assert not pattern.search("README.md")
