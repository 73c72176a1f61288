"""Notebooks: cell magics stay first, new code goes where the cells can run it, every untouched byte is kept,
one cell that does not parse does not stop the others, and a second run changes nothing."""

from __future__ import annotations

import difflib
import json

import nbformat
import pytest

from migrate.rewrite import apply_plan, plan_rewrite
from migrate.rewrite.notebook import load, rebuild
from tests.rewrite.conftest import CONFIG, make_tree

ENV = 'os.environ.get("OPENAI_BASE_URL", "http://localhost:8000/v1")'


def notebook(*cells, newline="\n", indent=1, as_lists=True, trailing_newline=True, ensure_ascii=False, first="cells"):
    """A notebook's text; each cell is code, ("markdown", text), or (code, outputs)."""
    nb = nbformat.v4.new_notebook()
    for n, cell in enumerate(cells):
        if isinstance(cell, tuple) and cell[0] == "markdown":
            made = nbformat.v4.new_markdown_cell(cell[1])
        elif isinstance(cell, tuple):
            made = nbformat.v4.new_code_cell(cell[0])
            made["outputs"], made["execution_count"] = cell[1], n + 1
        else:
            made = nbformat.v4.new_code_cell(cell)
        made["id"] = f"cell-{n}"
        if as_lists:
            made["source"] = made["source"].splitlines(keepends=True)
        nb.cells.append(made)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    data = dict(nb)
    if first != "cells":
        data = {first: data[first], **{k: v for k, v in data.items() if k != first}}
    text = json.dumps(data, indent=indent, ensure_ascii=ensure_ascii) + ("\n" if trailing_newline else "")
    return text.replace("\n", newline)


def rewrite(tmp_path, text, name="demo.ipynb"):
    root = make_tree(tmp_path, {name: text})
    return root, plan_rewrite([root], config=CONFIG)


def cells_after(plan):
    [change] = plan.changes
    nbformat.validate(nbformat.reads(change.after, as_version=nbformat.NO_CONVERT))
    return ["".join(c["source"]) for c in json.loads(change.after.lstrip("\ufeff"))["cells"]]


def assert_second_run_changes_nothing(root, plan):
    result = apply_plan(plan)
    assert not result.refused
    again = plan_rewrite([root], config=CONFIG)
    assert again.changes == (), again.diff()


# -- cell magics and where inserted code goes ---------------------------------------------------------------------

def test_cell_magic_stays_the_first_line_of_its_cell(tmp_path):
    """id: notebook-cell-magic-first. `import os` used to land above `%%capture` in the first cell."""
    text = notebook(
        "%%capture\n%pip install openai==0.28",
        "import openai\nopenai.api_key = 'sk-x'",
        "r = openai.ChatCompletion.create(model='gpt-3.5-turbo', messages=[])",
    )
    root, plan = rewrite(tmp_path, text)
    cells = cells_after(plan)
    assert cells[0] == "%%capture\n%pip install openai==0.28"
    assert cells[1] == (
        "import openai\nimport os\nclient = openai.OpenAI(\n"
        f"    base_url={ENV},\n"
        '    api_key=os.environ.get("OPENAI_API_KEY", "EMPTY"),\n)'
    )
    assert cells[2] == "r = client.chat.completions.create(model='tiny-llama', messages=[])"
    assert_second_run_changes_nothing(root, plan)


def test_python_cell_magic_body_is_rewritten_below_the_magic(tmp_path):
    """id: notebook-python-cell-magic-body. A %%time cell is Python: its body is rewritten, the magic stays first."""
    text = notebook("%%time\nimport openai\nclient = openai.OpenAI()\nclient.models.list()", "%%bash\necho openai")
    root, plan = rewrite(tmp_path, text)
    cells = cells_after(plan)
    assert cells[0].startswith("%%time\nimport openai\nimport os\nclient = openai.OpenAI(")
    assert f"base_url={ENV}" in cells[0]
    assert cells[1] == "%%bash\necho openai"
    assert_second_run_changes_nothing(root, plan)


def test_setup_goes_after_the_cell_that_imports_openai(tmp_path):
    """id: notebook-import-order-across-cells. The module-level client's settings need `openai`, which a
    later cell imports: they go after that import, not into the first cell (NameError when run in order)."""
    text = notebook(
        "import json\nconfig = json.loads('{}')",
        "import openai",
        "r = openai.chat.completions.create(model='gpt-3.5-turbo', messages=[])",
    )
    root, plan = rewrite(tmp_path, text)
    cells = cells_after(plan)
    assert cells[0] == "import json\nconfig = json.loads('{}')"
    assert cells[1] == (
        "import openai\nimport os\n\n"
        f"openai.base_url = {ENV}\n"
        'openai.api_key = os.environ.get("OPENAI_API_KEY", "EMPTY")'
    )
    assert_second_run_changes_nothing(root, plan)


def test_new_import_goes_to_the_cell_that_first_needs_it(tmp_path):
    """id: notebook-import-where-first-used. The first cell does not need `os`: it stays as it was."""
    text = notebook(
        "print('setup')",
        "import openai\nopenai.api_key = 'sk-x'",
        "r = openai.Completion.create(model='gpt-3.5-turbo', prompt='hi')",
    )
    root, plan = rewrite(tmp_path, text)
    cells = cells_after(plan)
    assert cells[0] == "print('setup')"
    assert cells[1].startswith("import openai\nimport os\nclient = openai.OpenAI(")
    assert_second_run_changes_nothing(root, plan)


def test_new_import_not_repeated_when_an_earlier_cell_has_it(tmp_path):
    """id: notebook-import-already-in-earlier-cell."""
    text = notebook(
        "import os\nprint(os.getcwd())",
        "import openai\nopenai.api_key = 'sk-x'",
        "r = openai.Completion.create(model='gpt-3.5-turbo', prompt='hi')",
    )
    root, plan = rewrite(tmp_path, text)
    cells = cells_after(plan)
    assert cells[0] == "import os\nprint(os.getcwd())"
    assert "import os" not in cells[1] and 'api_key=os.environ.get("OPENAI_API_KEY", "EMPTY")' in cells[1]
    assert_second_run_changes_nothing(root, plan)


def test_outputs_metadata_and_other_cells_kept(tmp_path):
    """id: notebook-outputs-metadata-magics-kept (was in test_plan.py)."""
    output = [nbformat.v4.new_output("stream", name="stdout", text="answer\n")]
    text = notebook(
        ("markdown", "# Demo calling https://api.openai.com"),
        "%pip install openai==0.28\nimport openai\nopenai.api_key = 'sk-x'",
        (("r = openai.ChatCompletion.create(model='gpt-3.5-turbo', messages=[])\nfiles = !ls\n"
          "r['choices'][0]['message']['content']"), output),
        "%%bash\necho openai",
    )
    root, plan = rewrite(tmp_path, text)
    [change] = plan.changes
    nb = nbformat.reads(change.after, as_version=4)
    sources = [c.source for c in nb.cells]
    assert sources[0] == "# Demo calling https://api.openai.com"
    assert sources[1].startswith("%pip install openai==0.28\nimport openai\nimport os\nclient = openai.OpenAI(")
    assert sources[2] == ("r = client.chat.completions.create(model='tiny-llama', messages=[])\nfiles = !ls\n"
                          "r.choices[0].message.content")
    assert sources[3] == "%%bash\necho openai"
    assert nb.cells[2].outputs[0]["text"] == "answer\n" and nb.cells[2].execution_count == 3
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert_second_run_changes_nothing(root, plan)


def test_review_items_point_at_the_line_in_the_cell(tmp_path):
    """id: notebook-review-line-in-cell. Lines count within the cell, after the code moved."""
    text = notebook(
        "%%capture\n%pip install openai",
        "x = 1",
        "import openai\nopenai.api_key = 'sk-x'\nopenai.api_base = settings.base",
        "r = openai.ChatCompletion.create(model='gpt-3.5-turbo', messages=[])",
    )
    _, plan = rewrite(tmp_path, text)
    cells = cells_after(plan)
    [item] = [r for r in plan.review if r.rule == "OAI001"]
    assert item.message.startswith("cell 2: base_url comes from `settings.base`")
    assert cells[2].split("\n")[item.line - 1].startswith("client = openai.OpenAI(")
    assert cells[2].split("\n")[item.line - 2].startswith("# migrate: base_url comes from")


# -- bytes outside the changed cells ------------------------------------------------------------------------------

def _changed_cell_lines(before: str, after: str) -> list[str]:
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            out.extend(a[i1:i2] + b[j1:j2])
    return out


LEGACY_CELLS = (
    ("markdown", "Ünïcode prose, “quotes” and a URL https://api.openai.com"),
    "import openai\nopenai.api_key = 'sk-x'",
    (("r = openai.ChatCompletion.create(model='gpt-3.5-turbo', messages=[])\n"
      "print(r['choices'][0]['message']['content'])"), [nbformat.v4.new_output("stream", name="stdout", text="héllo\n")]),
    "print('untouched')",
)


@pytest.mark.parametrize("layout", [
    pytest.param({"newline": "\r\n"}, id="notebook-crlf-byte-exact"),
    pytest.param({"newline": "\r\n", "indent": 2, "trailing_newline": False, "first": "metadata"},
                 id="notebook-crlf-indent-2-no-final-newline-metadata-first"),
    pytest.param({"ensure_ascii": True, "indent": 4}, id="notebook-escaped-unicode-stays-escaped"),
    pytest.param({"as_lists": False}, id="notebook-source-as-one-string-stays-a-string"),
])
def test_untouched_bytes_are_kept(tmp_path, layout):
    text = notebook(*LEGACY_CELLS, **layout)
    root, plan = rewrite(tmp_path, text)
    [change] = plan.changes
    after = change.after
    newline = layout.get("newline", "\n")
    assert after.count("\n") == after.count(newline), "line endings changed"
    assert after.endswith(newline) == text.endswith(newline)
    assert after.isascii() == text.isascii()
    # Only the source of the two code cells that changed differs, line by line.
    before_nb, after_nb = json.loads(text), json.loads(after)
    for key in before_nb:
        if key != "cells":
            assert before_nb[key] == after_nb[key]
    assert list(after_nb) == list(before_nb), "key order changed"
    changed = {1, 2}
    for n, (old, new) in enumerate(zip(before_nb["cells"], after_nb["cells"])):
        assert list(new) == list(old)
        assert {k: v for k, v in new.items() if k != "source"} == {k: v for k, v in old.items() if k != "source"}
        assert (new["source"] != old["source"]) == (n in changed)
        assert isinstance(new["source"], list) == layout.get("as_lists", True)
    new_sources = {json.dumps(s, ensure_ascii=layout.get("ensure_ascii", False))
                   for cell in after_nb["cells"] for s in (cell["source"] if isinstance(cell["source"], list) else [cell["source"]])}
    old_sources = {json.dumps(s, ensure_ascii=layout.get("ensure_ascii", False))
                   for cell in before_nb["cells"] for s in (cell["source"] if isinstance(cell["source"], list) else [cell["source"]])}
    for line in _changed_cell_lines(text, after):
        stripped = line.strip().rstrip(",").removeprefix('"source": ')
        assert stripped in new_sources | old_sources or stripped in ("[", "]"), f"a line outside the sources changed: {line!r}"
    assert_second_run_changes_nothing(root, plan)


def test_cell_source_with_crlf_keeps_crlf(tmp_path):
    """id: notebook-cell-source-crlf. A cell whose own lines end in CRLF gets CRLF on the lines the rules wrote."""
    text = notebook("import openai\r\nopenai.api_key = 'sk-x'\r\n",
                    "r = openai.Completion.create(model='gpt-3.5-turbo', prompt='x')\r\n")
    root, plan = rewrite(tmp_path, text)
    cells = cells_after(plan)
    for cell in cells:
        assert cell.count("\n") == cell.count("\r\n") and cell.endswith("\r\n")
    assert "client = openai.OpenAI(\r\n" in cells[0]
    assert_second_run_changes_nothing(root, plan)


def test_rebuild_without_changes_returns_the_text_itself():
    text = notebook(*LEGACY_CELLS, newline="\r\n", indent=3)
    nbs = load(text)
    assert rebuild(nbs, dict(nbs.sources)) is text


def test_byte_order_mark_kept(tmp_path):
    """id: notebook-bom-kept."""
    text = "\ufeff" + notebook(*LEGACY_CELLS)
    root, plan = rewrite(tmp_path, text)
    [change] = plan.changes
    assert change.after.startswith("\ufeff{")
    assert_second_run_changes_nothing(root, plan)


# -- IPython syntax and cells that do not parse ------------------------------------------------------------------

def test_one_unparsable_cell_is_reported_and_the_others_rewritten(tmp_path):
    """id: notebook-one-bad-cell."""
    bad = "def broken(:\n    pass"
    text = notebook(
        "import openai\nopenai.api_key = 'sk-x'",
        bad,
        "r = openai.ChatCompletion.create(model='gpt-3.5-turbo', messages=[])",
    )
    root, plan = rewrite(tmp_path, text)
    cells = cells_after(plan)
    assert cells[1] == bad
    assert "client = openai.OpenAI(" in cells[0]
    assert cells[2] == "r = client.chat.completions.create(model='tiny-llama', messages=[])"
    [skipped] = plan.skipped
    assert (skipped.path, skipped.reason) == ("demo.ipynb", "syntax error")
    assert skipped.detail.startswith("cell 1: ") and "the other cells are rewritten" in skipped.detail
    assert_second_run_changes_nothing(root, plan)


def test_ipython_syntax_is_kept_as_written(tmp_path):
    """id: notebook-ipython-syntax. Help, shell escapes (continued), line magics and assignments from them."""
    ipython = ("openai.ChatCompletion?\n?openai.Completion\nopenai??\n!pip install \\\n    openai==0.28\n"
               "files = !ls\n%time x = 1\nresult = %timeit -o sum([])")
    text = notebook(
        "import openai\nopenai.api_key = 'sk-x'",
        ipython,
        "if True:\n    %ls\n    r = openai.Completion.create(model='gpt-3.5-turbo', prompt='x')",
    )
    root, plan = rewrite(tmp_path, text)
    cells = cells_after(plan)
    assert cells[1] == ipython
    assert cells[2] == "if True:\n    %ls\n    r = client.completions.create(model='tiny-llama', prompt='x')"
    assert plan.skipped == ()
    assert_second_run_changes_nothing(root, plan)


def test_setup_not_delayed_to_a_later_cell_that_imports_os(tmp_path):
    """id: notebook-setup-not-delayed-by-a-later-import. The new `import os` comes with the setup; a user's own
    `import os` in a later cell must not pull the setup below the calls it configures."""
    text = notebook(
        "x = 1",
        "import openai",
        "r = openai.chat.completions.create(model='gpt-3.5-turbo', messages=[])",
        "import os\nprint(os.getcwd())",
    )
    root, plan = rewrite(tmp_path, text)
    cells = cells_after(plan)
    assert cells[0] == "x = 1"
    assert cells[1] == (
        "import openai\nimport os\n\n"
        f"openai.base_url = {ENV}\n"
        'openai.api_key = os.environ.get("OPENAI_API_KEY", "EMPTY")'
    )
    assert cells[3] == "import os\nprint(os.getcwd())"
    assert_second_run_changes_nothing(root, plan)


# -- the placement pass on its own (what a rule's output looks like in the joined module) -------------------------

def _joined(*cells: str) -> str:
    return "".join(f"__migrate_cell__({n})\n{cell}\n" for n, cell in enumerate(cells))


def test_inserted_client_moves_below_the_cell_that_imports_openai():
    """id: notebook-client-after-import-openai. The case seen on a real notebook: `client = openai.OpenAI(...)`
    put in cell 1 while `import openai` is in cell 3. A function that uses `client` when called is no obstacle."""
    from migrate.rewrite.cell_order import place

    before = _joined("__migrate_magic__(0)", "x = 1", "def ask(q):\n    return openai.Completion.create(prompt=q)",
                     "import openai", "ask('hi')")
    after = "import os\n\n" + _joined(
        "__migrate_magic__(0)", "client = openai.OpenAI(api_key=os.environ['K'])\nx = 1",
        "def ask(q):\n    return client.completions.create(prompt=q)", "import openai", "ask('hi')")
    placed, line_map = place(before, after)
    assert placed == _joined(
        "__migrate_magic__(0)", "x = 1", "def ask(q):\n    return client.completions.create(prompt=q)",
        "import openai\nimport os\nclient = openai.OpenAI(api_key=os.environ['K'])", "ask('hi')")
    assert line_map(6) == 11  # the client line, from cell 1 to cell 3


def test_inserted_statement_stays_when_moving_it_would_break_a_use():
    """id: notebook-no-move-past-a-use. Cell 2 runs `client` at once: the statement stays where the rule put it."""
    from migrate.rewrite.cell_order import place

    before = _joined("x = 1", "print(x)", "import openai")
    after = _joined("client = openai.OpenAI()\nx = 1", "print(client)", "import openai")
    placed, _ = place(before, after)
    assert placed == after


def test_notebook_invalid_before_is_still_rewritten(tmp_path):
    """id: notebook-schema-invalid-before. A file nbformat already rejects (a code cell without outputs, as some
    tools write) is rewritten all the same: the rewrite only has to keep what was there."""
    data = json.loads(notebook("import openai\nopenai.api_key = 'sk-x'",
                               "r = openai.Completion.create(model='gpt-3.5-turbo', prompt='x')"))
    for cell in data["cells"]:
        del cell["outputs"]
    root, plan = rewrite(tmp_path, json.dumps(data, indent=1) + "\n")
    [change] = plan.changes
    assert "client.completions.create" in change.after
    assert_second_run_changes_nothing(root, plan)


def test_new_import_joins_the_cell_that_imported_from_that_module(tmp_path):
    """id: notebook-import-with-the-cells-imports. `from openai import AzureOpenAI` in the setup cell becomes
    `from openai import OpenAI` there, not in the cell that first calls it."""
    text = notebook(
        "%%capture\n%pip install openai",
        "import os\nfrom openai import AzureOpenAI",
        "client = AzureOpenAI(api_key=os.getenv('AZURE_OPENAI_KEY'), azure_endpoint=os.getenv('AZURE_OPENAI_ENDPOINT'),"
        " api_version='2024-02-01')\nr = client.chat.completions.create(model='gpt-3.5-turbo', messages=[])",
    )
    root, plan = rewrite(tmp_path, text)
    cells = cells_after(plan)
    assert cells[0] == "%%capture\n%pip install openai"
    assert cells[1] == "import os\nfrom openai import OpenAI"
    assert cells[2].startswith("# migrate: AzureOpenAI -> OpenAI for vLLM")
    assert "from openai" not in cells[2]
    [item] = [r for r in plan.review if r.rule == "OAI002"]
    assert cells[2].split("\n")[item.line - 1].startswith("client = OpenAI(")
    assert_second_run_changes_nothing(root, plan)
