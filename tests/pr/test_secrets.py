"""The guard that keeps secrets out of the commit. Every token below is fake."""

from __future__ import annotations

import pytest

from migrate.pr.secrets import check_file

FAKE_OPENAI = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4"
FAKE_AWS = "AKIA" + "ABCDEFGHIJKLMNOP"
FAKE_GH = "ghp_" + "a" * 36

REFUSED = [
    ("deploy/server.pem", b"anything", "file name"),
    ("keys/id_rsa", b"anything", "file name"),
    ("home/.netrc", b"machine x login y password z", "file name"),
    (".env", f"OPENAI_API_KEY={FAKE_OPENAI}\n".encode(), "env file"),
    ("config/.env.production", b"DB_PASSWORD=hunter2hunter2\n", "env file"),
    ("prod.env", b"export API_TOKEN='a8f5f167f44f4964e6c998dee827110c'\n", "env file"),
    ("settings.py", f'OPENAI_KEY = "{FAKE_OPENAI}"\n'.encode(), "new content"),
    ("deploy.yaml", f"aws_key: {FAKE_AWS}\n".encode(), "new content"),
    ("ci.sh", f"export TOKEN={FAKE_GH}\n".encode(), "new content"),
    (".env.example", f"OPENAI_API_KEY={FAKE_OPENAI}\n".encode(), "real key in a template"),
    (".env", b"# OPENAI_API_KEY=sk-oldvalueoldvalueoldvalue\n", "commented-out key"),
    ("tls.py", b'KEY = """-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n"""\n', "new content"),
]

ALLOWED = [
    ("app.py", b'client = OpenAI(base_url="http://localhost:8000/v1", api_key="EMPTY")\n'),
    (".env", b"OPENAI_BASE_URL=http://localhost:8000/v1\nOPENAI_API_KEY=EMPTY\n"),
    (".env", b"OPENAI_API_KEY=\nOPENAI_BASE_URL=https://vllm.internal/v1\n"),
    (".env", b"OPENAI_API_KEY=${VLLM_API_KEY}\n# set OPENAI_API_KEY in your shell\n"),
    (".env.example", b"OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxx\nDJANGO_SECRET_KEY=insecure-dev-only-value-1234\n"),
    (".env", b"OPENAI_API_KEY=sk-your-key-here\nSECRET_KEY=changeme\n"),
    ("keys/id_rsa.pub", b"ssh-rsa AAAA... user@host"),
    ("docs.md", b"Set `OPENAI_API_KEY=sk-...` before running.\n"),
]


@pytest.mark.parametrize(("path", "content", "why"), REFUSED, ids=[f"{c[0]}-{c[2]}" for c in REFUSED])
def test_refused(path, content, why):
    check = check_file(path, content)
    assert check.refuse, check
    assert path in check.reason
    for token in (FAKE_OPENAI, FAKE_AWS, FAKE_GH, "hunter2", "a8f5f167"):
        assert token not in check.reason, "a refusal must never print the secret"


@pytest.mark.parametrize(("path", "content"), ALLOWED, ids=[f"{c[0]}-{i}" for i, c in enumerate(ALLOWED)])
def test_allowed(path, content):
    check = check_file(path, content)
    assert not check.refuse, check.reason


def test_token_already_committed_is_a_warning_not_a_refusal():
    before = f'KEY = "{FAKE_OPENAI}"\nclient = OpenAI()\n'.encode()
    after = f'KEY = "{FAKE_OPENAI}"\nclient = OpenAI(base_url=BASE)\n'.encode()
    check = check_file("settings.py", after, previous=before)
    assert not check.refuse
    assert "already committed" in check.reason and "rotate" in check.reason and FAKE_OPENAI not in check.reason


def test_new_token_next_to_an_old_one_is_refused():
    before = f'KEY = "{FAKE_OPENAI}"\n'.encode()
    after = f'KEY = "{FAKE_OPENAI}"\nOTHER = "{FAKE_GH}"\n'.encode()
    check = check_file("settings.py", after, previous=before)
    assert check.refuse and "line 2 (GitHub token)" in check.reason
