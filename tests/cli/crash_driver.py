"""Run ``yqctl`` in forked children and SIGKILL them on request (helper of test_crash.py).

Starting a Python process with yqctl's imports takes ~0.3 s, too slow for a thousand kills; this
driver imports once and forks a child per command, each running the real entry point ``main()``.
Its argument is a JSON argument list to run once in the driver itself (on a scratch repository)
before it reports ready. Protocol, one JSON object per line: in ``{"argv": [...], "delay": seconds or null}``;
out ``{"killed": bool, "status": exit code or null, "elapsed": seconds}``. A null delay lets the
child finish.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import signal
import sys
import time

from yqctl.cli.main import main

# everything `yqctl act` imports lazily, so that a forked child only does the work itself
for module in (
    "ruamel.yaml",
    "yqctl.core.case",
    "yqctl.core.enums",
    "yqctl.core.timeline",
    "yqctl.store.git",
    "yqctl.store.repo",
    "yqctl.store.roundtrip",
    "yqctl.store.transaction",
    "yqctl.timeutil",
):
    importlib.import_module(module)


def run_child(argv: list[str]) -> None:
    """In the forked child: the real CLI, then exit without returning into the driver."""
    code = 1
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        sys.argv = ["yqctl", *argv]
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        os._exit(code)


def attempt(argv: list[str], delay: float | None) -> dict[str, object]:
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        run_child(argv)
    if delay is not None:
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)  # a child that already exited is a zombie: no effect
    _, status = os.waitpid(pid, 0)
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    return {
        "killed": killed,
        "status": None if killed else os.waitstatus_to_exitcode(status),
        "elapsed": time.perf_counter() - started,
    }


def warm_up(argv: list[str]) -> None:
    """Run one command in the driver itself: the first run's lazy work is then done once for
    all children (typer's command tree, pydantic and ruamel caches)."""
    saved = sys.stdout, sys.argv
    sys.stdout, sys.argv = open(os.devnull, "w"), ["yqctl", *argv]  # noqa: SIM115
    try:
        main()
    except SystemExit:
        pass
    finally:
        sys.stdout.close()
        sys.stdout, sys.argv = saved


def serve() -> None:
    warm_up(json.loads(sys.argv[1]))
    gc.freeze()  # children then share the warm heap instead of copying every page the GC touches
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        print(json.dumps(attempt(request["argv"], request["delay"])), flush=True)


if __name__ == "__main__":
    serve()
