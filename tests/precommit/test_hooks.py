"""The pre-commit hooks (.pre-commit-hooks.yaml), run by the real `pre-commit` on a temporary git repository
with a staged OpenAI call, exactly as a team's .pre-commit-config.yaml would use them.

pre-commit installs a `language: python` hook's repository into a virtualenv of its own (`pip install .` with
every dependency). The hook repository here is this checkout's package files committed into a temporary git
repository (the working tree as it is, uncommitted edits included), installed once per test module into a
PRE_COMMIT_HOME of its own: the first install takes a minute or two, the runs after it reuse it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow  # the first hook install is a pip install with every dependency

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "migrate", "templates")

UNMIGRATED = textwrap.dedent(
    """\
    from openai import OpenAI

    client = OpenAI()


    def ask(question):
        return client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
    """
)
CLEAN = "def add(a, b):\n    return a + b\n"


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args], cwd=cwd,
                          capture_output=True, text=True)  # fmt: skip
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout.strip()


def pre_commit() -> list[str]:
    beside = Path(sys.executable).parent / "pre-commit"
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "pre_commit"]


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """This checkout's package, committed in a repository of its own: what `repo:` / `rev:` point at."""
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in PACKAGE_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(source, repo / name)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hooks")
    return repo, git(repo, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def project(tmp_path, hook_repo) -> Path:
    repo, rev = hook_repo
    work = tmp_path / "project"
    (work / "service").mkdir(parents=True)
    (work / "service" / "maths.py").write_text(CLEAN)
    config = {"repos": [{"repo": str(repo), "rev": rev, "hooks": [{"id": "migrate-scan"}, {"id": "migrate-rewrite-check"}]}]}
    (work / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "start")
    return work


def run_hook(project: Path, home: Path, hook: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never", SKIP="")
    return subprocess.run([*pre_commit(), "run", hook, *extra], cwd=project, env=env, capture_output=True, text=True,
                          timeout=900)  # fmt: skip


def test_manifest_is_valid_for_pre_commit():
    proc = subprocess.run([*pre_commit(), "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
                          capture_output=True, text=True)  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"migrate-scan", "migrate-rewrite-check"}
    assert all(h["language"] == "python" and h["require_serial"] for h in hooks.values())


def test_scan_hook_fails_on_a_staged_openai_call_and_passes_without_one(project, pre_commit_home):
    clean = run_hook(project, pre_commit_home, "migrate-scan", "--files", "service/maths.py")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "migrate-kit scan" in clean.stdout and "Passed" in clean.stdout

    (project / "service" / "app.py").write_text(UNMIGRATED)
    git(project, "add", "service/app.py")
    staged = run_hook(project, pre_commit_home, "migrate-scan")  # no --files: the staged files
    assert staged.returncode == 1, staged.stdout + staged.stderr
    assert "Failed" in staged.stdout and "service/app.py:7" in staged.stdout and "needs-change" in staged.stdout


def test_scan_hook_only_sees_the_files_it_is_given(project, pre_commit_home):
    (project / "service" / "app.py").write_text(UNMIGRATED)  # on disk, not staged: not this commit's business
    proc = run_hook(project, pre_commit_home, "migrate-scan")
    assert proc.returncode == 0 and "(no files to check)Skipped" in proc.stdout, proc.stdout


def test_scan_hook_fail_on_comes_from_args(project, pre_commit_home, hook_repo):
    repo, rev = hook_repo
    config = {"repos": [{"repo": str(repo), "rev": rev, "hooks": [{"id": "migrate-scan", "args": ["--fail-on=unsupported"]}]}]}
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    (project / "service" / "app.py").write_text(UNMIGRATED)
    git(project, "add", "-A")
    proc = run_hook(project, pre_commit_home, "migrate-scan")
    assert proc.returncode == 0, proc.stdout  # needs-change only: below the chosen verdict
    (project / "service" / "media.py").write_text(
        "from openai import OpenAI\n\nimage = OpenAI().images.generate(model='dall-e-3', prompt='a cat')\n"
    )
    git(project, "add", "-A")
    proc = run_hook(project, pre_commit_home, "migrate-scan")
    assert proc.returncode == 1 and "service/media.py:3" in proc.stdout and "unsupported" in proc.stdout


def test_scan_hook_follows_a_client_imported_from_a_module_that_is_not_staged(project, pre_commit_home):
    (project / "service" / "clients.py").write_text("from openai import OpenAI\n\nclient = OpenAI()\n")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "clients", "--no-verify")
    (project / "service" / "ask.py").write_text(
        "from service.clients import client\n\n\ndef ask(q):\n"
        "    return client.chat.completions.create(model='gpt-4o', messages=[], logit_bias={'1': 5})\n"
    )
    git(project, "add", "service/ask.py")
    proc = run_hook(project, pre_commit_home, "migrate-scan")
    assert proc.returncode == 1, proc.stdout
    assert "service/ask.py:5" in proc.stdout and "logit_bias" in proc.stdout


def test_rewrite_check_hook_fails_until_the_rewrite_is_applied(project, pre_commit_home):
    (project / "service" / "app.py").write_text(UNMIGRATED)
    git(project, "add", "service/app.py")
    before = run_hook(project, pre_commit_home, "migrate-rewrite-check")
    assert before.returncode == 1, before.stdout + before.stderr
    assert "+++ b/service/app.py" in before.stdout and "base_url=" in before.stdout

    subprocess.run([sys.executable, "-m", "migrate", "rewrite", "service/app.py", "--write"], cwd=project, check=True,
                   capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    git(project, "add", "service/app.py")
    after = run_hook(project, pre_commit_home, "migrate-rewrite-check")
    assert after.returncode == 0, after.stdout + after.stderr
    assert "Passed" in after.stdout


def test_the_hook_is_quick_on_a_few_staged_files(project, pre_commit_home):
    """Installed once, a run on a couple of staged files costs start-up and two files, not the repository."""
    for i in range(300):  # a larger tree the hook must not walk
        (project / "service" / f"module_{i}.py").write_text(UNMIGRATED)
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "many modules", "--no-verify")
    (project / "service" / "app.py").write_text(UNMIGRATED)
    git(project, "add", "service/app.py")
    run_hook(project, pre_commit_home, "migrate-scan")  # warm: the hook environment exists after the first run
    started = time.perf_counter()
    proc = run_hook(project, pre_commit_home, "migrate-scan")
    elapsed = time.perf_counter() - started
    assert proc.returncode == 1 and "in 1 files scanned" in proc.stdout, proc.stdout
    assert elapsed < 20, f"the hook took {elapsed:.1f} s on one staged file"
