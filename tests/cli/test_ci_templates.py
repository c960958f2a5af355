"""``yqctl init --ci gitlab|gitea|github``: check on every push and merge request, and a scheduled
``due --check --notify`` with each channel's address from the CI's secrets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import Runner, add_channel, git

pytestmark = pytest.mark.usefixtures("git_available")


@pytest.fixture
def with_channel(repo: Path) -> Path:
    return add_channel(repo, "wecom", "YQCTL_NOTIFY_WECOM")


def written(yq: Runner, repo: Path, kind: str) -> tuple[str, dict[str, Any]]:
    result = yq("init", "--ci", kind, "--json", cwd=repo)
    assert result.code == 0, result.err
    path = result.json()["path"]
    assert git(repo, "log", "-1", "--format=%s").startswith(f"yqctl init --ci {kind}")
    assert git(repo, "status", "--porcelain") == ""
    return path, yaml.safe_load((repo / path).read_text("utf-8"))


@pytest.mark.parametrize("kind", ["github", "gitea"])
def test_actions_check_every_push_and_run_due_on_a_schedule(
    with_channel: Path, yq: Runner, kind: str
) -> None:
    path, workflow = written(yq, with_channel, kind)
    assert path == f".{kind}/workflows/yqctl.yml"
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert {"push", "pull_request", "schedule"} <= set(triggers)
    assert triggers["schedule"][0]["cron"] == "*/30 * * * *"
    check, due = workflow["jobs"]["check"], workflow["jobs"]["due"]
    assert {"run": "yqctl check"} in check["steps"]
    step = next(s for s in due["steps"] if s.get("run") == "yqctl due --check --notify")
    assert step["env"] == {"YQCTL_NOTIFY_WECOM": "${{ secrets.YQCTL_NOTIFY_WECOM }}"}
    cache = next(s for s in due["steps"] if s.get("uses", "").startswith("actions/cache"))
    assert cache["with"]["path"] == ".yqctl/cache/notified.json"
    assert "schedule" in due["if"] and "schedule" in check["if"]


def test_gitlab_checks_pushes_and_merge_requests_and_runs_due_on_schedules(
    with_channel: Path, yq: Runner
) -> None:
    path, pipeline = written(yq, with_channel, "gitlab")
    assert path == ".gitlab-ci.yml"
    check, due = pipeline["check"], pipeline["due"]
    assert check["script"] == ["yqctl check"]
    sources = {rule["if"] for rule in check["rules"]}
    assert sources == {
        '$CI_PIPELINE_SOURCE == "merge_request_event"',
        '$CI_PIPELINE_SOURCE == "push"',
    }
    assert due["script"] == ["yqctl due --check --notify"]
    assert due["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
    assert due["cache"]["paths"] == [".yqctl/cache/notified.json"]
    assert "YQCTL_NOTIFY_WECOM" in (with_channel / path).read_text("utf-8")


def test_the_commands_the_ci_runs_work_in_the_repository(
    with_channel: Path, yq: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    written(yq, with_channel, "github")
    assert yq("check", cwd=with_channel).code == 0
    monkeypatch.setenv("YQCTL_NOTIFY_WECOM", "wecombot://test-key")
    dry = yq("due", "--check", "--notify", "--dry-run", cwd=with_channel)
    assert dry.code == 0 and "没有需要通知的新情况" in dry.err
    commits = git(with_channel, "rev-list", "--count", "HEAD")
    again = yq("init", "--ci", "github", "--json", cwd=with_channel)  # already there: no commit
    assert again.code == 0 and git(with_channel, "rev-list", "--count", "HEAD") == commits
