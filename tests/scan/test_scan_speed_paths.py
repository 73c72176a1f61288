"""The scan's fast paths give the same answers as the plain ones: the fused pre-filter, the unbuffered
reader, the lazy module index of cross-module resolution, and the default number of workers."""

from __future__ import annotations

import os

import pytest

import migrate.scan as scanning
from migrate.scan import prefilter, scan
from migrate.scan.detect import read_bytes
from migrate.scan.detect.crossmodule import ModuleIndex

SAMPLES = {
    "import": b"import openai\n",
    "from-import": b"from openai import OpenAI\n",
    "class-only": b"client = OpenAI()\n",
    "async-azure": b"c = AsyncAzureOpenAI()\n",
    "chat-openai": b"llm = ChatOpenAI(model='gpt-4o')\n",
    "embeddings-class": b"e = OpenAIEmbeddings()\n",
    "env": b"key = os.environ['OPENAI_API_KEY']\n",
    "azure-env": b"os.getenv('AZURE_OPENAI_ENDPOINT')\n",
    "host": b"url = 'https://api.openai.com/v1/chat/completions'\n",
    "azure-host": b"url = 'https://me.openai.azure.com/'\n",
    "litellm": b"import litellm\n",
    "model-string": b"dspy.LM('openai/gpt-4o-mini')\n",
    "cross-module-chat": b"from app.clients import client\nclient.chat.completions.create(model=M)\n",
    "cross-module-embeddings": b"from app.clients import c\nc.embeddings.create(input='x')\n",
    "cross-module-responses": b"from app.clients import c\nc.responses.create(input='x')\n",
    "handed-in-audio": b"self.client.audio.transcriptions.create(model='whisper-1', file=fh)\n",
    "handed-in-images": b"client.images.generate(prompt='x')\n",
    "other-images": b"self.images.append(img)\n",
    "upper-case-completions": b"x.ChatCompletions.get()\n",
    "package-path": b"from vllm.entrypoints.openai.protocol import ChatCompletionRequest\n",
    "other-class": b"from vllm.entrypoints.openai import OpenAIServingChat\n",
    "clip-constants": b"from ...image_utils import OPENAI_CLIP_MEAN, OPENAI_CLIP_STD\n",
    "clip-and-env": b"OPENAI_CLIP_MEAN = 1\nk = os.getenv('OPENAI_API_KEY')\n",
    "prose": b'"""Serve an OpenAI-compatible API."""\nheaders = {"OpenAI-Beta": "assistants=v2"}\n',
    "prose-and-client": b'"""OpenAI-compatible."""\nc = OpenAI()\n',
    "word-inside": b"langchain_openai_helper = 1\n",
    "nothing": b"print('hello')\n",
    "empty": b"",
}

EXPECTED_PARSE = {
    "import", "from-import", "class-only", "async-azure", "chat-openai", "embeddings-class", "env", "azure-env",
    "host", "azure-host", "litellm", "model-string", "cross-module-chat", "cross-module-embeddings",
    "cross-module-responses", "clip-and-env", "prose-and-client", "handed-in-audio", "handed-in-images",
}


def _stage1(data: bytes) -> bool:
    """The reference stage 1: any needle in the raw bytes."""
    return any(needle in data for needle in prefilter.NEEDLES)


def _stage2(data: bytes) -> bool:
    """The reference stage 2: an exact mention that can lead to a finding."""
    if b"litellm" in data or b".completions." in data or b"embeddings.create" in data:
        return True
    if any(needle in data for needle in prefilter._RESPONSES_CALLS + prefilter._MEDIA_CALLS):
        return True
    return prefilter._openai_mention(data)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_fused_prefilter_matches_the_two_stages(name):
    data = SAMPLES[name]
    staged = _stage1(data) and _stage2(data)
    assert prefilter.python_candidate(data) == staged
    assert staged == (name in EXPECTED_PARSE)


def test_clip_constants_and_prose_are_not_parsed(write_tree):
    root = write_tree({
        "image_utils.py": "OPENAI_CLIP_MEAN = [0.48, 0.45, 0.40]\n",
        "server.py": '"""An OpenAI-compatible server."""\nHEADERS = {"OpenAI-Beta": "v2"}\n',
        "app.py": "from openai import OpenAI\nOpenAI().chat.completions.create(model='gpt-4o', messages=[])\n",
    })
    result = scan([root], jobs=1)
    assert result.files_parsed == 1
    assert sorted(f.kind.value for f in result.findings) == ["call", "client"]


@pytest.mark.parametrize("size", [0, 10, (1 << 18) - 1, 1 << 18, (1 << 18) + 1, 3 * (1 << 20) + 7],
                         ids=["empty", "small", "just-under", "exact", "just-over", "megabytes"])
def test_read_bytes_returns_the_whole_file(tmp_path, size):
    path = tmp_path / "f.py"
    data = os.urandom(size)
    path.write_bytes(data)
    assert read_bytes(str(path)) == data


def test_read_bytes_raises_oserror_for_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_bytes(str(tmp_path / "missing.py"))


def test_module_index_finds_by_any_suffix_and_prefers_the_nearest():
    files = [
        ("/r/src/app/clients.py", "src/app/clients.py"),
        ("/r/other/app/clients.py", "other/app/clients.py"),
        ("/r/src/app/__init__.py", "src/app/__init__.py"),
        ("/r/my-tool/app/config.py", "my-tool/app/config.py"),  # a folder that is not an identifier
        ("/r/README.md", "README.md"),
    ]
    index = ModuleIndex(files)
    assert index.find("app.clients", "src/app/chat.py") == files[0]
    assert index.find("app.clients", "other/app/chat.py") == files[1]
    assert index.find("src.app.clients", "x.py") == files[0]
    assert index.find("clients", "src/app/chat.py") == files[0]
    assert index.find("app", "src/main.py") == files[2]
    assert index.find("app.config", "my-tool/app/x.py") is None
    assert index.find("app.missing", "src/app/chat.py") is None
    assert index.find("README", "x.py") is None


@pytest.mark.parametrize(("cores", "busy", "jobs"), [
    (2, 0.0, 2), (2, 0.6, 2), (2, 1.0, 1), (2, 1.6, 1), (2, 3.5, 1), (16, 3.0, 13), (16, 40.0, 1), (1, 0.0, 1),
], ids=lambda v: str(v))
def test_default_jobs_counts_idle_cores(monkeypatch, cores, busy, jobs):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    monkeypatch.setattr(scanning, "_other_load", lambda: busy)
    assert scanning._default_jobs() == jobs


def test_default_jobs_without_load_figures_uses_every_core(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    monkeypatch.setattr(scanning, "_other_load", lambda: None)
    assert scanning._default_jobs() == 3


@pytest.mark.parametrize(("average", "proc", "busy"), [
    (1.2, b"1.20 1.00 0.90 1/300 4242\n", 0),  # the average is this program's own last run: nothing else now
    (2.5, b"2.50 2.00 1.90 4/300 4242\n", 2.5),  # other work, sustained
    (0.3, b"0.30 0.20 0.10 3/300 4242\n", 0.3),  # a burst right now, idle over the last minute
    (1.7, b"garbage", 1.7),  # unreadable snapshot: the average alone
], ids=["self-inflicted", "sustained", "burst", "no-snapshot"])
def test_other_load_takes_the_smaller_figure(monkeypatch, tmp_path, average, proc, busy):
    path = tmp_path / "loadavg"
    path.write_bytes(proc)
    monkeypatch.setattr(os, "getloadavg", lambda: (average, average, average))
    assert scanning._other_load(str(path)) == busy


def test_other_load_without_a_load_average(monkeypatch):
    def no_load():
        raise OSError("no load average here")

    monkeypatch.setattr(os, "getloadavg", no_load)
    assert scanning._other_load() is None
