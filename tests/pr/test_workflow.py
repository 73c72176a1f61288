"""`migrate pr` on real git repositories, with a bare repository as the remote."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from migrate.pr import PrError, PrOptions, create_pr
from tests.pr.conftest import git


def plan_for(repo):
    """The rewrite as the rewrite stage plans it, computed independently of `migrate pr`."""
    from migrate.rewrite import plan_rewrite

    return plan_rewrite([str(repo.work)])


def expected_files(repo) -> dict[str, bytes]:
    out = {}
    for change in plan_for(repo).changes:
        rel = Path(change.abs_path).resolve().relative_to(repo.work.resolve()).as_posix()
        out[rel] = change.after if isinstance(change.after, bytes) else change.after.encode("utf-8")
    return out


def test_branch_commit_and_push_hold_exactly_the_rewrite(repo):
    expected = expected_files(repo)
    assert expected, "the sample app must give the rewrite something to change"
    main_before = repo.git("rev-parse", "main")

    result = create_pr([repo.work], PrOptions(scan=False))

    assert result.status == "committed" and result.pushed and result.branch_action == "create"
    # The branch is on the remote, at the commit made here.
    assert repo.remote_git("rev-parse", "refs/heads/migrate/vllm") == result.commit
    # The commit holds exactly the rewritten files, on top of main, with the message.
    assert repo.files_in(result.commit) == set(expected)
    assert set(result.files) == set(expected)
    assert repo.git("rev-parse", f"{result.commit}^") == main_before
    assert repo.git("log", "-1", "--format=%s", result.commit) == result.title
    assert repo.git("log", "-1", "--format=%B", result.commit).strip() == result.message.strip()
    assert "Rules applied:" in result.message
    # What was pushed is the rewrite, byte for byte.
    for path, content in expected.items():
        pushed = subprocess.run(
            ["git", "show", f"migrate/vllm:{path}"], cwd=repo.bare, capture_output=True, check=True
        ).stdout
        assert pushed == content, path
    # The checkout is untouched: still on main, at the same commit, nothing modified or staged.
    assert repo.git("symbolic-ref", "--short", "HEAD") == "main"
    assert repo.git("rev-parse", "main") == main_before
    assert repo.remote_git("rev-parse", "refs/heads/main") == main_before
    assert repo.git("status", "--porcelain") == ""
    # The local branch tracks the pushed one.
    assert repo.git("rev-parse", "--abbrev-ref", "migrate/vllm@{upstream}") == "origin/migrate/vllm"


def test_second_run_reuses_the_branch_and_makes_no_empty_commit(repo):
    first = create_pr([repo.work], PrOptions(scan=False))
    second = create_pr([repo.work], PrOptions(scan=False))
    assert second.status == "up-to-date" and second.branch_action == "reuse"
    assert second.commit == first.commit
    assert repo.remote_git("rev-list", "--count", "refs/heads/migrate/vllm") == "2"


def test_dry_run_after_a_run_says_the_branch_would_be_reused(repo):
    create_pr([repo.work], PrOptions(scan=False))
    objects_before = repo.git("count-objects", "-v")
    result = create_pr([repo.work], PrOptions(scan=False, dry_run=True))
    assert result.branch_action == "reuse" and not result.warnings
    assert repo.git("count-objects", "-v") == objects_before, "a dry run writes no objects"


def test_remote_branch_that_moved_on_is_not_overwritten(repo, tmp_path):
    first = create_pr([repo.work], PrOptions(scan=False))
    other = tmp_path / "colleague"
    git(tmp_path, "clone", "-q", "-b", "migrate/vllm", str(repo.bare), str(other))
    (other / "NOTES.md").write_text("review notes\n")
    git(other, "add", "NOTES.md")
    git(other, "commit", "-q", "-m", "notes")
    git(other, "push", "-q", "origin", "migrate/vllm")
    theirs = git(other, "rev-parse", "HEAD")
    with pytest.raises(PrError, match=r"already exists on origin at"):
        create_pr([repo.work], PrOptions(scan=False))
    assert repo.remote_git("rev-parse", "refs/heads/migrate/vllm") == theirs != first.commit


def test_run_on_already_migrated_code_says_nothing_to_change(repo, tmp_path):
    first = create_pr([repo.work], PrOptions(scan=False))
    other = tmp_path / "second-clone"
    git(tmp_path, "clone", "-q", "-b", "migrate/vllm", str(repo.bare), str(other))
    result = create_pr([other], PrOptions(scan=False, branch="migrate/vllm-again"))
    assert result.status == "nothing-to-change" and result.commit is None
    assert git(other, "rev-parse", "HEAD") == first.commit
    assert git(other, "ls-remote", "origin", "refs/heads/migrate/vllm-again") == ""


def test_dirty_work_tree_is_refused_and_nothing_happens(repo):
    (repo.work / "README.md").write_text("# app\nlocal edit\n")
    with pytest.raises(PrError, match=r"uncommitted changes \(README.md\).*--allow-dirty"):
        create_pr([repo.work], PrOptions(scan=False))
    assert repo.git("branch", "--list", "migrate/vllm") == ""
    assert repo.remote_git("branch", "--list", "migrate/vllm") == ""


def test_allow_dirty_never_commits_the_uncommitted_changes(repo):
    app = repo.work / "service" / "app.py"
    app.write_text(app.read_text() + "\nSECRET_SAUCE = 1  # uncommitted\n")
    result = create_pr([repo.work], PrOptions(scan=False, allow_dirty=True))
    assert "service/app.py" not in result.files
    assert any(path == "service/app.py" and "uncommitted" in why for path, why in result.refused)
    assert result.files, "the clean files are still committed"
    for path in result.files:
        assert b"SECRET_SAUCE" not in repo.show(result.commit, path)
    assert "SECRET_SAUCE" in app.read_text(), "the user's edit is left where it was"


def test_untracked_env_canary_never_enters_the_commit(repo):
    canary = "OPENAI_API_KEY=sk-proj-CANARYcanaryCANARYcanary1234567890\n"
    (repo.work / ".env").write_text(canary)
    (repo.work / "scratch.py").write_text("from openai import OpenAI\nc = OpenAI()\n")
    result = create_pr([repo.work], PrOptions(scan=False))
    tree = repo.git("ls-tree", "-r", "--name-only", result.commit).splitlines()
    assert ".env" not in tree and "scratch.py" not in tree
    assert "CANARY" not in repo.git("log", "-p", "--all")
    if "scratch.py" in {Path(c.abs_path).name for c in plan_for(repo).changes}:
        assert any(path == "scratch.py" and "not tracked" in why for path, why in result.refused)


def test_tracked_env_with_a_real_looking_key_is_refused(repo, monkeypatch):
    """Even when the rewrite changes a tracked .env, a real-looking key keeps it out of the commit."""
    import dataclasses

    import migrate.pr.workflow as workflow

    env_file = repo.work / ".env"
    env_file.write_text(
        "OPENAI_BASE_URL=https://api.openai.com/v1\nOPENAI_API_KEY=sk-proj-CANARYcanaryCANARYcanary1234567890\n"
    )
    repo.commit_all("env (already committed, by mistake)")
    repo.git("push", "-q", "origin", "main")
    real_plan = workflow._plan

    def plan_with_env_change(paths, options, config):
        plan = real_plan(paths, options, config)
        change = plan.changes[0]
        before = env_file.read_text()
        env_change = dataclasses.replace(
            change,
            path=".env",
            abs_path=str(env_file),
            before=before,
            after=before.replace("https://api.openai.com/v1", "http://localhost:8000/v1"),
            before_sha256=hashlib.sha256(env_file.read_bytes()).hexdigest(),
        )
        return dataclasses.replace(plan, changes=(*plan.changes, env_change))

    monkeypatch.setattr(workflow, "_plan", plan_with_env_change)
    result = create_pr([repo.work], PrOptions(scan=False))
    assert ".env" not in result.files
    (why,) = [why for path, why in result.refused if path == ".env"]
    assert "secret" in why and "CANARY" not in why and "sk-proj" not in why
    assert "localhost:8000" not in repo.show(result.commit, ".env").decode()


def test_existing_branch_with_other_content_needs_force(repo):
    first = create_pr([repo.work], PrOptions(scan=False))
    (repo.work / "service" / "extra.py").write_text("from openai import OpenAI\nextra = OpenAI()\n")
    repo.commit_all("another client")
    repo.git("push", "-q", "origin", "main")
    with pytest.raises(PrError, match="already exists.*--force-branch"):
        create_pr([repo.work], PrOptions(scan=False))
    assert repo.remote_git("rev-parse", "refs/heads/migrate/vllm") == first.commit

    replaced = create_pr([repo.work], PrOptions(scan=False, force_branch=True))
    assert replaced.branch_action == "replace" and replaced.commit != first.commit
    assert repo.remote_git("rev-parse", "refs/heads/migrate/vllm") == replaced.commit
    assert "service/extra.py" in repo.files_in(replaced.commit)


def test_branch_only_on_the_remote_is_not_overwritten(repo, tmp_path):
    other = tmp_path / "colleague"
    git(tmp_path, "clone", "-q", str(repo.bare), str(other))
    git(other, "checkout", "-q", "-b", "migrate/vllm")
    (other / "NOTES.md").write_text("someone else's work\n")
    git(other, "add", "NOTES.md")
    git(other, "commit", "-q", "-m", "colleague")
    git(other, "push", "-q", "origin", "migrate/vllm")
    theirs = git(other, "rev-parse", "HEAD")
    with pytest.raises(PrError, match=r"on origin at"):
        create_pr([repo.work], PrOptions(scan=False))
    assert repo.remote_git("rev-parse", "refs/heads/migrate/vllm") == theirs


def test_dry_run_touches_nothing(repo):
    refs_before = repo.git("for-each-ref")
    result = create_pr([repo.work], PrOptions(scan=False, dry_run=True))
    assert result.status == "dry-run" and result.branch_action == "create" and result.commit is None
    assert result.files and result.message.startswith(result.title) and "## Files changed" in result.body
    assert repo.git("for-each-ref") == refs_before
    assert repo.remote_git("for-each-ref", "refs/heads/migrate") == ""
    assert repo.git("status", "--porcelain") == ""


def test_no_push_commits_locally_only(repo):
    result = create_pr([repo.work], PrOptions(scan=False, push=False))
    assert result.status == "committed" and not result.pushed
    assert repo.git("rev-parse", "migrate/vllm") == result.commit
    assert repo.remote_git("for-each-ref", "refs/heads/migrate") == ""
    assert "--no-push" in result.pr_skipped


def test_missing_remote_is_a_clear_error(repo):
    repo.git("remote", "remove", "origin")
    with pytest.raises(PrError, match="no remote named 'origin'.*--no-push"):
        create_pr([repo.work], PrOptions(scan=False, base="main"))


def test_unreachable_remote_stops_before_committing(repo, tmp_path):
    repo.git("remote", "set-url", "--push", "origin", str(tmp_path / "does-not-exist.git"))
    with pytest.raises(PrError, match=r"cannot reach the remote 'origin'.*does not appear to be a git repository"):
        create_pr([repo.work], PrOptions(scan=False, base="main"))
    assert repo.git("branch", "--list", "migrate/vllm") == ""


def test_rejected_push_says_the_branch_is_committed_locally(repo):
    hook = repo.bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected: pushes need review' >&2\nexit 1\n")
    hook.chmod(0o755)
    with pytest.raises(
        PrError, match=r"(?s)push to 'origin' failed.*protected.*committed here.*git push -u origin migrate/vllm"
    ):
        create_pr([repo.work], PrOptions(scan=False))
    assert repo.git("rev-parse", "--verify", "migrate/vllm")
    assert repo.remote_git("for-each-ref", "refs/heads/migrate") == ""


def test_not_a_git_repository(tmp_path):
    (tmp_path / "app.py").write_text("from openai import OpenAI\n")
    with pytest.raises(PrError, match="not inside a git repository"):
        create_pr([tmp_path], PrOptions(scan=False))


def test_checked_out_target_branch_is_refused(repo):
    repo.git("checkout", "-q", "-b", "migrate/vllm")
    with pytest.raises(PrError, match="checked out here"):
        create_pr([repo.work], PrOptions(scan=False, base="main"))


def test_unknown_git_identity_is_explained(repo, monkeypatch):
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(key)
    repo.git("config", "user.useConfigOnly", "true")
    with pytest.raises(PrError, match="git config user.email"):
        create_pr([repo.work], PrOptions(scan=False))
    assert repo.git("branch", "--list", "migrate/vllm") == ""


def test_commit_gpgsign_is_honoured(repo):
    """commit-tree ignores commit.gpgSign by itself; a signing failure must stop the run, not skip signing."""
    repo.git("config", "commit.gpgsign", "true")
    repo.git("config", "gpg.program", "false")  # a signer that always fails
    with pytest.raises(PrError, match="could not write the commit.*-S"):
        create_pr([repo.work], PrOptions(scan=False))
    assert repo.git("branch", "--list", "migrate/vllm") == ""


def test_invalid_branch_name(repo):
    with pytest.raises(PrError, match="not a valid branch name"):
        create_pr([repo.work], PrOptions(scan=False, branch="bad..name"))


def test_base_defaults_to_the_remote_default_branch(repo):
    repo.git("checkout", "-q", "-b", "feature")
    result = create_pr([repo.work], PrOptions(scan=False, dry_run=True))
    assert result.base == "main"


def test_subfolder_paths_and_crlf_files(repo):
    (repo.work / ".gitattributes").write_text("*.py text eol=lf\n")
    (repo.work / "other").mkdir()
    (repo.work / "other" / "cli.py").write_text("from openai import OpenAI\nc = OpenAI()\n")
    repo.commit_all("more")
    result = create_pr([repo.work / "service"], PrOptions(scan=False, base="main"))
    assert result.files and all(path.startswith("service/") for path in result.files)
