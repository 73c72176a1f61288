"""The walk honours .gitignore files as git does: every case is checked against `git ls-files` on a real repo."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from migrate.scan.gitignore import IgnoreFile
from migrate.scan.walk import iter_paths

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

# Every tree holds these files; each case adds its .gitignore files (path -> content).
FILES = (
    "app.py", "main.log", "keep.log", "build/out.py", "src/build/gen.py", "src/app.py", "src/util.pyc",
    "plugins/agent/agent.py", "plugins/other/other.py", "plugins/agent/deep/x.py", "docs/a.py", "docs/sub/b.py",
    "logs/debug.py", "a/logs/x.py", "a/b/c/logs/y.py", "vendor/lib.py", "vendor/keep/k.py", "foo.py",
    "dir with space/s.py", "data/#hash.py", "data/!bang.py", "x/y/z.py", "x/z.py", "tests/test_a.py",
    "tests/fixtures/f.py", "node/app.py", "Doc/c.py", "notes/todo[1].py", "trailing.py",
)

CASES = {
    "negated-folder-under-star": {".gitignore": "plugins/*\n!plugins/agent\n"},
    "negated-folder-with-slash": {".gitignore": "plugins/*\n!plugins/agent/\n"},
    "negation-then-exclusion": {".gitignore": "!plugins/agent\nplugins/*\n"},
    "parent-excluded-no-reinclude": {".gitignore": "plugins/\n!plugins/agent/agent.py\n"},
    "star-then-folders-then-py": {".gitignore": "*\n!*/\n!*.py\n"},
    "star-then-one-folder": {".gitignore": "*\n!src/\n"},
    "star-then-one-folder-and-contents": {".gitignore": "/*\n!/src/\n!/.gitignore\n"},
    "anchored-vs-unanchored": {".gitignore": "/build\nlogs\n"},
    "anchored-middle-slash": {".gitignore": "src/build\nx/z.py\n"},
    "dir-only-pattern": {".gitignore": "build/\nfoo.py/\nlogs/\n"},
    "double-star-leading": {".gitignore": "**/logs\n"},
    "double-star-trailing": {".gitignore": "vendor/**\n!vendor/keep/\n"},
    "double-star-middle": {".gitignore": "a/**/logs\nx/**/z.py\n"},
    "double-star-trailing-reinclude-file": {".gitignore": "docs/**\n!docs/a.py\n"},
    "wildcards": {".gitignore": "*.log\n!keep.log\n*.py[co]\nt?sts/\nnotes/todo\\[1\\].py\n"},
    "character-class": {".gitignore": "[a-c]pp.py\n[!f]oo.py\nD[[:lower:]]c/\n"},
    "escapes-and-spaces": {".gitignore": "\\#hash.py\n\\!bang.py\ntrailing.py   \ndir with space/\n"},
    "comments-and-blank": {".gitignore": "# comment\n\n   \n#foo.py\nfoo.py\n"},
    "nested-file-overrides-root": {".gitignore": "*.py\n!*/\n", "src/.gitignore": "!app.py\n"},
    "nested-file-relative-patterns": {"docs/.gitignore": "/a.py\nsub/\n", "src/.gitignore": "build\n"},
    "nested-negation-cannot-reach-excluded-parent": {".gitignore": "plugins/\n", "plugins/.gitignore": "!agent\n"},
    "nested-file-anchored-is-relative": {"x/.gitignore": "/z.py\n", ".gitignore": "y/\n"},
    "nested-star-and-negation": {"plugins/.gitignore": "*\n!.gitignore\n!agent/\n!agent/**\n"},
    "deep-nested-files": {".gitignore": "*.py\n", "x/.gitignore": "!*.py\n", "x/y/.gitignore": "z.py\n"},
    "pattern-with-slash-at-depth": {"a/.gitignore": "b/c\n"},
    "info-exclude": {".git/info/exclude": "foo.py\nsrc/\n"},
}


def _make(tmp_path, ignores: dict[str, str]):
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)}
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=env)
    for rel in FILES:
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")
    for rel, content in ignores.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return repo, env


def _git_files(repo, env, cwd=None) -> set[str]:
    out = subprocess.run(["git", "ls-files", "--others", "--cached", "--exclude-standard", "-z"], cwd=cwd or repo,
                         env=env, check=True, capture_output=True).stdout.decode()
    return {p for p in out.split("\0") if p.endswith(".py")}


def _walk(root) -> set[str]:
    return {rel for _, rel in iter_paths([root])}


@pytest.mark.parametrize("ignores", CASES.values(), ids=CASES.keys())
def test_walk_matches_git(tmp_path, ignores):
    repo, env = _make(tmp_path, ignores)
    assert _walk(repo) == _git_files(repo, env)


@pytest.mark.parametrize("sub", ["plugins", "x", "src"])
def test_walk_from_a_subfolder_applies_the_ignore_files_above_it(tmp_path, sub):
    repo, env = _make(tmp_path, {".gitignore": "agent/\nz.py\nbuild/\n!x/y/\n", "x/.gitignore": "!z.py\n"})
    assert _walk(repo / sub) == _git_files(repo, env, cwd=repo / sub)


def test_ignore_files_outside_a_work_tree_do_not_apply(tmp_path):
    (tmp_path / ".gitignore").write_text("*.py\n")
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "m.py").write_text("x = 1\n")
    assert _walk(tmp_path / "proj") == {"m.py"}


@pytest.mark.parametrize(
    ("lines", "path", "is_dir", "expected"),
    [
        pytest.param(["*.py", "!keep.py"], "keep.py", False, False, id="negation-wins-when-last"),
        pytest.param(["!keep.py", "*.py"], "keep.py", False, True, id="later-pattern-wins"),
        pytest.param(["build/"], "build", False, None, id="dir-only-skips-files"),
        pytest.param(["build/"], "a/build", True, True, id="dir-only-matches-folders-at-depth"),
        pytest.param(["/build"], "a/build", True, None, id="anchored-only-at-top"),
        pytest.param(["a/*"], "a/b/c", False, None, id="star-does-not-cross-slash"),
        pytest.param(["a/**"], "a", True, None, id="trailing-double-star-not-the-folder"),
        pytest.param(["\\"], "x", False, None, id="trailing-backslash-is-invalid"),
    ],
)
def test_ignore_file_decisions(lines, path, is_dir, expected):
    assert IgnoreFile(lines).decide(path, is_dir) is expected
