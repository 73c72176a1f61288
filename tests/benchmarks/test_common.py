"""benchmarks/_common.py: timing and peak memory of a child process, Markdown tables, marked doc sections."""

from __future__ import annotations

import sys
import textwrap

import pytest

MiB = 1 << 20


def _python(code: str) -> list[str]:
    return [sys.executable, "-I", "-S", "-c", textwrap.dedent(code)]


def test_measure_reports_wall_time_and_runs(common):
    m = common.measure("sleep", _python("import time; time.sleep(0.2)"), repeat=2)
    assert len(m.runs_s) == 2
    assert all(0.2 <= s < 5 for s in m.runs_s)
    assert m.wall_s == min(m.runs_s)
    assert m.returncode == 0


def test_measure_reports_the_cpu_time_of_each_run(common):
    busy = common.measure("busy", _python("import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"),
                          repeat=2)
    idle = common.measure("idle", _python("import time; time.sleep(0.3)"), repeat=1)
    assert len(busy.cpu_s) == 2 and all(0.25 <= s < 5 for s in busy.cpu_s)
    assert idle.cpu_s[0] < 0.2 <= idle.wall_s  # waiting is wall time, not CPU time


def test_peak_rss_tracks_what_the_child_allocates(common):
    small = common.measure("small", _python("pass"), repeat=1)
    big = common.measure("big", _python("b = bytearray(160 * 2**20); b[::4096] = b'x' * len(b[::4096])"), repeat=1)
    assert big.peak_rss_bytes >= 160 * MiB
    # The benchmark process's own size must not leak into the child's figure (the launcher keeps it out).
    assert small.peak_rss_bytes < 40 * MiB
    assert big.tree_rss_bytes is None or big.tree_rss_bytes >= big.peak_rss_bytes


def test_tree_rss_adds_up_worker_processes(common):
    code = """
        import multiprocessing as mp, time
        def work(_):
            b = bytearray(100 * 2**20); b[::4096] = b'x' * len(b[::4096]); time.sleep(0.6); return 1
        if __name__ == "__main__":
            with mp.get_context("fork").Pool(2) as pool:
                print(sum(pool.map(work, range(2), chunksize=1)))
    """
    m = common.measure("pool", [sys.executable, "-c", textwrap.dedent(code)], repeat=1, sample_interval=0.05)
    assert m.stdout.strip() == "2"
    assert m.peak_rss_bytes >= 100 * MiB  # one worker
    if m.tree_rss_bytes is None:
        pytest.fail("no /proc on this machine: the process-tree sampler cannot run (Linux only)")
    assert m.tree_rss_bytes >= 200 * MiB  # both workers at once


def test_measure_rejects_a_failing_tool(common):
    with pytest.raises(common.BenchmarkError, match=r"exited with 3 \(expected \[0\]\):\nboom"):
        common.measure("fails", _python("import sys; sys.stderr.write('boom'); sys.exit(3)"), repeat=1)


def test_measure_accepts_listed_exit_codes(common):
    m = common.measure("grep-like", _python("import sys; sys.exit(1)"), repeat=1, ok_returncodes=(0, 1))
    assert m.returncode == 1


def test_missing_program_is_reported(common):
    with pytest.raises(common.BenchmarkError, match="No such file"):
        common.measure("missing", ["/nonexistent/tool", "--x"], repeat=1)


def test_timeout_kills_the_whole_tree(common, tmp_path):
    marker = tmp_path / "survived"
    code = f"""
        import subprocess, sys, time
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1.5); open({str(marker)!r}, 'w').close()"])
        time.sleep(30)
    """
    with pytest.raises(common.BenchmarkError, match="did not finish within 0.5 s"):
        common.measure("hangs", [sys.executable, "-c", textwrap.dedent(code)], repeat=1, timeout=0.5)
    import time

    time.sleep(2)
    assert not marker.exists(), "the grandchild outlived the timeout"


@pytest.mark.parametrize(
    "seconds, shown",
    [(0.0123, "12 ms"), (0.999, "999 ms"), (1.5, "1.50 s"), (133.4, "133 s")],
    ids=["ms", "just-under-1s", "seconds", "minutes"],
)
def test_format_seconds(common, seconds, shown):
    assert common.format_seconds(seconds) == shown


@pytest.mark.parametrize(
    "n, shown",
    [(None, "n/a"), (512, "512 B"), (1536, "1.5 KiB"), (20 * MiB, "20.0 MiB"), (300 * MiB, "300 MiB"), (3 << 30, "3.0 GiB")],
    ids=["none", "bytes", "kib", "mib", "hundreds-of-mib", "gib"],
)
def test_format_bytes(common, n, shown):
    assert common.format_bytes(n) == shown


def test_markdown_table(common):
    table = common.markdown_table(["tool", "wall"], [["semgrep | pro", 1.5], ["multi\nline", "2"]], align="lr")
    assert table.splitlines() == [
        "| tool | wall |",
        "| :--- | ---: |",
        "| semgrep \\| pro | 1.5 |",
        "| multi<br>line | 2 |",
    ]


@pytest.mark.parametrize(
    "headers, rows, align",
    [(["a", "b"], [["only one"]], None), (["a", "b"], [], "l")],
    ids=["short-row", "bad-align"],
)
def test_markdown_table_rejects_mismatches(common, headers, rows, align):
    with pytest.raises(ValueError):
        common.markdown_table(headers, rows, align=align)


def test_update_marked_section_creates_replaces_and_keeps_the_rest(common, tmp_path):
    doc = tmp_path / "docs" / "benchmarks.md"
    assert common.update_marked_section(doc, "scan", "first", title="migrate scan") is True
    assert doc.read_text() == "## migrate scan\n\n<!-- BEGIN scan -->\nfirst\n<!-- END scan -->\n"

    doc.write_text("# Benchmarks\n\nintro\n\n" + doc.read_text() + "\n## replay\n\nhand-written\n")
    assert common.update_marked_section(doc, "scan", "second\n", title="migrate scan") is True
    text = doc.read_text()
    assert text == (
        "# Benchmarks\n\nintro\n\n## migrate scan\n\n<!-- BEGIN scan -->\nsecond\n<!-- END scan -->\n"
        "\n## replay\n\nhand-written\n"
    )
    assert common.update_marked_section(doc, "scan", "second", title="migrate scan") is False  # idempotent
    assert common.update_marked_section(doc, "replay", "numbers") is True  # a second section is appended
    assert doc.read_text().startswith(text.rstrip("\n"))
    assert doc.read_text().endswith("<!-- BEGIN replay -->\nnumbers\n<!-- END replay -->\n")


def test_update_marked_section_refuses_broken_markers(common, tmp_path):
    doc = tmp_path / "b.md"
    doc.write_text("<!-- END scan -->\ntext\n<!-- BEGIN scan -->\n")
    with pytest.raises(common.BenchmarkError, match="unbalanced"):
        common.update_marked_section(doc, "scan", "x")
    assert doc.read_text() == "<!-- END scan -->\ntext\n<!-- BEGIN scan -->\n"


def test_machine_info(common):
    info = common.machine_info()
    assert info["cores"] >= 1
    assert info["python"] == ".".join(map(str, sys.version_info[:3]))
    assert info["cpu"]


def test_bench_tool_prefers_the_explicit_command_then_the_bench_venv_then_path(common, tmp_path, monkeypatch):
    assert common.bench_tool("semgrep", "/opt/semgrep") == "/opt/semgrep"
    monkeypatch.setattr(common, "REPO", tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "path"))
    assert common.bench_tool("ast-grep") is None  # nowhere
    for where in (tmp_path / "path", tmp_path / ".venv-bench" / "bin"):
        where.mkdir(parents=True)
        (where / "ast-grep").write_text("#!/bin/sh\n")
        (where / "ast-grep").chmod(0o755)
    assert common.bench_tool("ast-grep") == str(tmp_path / ".venv-bench" / "bin" / "ast-grep")
    (tmp_path / ".venv-bench" / "bin" / "ast-grep").unlink()
    assert common.bench_tool("ast-grep") == str(tmp_path / "path" / "ast-grep")


def test_load_average_is_a_rounded_number_or_none(common, monkeypatch):
    monkeypatch.setattr(common.os, "getloadavg", lambda: (1.23456, 0.0, 0.0))
    assert common.load_average() == 1.23

    def unavailable():
        raise OSError("no load average here")

    monkeypatch.setattr(common.os, "getloadavg", unavailable)
    assert common.load_average() is None


def test_write_outputs_writes_the_json_and_the_docs_section_as_asked(common, tmp_path, monkeypatch):
    import argparse
    import json

    monkeypatch.setattr(common, "REPO", tmp_path)
    parser = argparse.ArgumentParser()
    common.add_output_options(parser)
    args = parser.parse_args(["--json-out", str(tmp_path / "r.json")])
    common.write_outputs(args, {"wall_s": 1.5}, "| a |\n", "demo", "Demo")
    assert json.loads((tmp_path / "r.json").read_text()) == {"wall_s": 1.5}
    docs = (tmp_path / "docs" / "benchmarks.md").read_text()
    assert "## Demo" in docs and "<!-- BEGIN demo -->\n| a |\n<!-- END demo -->" in docs
    (tmp_path / "docs" / "benchmarks.md").unlink()
    common.write_outputs(parser.parse_args(["--no-docs"]), {}, "x", "demo", "Demo")
    assert not (tmp_path / "docs" / "benchmarks.md").exists()


def test_process_tree_finds_a_grandchild(common):
    import subprocess

    child = subprocess.Popen([sys.executable, "-c", "import subprocess, sys, time; "
                              "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)']); "
                              "print(p.pid, flush=True); time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        grandchild = int(child.stdout.readline())
        assert {child.pid, grandchild} <= set(common.process_tree(child.pid))
    finally:
        import os
        import signal

        os.kill(grandchild, signal.SIGKILL)
        child.kill()
        child.wait()


def test_the_public_dict_leaves_out_the_benchmarks_working_notes(common):
    m = common.Measurement("t", ["t"], 1.0, [1.0], 10, None, 0, extra={"findings": 3, "_paths": ["a", "b"]})
    assert m.to_public_dict()["extra"] == {"findings": 3}
    assert m.to_dict()["extra"]["_paths"] == ["a", "b"]  # the full record keeps them
