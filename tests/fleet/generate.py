"""A generated fleet of real bare git repositories for `migrate pr --repos`: the tests' and the benchmark's.

    fleet = make_fleet(tmp / "fleet", 12)
    fleet.repos_file       # one https://github.com/acme/<name>.git per line (and a missing one)
    fleet.git_config       # maps https://github.com/acme/ to the local bare repositories (url.insteadOf)

The URLs look like GitHub's, so `migrate pr` parses the owner and name and opens pull requests through the
(faked) API; git itself is pointed at the local bare repositories by `url.<path>.insteadOf`, exactly as a
mirror would be configured. Each repository gets one commit, written by one `git fast-import` per repository.

Kinds (in a fixed rotation, so any size has all of them):
    openai        an app with OpenAI calls the rewrite changes            -> pending-review
    unsupported   also calls images.generate, which vLLM does not serve   -> blocked
    plain         no OpenAI at all                                        -> no-openai
    migrated      already rewritten: nothing left to change               -> done
    syntax        OpenAI calls next to a file that does not parse         -> pending-review (file skipped)
    refuses-push  a pre-receive hook refuses every branch push            -> failed
    empty         a bare repository with no commits                       -> failed
    missing       listed, but there is no repository at that URL          -> failed
"""

from __future__ import annotations

import os
import stat
import subprocess
import textwrap
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

OWNER = "acme"
KINDS = ("openai", "plain", "openai", "unsupported", "plain", "migrated", "syntax", "openai", "plain",
         "refuses-push", "openai", "empty", "plain", "missing")
EXPECTED = {"openai": "pending-review", "unsupported": "blocked", "plain": "no-openai", "migrated": "done",
            "syntax": "pending-review", "refuses-push": "failed", "empty": "failed", "missing": "failed"}

APP = textwrap.dedent('''\
    """Answers questions for the {name} service."""
    from openai import OpenAI

    client = OpenAI()


    def ask(question: str) -> str:
        response = client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{{"role": "user", "content": question}}],
            temperature=0,
        )
        return response.choices[0].message.content
    ''')
IMAGES = textwrap.dedent('''\
    from openai import OpenAI

    client = OpenAI()


    def draw(prompt: str) -> str:
        return client.images.generate(model="dall-e-3", prompt=prompt).data[0].url
    ''')
PLAIN = 'def handler(event):\n    """{name}: no model calls here."""\n    return {{"ok": True, "size": len(event)}}\n'
BROKEN = "from openai import OpenAI\n\n\ndef unfinished(:\n    return OpenAI(\n"


@dataclass
class FleetRepo:
    name: str
    kind: str
    bare: Path
    url: str

    @property
    def expected(self) -> str:
        return EXPECTED[self.kind]


@dataclass
class Fleet:
    root: Path
    repos: list[FleetRepo] = field(default_factory=list)

    @property
    def repos_file(self) -> Path:
        return self.root / "repos.txt"

    @property
    def remotes(self) -> Path:
        return self.root / "remotes" / OWNER

    def git_config(self) -> dict[str, str]:
        """Environment that makes git map https://github.com/acme/ to the local bare repositories."""
        return {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.{self.remotes}/.insteadOf",
                "GIT_CONFIG_VALUE_0": f"https://github.com/{OWNER}/"}

    def by_kind(self, kind: str) -> list[FleetRepo]:
        return [r for r in self.repos if r.kind == kind]


@lru_cache(maxsize=1)
def migrated_app() -> str:
    """APP as the rewrite leaves it (computed by the rewrite itself, once)."""
    import tempfile

    from migrate.rewrite import plan_rewrite

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "app.py"
        path.write_text(APP.format(name="migrated"))
        plan = plan_rewrite([tmp], jobs=1)
        (change,) = plan.changes
        return change.after if isinstance(change.after, str) else change.after.decode()


def files_for(kind: str, name: str) -> dict[str, str]:
    files = {"README.md": f"# {name}\n", "service/util.py": PLAIN.format(name=name)}
    if kind in ("openai", "syntax", "refuses-push"):
        files["service/app.py"] = APP.format(name=name)
    if kind == "unsupported":
        files["service/app.py"] = APP.format(name=name)
        files["service/images.py"] = IMAGES
    if kind == "migrated":
        files["service/app.py"] = migrated_app()
    if kind == "syntax":
        files["service/broken.py"] = BROKEN
    return files


def _fast_import(bare: Path, files: dict[str, str], message: str) -> None:
    stream = ["commit refs/heads/main\ncommitter Fleet <fleet@example.com> 1767225600 +0000\n"]
    encoded = message.encode()
    stream.append(f"data {len(encoded)}\n{message}\n")
    chunks = [c.encode() for c in stream]
    for path, text in sorted(files.items()):
        data = text.encode()
        chunks.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
    subprocess.run(["git", "--git-dir", str(bare), "fast-import", "--quiet"], input=b"".join(chunks), check=True,
                   capture_output=True)


def make_fleet(root: Path, count: int, *, kinds: tuple[str, ...] = KINDS) -> Fleet:
    """`count` repositories under `root`, kinds in rotation; writes root/repos.txt listing them all."""
    fleet = Fleet(root)
    fleet.remotes.mkdir(parents=True, exist_ok=True)
    lines = ["# generated fleet: one repository per line", f"# {count} repositories, kinds in rotation"]
    for i in range(count):
        kind = kinds[i % len(kinds)]
        name = f"svc-{i:04d}-{kind}"
        bare = fleet.remotes / f"{name}.git"
        url = f"https://github.com/{OWNER}/{name}.git"
        fleet.repos.append(FleetRepo(name, kind, bare, url))
        lines.append(url)
        if kind == "missing":
            continue
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True, capture_output=True)
        if kind == "empty":
            continue
        _fast_import(bare, files_for(kind, name), f"{name}: initial commit")
        if kind == "refuses-push":
            hook = bare / "hooks" / "pre-receive"
            hook.write_text("#!/bin/sh\necho 'pushes are closed for this repository' >&2\nexit 1\n")
            hook.chmod(hook.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    fleet.repos_file.write_text("\n".join(lines) + "\n")
    return fleet


def branch_sha(repo: FleetRepo, branch: str = "migrate/vllm") -> str | None:
    proc = subprocess.run(["git", "--git-dir", str(repo.bare), "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"],
                          capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"})
    return proc.stdout.strip() or None
