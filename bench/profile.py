"""Where a server's CPU goes under load: py-spy samples it while wrk runs, then the samples
are added up by the frame on CPU and by the package that frame belongs to. Time in C code
(uvloop's event loop, pydantic-core) counts for the Python frame that called it."""

import re
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from bench.common import Json, tool

RATE_HZ = 200
TOP_FRAMES = 12
TOP_PACKAGES = 10
# One py-spy frame: `function (package/module.py:line)`; the line is missing for some frames.
LOOP_FRAME, EVENT_LOOP = "Runner.run (asyncio/runners.py", "event loop (uvloop)"
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def package(file: str) -> str:
    """The top-level package of a frame's file as py-spy shortens it (`sqlalchemy/orm/x.py`:
    `sqlalchemy`; the service's own code is `app`)."""
    return file.split("/", 1)[0].removesuffix(".py") or "unknown"


def _file(frame: str) -> str:
    found = FRAME.match(frame)
    return found.group("file") if found else ""


def summarize(collapsed: Iterable[str]) -> Json:
    """Shares of samples (in %) by the frame on CPU and by package, from py-spy's raw output."""
    by_frame: Counter[str] = Counter()
    by_package: Counter[str] = Counter()
    total = 0
    for line in collapsed:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack or not count.isdigit():
            continue
        leaf = stack.rsplit(";", 1)[-1]
        by_frame[leaf] += int(count)
        # uvloop's C loop shows as the Python frame that started it.
        owner = EVENT_LOOP if leaf.startswith(LOOP_FRAME) else package(_file(leaf))
        by_package[owner] += int(count)
        total += int(count)
    if not total:
        raise SystemExit("bench: py-spy recorded no samples of the server")

    def shares(counter: Counter[str], top: int, key: str) -> list[Json]:
        return [
            {key: name, "percent": round(100 * n / total, 1)}
            for name, n in counter.most_common(top)
        ]

    return {
        "samples": total,
        "self_by_package": shares(by_package, TOP_PACKAGES, "package"),
        "self_by_frame": shares(by_frame, TOP_FRAMES, "frame"),
    }


def record(pid: int, seconds: int, load: Callable[[], object]) -> Json:
    """Sample `pid` for `seconds` while `load()` runs (it should last as long)."""
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as directory:
        output = Path(directory) / "profile.txt"
        args = [tool("py-spy"), "record", "--format", "raw", "--rate", str(RATE_HZ)]
        args += ["--duration", str(seconds), "--nonblocking", "--pid", str(pid), "-o", str(output)]
        sampler = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            load()
            out, _ = sampler.communicate(timeout=seconds + 60)
        finally:
            if sampler.poll() is None:
                sampler.kill()
                sampler.wait()
        if sampler.returncode != 0 or not output.exists():
            # The rounds' figures stand without it: report why, lose nothing measured.
            said = out.decode(errors="replace").strip().splitlines()
            reason = [line for line in said if "rror" in line][:1] or said[-1:] or ["no output"]
            return {
                "error": f"py-spy could not sample the server ({reason[0]}); it needs "
                "ptrace: run as root or with kernel.yama.ptrace_scope=0"
            }
        lines = output.read_text(encoding="utf-8", errors="replace").splitlines()
    summary = summarize(lines)
    summary |= {"seconds": seconds, "rate_hz": RATE_HZ}
    return summary
