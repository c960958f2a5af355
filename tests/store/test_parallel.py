"""Work shared with forked helpers: the same results in the same order, whatever a helper does."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Runner
from yqctl.store import parallel
from yqctl.store.parallel import map_shared

CPUS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
many_cpus = pytest.mark.skipif(CPUS < 2 or not hasattr(os, "fork"), reason="needs 2 CPUs + fork")


@pytest.fixture(autouse=True)
def small_shares(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_SHARE", 5)


def no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@many_cpus
def test_helpers_do_part_of_the_work_and_results_keep_their_order() -> None:
    items = list(range(200))
    found = map_shared(lambda n: (n * n, os.getpid()), items)
    assert [square for square, _ in found] == [n * n for n in items]
    assert len({pid for _, pid in found}) == min(CPUS, parallel.MAX_PROCESSES, 200 // 5)
    assert no_children_left()


@many_cpus
def test_what_a_helper_sends_is_packed_there_and_unpacked_here() -> None:
    me = os.getpid()
    found = map_shared(
        lambda n: n,
        list(range(20)),
        pack=lambda n: ("packed", n, os.getpid() != me),
        unpack=lambda packed: packed[1] + 1000 if packed[2] else -1,
    )
    assert found[:10] == list(range(10)) and found[10:] == list(range(1010, 1020))


@many_cpus
@pytest.mark.parametrize("how", ["raises", "killed", "unpicklable"])
def test_a_helper_that_fails_costs_time_not_results(how: str) -> None:
    me = os.getpid()

    def work(n: int) -> object:
        if os.getpid() != me:
            if how == "raises":
                raise RuntimeError("broken helper")
            if how == "killed":
                os.kill(os.getpid(), signal.SIGKILL)
            return lambda: n  # a lambda does not pickle
        return n

    assert map_shared(work, list(range(40))) == list(range(40))
    assert no_children_left()


@many_cpus
def test_an_interrupt_here_leaves_no_helper_behind() -> None:
    me = os.getpid()

    def work(n: int) -> int:
        if os.getpid() == me and n == 3:
            raise KeyboardInterrupt
        return n

    with pytest.raises(KeyboardInterrupt):
        map_shared(work, list(range(40)))
    assert no_children_left()


def test_few_items_are_done_here() -> None:
    me = os.getpid()
    assert map_shared(lambda n: os.getpid(), [1, 2, 3]) == [me, me, me]


@many_cpus
def test_a_cold_index_read_by_helpers_equals_one_read_here(
    demo_repo: Path, yq: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Data, problems and what check reports: the same whether helpers read the files or not."""
    broken = demo_repo / "cases" / "2099" / "YQ-20991231-ZZZZ.yaml"  # last: a helper's share
    broken.parent.mkdir()
    broken.write_text("id: YQ-20991231-ZZZZ\ntitle: [未闭合\n", "utf-8")
    cache = demo_repo / ".yqctl" / "cache"
    forks: list[int] = []
    fork = parallel._fork

    def counted(*args: Any) -> tuple[int, int]:
        forks.append(1)
        return fork(*args)

    monkeypatch.setattr(parallel, "_fork", counted)

    def cold(*args: str) -> tuple[int, str, str]:
        for path in cache.iterdir() if cache.is_dir() else []:
            path.unlink()
        result = yq(*args, "--repo", str(demo_repo))
        return result.code, result.out, result.err

    commands = [("list", "--json", "--drills"), ("check",)]
    monkeypatch.setattr(parallel, "MIN_SHARE", 10**9)  # one process
    alone = [cold(*command) for command in commands]
    assert forks == []
    monkeypatch.setattr(parallel, "MIN_SHARE", 2)
    assert [cold(*command) for command in commands] == alone
    assert len(forks) == 2 and "YQ-20991231-ZZZZ" in alone[0][2] + alone[1][1]
