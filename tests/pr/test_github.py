"""The GitHub REST calls, checked request by request against a local recorder that answers like GitHub."""

from __future__ import annotations

import json

import pytest

from migrate.pr import PrOptions, create_pr
from migrate.pr.github import API_VERSION
from tests.pr.conftest import migrate_cli

TOKEN = "ghp_testtoken0123456789abcdefghijklmnopqrstu"


def run(repo, fake, env_token=("GITHUB_TOKEN", TOKEN), **options):
    env = dict(__import__("os").environ)
    if env_token:
        env[env_token[0]] = env_token[1]
    return create_pr([repo.work], PrOptions(scan=False, api_url=fake.url, **options), env=env)


def assert_github_headers(request):
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["accept"] == "application/vnd.github+json"
    assert request.headers["x-github-api-version"] == API_VERSION
    assert request.headers["user-agent"].startswith("migrate-kit/")


def test_creates_the_pull_request_with_the_exact_request(github_repo, fake_github):
    result = run(github_repo, fake_github, draft=True)

    assert result.pull_request is not None and result.pull_request.action == "created"
    assert result.pull_request.url == "https://github.com/acme/app/pull/12"
    (request,) = fake_github.requests
    assert request.method == "POST" and request.path == "/repos/acme/app/pulls"
    assert_github_headers(request)
    assert request.body == {
        "title": result.title,
        "head": "migrate/vllm",
        "base": "main",
        "body": result.body,
        "draft": True,
        "maintainer_can_modify": True,
    }
    # The body's links point at the branch on GitHub, and the branch really is on the (bare) remote.
    assert "https://github.com/acme/app/blob/migrate/vllm/service/app.py" in request.body["body"]
    assert github_repo.remote_git("rev-parse", "refs/heads/migrate/vllm") == result.commit


def test_existing_pull_request_is_found_and_updated(github_repo, fake_github):
    fake_github.create_status = 422
    result = run(github_repo, fake_github)

    assert result.pull_request.action == "updated" and result.pull_request.number == 7
    assert result.pull_request.url == "https://github.com/acme/app/pull/7"
    create, lookup, patch = fake_github.requests
    assert (create.method, create.path) == ("POST", "/repos/acme/app/pulls")
    assert (lookup.method, lookup.path) == ("GET", "/repos/acme/app/pulls")
    assert lookup.query == {"head": ["acme:migrate/vllm"], "state": ["open"]}
    assert (patch.method, patch.path) == ("PATCH", "/repos/acme/app/pulls/7")
    assert patch.body == {"title": result.title, "body": result.body, "base": "main"}
    for request in (create, lookup, patch):
        assert_github_headers(request)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        pytest.param(401, r"401.*Bad credentials.*GITHUB_TOKEN was rejected", id="401-bad-token"),
        pytest.param(404, r"404.*acme/app was not found.*private", id="404-no-access"),
        pytest.param(500, r"500.*Server Error.*by hand", id="500-server"),
    ],
)
def test_github_errors_are_explained_and_the_branch_stays_pushed(github_repo, fake_github, status, expected):
    fake_github.create_status = status
    result = run(github_repo, fake_github)
    assert result.pull_request is None and not result.ok
    assert result.pr_error is not None
    assert __import__("re").search(expected, result.pr_error, __import__("re").S), result.pr_error
    assert "https://github.com/acme/app/compare/main...migrate/vllm?expand=1" in result.pr_error
    assert TOKEN not in result.pr_error
    assert result.pushed and github_repo.remote_git("rev-parse", "refs/heads/migrate/vllm") == result.commit


def test_labels_and_reviewers_are_requested(github_repo, fake_github):
    run(github_repo, fake_github, labels=("llm", "migration"), reviewers=("alice", "acme/platform"))
    paths = [(r.method, r.path) for r in fake_github.requests]
    assert paths == [
        ("POST", "/repos/acme/app/pulls"),
        ("POST", "/repos/acme/app/issues/12/labels"),
        ("POST", "/repos/acme/app/pulls/12/requested_reviewers"),
    ]
    assert fake_github.requests[1].body == {"labels": ["llm", "migration"]}
    assert fake_github.requests[2].body == {"reviewers": ["alice"], "team_reviewers": ["platform"]}


def test_token_from_a_named_variable(github_repo, fake_github):
    result = run(github_repo, fake_github, env_token=("CORP_GH_TOKEN", TOKEN), token_env="CORP_GH_TOKEN")
    assert result.pull_request.action == "created"
    assert_github_headers(fake_github.requests[0])


def test_without_a_token_no_call_is_made_and_the_compare_url_is_given(github_repo, fake_github):
    result = run(github_repo, fake_github, env_token=None)
    assert fake_github.requests == []
    assert result.pushed and result.pull_request is None and result.ok
    assert "GITHUB_TOKEN" in result.pr_skipped
    assert result.compare_url == "https://github.com/acme/app/compare/main...migrate/vllm?expand=1"


def test_non_github_remote_gets_no_api_call(repo, fake_github):
    repo.git("remote", "set-url", "origin", "https://gitlab.com/acme/app.git")
    repo.git("remote", "set-url", "--push", "origin", str(repo.bare))
    env = {**__import__("os").environ, "GITHUB_TOKEN": TOKEN}
    result = create_pr([repo.work], PrOptions(scan=False), env=env)
    assert result.pull_request is None and "not a GitHub remote" in result.pr_skipped
    assert result.compare_url.startswith("https://gitlab.com/acme/app/-/merge_requests/new?")


def test_cli_end_to_end_with_json_output(github_repo, fake_github):
    proc = migrate_cli(
        "pr", ".", "--no-scan", "--api-url", fake_github.url, "--json", cwd=github_repo.work, env={"GH_TOKEN": TOKEN}
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["ok"] and data["status"] == "committed"
    assert data["pull_request"]["url"] == "https://github.com/acme/app/pull/12"
    assert fake_github.requests[0].path == "/repos/acme/app/pulls"
    assert_github_headers(fake_github.requests[0])


def test_cli_reports_a_github_error_with_exit_1(github_repo, fake_github):
    fake_github.create_status = 401
    proc = migrate_cli(
        "pr", ".", "--no-scan", "--api-url", fake_github.url, cwd=github_repo.work, env={"GITHUB_TOKEN": TOKEN}
    )
    assert proc.returncode == 1
    assert "Pull request not opened" in proc.stdout and "Bad credentials" in proc.stdout
    assert TOKEN not in proc.stdout + proc.stderr
