"""The proof tools themselves: the type-check harness (benchmarks/typecheck.py), the other-provider check
(benchmarks/foreign.py) and the corpus fetcher (benchmarks/corpus.py), on small trees made here."""

from __future__ import annotations

import hashlib
import json
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))

import corpus  # noqa: E402
import foreign  # noqa: E402
import typecheck  # noqa: E402

CACHE = REPO / ".cache" / "typecheck"  # shared with test_corpus_real.py: the SDK is analysed once

LEGACY = textwrap.dedent('''\
    import openai

    messages = [{"role": "user", "content": "hi"}]
    reply = openai.ChatCompletion.create(model="gpt-4o", messages=messages)


    def broken():
        return 1 + "a"
    ''')
# The rewrite under test here is hand-written: the client call is right, but the callers still index the
# response as the 0.x dict, which fails at run time; one of them carries a review note. (A module-level value:
# mypy takes what an unannotated function returns as Any, so uses through one are not checked.)
REWRITTEN = textwrap.dedent('''\
    import openai

    client = openai.OpenAI()
    messages = [{"role": "user", "content": "hi"}]
    reply = client.chat.completions.create(model="gpt-4o", messages=messages)


    def broken():
        return 1 + "a"
    ''')
CALLER = textwrap.dedent('''\
    from app.llm import reply


    def first():
        return reply["choices"][0]["message"]["content"]


    def second():
        # migrate: the response is an object now: read .choices[0].message.content
        return reply["choices"]


    def third():
        return reply.choices[0].message.content
    ''')
LEFT = textwrap.dedent('''\
    import openai


    def call(prompt):
        try:
            return 1
        except openai.InvalidRequestError:
            return 0


    def typed(files: list[openai.types.FileObject]) -> int:
        return len(files) + "openai"
    ''')
NOTEBOOK_BEFORE = {"cells": [
    {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
     "source": ["%%capture\n", "!pip install openai\n", "import openai\n"]},
    {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
     "source": ["r = openai.Completion.create(model='x', prompt='hi')\n", "print(r['choices'])\n"]},
], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "llm.py").write_text(LEGACY)
    (root / "app" / "caller.py").write_text(CALLER)
    (root / "app" / "unrelated.py").write_text("x: int = 'not checked: neither changed nor importing a change'\n")
    (root / "app" / "left.py").write_text(LEFT)
    (root / "notes.ipynb").write_text(json.dumps(NOTEBOOK_BEFORE, indent=1))
    return root


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    root = _tree(tmp_path_factory.mktemp("typecheck"))
    nb_after = json.loads(json.dumps(NOTEBOOK_BEFORE))
    nb_after["cells"][1]["source"] = ["client = openai.OpenAI()\n",
                                      "r = client.completions.create(model='x', prompt='hi')\n",
                                      "print(r['choices'])\n"]
    left_after = LEFT.replace("def call", "client = openai.OpenAI()\n\n\ndef call")
    changes = {"app/llm.py": REWRITTEN, "notes.ipynb": json.dumps(nb_after, indent=1), "app/left.py": left_after}
    return typecheck.check_rewrite(root, changes, cache_dir=CACHE)


def test_changed_files_and_their_importers_are_checked(checked):
    assert "app/llm.py" in checked.checked and "app/caller.py" in checked.checked
    assert "app/unrelated.py" not in checked.checked
    assert any(p.startswith(typecheck.NOTEBOOK_DIR) for p in checked.checked)
    assert checked.crashes == []


def test_a_downstream_use_broken_in_another_module_is_a_new_error(checked):
    new = {(e.path, e.line): e for e in checked.new}
    first = new[("app/caller.py", 5)]
    assert first.code == "index" and not first.on_changed_line and not first.reviewed
    second = new[("app/caller.py", 10)]
    assert second.reviewed, "a review note above the statement marks the error as reported"
    assert ("app/caller.py", 14) not in new, "the converted use type-checks"
    assert first in checked.unreviewed and second not in checked.unreviewed


def test_errors_that_were_there_before_are_not_new_and_fixed_ones_vanish(checked):
    assert not any(e.path == "app/llm.py" and "str" in e.message for e in checked.new), "1 + 'a' was there before"
    assert checked.vanished >= 2  # openai.ChatCompletion and openai.Completion no longer exist: fixed
    assert not any(e.path == "app/llm.py" for e in checked.new), "plain dict messages are accepted (plugin)"


def test_a_notebook_is_checked_as_its_code_cells(checked):
    nb_errors = [e for e in checked.new if e.path.startswith(typecheck.NOTEBOOK_DIR)]
    assert [(e.line, e.code) for e in nb_errors] == [(7, "index")]


def test_a_0x_name_left_on_an_openai_line_is_reported(checked):
    """Only a name the SDK no longer has: other errors kept on a line that mentions openai are not the rewrite's."""
    assert [(e.path, e.line) for e in checked.left] == [("app/left.py", 10)]
    assert "InvalidRequestError" in checked.left[0].message


def test_line_map_follows_the_diff():
    same, written = typecheck.line_map("a\nb\nc\nd\n", "a\nB\nB2\nc\nd\n")
    assert same == {1: 1, 4: 3, 5: 4}
    assert written == {2: (2, 3), 3: (2, 3)}


def test_reviewed_lines_cover_the_statement_below_the_note():
    text = "x = 1\n# migrate: look here\n# more words\ny = f(\n    x,\n)\nz = 2\n"
    assert typecheck.reviewed_lines(text) == {4, 5, 6}


def test_a_plan_review_item_covers_its_statement_without_a_note():
    text = "x = 1\ny = f(\n    x,\n)\nz = 2\n"
    assert typecheck.reviewed_lines(text, items=[2]) == {2, 3, 4}


def test_notebook_python_keeps_line_numbers_and_comments_out_ipython():
    nb = {"cells": [{"cell_type": "code", "source": "%%capture\n!ls\nfiles = !ls\nx?\nimport os"},
                    {"cell_type": "markdown", "source": "text"},
                    {"cell_type": "code", "source": ["%%bash\n", "echo hi\n"]}]}
    code = typecheck.notebook_python(json.dumps(nb))
    assert code.splitlines() == ["# %%capture", "# !ls", "# files = !ls", "# x?", "import os", "",
                                 "# %%bash", "# echo hi", ""]


def test_importers_resolve_relative_and_from_imports(tmp_path):
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    for init in ("pkg/__init__.py", "pkg/sub/__init__.py"):
        (tmp_path / init).write_text("")
    (tmp_path / "pkg" / "llm.py").write_text("x = 1\n")
    (tmp_path / "pkg" / "a.py").write_text("from . import llm\n")
    (tmp_path / "pkg" / "sub" / "b.py").write_text("from ..llm import x\n")
    (tmp_path / "pkg" / "c.py").write_text("import pkg.llm\n")
    (tmp_path / "pkg" / "d.py").write_text("from pkg import other\n# llm\n")
    assert sorted(typecheck.importers(tmp_path, ["pkg/llm.py"])) == ["pkg/a.py", "pkg/c.py", "pkg/sub/b.py"]


# --- another provider's URL, key or client ----------------------------------------------------------------

PROVIDERS = textwrap.dedent('''\
    import os
    from openai import OpenAI

    router = OpenAI(api_key=os.environ.get("OPENROUTER_API_KEY"),
                    base_url="https://openrouter.ai/api/v1")
    local = OpenAI(base_url="http://localhost:8000/v1", api_key="EMPTY")
    default = OpenAI()
    ''')


@pytest.mark.parametrize("after, problem", [
    (PROVIDERS.replace('os.environ.get("OPENROUTER_API_KEY")', 'os.environ["OPENAI_API_KEY"]'), "OPENROUTER_API_KEY"),
    (PROVIDERS.replace('base_url="https://openrouter.ai/api/v1")',
                       'base_url="https://openrouter.ai/api/v1", default_headers={"k": os.environ["OPENAI_API_KEY"]})'),
     "gained OPENAI_API_KEY"),
    (PROVIDERS.replace("http://localhost:8000/v1", "http://vllm:8000/v1"), "localhost"),
], ids=["key-swapped", "openai-key-added", "local-client-repointed"])
def test_touching_another_providers_client_is_reported(after, problem):
    problems = foreign.touched_foreign("app.py", PROVIDERS, after)
    assert problems and any(problem in p for p in problems), problems


def test_moving_the_openai_client_and_noting_the_others_is_fine():
    after = PROVIDERS.replace("default = OpenAI()", 'default = OpenAI(base_url=os.environ["OPENAI_BASE_URL"])')
    after = after.replace("router = OpenAI(", "# migrate: OpenRouter's client, left as it is\nrouter = OpenAI(")
    assert foreign.touched_foreign("app.py", PROVIDERS, after) == []


def test_openai_and_azure_hosts_are_openai_and_the_rest_are_not():
    assert foreign.is_openai_host("api.openai.com") and foreign.is_openai_host("me.openai.azure.com")
    assert not foreign.is_openai_host("openai.example.com") and not foreign.is_openai_host("api.x.ai")
    assert foreign.foreign_markers('u = "https://api.openai.com/v1"; k = "XAI_API_KEY"; a = "AZURE_OPENAI_KEY"') == [
        "XAI_API_KEY"]


def test_generic_setting_names_are_nobodys():
    assert foreign.foreign_markers('API_HOST = os.getenv("DEFAULT_BASE_URL"); GOOSEAI_API_KEY') == ["GOOSEAI_API_KEY"]


def test_a_text_file_hunk_is_checked_on_its_own():
    before = "OPENAI_API_KEY=sk\nGROQ_BASE_URL=https://api.groq.com/openai/v1\n"
    after = "OPENAI_API_KEY=sk\nGROQ_BASE_URL=http://localhost:8000/v1\n"
    assert foreign.touched_foreign(".env", before, after)


# --- the corpus fetcher, offline ----------------------------------------------------------------------------

def _sdist(tmp_path: Path) -> tuple[Path, str]:
    src = tmp_path / "demo-1.0"
    (src / "demo").mkdir(parents=True)
    (src / "demo" / "__init__.py").write_text("import openai\n")
    archive = tmp_path / "demo-1.0.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(src, arcname="demo-1.0")
    return archive, hashlib.sha256(archive.read_bytes()).hexdigest()


def test_fetch_unpacks_a_downloaded_file_once_and_checks_its_hash(tmp_path, monkeypatch):
    archive, sha = _sdist(tmp_path)
    cache = tmp_path / "cache"
    (cache / "downloads").mkdir(parents=True)
    (cache / "downloads" / archive.name).write_bytes(archive.read_bytes())
    package = corpus.Package("demo", "1.0", archive.name, sha, "1.x", (), "a test")
    monkeypatch.setattr(corpus, "download", lambda *a: pytest.fail("the file is there: no download"))

    assert corpus.fetch([package], cache, log=lambda *_: None) == [package]
    assert (cache / "demo-1.0" / "demo" / "__init__.py").read_text() == "import openai\n"
    assert package.is_cached(cache) and corpus.missing([package], cache) == []
    assert corpus.fetch([package], cache, log=lambda *_: None) == [], "a second run does nothing"


def test_fetch_refuses_a_file_whose_hash_differs(tmp_path, monkeypatch):
    archive, _ = _sdist(tmp_path)
    package = corpus.Package("demo", "1.0", archive.name, "0" * 64, "1.x", (), "a test")

    def fake_download(pkg, into):
        (into / pkg.file).write_bytes(archive.read_bytes())
        got = corpus.sha256_of(into / pkg.file)
        raise corpus.FetchError(f"{pkg.key}: {pkg.file} has sha256 {got}, pinned {pkg.sha256}")

    monkeypatch.setattr(corpus, "download", fake_download)
    with pytest.raises(corpus.FetchError, match="pinned 000"):
        corpus.fetch([package], tmp_path / "cache", log=lambda *_: None)
    assert not package.is_cached(tmp_path / "cache")


def test_the_pinned_list_is_well_formed():
    packages = corpus.load()
    assert len(packages) >= 15
    for p in packages:
        assert len(p.sha256) == 64 and p.file.startswith(p.file.split("-")[0]) and p.why
        assert p.sdk in ("0.x", "1.x")
