"""Python 3.12+ syntax is scanned (and rewritten) whatever Python runs the kit.

The reference is the newer interpreter itself where one is installed: the tree `modern.parse` builds on this
interpreter must give the detector the same calls, names, strings, f-strings and positions as the newer
interpreter's own `ast`.
"""

from __future__ import annotations

import ast
import glob
import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from migrate.scan.detect import detect_file, modern
from tests.scan.conftest import detect

PEP701 = '''\
import os
from openai import OpenAI

API_BASE = "https://api.openai.com/v1"
cfg = {"model": "gpt-4o", "é": "x"}
xs = ["a"]
print(f"{cfg["é"]}é", OpenAI().chat.completions.create(model=cfg["model"]))
print(f"{'\\n'.join(xs)}", os.getenv("OPENAI_API_KEY"))
url = f"{API_BASE}/chat/{cfg["model"]}"
m = f"{
    cfg["model"]  # a comment inside a replacement field
}"; OpenAI().embeddings.create(model="text-embedding-3-small", input="x")
nested = f"{f"{f"{1}"}"}" + f"{cfg!r:>{len(xs)}}{cfg = }" + rf"\\d{cfg["model"]}" "tail"
'''

PEP695 = '''\
from openai import OpenAI

type Messages = list[dict[str, str]]
type Pair[K, V] = tuple[K, V]


def ask[T: str = str, *Ts, **P](client: OpenAI, q: T) -> T:
    return client.chat.completions.create(model="gpt-4o", messages=[])


class Bot[T](object):
    client = OpenAI()

    def go[
        U,
    ](self, u: U):
        return self.client.responses.create(model="gpt-4o", input="x")
'''


def _views(source: str):
    return sorted((f.line, f.column, f.kind.value, f.endpoint or "", f.model or "") for f in detect(source))


def test_pep701_fstrings_are_scanned():
    if sys.version_info < (3, 12):
        with pytest.raises(SyntaxError):
            ast.parse(PEP701)
    # columns are byte offsets, as ast gives them: the two "é" on line 7 count twice
    assert _views(PEP701) == [
        (4, 11, "url", "", ""),
        (7, 24, "call", "chat.completions.create", "gpt-4o"),
        (7, 24, "client", "", ""),
        (8, 26, "env", "", ""),
        (12, 4, "call", "embeddings.create", "text-embedding-3-small"),
        (12, 4, "client", "", ""),
    ]


def test_pep695_type_parameters_and_type_statements_are_scanned():
    found = [(f.line, f.kind.value, f.endpoint) for f in detect(PEP695)]
    assert (8, "call", "chat.completions.create") in found
    assert (12, "client", None) in found
    assert (17, "call", "responses.create") in found


def test_fstring_parts_keep_their_values_and_positions():
    tree = modern.parse(PEP701)
    url = next(n for n in ast.walk(tree) if isinstance(n, ast.Assign) and n.targets[0].id == "url").value
    assert isinstance(url, ast.JoinedStr)
    assert [type(v).__name__ for v in url.values] == ["FormattedValue", "Constant", "FormattedValue"]
    assert url.values[1].value == "/chat/"
    field = url.values[2].value  # cfg["model"] inside the f-string, at its own place in the file
    assert (field.lineno, field.col_offset, field.end_col_offset) == (9, 25, 37)
    assert field.slice.value == "model"


def test_columns_after_a_downgraded_string_are_byte_offsets_as_ast_gives():
    # "é" is two bytes: the call after the f-string keeps the column a newer ast reports
    call = next(f for f in detect(PEP701) if f.endpoint == "chat.completions.create")
    line = PEP701.splitlines()[6]
    assert call.column == len(line[: line.index("OpenAI()")].encode())


def test_a_file_that_no_python_accepts_is_still_a_syntax_error(write_tree):
    root = write_tree({"bad.py": 'import openai\nprint(f"{x["a"]}"\n'})
    result = detect_file(str(root / "bad.py"), "bad.py")
    assert [(s.reason, s.line) for s in result.skipped] == [("syntax error", 2)]
    assert result.findings == []


def test_notebook_cells_with_newer_syntax(write_tree):
    cells = [{"cell_type": "code", "source": "from openai import OpenAI\nc = OpenAI()\n", "metadata": {}, "outputs": []},
             {"cell_type": "code", "source": 'd = {"m": "gpt-4o"}\nc.chat.completions.create(model=f"{d["m"]}")\n',
              "metadata": {}, "outputs": []}]
    root = write_tree({"n.ipynb": json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})})
    result = detect_file(str(root / "n.ipynb"), "n.ipynb")
    assert result.skipped == []
    assert [(f.cell, f.line, f.endpoint) for f in result.findings if f.kind.value == "call"] == [
        (1, 2, "chat.completions.create")]


def test_rewrite_keeps_newer_syntax_and_verifies_it():
    from tests.rewrite.conftest import run_rules

    source = PEP695.replace("class Bot[T](object):\n    client = OpenAI()", 'class Bot[T](object):\n    client = OpenAI()\n    tag = f"{"x"}"')
    result = run_rules(source)
    assert result.failure is None and result.parse_error is None
    assert "OAI001" in result.rules
    assert 'type Pair[K, V] = tuple[K, V]' in result.after and 'tag = f"{"x"}"' in result.after


# -- against the newer interpreter's own ast -----------------------------------------------------------------------
_VIEW = r'''
import ast, json, re, sys

def dump(n):
    return re.sub(r"(, )?\b(args|keywords)=\[\]", "", ast.dump(n)).replace("(, ", "(")

def view(tree):
    skip = set()
    for node in ast.walk(tree):
        for p in getattr(node, "type_params", ()) or ():
            skip.update(id(n) for n in ast.walk(p))
        if type(node).__name__ == "TypeAlias":
            skip.update(id(n) for n in ast.walk(node.name))
        elif isinstance(node, ast.Assign) and getattr(node, "_typealias", False):
            skip.update(id(n) for n in ast.walk(node.targets[0]))
        if isinstance(node, ast.JoinedStr):  # parts' own positions are new in 3.12: compared through the JoinedStr
            for v in node.values:
                skip.add(id(v))
                if isinstance(v, ast.FormattedValue) and v.format_spec is not None:
                    skip.update(id(n) for n in ast.walk(v.format_spec) if not isinstance(n, (ast.expr_context,)) and n is not v.value)
    out = []
    for node in ast.walk(tree):
        if id(node) in skip or not isinstance(node, (ast.Call, ast.Name, ast.Attribute, ast.Constant, ast.Subscript, ast.JoinedStr)):
            continue
        if isinstance(node, ast.JoinedStr):
            extra = json.dumps([v.value if isinstance(v, ast.Constant) else
                                [dump(v.value), v.conversion, dump(v.format_spec) if v.format_spec else None] for v in node.values])
        else:
            extra = repr(getattr(node, "value", "")) if isinstance(node, ast.Constant) else getattr(node, "id", getattr(node, "attr", ""))
        out.append([type(node).__name__, node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, extra])
    return sorted(out, key=json.dumps)
'''


def _newer_pythons() -> list[str]:
    found = []
    for version in ("3.12", "3.13", "3.14"):
        exe = shutil.which(f"python{version}")
        candidates = [exe] if exe else []
        candidates += sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}*/bin/python{version}")))
        for candidate in candidates:
            if candidate and subprocess.run([candidate, "-c", "pass"], capture_output=True).returncode == 0:
                found.append(candidate)
                break
    return found


def _reference(python: str, source: str) -> list:
    code = _VIEW + "\nprint(json.dumps(view(ast.parse(sys.stdin.read()))))\n"
    out = subprocess.run([python, "-c", code], input=source, capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def _ours(source: str) -> list:
    namespace: dict = {}
    exec(_VIEW, namespace)
    tree = modern.parse(source)
    for node in ast.walk(tree):  # the type statement became an assignment: its target is not compared
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            line = source.splitlines()[node.lineno - 1]
            if line.lstrip().startswith("type "):
                node._typealias = True
    return namespace["view"](tree)


NEWER = _newer_pythons()


@pytest.mark.skipif(not NEWER, reason="no Python 3.12+ interpreter to compare with")
@pytest.mark.parametrize("source", [PEP701, PEP695], ids=["pep701", "pep695"])
def test_same_tree_as_the_newer_interpreter(source):
    python = NEWER[-1]  # the newest: PEP 696 defaults need 3.13
    assert _ours(source) == _reference(python, source)


def test_valid_old_syntax_never_takes_the_slow_path(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("LibCST used for a file ast parses")

    monkeypatch.setattr(modern, "parse_newer", boom)
    assert isinstance(modern.parse(textwrap.dedent("x = f'{1}'\n")), ast.Module)


def test_pep750_template_strings_read_as_fstrings():
    import libcst

    if not hasattr(libcst, "TemplatedString"):
        pytest.skip("this LibCST predates t-strings (1.8)")
    source = 'from openai import OpenAI\nname = "x"\ngreeting = t"hello {name!r}"\nOpenAI().chat.completions.create(model="gpt-4o")\n'
    value = modern.parse(source).body[2].value
    assert isinstance(value, ast.JoinedStr) and value.values[0].value == "hello "
    assert [(f.line, f.kind.value) for f in detect(source)] == [(4, "call"), (4, "client")]
