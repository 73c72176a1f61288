"""migrate.scan(): file selection, cross-module resolution, the process pool, ordering, and start-up cost."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import migrate.scan as scanning
from migrate.scan import scan
from migrate.scan.findings import ScanResult

CALL = "from openai import OpenAI\nOpenAI().chat.completions.create(model='gpt-4o', messages=[])\n"


def calls(result):
    return [(f.path, f.line, f.endpoint, f.client, f.model, f.model_origin) for f in result.findings if f.kind.value == "call"]


def test_findings_are_sorted_and_assessed(write_tree):
    root = write_tree({"b.py": CALL, "a/z.py": CALL, "a/b.py": "import openai\nopenai.api_key = 'x'\n" + CALL})
    result = scan([root])
    keys = [(f.path, f.line, f.column) for f in result.findings]
    assert keys == sorted(keys)
    assert [f.path for f in result.findings if f.kind.value == "call"] == ["a/b.py", "a/z.py", "b.py"]
    assert all(f.verdict.value != "ok" or not f.issues for f in result.findings)
    assert any(f.issues for f in result.findings)  # assess ran
    assert (result.files_scanned, result.files_parsed) == (3, 3)
    assert result.catalog.openai_version and result.tool_version


def test_result_round_trips_through_json(write_tree):
    result = scan([write_tree({"m.py": CALL, ".env": "OPENAI_API_KEY=sk-x\n"})])
    assert ScanResult.from_dict(json.loads(result.to_json())) == result


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        pytest.param({}, ["app/m.py"], id="defaults-skip-vendored-and-gitignored"),
        pytest.param({"include_vendored": True}, ["app/m.py", "node_modules/pkg/m.py", "venv/lib/m.py"], id="include-vendored"),
        pytest.param({"respect_gitignore": False}, ["app/m.py", "build/m.py"], id="no-gitignore"),
        pytest.param({"exclude": ["app/*"]}, [], id="exclude-glob"),
        pytest.param({"exclude": ["m.py"]}, [], id="exclude-name"),
    ],
)
def test_file_selection(write_tree, kwargs, expected):
    root = write_tree({"app/m.py": CALL, "build/m.py": CALL, "venv/lib/m.py": CALL, "venv/pyvenv.cfg": "",
                       "node_modules/pkg/m.py": CALL, ".git/hooks/m.py": CALL, ".gitignore": "build/\n"})
    assert sorted({f.path for f in scan([root], **kwargs).findings}) == expected


def test_a_file_root_and_duplicate_roots(write_tree):
    root = write_tree({"m.py": CALL})
    result = scan([root / "m.py", root, root / "m.py"])
    assert result.files_scanned == 1 and len(calls(result)) == 1
    assert scan([root / "m.py"]).findings[0].path == "m.py"


CROSS_MODULE = {
    "src/app/__init__.py": "",
    "src/app/clients.py": """
        from functools import lru_cache
        from openai import AsyncOpenAI, OpenAI
        client = OpenAI()
        @lru_cache
        def get_async() -> AsyncOpenAI:
            return AsyncOpenAI()
        class Service:
            def __init__(self):
                self.llm = OpenAI()
        """,
    "src/app/settings.py": """
        import os
        CHAT_MODEL = "gpt-4o-mini"
        EMBED_MODEL = os.getenv("EMBED_MODEL", "text-embedding-3-small")
        class Settings:
            model = "o3-mini"
        settings = Settings()
        """,
    "src/app/reexport.py": "from app.clients import client as shared\n",
    "src/app/chat.py": """
        from app.clients import client, get_async
        from app import settings as cfg
        from .settings import CHAT_MODEL, EMBED_MODEL, settings
        from .reexport import shared
        from .clients import Service

        def ask(q):
            return client.chat.completions.create(model=CHAT_MODEL, messages=[])

        async def ask_async(q):
            return await get_async().chat.completions.create(model=cfg.CHAT_MODEL, messages=[])

        def embed(t):
            return shared.embeddings.create(model=EMBED_MODEL, input=t)

        def reason(q):
            return Service().llm.responses.create(model=settings.model, input=q)
        """,
    "other/clients.py": "client = object()\n",
    "other/use.py": """
        from other.clients import client
        from thirdparty.sdk import client as vendor
        client.chat.completions.create(model="x")
        vendor.chat.completions.create(model="y")
        """,
}


def test_cross_module_resolution(write_tree):
    result = scan([write_tree(CROSS_MODULE)])
    assert calls(result) == [
        ("src/app/chat.py", 9, "chat.completions.create", "OpenAI", "gpt-4o-mini", "constant CHAT_MODEL (src/app/settings.py:3)"),
        ("src/app/chat.py", 12, "chat.completions.create", "AsyncOpenAI", "gpt-4o-mini", "constant CHAT_MODEL (src/app/settings.py:3)"),
        ("src/app/chat.py", 15, "embeddings.create", "OpenAI", "text-embedding-3-small", "environment variable EMBED_MODEL (default)"),
        ("src/app/chat.py", 18, "responses.create", "OpenAI", "o3-mini", "attribute model (src/app/settings.py:6)"),
    ]
    details = [f.detail for f in result.findings if f.path == "src/app/chat.py"]
    assert details[:2] == ["client from app.clients.client", "client from factory get_async()"]


@pytest.mark.parametrize("jobs", [1, 2], ids=["sequential", "pool"])
def test_pool_and_sequential_agree(write_tree, monkeypatch, jobs):
    files = {f"pkg/m{i}.py": CALL for i in range(30)}
    files.update(CROSS_MODULE)
    files["pkg/bad.py"] = "import openai\ndef f(:\n"
    root = write_tree(files)
    baseline = scan([root], jobs=1)
    monkeypatch.setattr(scanning, "POOL_MIN_CANDIDATES", 4)
    monkeypatch.setattr(scanning, "POOL_MIN_FILES", 10)
    monkeypatch.setattr(scanning, "FILE_CHUNK", 3)
    other = scan([root], jobs=jobs)
    assert other.findings == baseline.findings and other.skipped == baseline.skipped
    assert (other.files_scanned, other.files_parsed) == (baseline.files_scanned, baseline.files_parsed)
    assert len(calls(other)) == 34


def test_pool_is_not_forked_from_a_process_with_threads(write_tree, monkeypatch):
    """A fork copies only the calling thread; a lock another thread holds at that moment stays held in the child,
    which then hangs. With a thread running here, the workers come from the forkserver instead."""
    import multiprocessing
    import threading

    methods = []
    real = multiprocessing.get_context
    monkeypatch.setattr(multiprocessing, "get_context", lambda method=None: methods.append(method) or real(method))
    root = write_tree({f"pkg/m{i}.py": CALL for i in range(12)})
    baseline = scan([root], jobs=1)
    monkeypatch.setattr(scanning, "POOL_MIN_CANDIDATES", 4)
    monkeypatch.setattr(scanning, "POOL_MIN_FILES", 100)

    alone = threading.active_count() == 1  # earlier tests of a session may leave server threads running
    assert scan([root], jobs=2).findings == baseline.findings
    assert methods == ["fork" if alone else "forkserver"]

    stop = threading.Event()
    held = threading.Lock()
    holder = threading.Thread(target=lambda: held.acquire() and stop.wait(30), daemon=True)
    holder.start()
    try:
        assert scan([root], jobs=2).findings == baseline.findings
    finally:
        stop.set()
        holder.join()
    assert methods[1:] == ["forkserver"]


def test_progress_is_reported(write_tree, monkeypatch):
    monkeypatch.setattr(scanning, "PROGRESS_EVERY", 2)
    seen = []
    scan([write_tree({f"m{i}.py": "x = 1\n" for i in range(5)})], progress=lambda done, total, path: seen.append((done, total)))
    assert seen[-1] == (5, 5) and (2, 5) in seen


def test_scan_imports_nothing_heavy(write_tree):
    root = write_tree({"m.py": CALL, "n.ipynb": "{}", "requirements.txt": "openai==1.0\n"})
    code = (
        "import sys, migrate; r = migrate.scan([sys.argv[1]]); assert r.findings;"
        "heavy = [m for m in ('openai', 'vllm', 'libcst', 'jinja2', 'rich', 'click', 'pydantic', 'multiprocessing') if m in sys.modules];"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


HANDED_IN = {
    "app/main.py": """
        from openai import OpenAI
        from app.voice import Voice

        voice = Voice(OpenAI())
        """,
    "app/voice.py": """
        class Voice:
            def __init__(self, client):
                self.client = client

            def transcribe(self, fh):
                return self.client.audio.transcriptions.create(model="whisper-1", file=fh)

            def draw(self, prompt):
                return self.client.images.generate(prompt=prompt)

            def keep(self, img):
                self.images.append(img)
        """,
}


def test_calls_on_a_client_handed_in_by_a_module_that_imports_openai(write_tree):
    """aider 0.20.0's Voice(client): the module never spells openai, the call's shape is the SDK's."""
    result = scan([write_tree(HANDED_IN)])
    found = [(f.path, f.line, f.endpoint) for f in result.findings if f.kind.value == "call"]
    assert found == [("app/voice.py", 7, "audio.transcriptions.create"), ("app/voice.py", 10, "images.generate")]
    assert all("handed in from elsewhere" in f.detail for f in result.findings if f.path == "app/voice.py")


@pytest.mark.parametrize("tree", [
    {"app/voice.py": HANDED_IN["app/voice.py"]},  # nothing in the tree imports openai
    {**HANDED_IN, "app/fast.py": "from groq import Groq\nfast = Groq()\n"},  # another SDK of the same shape
], ids=["no-openai-in-the-tree", "a-lookalike-sdk-in-the-tree"])
def test_shaped_calls_need_openai_and_no_lookalike_in_the_tree(write_tree, tree):
    result = scan([write_tree(tree)])
    assert [f for f in result.findings if f.path == "app/voice.py" and f.kind.value == "call"] == []
