"""Remote URLs: which forge, which repository, which API, and links that work."""

from __future__ import annotations

import pytest

from migrate.pr.remote import parse_remote, redact

CASES = [
    ("https://github.com/acme/app.git", "github", "acme/app", "https://api.github.com"),
    ("https://github.com/acme/app", "github", "acme/app", "https://api.github.com"),
    ("https://github.com/acme/app/", "github", "acme/app", "https://api.github.com"),
    ("git@github.com:acme/app.git", "github", "acme/app", "https://api.github.com"),
    ("ssh://git@github.com/acme/app.git", "github", "acme/app", "https://api.github.com"),
    ("ssh://git@ssh.github.com:443/acme/app.git", "github", "acme/app", "https://api.github.com"),
    ("https://x-access-token:ghs_abc@github.com/acme/app.git", "github", "acme/app", "https://api.github.com"),
    ("https://github.example.com/acme/app.git", "github", "acme/app", "https://github.example.com/api/v3"),
    ("git@github.corp.bank:risk/models.git", "github", "risk/models", "https://github.corp.bank/api/v3"),
    ("https://octo.ghe.com/acme/app.git", "github", "acme/app", "https://api.octo.ghe.com"),
    ("https://gitlab.com/group/sub/app.git", "gitlab", "group/sub/app", None),
    ("git@gitlab.internal:team/app.git", "gitlab", "team/app", None),
    ("https://bitbucket.org/acme/app.git", "bitbucket", "acme/app", None),
    ("https://git.example.org/acme/app.git", "unknown", "acme/app", None),
    ("/srv/git/app.git", "unknown", "", None),
    ("../app.git", "unknown", "", None),
    ("file:///srv/git/app.git", "unknown", "", None),
]


@pytest.mark.parametrize(("url", "forge", "path", "api"), CASES, ids=[c[0] for c in CASES])
def test_parse_remote(url, forge, path, api):
    remote = parse_remote(url)
    assert (remote.forge, remote.path, remote.api_url) == (forge, path, api)


def test_explicit_api_url_marks_any_host_as_github():
    remote = parse_remote("https://code.bank.internal/risk/models.git", api_url="https://code.bank.internal/api/v3/")
    assert (remote.forge, remote.owner, remote.name, remote.api_url) == (
        "github",
        "risk",
        "models",
        "https://code.bank.internal/api/v3",
    )


def test_configured_github_hosts():
    remote = parse_remote("git@code.bank.internal:risk/models.git", github_hosts=("code.bank.internal",))
    assert remote.api_url == "https://code.bank.internal/api/v3"


@pytest.mark.parametrize(
    ("forge_url", "blob", "compare"),
    [
        pytest.param(
            "https://github.com/acme/app.git",
            "https://github.com/acme/app/blob/migrate/vllm/src/my%20app.py#L12",
            "https://github.com/acme/app/compare/main...migrate/vllm?expand=1",
            id="github",
        ),
        pytest.param(
            "https://gitlab.com/acme/app.git",
            "https://gitlab.com/acme/app/-/blob/migrate/vllm/src/my%20app.py#L12",
            "https://gitlab.com/acme/app/-/merge_requests/new?merge_request%5Bsource_branch%5D=migrate%2Fvllm&merge_request%5Btarget_branch%5D=main",
            id="gitlab",
        ),
        pytest.param(
            "https://bitbucket.org/acme/app.git",
            "https://bitbucket.org/acme/app/src/migrate/vllm/src/my%20app.py#lines-12",
            "https://bitbucket.org/acme/app/pull-requests/new?source=migrate%2Fvllm&dest=main",
            id="bitbucket",
        ),
    ],
)
def test_links(forge_url, blob, compare):
    remote = parse_remote(forge_url)
    assert remote.blob_url("migrate/vllm", "src/my app.py", 12) == blob
    assert remote.compare_url("main", "migrate/vllm") == compare


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        pytest.param(
            "https://x-access-token:ghs_secret@github.com/a/b.git", "https://github.com/a/b.git", id="token-user-pass"
        ),
        pytest.param("https://ghp_secret@github.com/a/b.git", "https://github.com/a/b.git", id="token-as-user"),
        pytest.param("ssh://git:pw@host:2222/a/b.git", "ssh://git@host:2222/a/b.git", id="ssh-password"),
        pytest.param("ssh://git@host/a/b.git", "ssh://git@host/a/b.git", id="ssh-user-kept"),
        pytest.param("git@github.com:a/b.git", "git@github.com:a/b.git", id="scp-like"),
        pytest.param("/srv/git/b.git", "/srv/git/b.git", id="local-path"),
    ],
)
def test_redact(url, shown):
    assert redact(url) == shown
