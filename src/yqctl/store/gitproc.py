"""The read-only git commands that tell the case index which files changed, run as child processes
started with nothing but ``os``.

At 100,000 cases ``git diff-files`` makes one lstat call per file, ~0.17 s of CPU. The console
launcher starts it in its first milliseconds (:mod:`yqctl.cli.launch`, before typer is imported),
so this module imports no more than ``os``: ``subprocess`` alone costs ~12 ms of start-up, which
the check would spend waiting. The case index later takes the running check for the same
repository (:func:`dirty_check`) and reads its answer (:mod:`yqctl.store.gitview`).

Nothing here writes to the repository (``--no-optional-locks``): ``yqctl due`` from cron must not
fight a person's ``git commit`` for ``index.lock``.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing itself costs ~15 ms of start-up
if TYPE_CHECKING:
    import subprocess
    from collections.abc import Mapping

# Stat checks as strict as git allows, whatever the user's config says: ctime catches an edit
# that restored the mtime; "default" checkStat compares nanoseconds, inode and size too.
_STRICT = ("-c", "core.trustctime=true", "-c", "core.checkStat=default", "--no-optional-locks")
# git's "preload" runs the lstat calls on up to 20 threads whatever the number of cores (one per
# 500 index entries). On two cores they take the core that yqctl needs meanwhile for its own share
# (the index query, the answer laid out in advance): warm `due` on 100,000 cases took 0.28-0.31 s
# with them and 0.24 s with one thread. With more cores git keeps its threads.
_ONE_THREAD = ("-c", "core.preloadIndex=false")
_POSIX_SPAWN = hasattr(os, "posix_spawnp")  # not on Windows: there subprocess starts them


def staged_args(folder: str) -> list[str]:
    return ["ls-files", "-s", "-v", "-z", "--", folder]


def dirty_args(folder: str) -> list[str]:
    return ["diff-files", "--name-only", "--relative", "-z", "--", folder]


def git_command(root: str, args: list[str]) -> list[str]:
    """``git`` run on ``root`` with the strict read-only options."""
    threads = _ONE_THREAD if _cores() <= 2 else ()
    return ["git", "-C", root, *_STRICT, *threads, *args]


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Child:
    """A command run with its output on a pipe, its input and errors on the null device."""

    _process: subprocess.Popen[bytes] | None = None  # where there is no posix_spawn
    _pid: int | None = None  # of a child started by posix_spawn

    def __init__(self, args: list[str], env: Mapping[str, str]) -> None:
        self.returncode: int | None = None
        if not _POSIX_SPAWN:
            import subprocess

            self._process = subprocess.Popen(
                args,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL,
                env=env,
            )
            return
        reading, writing = os.pipe()  # neither is inherited: only the copy made for stdout
        try:
            self._pid = os.posix_spawnp(
                args[0],
                args,
                env,
                file_actions=[
                    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                    (os.POSIX_SPAWN_DUP2, writing, 1),
                    (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
                ],
            )
        except BaseException:
            os.close(reading)
            raise
        finally:
            os.close(writing)
        self._reading = reading

    def output(self) -> bytes:
        """Everything the command wrote, once it has ended (then ``returncode`` is set)."""
        if self._process is not None:
            out = self._process.communicate()[0]
            self.returncode = self._process.returncode
            return out
        with open(self._reading, "rb") as pipe:
            out = pipe.read()
        if self._pid is not None:
            self.returncode = os.waitstatus_to_exitcode(os.waitpid(self._pid, 0)[1])
        return out

    def __del__(self) -> None:
        if self._pid is not None and self.returncode is None:  # never waited for: no zombie
            self.kill()

    def kill(self) -> None:
        if self._process is not None:
            self._process.kill()
        else:
            import contextlib
            import signal

            if self._pid is not None:
                with contextlib.suppress(ProcessLookupError):  # it had ended
                    os.kill(self._pid, signal.SIGKILL)
        self.output()  # reaps it


class Running:
    """Read-only git commands started on ``root``; :meth:`outputs` waits for them."""

    def __init__(self, root: str | os.PathLike[str], commands: Mapping[str, list[str]]) -> None:
        env = {**os.environ, "LC_ALL": "C"}
        self._processes: dict[str, Child] = {}
        try:
            for name, args in commands.items():
                self._processes[name] = Child(git_command(os.fspath(root), args), env)
        except OSError:  # no git binary, or no process to be had
            self.stop()

    def stop(self) -> None:
        """Kill what still runs (a check nobody asked for after all)."""
        for process in self._processes.values():
            process.kill()
        self._processes.clear()

    def outputs(self) -> dict[str, bytes] | None:
        """Each command's output; None when git is missing or any command failed (not a work
        tree, dubious ownership…): the caller then stats every file itself."""
        if not self._processes:
            return None
        found = {name: process.output() for name, process in self._processes.items()}
        if any(process.returncode != 0 for process in self._processes.values()):
            return None
        return found


_early: dict[tuple[str, str], Running] = {}


def check_early(root: str, folder: str) -> None:
    """Start ``diff-files`` for ``root/folder`` now, for a case index that will ask for it later
    (:func:`dirty_check`). The caller stops one nobody took (:func:`stop_early`)."""
    if (root, folder) not in _early:
        _early[(root, folder)] = _diff_files(root, folder)


def dirty_check(root: str | os.PathLike[str], folder: str) -> Running:
    """``diff-files`` for ``root/folder``: the one started early, or one started now."""
    return _early.pop((os.fspath(root), folder), None) or _diff_files(root, folder)


def _diff_files(root: str | os.PathLike[str], folder: str) -> Running:
    return Running(root, {"dirty": dirty_args(folder)})


def stop_early() -> None:
    while _early:
        _early.popitem()[1].stop()
