"""A generated fleet of bare repositories, a GitHub API that remembers, and the environment to run them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fleet.fake_github import serve
from tests.fleet.generate import make_fleet
from tests.pr.conftest import git_env  # noqa: F401  (autouse: a clean git identity for every test here)

TOKEN = "ghp_fleettoken0123456789abcdefghijklmnopq"


def fleet_env(home: Path, fleet) -> dict[str, str]:
    """Everything git and `migrate pr` need, passed explicitly (module-scoped runs cannot monkeypatch)."""
    home.mkdir(parents=True, exist_ok=True)
    (home / ".gitconfig").write_text("")
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GH_TOKEN", "GIT_DIR", "GIT_WORK_TREE")}
    env.update({
        "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
        "GIT_AUTHOR_NAME": "Fleet Bot", "GIT_AUTHOR_EMAIL": "bot@example.com",
        "GIT_COMMITTER_NAME": "Fleet Bot", "GIT_COMMITTER_EMAIL": "bot@example.com",
        "GITHUB_TOKEN": TOKEN, **fleet.git_config(),
    })  # fmt: skip
    return env


@pytest.fixture
def github():
    fake, server = serve()
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def small_fleet(tmp_path):
    fleet = make_fleet(tmp_path / "fleet", 14)
    return fleet, fleet_env(tmp_path / "home", fleet)
