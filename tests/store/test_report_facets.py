"""Period reports validate only the cases they can touch, decided from facets the index keeps
under the policy's fingerprint; the report reads the same as one made from every case."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import NOW, Runner
from yqctl.core.case import Case

pytestmark = pytest.mark.usefixtures("git_available")

REPORTS = [
    ("report", "weekly", "--week", "2026-W47", "--format", "md"),
    ("report", "weekly", "--week", "2026-W40", "--format", "md"),
    ("report", "daily", "--date", "2026-11-20", "--format", "md"),
    ("report", "monthly", "--month", "2026-10", "--format", "md"),
    ("stats", "--month", "2026-11", "--json"),
]


def run(yq: Runner, root: Path, *args: str) -> tuple[int, str]:
    result = yq(*args, "--repo", str(root), "--now", NOW, "--drills")
    return result.code, result.out


def test_reports_from_stored_facets_equal_reports_from_every_case(
    demo_repo: Path, yq: Runner
) -> None:
    cold = []
    for args in REPORTS:
        shutil.rmtree(demo_repo / ".yqctl" / "cache", ignore_errors=True)
        cold.append(run(yq, demo_repo, *args))
    assert [run(yq, demo_repo, *args) for args in REPORTS] == cold  # warm: from the facets
    assert all(code == 0 for code, _ in cold)


def test_a_warm_report_of_a_quiet_period_validates_few_cases(
    demo_repo: Path, yq: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("report", "weekly", "--week", "2026-W30", "--format", "md")
    run(yq, demo_repo, *args)  # stores the facets
    validated: list[Any] = []
    original = Case.model_validate.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Case], data: Any, **kwargs: Any) -> Case:
        validated.append(data)
        return original(cls, data, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(Case, "model_validate", classmethod(counting))
    assert run(yq, demo_repo, *args)[0] == 0
    total = len(list((demo_repo / "cases").glob("*/*.yaml")))
    assert len(validated) < total // 2, (len(validated), total)


def test_a_hand_edit_is_in_the_next_warm_report(demo_repo: Path, yq: Runner) -> None:
    args = ("report", "weekly", "--week", "2026-W47", "--format", "md")
    run(yq, demo_repo, *args)  # stores the facets
    path = next(
        p
        for p in sorted((demo_repo / "cases").glob("2026/YQ-202611[12]*.yaml"))
        if "confidential: true" not in (text := p.read_text("utf-8"))
        and "drill: true" not in text
        and "20261116" <= p.stem[3:11] <= "20261122"
    )
    path.write_text(path.read_text("utf-8").replace("\ntitle: ", "\ntitle: 改过的", 1), "utf-8")
    warm = run(yq, demo_repo, *args)
    assert "改过的" in warm[1]
    shutil.rmtree(demo_repo / ".yqctl" / "cache")
    assert run(yq, demo_repo, *args) == warm
