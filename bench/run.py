"""Time whole ``yqctl`` processes on generated repositories, against the floors Python sets.

    python bench/run.py [--sizes 1000,10000] [--runs 5] [--keep DIR]

For each size it generates a repository with ``generate.py`` (or reuses the one cached under
bench/out/), then runs every command as a separate process, ``--runs`` times after one untimed
warm-up run, and reports min and median wall time. Floors, timed the same way:
``python -c pass``; T1 = ``python -c "import typer, rich, pydantic"`` (what any yqctl command pays
before it does anything); T2 = one process that parses the same case files with PyYAML's C loader
(what a cold ``yqctl check`` must at least pay). Prints a Markdown table and writes
bench/out/results.json.

With ``--imports 10000,100000`` it also times ``yqctl import`` of a generated export of that many
rows into a fresh repository (made, untimed, before every run), with each run's peak memory, beside
T3: the same number of case-sized files written by one Python process and committed with
``git add`` + ``git commit`` (what any import must at least pay).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
NOW = "2026-11-24T12:00:00+08:00"  # generate.NOW: the generated repositories end here
SLOW_SECONDS = 10.0  # a command whose warm-up takes longer gets at most --slow-runs timed runs
IN_TURN = "yqctl due (warm), sizes in turn"  # the figure the scaling target compares
T2_SCRIPT = """\
import os, sys, yaml
count = 0
for folder, _dirs, files in os.walk(os.path.join(sys.argv[1], "cases")):
    for name in files:
        if name.endswith(".yaml"):
            with open(os.path.join(folder, name), "rb") as f:
                yaml.load(f, Loader=yaml.CSafeLoader)
            count += 1
assert count, "no case files"
"""
T3_SCRIPT = """\
import os, subprocess, sys
root, rows = sys.argv[1], int(sys.argv[2])
folder = os.path.join(root, "cases", "2026")
os.makedirs(folder, exist_ok=True)
body = "# 案件\\n" + "title: 网传某学院食堂饭菜出现异物\\n" * 40
for n in range(rows):
    with open(os.path.join(folder, f"YQ-20261124-{n:05d}.yaml"), "w", encoding="utf-8") as f:
        f.write(body)
subprocess.run(["git", "add", "cases"], cwd=root, check=True)
subprocess.run(["git", "commit", "-qm", "floor"], cwd=root, check=True)
"""


@dataclass
class Bench:
    """One timed command line."""

    name: str
    argv: list[str]
    size: int | None  # None: does not depend on the repository
    # what it is compared with: floor "T1" or "T2", "smaller" (the same command on the next smaller
    # size), or None (a floor itself)
    floor: str | None = None
    cold: bool = False  # remove the repository's .yqctl/ cache before every run
    fresh: Path | None = None  # a new empty repository here before every run (imports)
    times: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)  # each run's peak memory (RSS), MB
    exit: int | None = None
    note: str = ""

    @property
    def min(self) -> float | None:
        return min(self.times) if self.times else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None


@dataclass
class Options:
    runs: int
    slow_runs: int
    timeout: float
    env: dict[str, str]


# --- running ---------------------------------------------------------------------------------


def yqctl_command() -> list[str]:
    """The ``yqctl`` console script next to this interpreter, else ``python -m yqctl``."""
    script = Path(sys.executable).with_name("yqctl")
    return [str(script)] if script.exists() else [sys.executable, "-m", "yqctl"]


def bench_env() -> dict[str, str]:
    # PYTHONDONTWRITEBYTECODE (set on some CI machines) would make every run compile yqctl from
    # source, as no installed user's does: pip writes the bytecode, and so do the warm-up runs
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("YQCTL_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update({"YQCTL_NOW": NOW, "COLUMNS": "120", "PYTHONIOENCODING": "utf-8"})
    return env


def run_once(bench: Bench, repo: Path | None, options: Options) -> float | None:
    """Wall time of one whole process (stdout discarded), or None when it timed out; its peak
    memory goes to ``bench.peaks``."""
    if bench.cold and repo is not None:
        shutil.rmtree(repo / ".yqctl", ignore_errors=True)
    if bench.fresh is not None:
        fresh_repo(bench.fresh, options)
    started = time.perf_counter()
    with (
        tempfile.TemporaryFile() as errors,  # a file, not a pipe: a full pipe would block it
        subprocess.Popen(
            bench.argv,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=options.env,
            cwd=bench.fresh or repo or BENCH,
        ) as process,
    ):
        try:
            code, peak = _wait(process, options.timeout)  # wait4: this process's own peak RSS
        except subprocess.TimeoutExpired:
            process.kill()
            bench.note = f"超时（>{options.timeout:.0f} s）"
            return None
        elapsed = time.perf_counter() - started
        errors.seek(0)
        stderr = errors.read()
    bench.exit = code
    bench.peaks.append(peak)
    if code != 0 and not bench.note:
        lines = stderr.decode("utf-8", "replace").strip().splitlines()
        bench.note = f"exit {code}: {lines[-1][:120] if lines else ''}"
    return elapsed


def _wait(process: subprocess.Popen[bytes], timeout: float) -> tuple[int, float]:
    """Exit code and peak RSS in MB (Linux counts ru_maxrss in KB) of a child, by ``wait4``."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, usage.ru_maxrss / 1024
        if time.monotonic() > deadline:
            raise subprocess.TimeoutExpired(process.args, timeout)
        time.sleep(0.005)


def fresh_repo(path: Path, options: Options) -> None:
    """A new, empty, committed university repository at ``path`` (not timed)."""
    shutil.rmtree(path, ignore_errors=True)
    subprocess.run(
        [*yqctl_command(), "init", str(path)], check=True, env=options.env, capture_output=True
    )


def measure(bench: Bench, repo: Path | None, options: Options) -> Bench:
    warm_up = run_once(bench, repo, options)
    if warm_up is None:
        return bench
    runs = options.runs if warm_up < SLOW_SECONDS else min(options.runs, options.slow_runs)
    for _ in range(runs):
        elapsed = run_once(bench, repo, options)
        if elapsed is None:
            break
        bench.times.append(elapsed)
    report(bench)
    return bench


def report(bench: Bench) -> None:
    shown = f"{bench.min:.3f} s" if bench.times else bench.note
    print(f"  {bench.name} [{bench.size or '—'}]: {shown} ({len(bench.times)} 次)", file=sys.stderr)


def measure_in_turn(pairs: list[tuple[Bench, Path]], options: Options) -> list[Bench]:
    """The same command on each size (with its repository), timed in turn (A, B, A, B, …) after
    a warm-up of each: this machine drifts by up to ±30 % from one minute to the next, and timed
    minutes apart (T2 at 100 000 cases alone takes 70 s) two sizes would be compared across that
    drift."""
    benches = [bench for bench, _ in pairs]
    if any(run_once(bench, repo, options) is None for bench, repo in pairs):
        return benches
    for _ in range(options.runs):
        for bench, repo in pairs:
            elapsed = run_once(bench, repo, options)
            if elapsed is not None:
                bench.times.append(elapsed)
    for bench in benches:
        report(bench)
    return benches


# --- repositories ------------------------------------------------------------------------------


def generator_hash() -> str:
    digest = hashlib.sha256()
    for name in ("generate.py", "corpus.py"):
        digest.update((BENCH / name).read_bytes())
    return digest.hexdigest()[:16]


def ensure_repo(size: int, seed: int, keep: Path) -> Path:
    """The cached repository of this size and seed, generated again when the generator changed."""
    repo = keep / f"repo-{size}-seed{seed}"
    stamp = keep / f"repo-{size}-seed{seed}.stamp"
    wanted = generator_hash()
    if repo.is_dir() and stamp.is_file() and stamp.read_text().strip() == wanted:
        print(f"复用 {repo}", file=sys.stderr)
        return repo
    shutil.rmtree(repo, ignore_errors=True)
    stamp.unlink(missing_ok=True)
    keep.mkdir(parents=True, exist_ok=True)
    print(f"生成 {size} 个案件 → {repo}", file=sys.stderr)
    command = [
        sys.executable,
        str(BENCH / "generate.py"),
        str(size),
        str(repo),
        "--seed",
        str(seed),
    ]
    subprocess.run(command, check=True, stdout=sys.stderr)
    stamp.write_text(wanted + "\n")
    return repo


def some_case_id(repo: Path) -> str:
    """A fixed case to ``show``: the middle one of the sorted files."""
    files = sorted((repo / "cases").glob("*/YQ-*.yaml"))
    return files[len(files) // 2].stem


def available_commands(options: Options) -> set[str]:
    """Command names listed by ``yqctl --help`` (rich's panel: ``│ name   help…``)."""
    result = subprocess.run(
        [*yqctl_command(), "--help"], capture_output=True, text=True, env=options.env
    )
    names = set()
    for line in result.stdout.splitlines():
        parts = line.strip("│ ").split()
        if parts and parts[0].isascii() and parts[0].isalpha() and parts[0].islower():
            names.add(parts[0])
    return names


# --- the benchmark -------------------------------------------------------------------------------


def floor_benches() -> list[Bench]:
    python = sys.executable
    return [
        Bench("python -c pass", [python, "-c", "pass"], None),
        Bench(
            "T1: import typer, rich, pydantic", [python, "-c", "import typer, rich, pydantic"], None
        ),
        Bench("yqctl --help", [*yqctl_command(), "--help"], None, floor="T1"),
    ]


def size_benches(size: int, repo: Path, commands: set[str]) -> list[Bench]:
    """Each command cold (its index removed before every run) and warm (the index in place)."""
    yqctl, where = yqctl_command(), ["--repo", str(repo)]
    lines: list[tuple[str, list[str], str]] = [
        ("yqctl list --json", ["list", "--json"], "T1"),
        ("yqctl check", ["check"], "T2"),
        ("yqctl show ID", ["show", some_case_id(repo)], "T1"),
    ]
    if "due" in commands:
        lines.append(("yqctl due", ["due"], "T1"))
    if "report" in commands:
        lines.append(
            ("yqctl report weekly --format md", ["report", "weekly", "--format", "md"], "T1")
        )
    benches = [
        Bench(
            "T2: PyYAML CSafeLoader, all cases", [sys.executable, "-c", T2_SCRIPT, str(repo)], size
        )
    ]
    for name, argv, floor in lines:
        for cold in (True, False):
            label = f"{name} ({'cold' if cold else 'warm'})"
            benches.append(Bench(label, [*yqctl, *argv, *where], size, floor, cold=cold))
    return benches


def import_csv(rows: int, keep: Path) -> Path:
    """A monitoring export of ``rows`` leads (a title line, a header, one row per post), each
    with its own link, made once and kept."""
    path = keep / f"import-{rows}.csv"
    if path.is_file():
        return path
    units = ("后勤处", "教务处", "学生处", "保卫处", "信息工程学院")  # the university's org.yaml
    lines = ["舆情预警导出（2026-11-24）,,,,,,", "标题,原文链接,来源,作者,发布时间,正文,涉事单位"]
    for n in range(rows):
        lines.append(
            f"网传某学院食堂饭菜出现异物（第{n}条）,https://weibo.com/{n}/Ab{n:x},新浪微博,"
            f"校园吐槽君{n % 97},2026-11-{1 + n % 23:02d} {n % 24:02d}:{n % 60:02d},"
            f"学生发帖称食堂饭菜中发现异物，配图显示餐盘中有疑似金属丝，评论区有人称此前也遇到过,"
            f"{units[n % len(units)]}"
        )
    keep.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def import_benches(rows: int, keep: Path) -> list[Bench]:
    """T3 and ``yqctl import`` of an export of ``rows`` rows, each into a fresh repository."""
    export, target = import_csv(rows, keep), keep / f"import-target-{rows}"
    now = ["--now", "2026-11-24T16:00:00+08:00"]
    return [
        Bench(
            "T3: write the files, git add + commit",
            [sys.executable, "-c", T3_SCRIPT, str(target), str(rows)],
            rows,
            fresh=target,
        ),
        Bench(
            "yqctl import (rows)",
            [*yqctl_command(), "import", str(export), *now],
            rows,
            "T3",
            fresh=target,
        ),
    ]


def wanted(bench: Bench, only: list[str]) -> bool:
    return (
        not only
        or bench.name.startswith(("T1", "T2", "T3", "python"))
        or any(part in bench.name for part in only)
    )


def floor_of(bench: Bench, results: list[Bench]) -> Bench | None:
    if bench.floor is None:
        return None
    if bench.floor == "smaller":
        smaller = [b for b in results if b.name == bench.name and (b.size or 0) < (bench.size or 0)]
        return max(smaller, key=lambda b: b.size or 0, default=None)
    prefix = f"{bench.floor}:"
    for other in results:
        if other.name.startswith(prefix) and (bench.floor == "T1" or other.size == bench.size):
            return other
    return None


def ratio(bench: Bench, results: list[Bench]) -> str:
    floor = floor_of(bench, results)
    if bench.floor is None:
        return "(floor)"
    if floor is None or not floor.min or bench.min is None:
        return "—"
    if bench.floor == "smaller":
        return f"{bench.min / floor.min:.2f}× the {floor.size} figure"
    return f"{bench.min / floor.min:.2f}× {bench.floor}"


def table(results: list[Bench]) -> str:
    lines = [
        "| command | size | runs | min s | median s | ratio (min ÷ floor min) | peak MB |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for bench in results:
        timing = (
            f"{bench.min:.3f} | {bench.median:.3f}"
            if bench.min is not None and bench.median is not None
            else "— | —"
        )
        note = f" ({bench.note})" if bench.note else ""
        peak = f"{max(bench.peaks):.0f}" if bench.peaks else "—"
        lines.append(
            f"| `{bench.name}`{note} | {bench.size or '—'} | {len(bench.times)} | {timing}"
            f" | {ratio(bench, results)} | {peak} |"
        )
    return "\n".join(lines)


def metadata() -> dict[str, object]:
    from importlib.metadata import version

    commit = subprocess.run(
        ["git", "-C", str(BENCH), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return {
        "when": datetime.now().astimezone().isoformat(timespec="seconds"),
        "yqctl": version("yqctl"),
        "commit": commit.stdout.strip(),
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores",
        "yqctl_now": NOW,
    }


def write_json(results: list[Bench], path: Path) -> None:
    rows = []
    for bench in results:
        row = asdict(bench)
        row.update(min=bench.min, median=bench.median, ratio=ratio(bench, results), argv=bench.argv)
        row["fresh"] = str(bench.fresh) if bench.fresh else None
        rows.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({**metadata(), "results": rows}, ensure_ascii=False, indent=2) + "\n", "utf-8"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="对整个 yqctl 进程计时（基准测试）")
    parser.add_argument(
        "--sizes", default="1000,10000", help="案件数，逗号分隔（默认 1000,10000；空：不测）"
    )
    parser.add_argument("--runs", type=int, default=5, help="每条命令计时次数（另有一次预热）")
    parser.add_argument(
        "--slow-runs", type=int, default=3, help=f"预热超过 {SLOW_SECONDS:.0f} s 的命令的计时次数"
    )
    parser.add_argument(
        "--keep", type=Path, default=OUT, help="存放并复用生成仓库的目录（默认 bench/out）"
    )
    parser.add_argument("--seed", type=int, default=1, help="生成仓库的随机种子")
    parser.add_argument("--timeout", type=float, default=900, help="单次运行的超时秒数")
    parser.add_argument(
        "--only",
        default="",
        help="只测名称含这些片段的命令（逗号分隔，如 'due (warm),check (cold)'）；底线总是测",
    )
    parser.add_argument(
        "--imports",
        default="",
        help="也测 yqctl import：导出表行数，逗号分隔（如 10000,100000）；每次导入到新建的空仓库",
    )
    args = parser.parse_args(argv)
    only = [part.strip() for part in args.only.split(",") if part.strip()]
    options = Options(args.runs, args.slow_runs, args.timeout, bench_env())
    commands = available_commands(options)
    results = [measure(bench, None, options) for bench in floor_benches() if wanted(bench, only)]
    in_turn: list[tuple[Bench, Path]] = []
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        repo = ensure_repo(size, args.seed, args.keep.resolve())
        benches = [b for b in size_benches(size, repo, commands) if wanted(b, only)]
        results += [measure(bench, repo, options) for bench in benches]
        if "due" in commands:
            argv = [*yqctl_command(), "due", "--repo", str(repo)]
            in_turn.append((Bench(IN_TURN, argv, size, floor="smaller"), repo))
    if len(in_turn) > 1 and wanted(in_turn[0][0], only):
        results += measure_in_turn(in_turn, options)
    for rows in (int(r) for r in args.imports.split(",") if r.strip()):
        results += [measure(b, None, options) for b in import_benches(rows, args.keep.resolve())]
    sys.stderr.flush()
    print(table(results), flush=True)
    write_json(results, OUT / "results.json")
    print(f"\n结果已写入 {OUT / 'results.json'}", file=sys.stderr)


if __name__ == "__main__":
    main()
