"""Kill `migrate pr --repos` with SIGKILL in the middle of a run, run it again: every pull request exists once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fleet.generate import branch_sha

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.timeout(900)


def command(fleet, work, github) -> list[str]:
    return [sys.executable, "-m", "migrate", "pr", "--repos", str(fleet.repos_file), "--workdir", str(work),
            "--api-url", github.url, "--jobs", "2", "--json"]


def test_killed_mid_run_resumes_without_duplicate_pull_requests(small_fleet, github, tmp_path):
    fleet, env = small_fleet
    env = {**env, "PYTHONPATH": str(ROOT)}
    work = tmp_path / "work"
    wanted = {f"acme/{r.name}" for r in fleet.repos if r.expected in ("pending-review", "blocked")}

    proc = subprocess.Popen(command(fleet, work, github), env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 400
    while not github.creates():
        assert proc.poll() is None, "the run ended before any pull request was opened"
        assert time.monotonic() < deadline, "no pull request was opened in time"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the run and its workers, at once, right after a pull request was opened
    proc.wait()
    opened_before_kill = {r.path.split("/")[3] for r in github.creates()}
    assert 1 <= len(opened_before_kill) < len(wanted), "killed in the middle of the run"
    # The local bare "servers" ran as children of the killed run: a real forge's would not have been killed
    # with it. Drop the ref locks their killed receive-pack left, as the server itself would.
    for lock in fleet.remotes.glob("*.git/refs/**/*.lock"):
        lock.unlink()

    resumed = subprocess.run(command(fleet, work, github), env=env, capture_output=True, text=True, timeout=600)
    report = json.loads(resumed.stdout)
    statuses = {r["name"].split("/")[-1]: r["status"] for r in report["repos"]}
    assert statuses == {r.name: r.expected for r in fleet.repos}, resumed.stderr[-2000:]
    assert {full for full, pulls in github.pulls.items() if pulls} == wanted
    assert all(len(github.pulls[full]) == 1 for full in wanted), "no duplicate pull request"
    assert len(github.creates()) == len(wanted), "each pull request was created once, across both runs"
    for r in report["repos"]:
        if r["name"] in wanted:
            (pr,) = github.pulls[r["name"]]
            assert r["pr_url"] == pr["html_url"]
            repo = next(x for x in fleet.repos if f"acme/{x.name}" == r["name"])
            assert branch_sha(repo) == r["branch_sha"]

    requests = len(github.requests)
    again = subprocess.run(command(fleet, work, github), env=env, capture_output=True, text=True, timeout=600)
    third = json.loads(again.stdout)
    assert len(github.requests) == requests, "a third run asks GitHub nothing"
    assert all(r["unchanged"] for r in third["repos"] if r["status"] != "failed")
    assert third["unchanged"] == sum(1 for r in fleet.repos if r.expected != "failed")
    assert again.returncode == 1  # the broken repositories still fail, and say so in the exit status
