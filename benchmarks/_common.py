"""Shared helpers for the benchmark scripts: time a command from a parent process, record the peak memory
of the child, and write the results as a Markdown table into a marked section of docs/benchmarks.md.

Every measurement runs the tool as a child process, so interpreter start-up and imports count, exactly as a
user sees them: a tiny launcher process forks and execs the tool and times it around fork/exec/wait4.
Peak memory is reported two ways:

- ``peak_rss``: the largest resident set of any single process in the tool's tree, from the kernel's own
  accounting (``os.wait4`` returns the tool's rusage, whose ``ru_maxrss`` also covers the descendants it
  waited for). Exact above a floor of about 7 MB (the launcher's size at fork, which the kernel counts);
  a tool that spreads work over worker processes looks smaller than it is.
- ``tree_rss``: the sum of the resident sets of the child and all its descendants, sampled from /proc every
  ``sample_interval`` seconds. It catches worker pools, but counts pages shared between forked processes
  once per process and can miss a peak shorter than the interval. Linux only (None elsewhere).

Standard library only: the scripts run under the test environment's interpreter, and the comparison tools
(semgrep, ripgrep) are called as commands.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

REPO = Path(__file__).resolve().parent.parent
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class BenchmarkError(RuntimeError):
    """A tool failed, timed out or printed something the benchmark cannot use: the run is not valid."""


@dataclass
class Measurement:
    """One tool on one tree: the best wall time of `runs` runs, and the peak memory over all of them."""

    name: str
    command: list[str]
    wall_s: float  # best (smallest) of the runs
    runs_s: list[float]
    peak_rss_bytes: int  # largest single process (kernel accounting)
    tree_rss_bytes: int | None  # all processes of the tree together (sampled), None where /proc is absent
    returncode: int
    stdout: str = ""
    stderr: str = ""
    extra: dict = field(default_factory=dict)  # tool-specific numbers (findings, files scanned, ...)
    cpu_s: list[float] = field(default_factory=list)  # user + system CPU of each run (the tool and its children)

    @property
    def median_s(self) -> float:
        ordered = sorted(self.runs_s)
        mid = len(ordered) // 2
        return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2

    def to_dict(self) -> dict:
        data = asdict(self)
        data["median_s"] = self.median_s
        data.pop("stdout")
        data.pop("stderr")
        return data

    def to_public_dict(self) -> dict:
        """to_dict without the benchmark's own working notes (`extra` keys starting with `_`): what is published."""
        data = self.to_dict()
        data["extra"] = {k: v for k, v in data["extra"].items() if not k.startswith("_")}
        return data


@dataclass
class _RunResult:
    wall_s: float
    returncode: int
    peak_rss_bytes: int
    tree_rss_bytes: int | None
    stdout: str
    stderr: str
    cpu_s: float = 0.0


# The tool is started by this small launcher, not by the benchmark's own interpreter. The kernel's peak-RSS
# figure for a process also counts the address space it had before exec: a child forked (or vforked, as
# subprocess does) from a 30 MB benchmark process would never report less than 30 MB, or even the parent's
# own lifetime peak. Forked from a bare `python -I -S` instead, the floor is about 7 MB, and the launcher
# times the tool around fork/exec/wait4 so its own start-up is not counted either.
_LAUNCHER = r"""
import os, sys, time
fd = int(sys.argv[1])
os.set_inheritable(fd, False)
argv = sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(argv[0], argv)
    except OSError as e:
        os.write(2, ("cannot run %s: %s\n" % (argv[0], e)).encode())
    os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
os.write(fd, ("%d %d %.9f %.6f" % (os.waitstatus_to_exitcode(status), usage.ru_maxrss, wall,
                                  usage.ru_utime + usage.ru_stime)).encode())
"""


def run_once(
    command: Sequence[str],
    *,
    cwd: str | os.PathLike | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    sample_interval: float | None = 0.05,
) -> _RunResult:
    """Run `command` once; wall time covers the child's whole life, start-up included."""
    read_end, write_end = os.pipe()
    try:
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            launcher = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(write_end), *map(str, command)],
                cwd=cwd,
                env=dict(env) if env is not None else None,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                pass_fds=(write_end,),
                start_new_session=True,  # its own process group, so a timeout kills the whole tree
            )
            os.close(write_end)
            write_end = -1
            sampler = _TreeSampler(launcher.pid, sample_interval) if sample_interval and _HAVE_PROC else None
            if sampler:
                sampler.start()
            try:
                launcher.wait(timeout=timeout)
                timed_out = False
            except subprocess.TimeoutExpired:
                timed_out = True
                try:
                    os.killpg(launcher.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                launcher.wait()
            tree_peak = sampler.stop() if sampler else None
            report = os.read(read_end, 256).decode()
            out.seek(0)
            err.seek(0)
            stdout = out.read().decode("utf-8", "replace")
            stderr = err.read().decode("utf-8", "replace")
    finally:
        os.close(read_end)
        if write_end != -1:
            os.close(write_end)
    if timed_out:
        raise BenchmarkError(f"{_show(command)} did not finish within {timeout:g} s")
    try:
        code, maxrss, wall, cpu = report.split()
    except ValueError:
        raise BenchmarkError(f"the launcher for {_show(command)} failed (exit {launcher.returncode}): {stderr[-2000:]}") from None
    peak = int(maxrss) * (1 if sys.platform == "darwin" else 1024)  # Linux reports KiB, macOS bytes
    if tree_peak is not None:
        tree_peak = max(tree_peak, peak)  # a peak shorter than the sampling interval is still known exactly
    return _RunResult(float(wall), int(code), peak, tree_peak, stdout, stderr, float(cpu))


def measure(
    name: str,
    command: Sequence[str],
    *,
    repeat: int = 3,
    ok_returncodes: Iterable[int] = (0,),
    cwd: str | os.PathLike | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    sample_interval: float | None = 0.05,
) -> Measurement:
    """Run `command` `repeat` times and keep the best wall time (the least disturbed by other load).

    A run that exits with a code outside `ok_returncodes` makes the whole measurement invalid: timing a tool
    that failed early would flatter it.
    """
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    ok = set(ok_returncodes)
    runs: list[_RunResult] = []
    for _ in range(repeat):
        result = run_once(command, cwd=cwd, env=env, timeout=timeout, sample_interval=sample_interval)
        if result.returncode not in ok:
            tail = (result.stderr.strip() or result.stdout.strip())[-2000:]
            raise BenchmarkError(
                f"{name}: {_show(command)} exited with {result.returncode} "
                f"(expected {sorted(ok)})" + (f":\n{tail}" if tail else "")
            )
        runs.append(result)
    trees = [r.tree_rss_bytes for r in runs if r.tree_rss_bytes is not None]
    return Measurement(
        name=name,
        command=list(command),
        wall_s=min(r.wall_s for r in runs),
        runs_s=[r.wall_s for r in runs],
        peak_rss_bytes=max(r.peak_rss_bytes for r in runs),
        tree_rss_bytes=max(trees) if trees else None,
        returncode=runs[-1].returncode,
        stdout=runs[-1].stdout,
        stderr=runs[-1].stderr,
        cpu_s=[r.cpu_s for r in runs],
    )


# --- process-tree memory sampling (Linux /proc) --------------------------------------------------------------

_HAVE_PROC = os.path.isdir("/proc/self") and os.path.exists("/proc/self/statm")


class _TreeSampler(threading.Thread):
    """Sum the RSS of a process and its descendants every `interval` seconds; remember the largest sum."""

    def __init__(self, root_pid: int, interval: float):
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.interval = interval
        self.peak = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            # the root is the launcher: count what it started, not the launcher itself
            total = sum(_rss_of(pid) for pid in process_tree(self.root_pid) if pid != self.root_pid)
            self.peak = max(self.peak, total)
            self._stop_event.wait(self.interval)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


def process_tree(root: int) -> list[int]:
    """`root` and all its descendants, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue  # gone between listdir and open
        # the command name may hold spaces and parentheses: the fields after its last ')' are fixed
        fields = stat[stat.rfind(b")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _rss_of(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


# --- describing the machine and the tools ------------------------------------------------------------------

def machine_info() -> dict:
    """What a reader needs to compare numbers: CPU, cores, memory, OS, Python."""
    cpu = platform.processor() or platform.machine()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
        match = re.search(r"^Model name:\s*(.+)$", out, re.M)
        if match:
            cpu = match.group(1).strip()
    except (OSError, subprocess.SubprocessError):
        pass
    mem = None
    try:
        with open("/proc/meminfo") as fh:
            mem = int(fh.readline().split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_bytes": mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def load_average() -> float | None:
    """The 1-minute load average, for the record: other work on the machine slows every tool, the multi-process
    ones most. None where the system has none."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def bench_tool(name: str, explicit: str | None = None) -> str | None:
    """A comparison tool's command: `explicit`, else the one scripts/bench-tools-env put in .venv-bench, else PATH."""
    if explicit:
        return explicit
    bench = REPO / ".venv-bench" / "bin" / name
    return str(bench) if bench.exists() else shutil.which(name)


def tool_version(command: Sequence[str], env: Mapping[str, str] | None = None) -> str | None:
    """First line of `command` (e.g. ["rg", "--version"]), or None when the tool is not there."""
    try:
        proc = subprocess.run(list(command), capture_output=True, text=True, timeout=60, env=env)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    lines = (proc.stdout or proc.stderr).strip().splitlines()
    return lines[0].strip() if lines else None


# --- formatting ----------------------------------------------------------------------------------------------

def format_seconds(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 100:
        return f"{seconds:.2f} s"
    return f"{seconds:.0f} s"


def format_bytes(n: int | None) -> str:
    if n is None:
        return "n/a"
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}" if n < 100 * size else f"{n / size:.0f} {unit}"
    return f"{n} B"


def format_ratio(r: float) -> str:
    return f"{r:.0f}x" if r >= 100 else f"{r:.1f}x" if r >= 10 else f"{r:.2f}x"


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]], align: str | None = None) -> str:
    """A GitHub-flavoured Markdown table. `align` has one letter per column: l, r or c (default: all l).

    Pipes and newlines inside cells are escaped so a cell can never break the table.
    """
    headers = [_cell(h) for h in headers]
    align = align or "l" * len(headers)
    if len(align) != len(headers):
        raise ValueError(f"align has {len(align)} letters for {len(headers)} columns")
    marks = {"l": ":---", "r": "---:", "c": ":---:"}
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(marks[a] for a in align) + " |"]
    for row in rows:
        cells = [_cell(c) for c in row]
        if len(cells) != len(headers):
            raise ValueError(f"row has {len(cells)} cells for {len(headers)} columns: {row!r}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _cell(value: object) -> str:
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", "<br>")


def update_marked_section(path: str | os.PathLike, name: str, content: str, *, title: str | None = None) -> bool:
    """Replace the text between ``<!-- BEGIN name -->`` and ``<!-- END name -->`` in `path`.

    When the markers are missing they are appended (after a ``## title`` heading when given), and a missing
    file is created. Everything outside the markers is left byte for byte. Returns True when the file changed.
    """
    path = Path(path)
    begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
    block = f"{begin}\n{content.rstrip()}\n{end}"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    i, j = old.find(begin), old.find(end)
    if (i == -1) != (j == -1) or (i != -1 and j < i):
        raise BenchmarkError(f"{path}: the markers {begin} / {end} are unbalanced; fix them by hand")
    if i != -1:
        new = old[:i] + block + old[j + len(end) :]
    else:
        head = old.rstrip("\n") + "\n\n" if old.strip() else ""
        heading = f"## {title}\n\n" if title else ""
        new = head + heading + block + "\n"
    if new == old:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(new, encoding="utf-8")
    os.replace(tmp, path)
    return True


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """--json-out and --no-docs, as every benchmark that writes a docs/benchmarks.md section takes them."""
    parser.add_argument("--json-out", help="also write the results as JSON to this file")
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")


def write_outputs(args: argparse.Namespace, results: object, text: str, section: str, title: str) -> None:
    """What `add_output_options` asked for: the JSON file, and this benchmark's section of docs/benchmarks.md."""
    if args.json_out:
        write_json(args.json_out, results)
    if not args.no_docs:
        update_marked_section(REPO / "docs" / "benchmarks.md", section, text, title=title)


def write_json(path: str | os.PathLike, data: object) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def _show(command: Sequence[str]) -> str:
    import shlex

    return " ".join(shlex.quote(str(c)) for c in command)


show_command = _show
