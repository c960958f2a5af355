"""Work shared with forked helper processes: reading 10,000 case files is parsing in Python, one
core's work, and the machines yqctl runs on have several.

Only where ``fork`` is cheap and safe (Linux; yqctl starts no threads): the helpers are copies of
this process, so they need no start-up and no pickled function, only their results come back,
pickled, through a pipe. A helper that fails in any way costs time, not results: its share is
done here instead.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_SHARE = 100  # fewer items than this per process: a fork costs more than it saves
MAX_PROCESSES = 8


def processes(items: int) -> int:
    """How many processes (this one included) should share ``items`` pieces of work."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return 1
    cpus = len(os.sched_getaffinity(0))
    return max(1, min(cpus, MAX_PROCESSES, items // MIN_SHARE))


def map_shared(
    work: Callable[[T], R],
    items: Sequence[T],
    *,
    pack: Callable[[R], Any] = lambda result: result,
    unpack: Callable[[Any], R] = lambda packed: packed,
) -> list[R]:
    """``[work(item) for item in items]``, in order, the later shares done by forked helpers.

    A helper sends ``pack(result)`` (which must pickle), and this process ``unpack``s it.
    """
    count = processes(len(items))
    if count == 1:
        return [work(item) for item in items]
    size = -(-len(items) // count)
    shares = [items[i : i + size] for i in range(0, len(items), size)]
    helpers: list[tuple[int, int]] = []
    try:
        for share in shares[1:]:
            helpers.append(_fork([*share], work, pack))
        results = [work(item) for item in shares[0]]
        for share in shares[1:]:  # the helpers, in the same order
            packed = _collect(*helpers[0])
            del helpers[0]  # collected: nothing left to stop
            if packed is None:
                results.extend(work(item) for item in share)
            else:
                results.extend(unpack(one) for one in packed)
        return results
    finally:
        for pid, pipe in helpers:  # interrupted: leave no helper behind
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            _collect(pid, pipe)


def _fork(share: list[T], work: Callable[[T], R], pack: Callable[[R], Any]) -> tuple[int, int]:
    """The helper's pid and the pipe its results come through ((0, -1): none could start)."""
    try:
        reading, writing = os.pipe()
    except OSError:
        return 0, -1
    try:
        pid = os.fork()
    except OSError:
        os.close(reading)
        os.close(writing)
        return 0, -1
    if pid == 0:  # the helper: do the share, send it, and leave without running any cleanup
        code = 1
        try:
            os.close(reading)
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: the parent speaks for both
            payload = pickle.dumps([pack(work(item)) for item in share], pickle.HIGHEST_PROTOCOL)
            with os.fdopen(writing, "wb") as out:
                out.write(payload)
            code = 0
        finally:
            os._exit(code)
    os.close(writing)
    return pid, reading


def _collect(pid: int, pipe: int) -> list[Any] | None:
    """The helper's packed results; None if it failed (or never started)."""
    if pid == 0:
        return None
    chunks = []
    with contextlib.suppress(OSError), os.fdopen(pipe, "rb") as source:
        chunks.append(source.read())
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return None
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0 or not chunks:
        return None
    try:
        found = pickle.loads(b"".join(chunks))  # our own child's bytes, not a user's file
    except (pickle.UnpicklingError, EOFError, ValueError):
        return None
    return found if isinstance(found, list) else None
