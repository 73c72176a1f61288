"""`migrate pr --refresh`: the scheduled job that keeps ONE migration pull request per repository up to date.

Real git (a bare repository as the remote, fresh clones as CI would have them) and a GitHub API recorder that
keeps state like GitHub does: one open pull request per head branch, 422 "already exists" on a second POST.
"""

from __future__ import annotations

import pytest

from migrate.pr import PrError, PrOptions, create_pr
from tests.pr.conftest import git


class StatefulPulls:
    """GitHub's pulls endpoints with memory: POST opens (or 422s when one is open), GET filters, PATCH edits."""

    def __init__(self, fake):
        self.fake = fake
        self.pulls: list[dict] = []
        fake.answer = self.answer

    def answer(self, rec):
        parts = rec.path.strip("/").split("/")
        owner, repo = parts[1], parts[2]
        if rec.method == "POST" and parts[-1] == "pulls":
            head = rec.body["head"]
            if any(p["head"] == head and p["state"] == "open" for p in self.pulls):
                return 422, {"message": "Validation Failed",
                             "errors": [{"message": f"A pull request already exists for {owner}:{head}."}]}
            number = 12 + len(self.pulls)
            self.pulls.append({"number": number, "head": head, "state": "open", "merged_at": None,
                               "body": rec.body["body"], "title": rec.body["title"],
                               "html_url": f"https://github.com/{owner}/{repo}/pull/{number}"})
            return 201, self.pulls[-1]
        if rec.method == "GET" and parts[-1] == "pulls":
            head = rec.query["head"][0].split(":", 1)[1]
            state = rec.query.get("state", ["open"])[0]
            found = [p for p in self.pulls if p["head"] == head and state in ("all", p["state"])]
            return 200, sorted(found, key=lambda p: -p["number"])
        if rec.method == "PATCH" and parts[-2] == "pulls":
            pull = next(p for p in self.pulls if p["number"] == int(parts[-1]))
            pull.update(rec.body)
            return 200, pull
        return 404, {"message": "Not Found"}

    def requests(self, method: str) -> int:
        return sum(1 for r in self.fake.requests if r.method == method)


def _move_base(repo, name="later.py"):
    """A teammate lands new work on main (no OpenAI use): the migration branch is now behind."""
    (repo.work / name).write_text("VALUE = 2\n")
    repo.commit_all(f"add {name}")
    repo.git("push", "-q", "origin", "main")
    return repo.git("rev-parse", "HEAD")


def _options(fake, **kw):
    return PrOptions(scan=False, refresh=True, api_url=fake.url, **kw)


@pytest.fixture
def gh(github_repo, fake_github, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_test")
    return github_repo, StatefulPulls(fake_github)


def test_scheduled_runs_keep_one_pull_request_on_the_current_base(gh):
    repo, pulls = gh
    first = create_pr([repo.work], _options(pulls.fake))
    assert first.pull_request.action == "created" and first.branch_action == "create"

    new_main = _move_base(repo)
    with pytest.raises(PrError, match="already exists"):  # without --refresh a moved base stops the run
        create_pr([repo.work], PrOptions(scan=False, api_url=pulls.fake.url))

    second = create_pr([repo.work], _options(pulls.fake))
    assert second.status == "committed" and second.branch_action == "replace"
    # The branch is rebuilt on the new main: one commit on top of it, nothing of the old branch kept.
    assert repo.remote_git("rev-parse", "refs/heads/migrate/vllm") == second.commit
    assert repo.git("rev-parse", f"{second.commit}^") == new_main
    assert repo.remote_git("rev-list", "--count", "main..migrate/vllm") == "1"
    # Still ONE pull request, its description refreshed.
    assert [p["number"] for p in pulls.pulls] == [12]
    assert second.pull_request.action == "updated" and second.pull_request.number == 12
    assert pulls.pulls[0]["body"] == second.body

    third = create_pr([repo.work], _options(pulls.fake))  # nothing moved: the same commit, no new one
    assert third.status == "up-to-date" and third.commit == second.commit
    assert len(pulls.pulls) == 1 and pulls.requests("PATCH") == 2


def test_a_branch_someone_committed_to_is_left_alone(gh, tmp_path):
    repo, pulls = gh
    create_pr([repo.work], _options(pulls.fake))
    reviewer = tmp_path / "reviewer"
    git(tmp_path, "clone", "-q", "-b", "migrate/vllm", str(repo.bare), str(reviewer))
    (reviewer / "NOTES.md").write_text("fixed the prompt by hand\n")
    git(reviewer, "add", "NOTES.md")
    git(reviewer, "-c", "user.name=R", "-c", "user.email=r@example.com", "commit", "-q", "-m", "hand fix")
    git(reviewer, "push", "-q", "origin", "migrate/vllm")
    theirs = git(reviewer, "rev-parse", "HEAD")
    _move_base(repo)

    with pytest.raises(PrError, match=r"commits migrate-kit did not make \(.*hand fix\).*--force-branch"):
        create_pr([repo.work], _options(pulls.fake))
    assert repo.remote_git("rev-parse", "refs/heads/migrate/vllm") == theirs


def test_a_pull_request_closed_unmerged_is_not_reopened_or_duplicated(gh):
    repo, pulls = gh
    first = create_pr([repo.work], _options(pulls.fake))
    pulls.pulls[0]["state"] = "closed"  # the team decided against it
    _move_base(repo)
    posts = pulls.requests("POST")

    result = create_pr([repo.work], _options(pulls.fake))
    assert result.status == "pr-closed" and result.ok and not result.pushed
    assert "#12" in result.pr_skipped and "closed without merging" in result.pr_skipped
    assert pulls.requests("POST") == posts and len(pulls.pulls) == 1
    assert repo.remote_git("rev-parse", "refs/heads/migrate/vllm") == first.commit  # the branch is not touched


def test_a_fresh_ci_clone_refreshes_the_branch_it_does_not_have(gh, tmp_path):
    """CI checks out only the base: the branch's commit is fetched to check it before it is replaced."""
    repo, pulls = gh
    create_pr([repo.work], _options(pulls.fake))
    new_main = _move_base(repo)

    shallow = tmp_path / "ci-shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "-b", "main", f"file://{repo.bare}", str(shallow))
    with pytest.raises(PrError, match="shallow.*fetch-depth: 0"):
        create_pr([shallow], _options(pulls.fake))

    ci = tmp_path / "ci"
    git(tmp_path, "clone", "-q", "-b", "main", str(repo.bare), str(ci))
    assert git(ci, "branch", "--list", "migrate/vllm") == ""
    git(ci, "remote", "set-url", "origin", "https://github.com/acme/app.git")  # as actions/checkout leaves it
    git(ci, "remote", "set-url", "--push", "origin", str(repo.bare))
    result = create_pr([ci], _options(pulls.fake))
    assert result.branch_action == "replace" and result.pushed
    assert repo.remote_git("rev-parse", f"{result.commit}^") == new_main
    assert len(pulls.pulls) == 1 and result.pull_request.action == "updated"


def test_cli_refresh_flag(gh):
    from tests.pr.conftest import migrate_cli

    repo, pulls = gh
    create_pr([repo.work], _options(pulls.fake))
    _move_base(repo)
    proc = migrate_cli("pr", ".", "--no-scan", "--refresh", "--api-url", pulls.fake.url, cwd=repo.work,
                       env={"GITHUB_TOKEN": "ghs_test"})
    assert proc.returncode == 0, proc.stderr
    assert "Replaced" in proc.stdout and "Pull request updated" in proc.stdout
    assert len(pulls.pulls) == 1


def test_dry_run_with_refresh_says_the_branch_would_be_rebuilt_and_writes_nothing(gh):
    repo, pulls = gh
    create_pr([repo.work], _options(pulls.fake))
    _move_base(repo)
    objects_before = repo.git("count-objects", "-v")
    result = create_pr([repo.work], _options(pulls.fake, dry_run=True))
    assert result.status == "dry-run" and result.branch_action == "replace" and not result.warnings
    assert repo.git("count-objects", "-v") == objects_before
    assert pulls.requests("PATCH") == 0 and pulls.requests("POST") == 1
