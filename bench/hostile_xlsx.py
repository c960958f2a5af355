"""Time and peak memory of ``yqctl import --dry-run`` on the hostile workbooks of issue 18 item 6
(tests/store/hostile_xlsx.py builds them). Each run is a separate process under /usr/bin/time
with its address space capped (--cap-gb), so a workbook that would take all memory fails with
MemoryError instead of taking the machine down.

    python bench/hostile_xlsx.py [--cap-gb 6] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.store.hostile_xlsx import hostile_set


def measure(yqctl: str, repo: Path, workbook: Path, cap_gb: int) -> tuple[float, int, str]:
    """(seconds, peak RSS in MB, the last line the command printed)."""
    limit = f"ulimit -v {cap_gb * 1024 * 1024}; exec /usr/bin/time -f '@@ %e %M' "
    command = f"{limit}{yqctl} import --dry-run --unit 后勤处 --repo {repo} {workbook}"
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, check=False)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    seconds, peak = next(line for line in lines if line.startswith("@@")).split()[1:]
    said = [
        line
        for line in lines + done.stdout.splitlines()
        if not line.startswith(("@@", "Command exited"))
    ]
    return float(seconds), int(peak) // 1024, (said[-1] if said else f"exit {done.returncode}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cap-gb", type=int, default=6)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="yq-hostile-"))
    yqctl = shutil.which("yqctl", path=os.path.dirname(sys.executable)) or "yqctl"
    repo = folder / "repo"
    if not repo.exists():
        subprocess.run([yqctl, "init", str(repo), "--policy", "university"], check=True,
                       capture_output=True)  # fmt: skip
    print("| workbook | size | time | peak RSS | what yqctl said |\n|---|---:|---:|---:|---|")
    for label, path in hostile_set(folder).items():
        seconds, peak, said = measure(yqctl, repo, path, args.cap_gb)
        print(
            f"| {label} | {path.stat().st_size:,} B | {seconds:.1f} s | {peak} MB | {said[:90]} |"
        )


if __name__ == "__main__":
    main()
