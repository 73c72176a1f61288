"""`migrate pr --repos` and `migrate report` as a person runs them."""

from __future__ import annotations

import json

import pytest

from tests.fleet.conftest import fleet_env
from tests.fleet.generate import branch_sha, make_fleet
from tests.pr.conftest import migrate_cli

pytestmark = pytest.mark.timeout(600)


@pytest.fixture
def trio(tmp_path):
    fleet = make_fleet(tmp_path / "fleet", 3, kinds=("openai", "plain", "missing"))
    return fleet, fleet_env(tmp_path / "home", fleet)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["pr", ".", "--repos", "REPOS"], "either PATHS (one repository) or --repos FILE"),
        (["pr", "--workdir", "w"], "--workdir, --report and --redo go with --repos FILE"),
        (["pr", "--repos", "REPOS", "--report", "out.txt"], ".html, .md or .json"),
        (["pr", "--repos", "nothere.txt"], "--repos nothere.txt: no such file"),
        (["report"], "give --repos FILE, or --workdir DIR"),
        (["report", "--repos", "REPOS", "-o", "status.pdf"], ".html, .md or .json"),
    ],
)
def test_usage_errors(tmp_path, args, message):
    (tmp_path / "repos.txt").write_text("# nothing yet\n/srv/none\n")
    args = [str(tmp_path / "repos.txt") if a == "REPOS" else a for a in args]
    proc = migrate_cli(*args, cwd=tmp_path)
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr


def test_pr_repos_prints_the_summary_and_writes_reports(trio, github, tmp_path):
    fleet, env = trio
    proc = migrate_cli("pr", "--repos", str(fleet.repos_file), "--workdir", str(tmp_path / "w"), "--api-url",
                       github.url, "--report", str(tmp_path / "fleet.json"), "--report", str(tmp_path / "fleet.md"),
                       cwd=tmp_path, env=env)
    assert proc.returncode == 1, "one repository failed, so the run says so"
    openai, plain, missing = fleet.repos
    lines = {line.split()[0]: line for line in proc.stdout.splitlines() if line.startswith("acme/")}
    assert "pending-review" in lines[f"acme/{openai.name}"] and "https://github.com/acme/" in lines[f"acme/{openai.name}"]
    assert "no-openai" in lines[f"acme/{plain.name}"]
    assert "failed" in lines[f"acme/{missing.name}"] and "cannot reach" in lines[f"acme/{missing.name}"]
    assert "3 repositories in" in proc.stdout and "1 failed" in proc.stdout
    report = json.loads((tmp_path / "fleet.json").read_text())
    assert report["counts"]["pending-review"] == 1 and report["counts"]["failed"] == 1
    assert branch_sha(openai) == report["repos"][0]["branch_sha"]
    assert "| acme/svc-0000-openai | pending-review |" in (tmp_path / "fleet.md").read_text()

    # `migrate report --workdir` reads the records back: no git, no API.
    requests = len(github.requests)
    proc = migrate_cli("report", "--workdir", str(tmp_path / "w"), "--format", "json", cwd=tmp_path, env=env)
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert {r["name"]: r["status"] for r in data["repos"]} == {
        f"acme/{openai.name}": "pending-review", f"acme/{plain.name}": "no-openai", f"acme/{missing.name}": "failed"}
    assert len(github.requests) == requests


def test_report_repos_surveys_without_changing_anything(trio, github, tmp_path):
    fleet, env = trio
    proc = migrate_cli("report", "--repos", str(fleet.repos_file), "--workdir", str(tmp_path / "w"), "--api-url",
                       github.url, "-o", str(tmp_path / "status.html"), cwd=tmp_path, env=env)
    assert proc.returncode == 1, proc.stderr
    html = (tmp_path / "status.html").read_text()
    assert "<title>Migration status: 3 repositories</title>" in html
    assert 'data-status="to-migrate"' in html and 'data-status="failed"' in html
    assert all(branch_sha(r) is None for r in fleet.repos[:2])
    assert [r.method for r in github.requests] == ["GET"], "one lookup of the open pull request, nothing written"


def test_dry_run_prints_what_would_happen(trio, github, tmp_path):
    fleet, env = trio
    proc = migrate_cli("pr", "--repos", str(fleet.repos_file), "--workdir", str(tmp_path / "w"), "--dry-run",
                       "--jobs", "1", cwd=tmp_path, env=env)
    assert "to-migrate" in proc.stdout and "dry run: would create branch migrate/vllm with 1 file(s)" in proc.stdout
    assert github.requests == [] and branch_sha(fleet.repos[0]) is None


def test_report_without_a_token_says_pull_requests_were_not_looked_up(tmp_path):
    fleet = make_fleet(tmp_path / "fleet", 1, kinds=("openai",))
    env = {k: v for k, v in fleet_env(tmp_path / "home", fleet).items() if k != "GITHUB_TOKEN"}
    proc = migrate_cli("report", "--repos", str(fleet.repos_file), "--workdir", str(tmp_path / "w"), "--format",
                       "json", cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    (row,) = json.loads(proc.stdout)["repos"]
    assert row["status"] == "to-migrate"
    assert "pull requests not looked up: no GITHUB_TOKEN or GH_TOKEN set" in row["reason"]
