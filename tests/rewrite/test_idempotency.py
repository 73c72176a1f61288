"""A second run changes nothing, whatever the first run wrote: review comments included, on real code, and
through the CLI (`--check` after `--write` exits 0)."""

from __future__ import annotations

import ast
import json
import shutil
import textwrap
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from migrate.cli import main
from migrate.config import Config
from migrate.rewrite import apply_plan, plan_rewrite
from tests.rewrite.conftest import make_tree, run_rules

REALCODE = Path(__file__).parents[1] / "data" / "realcode"
EXAMPLES = Path(__file__).parents[2] / "examples"
NOTE = "# migrate: base_url comes from `{}`: make sure it is the vLLM endpoint ($OPENAI_BASE_URL)"


def rewrite_twice(source: str) -> tuple[str, str]:
    first = run_rules(source)
    assert first.failure is None, first.failure
    second = run_rules(first.after)
    assert second.failure is None, second.failure
    return first.after, second.after


# -- review comments ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("source", [
    pytest.param("import openai; openai.api_base = settings.OPENAI_BASE\n", id="idem-note-on-the-first-statement"),
    pytest.param("# Copyright 2023\n\nimport openai; openai.api_base = settings.OPENAI_BASE\n",
                 id="idem-note-below-the-file-header-comment"),
    pytest.param("import openai\n\n\ndef configure(cfg):\n    openai.base_url = cfg.base\n", id="idem-note-in-a-function"),
])
def test_note_written_once(source):
    after, again = rewrite_twice(source)
    assert after.count("# migrate: base_url comes from") == 1
    assert again == after


@pytest.mark.parametrize("source", [
    pytest.param(f"import openai\n{NOTE.format('cfg.base')}\n\n\ndef configure(cfg):\n    openai.base_url = cfg.base\n",
                 id="idem-note-kept-when-its-statement-moved"),
    pytest.param(f"import openai\n\n\ndef configure(cfg):\n{NOTE.format('cfg.base')}\n    openai.base_url = cfg.base\n",
                 id="idem-note-kept-when-re-indented"),
    pytest.param(f"import openai\n\n\ndef configure(cfg):\n    {NOTE.format('cfg.url')}\n    openai.base_url = cfg.base\n",
                 id="idem-note-kept-when-the-quoted-code-changed"),
    pytest.param(f"import openai\n\n\ndef configure(cfg):\n    {NOTE.format('cfg.base')}\n\n    openai.base_url = cfg.base\n",
                 id="idem-note-kept-above-a-blank-line"),
])
def test_note_already_in_the_file_is_not_written_again(source):
    result = run_rules(source)
    assert result.failure is None
    assert result.after == source
    assert [message for _, _, message in result.review if "base_url comes from" in message], "still reported"


def test_the_same_note_on_two_statements_is_written_twice():
    """id: idem-same-note-two-statements. Recognising moved notes must not swallow a second, real one."""
    source = textwrap.dedent("""\
        import openai


        def configure(cfg):
            openai.base_url = cfg.base


        def reconfigure(cfg):
            openai.base_url = cfg.base
        """)
    after, again = rewrite_twice(source)
    assert after.count(NOTE.format("cfg.base")) == 2
    assert again == after


# -- the CLI -----------------------------------------------------------------------------------------------------

LEGACY_APP = textwrap.dedent("""\
    import openai; openai.api_base = settings.OPENAI_BASE
    from openai import error


    def ask(q, cfg):
        openai.api_key = cfg.key
        try:
            r = openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[{"role": "user", "content": q}])
        except error.RateLimitError:
            return None
        return r["choices"][0]["message"]["content"]
    """)


def _notebook_crlf() -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in (
        "%%capture\n%pip install openai==0.28",
        "import openai\nopenai.api_base = settings.base",
        "r = openai.ChatCompletion.create(model='gpt-3.5-turbo', messages=[])\nr['choices'][0]['message']['content']",
    )]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nbformat.writes(nb).replace("\n", "\r\n") + "\r\n"


def test_check_after_write_exits_0(tmp_path):
    """id: cli-check-after-write-exits-0. Python with notes, a notebook with a cell magic and CRLF, pins."""
    root = make_tree(tmp_path, {"app.py": LEGACY_APP, "demo.ipynb": _notebook_crlf(),
                                "requirements.txt": "openai==0.28.1\n",
                                "migrate.toml": '[models]\n"gpt-3.5-turbo" = "tiny-llama"\n'})
    runner = CliRunner()
    assert runner.invoke(main, ["rewrite", str(root), "--check"]).exit_code == 1
    written = runner.invoke(main, ["rewrite", str(root), "--write"])
    assert written.exit_code == 0, written.output
    first = {p.name: p.read_bytes() for p in root.iterdir()}
    assert b"# migrate: " in first["app.py"] and first["demo.ipynb"].count(b"\n") == first["demo.ipynb"].count(b"\r\n")
    check = runner.invoke(main, ["rewrite", str(root), "--check"])
    assert check.exit_code == 0, check.output
    assert runner.invoke(main, ["rewrite", str(root), "--write"]).exit_code == 0
    assert {p.name: p.read_bytes() for p in root.iterdir()} == first


@pytest.mark.parametrize("app", sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()))
def test_examples_write_then_check(tmp_path, app):
    """id: examples-write-then-check. The example apps (support_bot has a notebook) are stable after --write."""
    root = tmp_path / app
    shutil.copytree(EXAMPLES / app, root)
    runner = CliRunner()
    written = runner.invoke(main, ["rewrite", str(root), "--write"])
    assert written.exit_code == 0, written.output
    check = runner.invoke(main, ["rewrite", str(root), "--check"])
    assert check.exit_code == 0, check.output


# -- real code -----------------------------------------------------------------------------------------------------

def _realcode_tree(root: Path) -> list[Path]:
    """The vendored real files (see tests/data/realcode/README.md) under their real names."""
    out = []
    for stored in sorted(REALCODE.rglob("*.txt")):
        path = root / stored.relative_to(REALCODE).with_suffix("")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(stored.read_bytes())
        out.append(path)
    return out


def _as_notebook(source: str) -> str:
    """Real code as a notebook a user might have: one cell per top-level statement group, a `%%capture` install
    cell first, CRLF line endings."""
    lines = source.splitlines(keepends=True)
    starts = sorted({min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))]) - 1
                     for node in ast.parse(source).body})
    chunks = ["".join(lines[a:b]).strip("\n") for a, b in zip([0, *starts[1:]], [*starts[1:], len(lines)])]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("%%capture\n%pip install openai")]
    nb.cells += [nbformat.v4.new_code_cell(chunk) for chunk in chunks if chunk.strip()]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nbformat.writes(nb).replace("\n", "\r\n") + "\r\n"


@pytest.fixture(scope="module")
def realcode(tmp_path_factory):
    root = tmp_path_factory.mktemp("realcode")
    files = _realcode_tree(root)
    for path in files:
        if path.suffix == ".py":
            path.with_suffix(".ipynb").write_text(_as_notebook(path.read_text(encoding="utf-8")), encoding="utf-8",
                                                  newline="")
    config = Config(models={"gpt-3.5-turbo": "tiny-llama", "gpt-4": "tiny-llama", "text-davinci-003": "tiny-llama"})
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    plan = plan_rewrite([root], config=config)
    result = apply_plan(plan)
    assert not result.refused and not plan.failures, (result.refused, plan.failures)
    return root, config, plan, before


def test_real_code_is_rewritten(realcode):
    """The corpus is not one where nothing matches: most files change, notebooks included."""
    _, _, plan, _ = realcode
    changed = {c.path for c in plan.changes}
    assert sum(p.endswith(".py") for p in changed) >= 14, sorted(changed)
    assert sum(p.endswith(".ipynb") for p in changed) >= 14, sorted(changed)
    assert len(plan.review) >= 30


def test_real_code_second_run_changes_nothing(realcode):
    """id: idem-real-code. Rewriting the rewritten files, Python and notebooks, changes nothing."""
    root, config, _, _ = realcode
    again = plan_rewrite([root], config=config)
    assert again.changes == (), again.diff()[:5000]


def test_real_code_notebooks_keep_magics_first_and_bytes(realcode):
    """Each rewritten notebook: the %%capture cell untouched, CRLF throughout, only code cells' sources differ,
    and the rewritten cells, run top to bottom, bind every module-level name before it is read."""
    root, _, plan, before = realcode
    for change in plan.changes:
        if not change.path.endswith(".ipynb"):
            continue
        after = (root / change.path).read_bytes()
        old = before[root / change.path]
        if b"\r\n" in old:  # the notebooks made from modules above; the real ones keep their LF as they are
            assert after.count(b"\n") == after.count(b"\r\n"), change.path
        else:
            assert b"\r\n" not in after, change.path
            continue  # a real notebook (markdown, shell escapes): what follows is for the made ones
        old_nb, new_nb = json.loads(old), json.loads(after)
        assert new_nb["cells"][0]["source"] == old_nb["cells"][0]["source"], change.path
        assert {k: v for k, v in new_nb.items() if k != "cells"} == {k: v for k, v in old_nb.items() if k != "cells"}
        code = "".join("".join(c["source"]).replace("\r\n", "\n") + "\n" for c in new_nb["cells"][1:])
        ast.parse(code)
        assert not _read_before_bound(old_nb, new_nb), change.path


def _read_before_bound(old_nb: dict, new_nb: dict) -> set[str]:
    """Module-level names the rewritten cells read before any cell binds them, that the original cells did not."""
    return _early_reads(new_nb) - _early_reads(old_nb)


def _early_reads(nb: dict) -> set[str]:
    import builtins

    bound = set(dir(builtins)) | {"__file__", "__name__"}
    early: set[str] = set()
    for cell in nb["cells"][1:]:
        tree = ast.parse("".join(cell["source"]).replace("\r\n", "\n"))
        for stmt in tree.body:
            stores = {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                stores |= {(a.asname or a.name).split(".")[0] for a in stmt.names}
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                stores.add(stmt.name)
                reads = set()  # bodies run later
            else:
                reads = {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
            early |= reads - bound - stores
            bound |= stores
    return early
