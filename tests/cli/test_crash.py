"""SIGKILL ``yqctl act`` at random moments, a thousand times: no case file is ever half written.

After every kill the case file must be byte-identical to the version before that write or to the
version after it, and each such version is read back with yqctl's own reader as a valid Case.
All writes append the same entry (fixed ``--now``), so the versions form one chain v0, v1, v2, …
that the test computes ahead, unkilled, in a scratch copy of the repository.

* 970 kills of ``act --no-commit`` run in children forked from a warm driver (crash_driver.py):
  a fresh Python process per kill would take five minutes;
* 30 kills of the real ``yqctl act`` command with git, the whole process group (git too), after
  which HEAD must hold a version of the chain as well; a git killed while holding
  ``.git/index.lock`` (or a ref lock) makes the next act fail with the advice to delete it,
  changing nothing, and after following the advice the next act commits everything.

After every kill the next command (a reader: ``yqctl list``) settles what the killed one left in
its journal: a write that landed but was never finished (not committed, or with ``--no-commit``
not handed over) is undone, so the case is then exactly the version before it, or — if the kill
came after the end — after it; and with git, the case on disk is always the committed one.

Two repositories are worked on at once (two threads, each driving its own processes), so that a
two-core machine runs the test in about half a minute. The counts are printed (``pytest -s``).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.cli.test_git_failures import case_file
from tests.conftest import NOW, Runner, git
from yqctl.store.files import is_temp_name
from yqctl.store.repo import Repo

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork() and POSIX signals"),
]

FORKED_KILLS = 970
CLI_KILLS = 30
WINDOW = 50  # kills between checks that enough writes still complete
SECOND_FORKED_KILLS = FORKED_KILLS * 2 // 5  # the second stream also runs the CLI kills
RESET_AFTER = 4  # versions: keeps the forked children's case small, so each write stays fast
SEED = 20261124
DRIVER = Path(__file__).with_name("crash_driver.py")


def act_args(case_id: str, root: Path, *extra: str) -> list[str]:
    return ["act", case_id, "note", "--text", "崩溃测试", "--now", NOW, "--repo", str(root), *extra]


class Driver:
    """The warm process that forks ``yqctl`` children and kills them when told."""

    def __init__(self, warm_up: list[str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(DRIVER), json.dumps(warm_up)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert json.loads(self.readline()) == {"ready": True}

    def readline(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, "the crash driver died"
        return line

    def run(self, argv: list[str], delay: float | None) -> dict[str, object]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"argv": argv, "delay": delay}) + "\n")
        self.process.stdin.flush()
        result: dict[str, object] = json.loads(self.readline())
        return result

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


class Chain:
    """v0, v1, … of one case, each computed when first needed by an unkilled write in scratch."""

    def __init__(self, driver: Driver, scratch: Path, case_id: str) -> None:
        self.driver, self.scratch, self.case_id = driver, scratch, case_id
        self.path = case_file(scratch, case_id)
        self.versions = [self.path.read_bytes()]
        self.runtimes: list[float] = []

    def __getitem__(self, index: int) -> bytes:
        while len(self.versions) <= index:
            result = self.driver.run(act_args(self.case_id, self.scratch, "--no-commit"), None)
            assert result["status"] == 0, result
            self.runtimes.append(float(str(result["elapsed"])))
            self.versions.append(self.path.read_bytes())
            # every version a reader can ever see: yqctl's reader accepts it as a valid Case
            loaded = Repo(self.scratch).read_case_file(self.path)
            assert len(loaded.case.timeline) == len(self.versions)  # discovered + one per write
        return self.versions[index]

    def index(self, data: bytes, current: int) -> int:
        """``current`` or ``current + 1``: the only versions that may be on disk now."""
        if data == self[current]:
            return current
        assert data == self[current + 1], f"not v{current} nor v{current + 1}: a torn write"
        return current + 1


def journals(repo: Path) -> list[str]:
    folder = repo / ".yqctl" / "journal"
    return os.listdir(folder) if folder.is_dir() else []


def temps(folder: Path) -> set[str]:
    return {name for name in os.listdir(folder) if is_temp_name(name)}


def git_locks(repo: Path) -> list[Path]:
    heads = repo / ".git" / "refs" / "heads"
    found = [repo / ".git" / "index.lock", repo / ".git" / "HEAD.lock", *heads.glob("*.lock")]
    return [path for path in found if path.exists()]


def put(path: Path, data: bytes) -> None:
    temp = path.with_name("reset.part")
    temp.write_bytes(data)
    os.replace(temp, path)


def yqctl(*args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI in a process of its own (the streams run in threads: no in-process runs)."""
    return subprocess.run(
        [sys.executable, "-m", "yqctl", *args], capture_output=True, text=True, check=False
    )


class Stream:
    """One repository, its scratch copy and its driver: kills run here one after another."""

    def __init__(self, repo: Path, work: Path, seed: int) -> None:
        self.repo, self.scratch = repo, work / "scratch"
        shutil.copytree(repo, self.scratch)
        shutil.copytree(repo, work / "warm-up")
        any_case = next((repo / "cases").rglob("*.yaml")).stem
        self.driver = Driver(act_args(any_case, work / "warm-up", "--no-commit"))
        self.rng = random.Random(seed)
        self.counts: Counter[str] = Counter()

    def forked_kills(self, case_id: str, attempts: int) -> None:
        """Kill forked ``act --no-commit`` children after 0 … a typical write's duration."""
        chain = Chain(self.driver, self.scratch, case_id)
        path, lock = case_file(self.repo, case_id), self.repo / ".yqctl" / "lock"
        chain[RESET_AFTER]
        typical = statistics.median(chain.runtimes)
        version = 0
        completed_lately = 0
        for attempt in range(1, attempts + 1):
            if attempt % WINDOW == 0:  # a busy machine slows every write: widen the delays
                if completed_lately < WINDOW // 5:
                    typical *= 1.5
                completed_lately = 0
            leftovers = temps(path.parent)
            delay = self.rng.uniform(0, typical)
            result = self.driver.run(act_args(case_id, self.repo, "--no-commit"), delay)
            landed = chain.index(path.read_bytes(), version)
            if not result["killed"]:
                assert result["status"] == 0 and landed == version + 1, result
                self.counts["finished before the kill"] += 1
            self.counts["killed holding a temp file"] += bool(temps(path.parent) - leftovers)
            self.counts["killed holding the lock"] += lock.stat().st_size > 0  # holder's name
            self.settle()
            now = chain.index(path.read_bytes(), version)
            assert now in (landed, version), "the next command made a version of its own"
            self.counts["landed, undone by the next command"] += landed - now
            self.counts["writes completed"] += now - version
            completed_lately += now - version
            version = now
            if version == RESET_AFTER:
                put(path, chain[0])
                version = 0
        self.counts["forked kills"] += attempts
        self.counts["temp files left"] = len(temps(path.parent))

    def cli_kills(self, case_id: str, attempts: int) -> None:
        """Kill the real ``yqctl act`` (with git) and its git after 0 … its usual duration."""
        chain = Chain(self.driver, self.scratch, case_id)
        path = case_file(self.repo, case_id)
        relative = path.relative_to(self.repo).as_posix()
        command = [sys.executable, "-m", "yqctl", *act_args(case_id, self.repo)]
        runtimes = []
        for _ in range(2):  # unkilled, to learn how long one takes
            began = time.monotonic()
            subprocess.run(command, check=True, capture_output=True)
            runtimes.append(time.monotonic() - began)
        version = chain.index(path.read_bytes(), 1)
        for _ in range(attempts):
            process = subprocess.Popen(
                command,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(self.rng.uniform(0, max(runtimes)))
            os.killpg(process.pid, signal.SIGKILL)  # yqctl and the git it runs
            process.wait()
            landed = chain.index(path.read_bytes(), version)
            self.settle()
            now = chain.index(path.read_bytes(), version)
            self.counts["cli writes completed"] += now - version
            self.counts["cli landed, undone by the next command"] += landed - now
            version = now
            committed = git(self.repo, "cat-file", "blob", f"HEAD:{relative}").encode()
            assert committed == chain[version]  # never written but left uncommitted
            self.counts["stale git locks"] += self._stale_git_locks(case_id, path)
        done = yqctl(*act_args(case_id, self.repo))  # the next command commits everything
        assert done.returncode == 0, done.stderr
        assert path.read_bytes() == chain[version + 1]
        assert git(self.repo, "cat-file", "blob", f"HEAD:{relative}").encode() == chain[version + 1]
        self.counts["cli kills"] += attempts

    def _stale_git_locks(self, case_id: str, path: Path) -> int:
        """A git killed mid-commit leaves its lock file: the next act must refuse and say so."""
        stale = git_locks(self.repo)
        if not stale:
            return 0
        before = path.read_bytes()
        result = yqctl(*act_args(case_id, self.repo))
        assert result.returncode == 1, result
        assert f"删除 {stale[0].relative_to(self.repo).as_posix()} 后重试" in result.stderr
        assert path.read_bytes() == before
        for lock in stale:  # as the message says
            lock.unlink()
        self.settle()
        assert not journals(self.repo)
        return 1

    def settle(self) -> None:
        """The next command, a reader, settles the killed one's journal (if the lock is free)."""
        result = self.driver.run(["list", "--repo", str(self.repo)], None)
        assert result["status"] == 0, result


def test_sigkill_at_random_moments_never_leaves_a_half_written_case(
    repo: Path,
    yq: Runner,
    new_case: Callable[..., str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("YQCTL_LOCK_TIMEOUT", "5")  # a lock never released fails, not hangs
    started = time.monotonic()
    forked_id, cli_id = new_case(), new_case()
    other = tmp_path / "other-repo"
    shutil.copytree(repo, other)  # a second repository: two streams keep both cores busy
    first = Stream(repo, tmp_path / "first", SEED)
    second = Stream(other, tmp_path / "second", SEED + 1)
    try:
        with ThreadPoolExecutor(2) as pool:
            jobs = [
                pool.submit(first.forked_kills, forked_id, FORKED_KILLS - SECOND_FORKED_KILLS),
                pool.submit(_second_stream, second, cli_id, forked_id),
            ]
            for job in jobs:
                job.result()  # re-raises a stream's failed assertion
    finally:
        first.driver.close()
        second.driver.close()
    counts = first.counts + second.counts
    print(f"\ncrash test, {time.monotonic() - started:.1f} s: {dict(counts)}")
    for root in (repo, other):
        # every case reads; the temp files killed writers left are not taken for cases
        everything = Repo(root).load_all()
        assert everything.problems == []
        assert sorted(c.case.id for c in everything.cases) == sorted([forked_id, cli_id])
        listed = yq("list", "--repo", str(root), "--json")
        assert listed.code == 0 and len(listed.json()) == 2, listed.err
        dirty = git(root, "status", "--porcelain").splitlines()
        assert set(dirty) <= {f" M cases/2026/{forked_id}.yaml"}  # only what --no-commit wrote
    assert counts["forked kills"] + counts["cli kills"] == FORKED_KILLS + CLI_KILLS
    assert counts["writes completed"] >= FORKED_KILLS // 10, counts  # writes did get through
    assert counts["killed holding a temp file"] > 0, counts  # and kills did land mid-write


def _second_stream(stream: Stream, cli_id: str, forked_id: str) -> None:
    stream.cli_kills(cli_id, CLI_KILLS)
    stream.forked_kills(forked_id, SECOND_FORKED_KILLS)
