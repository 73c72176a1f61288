"""`run_fleet` on a generated fleet of real bare repositories, with the GitHub API faked at the HTTP layer."""

from __future__ import annotations

import subprocess

import pytest

from migrate.fleet import FleetOptions, StateStore, WorkdirBusy, parse_repos_file, run_fleet
from tests.fleet.conftest import fleet_env
from tests.fleet.fake_github import serve
from tests.fleet.generate import branch_sha, make_fleet

pytestmark = pytest.mark.timeout(600)


def options(workdir, fake, env, **extra) -> FleetOptions:
    return FleetOptions(workdir=workdir, jobs=extra.pop("jobs", 2), pr={"api_url": fake.url, **extra.pop("pr", {})},
                        env=env, **extra)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two runs of `migrate pr --repos` over the same fleet; the GitHub requests of each, kept apart."""
    root = tmp_path_factory.mktemp("fleet-runs")
    fleet = make_fleet(root / "fleet", 14)
    env = fleet_env(root / "home", fleet)
    fake, server = serve()
    repos = parse_repos_file(fleet.repos_file)
    first = run_fleet(repos, options(root / "work", fake, env))
    first_requests = list(fake.requests)
    branches = {r.name: branch_sha(r) for r in fleet.repos}
    second = run_fleet(repos, options(root / "work", fake, env))
    yield {"fleet": fleet, "env": env, "fake": fake, "first": first, "second": second, "root": root,
           "first_requests": first_requests, "second_requests": fake.requests[len(first_requests):],
           "branches": branches, "repos": repos}
    server.shutdown()
    server.server_close()


def by_name(result):
    return {o.name.split("/")[-1]: o for o in result.outcomes}


def test_every_repository_gets_the_status_its_kind_calls_for(runs):
    outcomes = by_name(runs["first"])
    assert len(outcomes) == len(runs["fleet"].repos)
    assert {name: o.status for name, o in outcomes.items()} == {r.name: r.expected for r in runs["fleet"].repos}


def test_one_pull_request_per_migrated_repository_holding_the_pushed_branch(runs):
    fake, fleet = runs["fake"], runs["fleet"]
    for repo in fleet.repos:
        full = f"acme/{repo.name}"
        outcome = by_name(runs["first"])[repo.name]
        if repo.expected in ("pending-review", "blocked"):
            (pr,) = fake.pulls[full]
            assert outcome.pr_url == pr["html_url"] and outcome.pr_action == "created"
            assert pr["head"] == "migrate/vllm" and pr["base"] == "main"
            assert outcome.files_changed and all(path in pr["body"] for path in outcome.files_changed)
            assert branch_sha(repo) == outcome.branch_sha, "the branch on the remote is the one the run pushed"
        else:
            assert full not in fake.pulls
            if repo.kind != "missing":
                assert branch_sha(repo) is None, f"{repo.name}: no branch is pushed where there is nothing to change"


def test_the_blocked_repository_names_the_endpoint_vllm_does_not_serve(runs):
    (blocked,) = [o for o in runs["first"].outcomes if o.status == "blocked"]
    assert blocked.unsupported_endpoints == ["images.generate"]
    assert blocked.verdicts["unsupported"] == 1 and blocked.pr_url  # the rest is still migrated, for review


def test_failures_say_why_and_never_stop_the_others(runs):
    outcomes = by_name(runs["first"])
    failed = {name: o.reason for name, o in outcomes.items() if o.status == "failed"}
    refused = next(v for k, v in failed.items() if k.endswith("refuses-push"))
    assert "pushes are closed for this repository" in refused and "push" in refused
    assert "no commits yet" in next(v for k, v in failed.items() if k.endswith("empty"))
    assert "cannot reach" in next(v for k, v in failed.items() if k.endswith("missing"))
    assert not runs["first"].ok and sum(o.status != "failed" for o in outcomes.values()) == 11


def test_unparsable_file_is_counted_and_the_rest_is_migrated(runs):
    syntax = next(o for name, o in by_name(runs["first"]).items() if name.endswith("syntax"))
    assert syntax.status == "pending-review" and syntax.skipped_files >= 1


def test_second_run_is_a_no_op(runs):
    second = by_name(runs["second"])
    for name, o in second.items():
        first = by_name(runs["first"])[name]
        assert o.status == first.status and o.pr_url == first.pr_url
        assert o.unchanged == (o.status != "failed"), name
    # No GitHub request at all (failed repositories are retried, but they fail before any API call) ...
    assert runs["second_requests"] == []
    # ... and no branch moved.
    assert {r.name: branch_sha(r) for r in runs["fleet"].repos} == runs["branches"]


def test_state_records_are_complete_json_per_repository(runs):
    records = StateStore(runs["root"] / "work").records()
    assert len(records) == 14
    assert all(r["step"] == "done" and r["format"] == "migrate.fleet-state" for r in records)
    assert not list((runs["root"] / "work" / "state").glob(".*.tmp"))


def test_a_moved_base_branch_refreshes_that_repository_only(runs):
    fleet, fake, env, root = runs["fleet"], runs["fake"], runs["env"], runs["root"]
    repo = fleet.by_kind("openai")[0]
    before = branch_sha(repo)
    clone = root / "colleague"
    subprocess.run(["git", "clone", "-q", repo.url, str(clone)], check=True, env=env)
    (clone / "NEWS.md").write_text("a new feature\n")
    subprocess.run(["git", "add", "NEWS.md"], cwd=clone, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", "feature"], cwd=clone, check=True, env=env)
    subprocess.run(["git", "push", "-q", "origin", "main"], cwd=clone, check=True, env=env)
    seen = len(fake.requests)

    result = run_fleet(runs["repos"], options(root / "work", fake, env))

    outcome = by_name(result)[repo.name]
    assert outcome.status == "pending-review" and not outcome.unchanged, outcome.reason
    assert outcome.pr_action == "updated" and outcome.branch_action == "replace"
    after = branch_sha(repo)
    assert after != before
    parent = subprocess.run(["git", "--git-dir", str(repo.bare), "rev-parse", f"{after}^"], capture_output=True,
                            text=True, check=True).stdout.strip()
    assert parent == outcome.base_sha, "the branch is rebuilt on the new base"
    new = fake.requests[seen:]
    assert {r.path for r in new} == {f"/repos/acme/{repo.name}/pulls", f"/repos/acme/{repo.name}/pulls/{outcome.pr_number}"}
    assert [r.method for r in new] == ["GET", "PATCH"], "the open pull request is found and refreshed, not duplicated"
    assert len(fake.pulls[f"acme/{repo.name}"]) == 1
    others = [o for o in result.outcomes if o.name != outcome.name and o.status != "failed"]
    assert others and all(o.unchanged for o in others)


def test_a_branch_someone_else_pushed_to_is_left_alone(runs):
    fleet, fake, env, root = runs["fleet"], runs["fake"], runs["env"], runs["root"]
    repo = fleet.by_kind("openai")[1]
    clone = root / "reviewer"
    subprocess.run(["git", "clone", "-q", "-b", "migrate/vllm", repo.url, str(clone)], check=True, env=env)
    (clone / "service" / "app.py").write_text((clone / "service" / "app.py").read_text() + "\n# reviewed\n")
    subprocess.run(["git", "commit", "-q", "-am", "review fix"], cwd=clone, check=True, env=env)
    subprocess.run(["git", "push", "-q", "origin", "migrate/vllm"], cwd=clone, check=True, env=env)
    theirs = branch_sha(repo)

    result = run_fleet(runs["repos"], options(root / "work", fake, env, refresh=True))

    outcome = by_name(result)[repo.name]
    assert outcome.status == "failed" and "already exists" in outcome.reason and "--force-branch" in outcome.reason
    assert branch_sha(repo) == theirs
    assert len(fake.pulls[f"acme/{repo.name}"]) == 1


def test_lost_records_never_duplicate_a_pull_request(runs, tmp_path):
    """A run killed after GitHub opened the pull request but before the record was written: the next run finds
    the open pull request and updates it."""
    fake, env, root = runs["fake"], runs["env"], runs["root"]
    for record in (root / "work" / "state").glob("*.json"):
        record.unlink()
    creates = len(fake.creates())
    result = run_fleet(runs["repos"], options(root / "work", fake, env))
    assert len(fake.creates()) == creates
    for o in result.outcomes:
        if o.pr_url:
            assert o.pr_action == "updated" and len(fake.pulls[o.name]) == 1


def test_dry_run_changes_nothing(small_fleet, github, tmp_path):
    fleet, env = small_fleet
    result = run_fleet(parse_repos_file(fleet.repos_file), options(tmp_path / "work", github, env, dry_run=True))
    statuses = {o.name.split("/")[-1]: o.status for o in result.outcomes}
    for repo in fleet.repos:
        expected = {"pending-review": "to-migrate"}.get(repo.expected, repo.expected)
        if repo.kind == "refuses-push":
            expected = "to-migrate"  # the refusal only shows when pushing
        assert statuses[repo.name] == expected, repo.name
        assert branch_sha(repo) is None
    assert github.requests == []
    assert not (tmp_path / "work" / "state").exists() or not list((tmp_path / "work" / "state").glob("*.json"))
    to_migrate = [o for o in result.outcomes if o.status == "to-migrate"]
    assert all(o.files_changed and o.reason.startswith("dry run: would create branch") for o in to_migrate)


def test_report_mode_finds_the_open_pull_requests(small_fleet, github, tmp_path):
    fleet, env = small_fleet
    repos = parse_repos_file(fleet.repos_file)
    before = run_fleet(repos, options(tmp_path / "work", github, env, survey=True))
    assert {o.status for o in before.outcomes if o.name.endswith("-openai")} == {"to-migrate"}
    run_fleet(repos, options(tmp_path / "work", github, env))
    writes = len([r for r in github.requests if r.method != "GET"])
    after = run_fleet(repos, options(tmp_path / "work", github, env, survey=True))
    assert len([r for r in github.requests if r.method != "GET"]) == writes, "a report only reads"
    for o in after.outcomes:
        if o.name.endswith("-openai"):
            assert o.status == "pending-review" and o.pr_action == "found"
            assert o.pr_url == github.open_pulls(o.name)[0]["html_url"]


def test_one_run_per_work_folder(tmp_path):
    first = StateStore(tmp_path)
    first.lock()
    try:
        with pytest.raises(WorkdirBusy, match=r"in use by another run \(pid \d+"):
            run_fleet(parse_repos_file_text(tmp_path, "/nonexistent/repo\n"), FleetOptions(workdir=tmp_path, jobs=1))
    finally:
        first.unlock()
    result = run_fleet(parse_repos_file_text(tmp_path, "/nonexistent/repo\n"), FleetOptions(workdir=tmp_path, jobs=1))
    assert result.outcomes[0].status == "failed" and "cannot reach" in result.outcomes[0].reason
    (record,) = StateStore(tmp_path).records()
    assert record["status"] == "failed" and record["reason"] == result.outcomes[0].reason


def parse_repos_file_text(folder, text):
    path = folder / "repos.txt"
    path.write_text(text)
    return parse_repos_file(path)
