"""Real git repositories for `migrate pr`: a bare repository as the remote, and a clone with an OpenAI app."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

APP = textwrap.dedent(
    '''\
    """A small service that asks OpenAI."""
    from openai import OpenAI

    client = OpenAI()


    def ask(question: str) -> str:
        response = client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": question}],
            logit_bias={"50256": -100},
        )
        return response.choices[0].message.content
    '''
)

WORKER = textwrap.dedent(
    """\
    import openai

    async_client = openai.AsyncOpenAI()


    async def summarise(text):
        result = await async_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": text}])
        return result.choices[0].message.content
    """
)

UNRELATED = "def add(a, b):\n    return a + b\n"


@pytest.fixture(autouse=True)
def git_env(tmp_path_factory, monkeypatch):
    """A clean git identity and config: the CI machine has none, and the developer's must not leak in."""
    home = tmp_path_factory.mktemp("home")
    (home / ".gitconfig").write_text("")
    values = {
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
        "GIT_AUTHOR_NAME": "Test Author",
        "GIT_AUTHOR_EMAIL": "author@example.com",
        "GIT_COMMITTER_NAME": "Test Committer",
        "GIT_COMMITTER_EMAIL": "committer@example.com",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    for key in ("GITHUB_TOKEN", "GH_TOKEN", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(key, raising=False)
    return values


def git(cwd: Path, *args: str, check: bool = True) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout.strip()


@dataclass
class Repo:
    work: Path
    bare: Path

    def git(self, *args: str, check: bool = True) -> str:
        return git(self.work, *args, check=check)

    def remote_git(self, *args: str) -> str:
        return git(self.bare, *args)

    def commit_all(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD")

    def files_in(self, commit: str, where: str | None = None) -> set[str]:
        return set(
            git(
                Path(where) if where else self.work, "diff-tree", "--no-commit-id", "--name-only", "-r", commit
            ).splitlines()
        )

    def show(self, commit: str, path: str) -> bytes:
        return subprocess.run(
            ["git", "show", f"{commit}:{path}"], cwd=self.work, capture_output=True, check=True
        ).stdout


@pytest.fixture
def repo(tmp_path) -> Repo:
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    work = tmp_path / "app"
    git(tmp_path, "clone", "-q", str(bare), str(work))
    git(work, "checkout", "-q", "-b", "main")
    (work / "service").mkdir()
    (work / "service" / "app.py").write_text(APP)
    (work / "service" / "worker.py").write_text(WORKER)
    (work / "service" / "maths.py").write_text(UNRELATED)
    (work / ".gitignore").write_text("__pycache__/\n")
    (work / "README.md").write_text("# app\n")
    r = Repo(work, bare)
    r.commit_all("initial app")
    r.git("push", "-q", "-u", "origin", "main")
    r.git("remote", "set-head", "origin", "main")
    return r


@pytest.fixture
def github_repo(repo) -> Repo:
    """The fetch URL looks like GitHub; pushes go to the bare repository."""
    repo.git("remote", "set-url", "origin", "https://github.com/acme/app.git")
    repo.git("remote", "set-url", "--push", "origin", str(repo.bare))
    return repo


# --- a recorder that answers like GitHub's REST API -------------------------------------------------------------


@dataclass
class Recorded:
    method: str
    path: str
    query: dict
    headers: dict
    body: object


@dataclass
class FakeGitHub:
    """Answers POST /repos/{o}/{r}/pulls with `create_status` (201 or 422 already-exists, 401, 404...)."""

    create_status: int = 201
    existing_number: int = 7
    requests: list[Recorded] = field(default_factory=list)
    url: str = ""

    def answer(self, rec: Recorded) -> tuple[int, object]:
        parts = rec.path.strip("/").split("/")
        if rec.method == "POST" and parts[-1] == "pulls":
            owner, repo = parts[1], parts[2]
            if self.create_status == 201:
                return 201, {
                    "number": 12,
                    "html_url": f"https://github.com/{owner}/{repo}/pull/12",
                    "draft": rec.body.get("draft"),
                }
            if self.create_status == 422:
                return 422, {
                    "message": "Validation Failed",
                    "errors": [
                        {
                            "resource": "PullRequest",
                            "code": "custom",
                            "message": f"A pull request already exists for {owner}:{rec.body['head']}.",
                        }
                    ],
                    "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
                }
            if self.create_status == 401:
                return 401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}
            if self.create_status == 404:
                return 404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
            return self.create_status, {"message": "Server Error"}
        if rec.method == "GET" and parts[-1] == "pulls":
            return 200, [
                {
                    "number": self.existing_number,
                    "html_url": f"https://github.com/{parts[1]}/{parts[2]}/pull/{self.existing_number}",
                }
            ]
        if rec.method == "PATCH" and parts[-2] == "pulls":
            return 200, {
                "number": int(parts[-1]),
                "html_url": f"https://github.com/{parts[1]}/{parts[2]}/pull/{parts[-1]}",
            }
        if rec.method == "POST" and parts[-1] in ("labels", "requested_reviewers"):
            return 200 if parts[-1] == "labels" else 201, {}
        return 404, {"message": "Not Found"}


@pytest.fixture
def fake_github():
    fake = FakeGitHub()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            split = urlsplit(self.path)
            rec = Recorded(
                self.command,
                split.path,
                parse_qs(split.query),
                {k.lower(): v for k, v in self.headers.items()},
                json.loads(raw) if raw else None,
            )
            fake.requests.append(rec)
            status, payload = fake.answer(rec)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = _handle

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


def migrate_cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "migrate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )
