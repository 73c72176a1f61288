"""Around the calls: environment variables, hard-coded URLs, raw HTTP requests, .env files and pins."""

from __future__ import annotations

import pytest

from migrate.scan.detect import detect_source
from migrate.scan.detect.textfiles import env_findings, requirements_findings
from tests.scan.conftest import detect

ENV_IN_CODE = [
    pytest.param('os.environ["OPENAI_API_KEY"]', "OPENAI_API_KEY", id="environ-subscript"),
    pytest.param('os.getenv("OPENAI_BASE_URL")', "OPENAI_BASE_URL", id="getenv"),
    pytest.param('os.environ.get("OPENAI_API_BASE", "https://x")', "OPENAI_API_BASE", id="environ-get"),
    pytest.param('environ["AZURE_OPENAI_API_KEY"]', "AZURE_OPENAI_API_KEY", id="from-os-import-environ"),
    pytest.param('os.environ["OPENAI_API_KEY"] = "EMPTY"', "OPENAI_API_KEY", id="assignment"),
    pytest.param("os.getenv(KEY_VAR)", "OPENAI_ORG_ID", id="name-via-constant"),
]


@pytest.mark.parametrize("expr, var", ENV_IN_CODE)
def test_environment_variables_in_code(expr, var):
    source = f'import os\nfrom os import environ\nKEY_VAR = "OPENAI_ORG_ID"\n{expr}\n'
    found = [(f.line, f.parameters) for f in detect(source) if f.kind.value == "env"]
    assert found == [(4, (var,))]


def test_other_environment_variables_are_not_findings():
    assert [f for f in detect('import os\nos.getenv("DATABASE_URL")\nos.environ["OPENAI"]') if f.kind.value == "env"] == []


def test_hard_coded_urls():
    found = [(f.line, f.kind.value, f.detail) for f in detect('''
        BASE = "https://api.openai.com/v1"
        AZURE = "https://contoso.openai.azure.com/"
        DOCS = "see https://openai.com/pricing"
        def f():
            """Talks to https://api.openai.com/v1 (a docstring: not a finding)."""
        ''')]
    assert found == [(2, "url", "https://api.openai.com/v1"), (3, "url", "https://contoso.openai.azure.com/")]


HTTP = [
    pytest.param('requests.post("https://api.openai.com/v1/chat/completions", json={"model": "gpt-4o", "messages": []})',
                 ("/v1/chat/completions", "requests", "gpt-4o", ("messages", "model"), False), id="requests-inline"),
    pytest.param('httpx.post(f"{BASE}/embeddings", json=body)',
                 ("/v1/embeddings", "httpx", "text-embedding-3-small", ("input", "model"), False), id="httpx-fstring-constant"),
    pytest.param('requests.request("POST", URL, json=payload)',
                 ("/v1/chat/completions", "requests", "dynamic", ("model",), True), id="request-method"),
    pytest.param('session.post(BASE + "/images/generations", data=json.dumps({"prompt": "x"}))',
                 ("/v1/images/generations", None, None, ("prompt",), False), id="session-concat-dumps"),
]


@pytest.mark.parametrize("call, expected", HTTP)
def test_raw_http_calls(call, expected):
    source = f"""
import json, os, requests, httpx
BASE = "https://api.openai.com/v1"
URL = BASE + "/chat/completions"
body = {{"model": "text-embedding-3-small", "input": ["a"]}}
payload = {{"model": os.environ["MODEL"], **extra}}
session = make_session()
{call}
"""
    [http] = [f for f in detect(source) if f.kind.value == "http"]
    assert (http.endpoint, http.client, http.model, http.parameters, http.parameters_dynamic) == expected
    assert http.line == 8
    # The inline URL is part of the HTTP finding, not a second URL finding on the same line.
    assert [f.line for f in detect(source) if f.kind.value == "url"] == [3]


def test_http_to_other_hosts_is_not_a_finding():
    assert [f for f in detect('import requests\nrequests.post("https://example.com/v1/chat/completions", json={})')] == []


ENV_FILE = """\
# comment OPENAI_API_KEY=sk-not-this
OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123
export OPENAI_BASE_URL="https://api.openai.com/v1"
OPENAI_ORG_ID=org-123
MY_LLM_KEY=sk-abcdefghijklmnopqrstuvwx1234
DATABASE_URL=postgres://x
AZURE_OPENAI_API_KEY=${VAULT_KEY}
"""


def test_env_file_findings_and_masking():
    found = env_findings(ENV_FILE, ".env")
    assert [(f.line, f.kind.value, f.parameters, f.code) for f in found] == [
        (2, "env", ("OPENAI_API_KEY",), "OPENAI_API_KEY=****"),
        (3, "env", ("OPENAI_BASE_URL",), "OPENAI_BASE_URL=https://api.openai.com/v1"),
        (3, "url", (), "OPENAI_BASE_URL=https://api.openai.com/v1"),
        (4, "env", ("OPENAI_ORG_ID",), "OPENAI_ORG_ID=org-123"),
        (5, "env", ("MY_LLM_KEY",), "MY_LLM_KEY=****"),
        (7, "env", ("AZURE_OPENAI_API_KEY",), "AZURE_OPENAI_API_KEY=${VAULT_KEY}"),
    ]
    assert "sk-proj" not in repr([f.to_dict() for f in found])  # no secret anywhere in the findings
    assert "revoke" in found[0].detail and "revoke" in found[4].detail


REQUIREMENTS = [
    pytest.param("requirements", "openai==0.28.1\nrequests\n", [(1, "openai==0.28.1 (pins the 0.x SDK)")], id="pip-0x"),
    pytest.param("requirements", "openai[aiohttp]>=1.40,<2  # sdk\n", [(1, "openai[aiohttp]>=1.40,<2")], id="pip-extras"),
    pytest.param("requirements", "-r base.txt\nOpenAI\nlangchain_openai~=0.1\n", [(2, "openai (unpinned)"), (3, "langchain-openai~=0.1")], id="pip-normalised"),
    pytest.param("requirements", "openai-whisper==1.0\nopenaiapi\n", [], id="pip-lookalikes"),
    pytest.param("pyproject", '[project]\ndependencies = [\n  "openai<1",\n  "httpx",\n]\n', [(3, "openai<1 (pins the 0.x SDK)")], id="pep621"),
    pytest.param("pyproject", '[tool.poetry.dependencies]\npython = "^3.11"\nopenai = "^0.28"\n', [(3, "openai^0.28 (pins the 0.x SDK)")], id="poetry"),
    pytest.param("pyproject", '[tool.poetry.dependencies]\nopenai = {version = "1.40.0", extras = ["aiohttp"]}\n', [(2, "openai==1.40.0")], id="poetry-table"),
    pytest.param("pipfile", '[packages]\nopenai = "==0.27.8"\n[dev-packages]\npytest = "*"\n', [(2, "openai==0.27.8 (pins the 0.x SDK)")], id="pipfile"),
    pytest.param("setup.cfg", "[options]\ninstall_requires =\n    openai>=1.0\n    tiktoken\n", [(3, "openai>=1.0"), (4, "tiktoken")], id="setup-cfg"),
    pytest.param("pyproject", '[project]\ndescription = "openai is great"\n', [], id="prose-is-not-a-pin"),
]


@pytest.mark.parametrize("style, text, expected", REQUIREMENTS)
def test_requirement_pins(style, text, expected):
    assert [(f.line, f.detail) for f in requirements_findings(text, "f", style)] == expected


def test_setup_py_install_requires():
    source = 'from setuptools import setup\nsetup(name="x", install_requires=["openai==0.28.0", "click"], description="openai helper")\n'
    found = [(f.line, f.kind.value, f.detail) for f in detect_source(source, "pkg/setup.py")]
    assert found == [(2, "requirement", "openai==0.28.0 (pins the 0.x SDK)")]
