"""Import removal without a scope analysis (migrate/rewrite/rules/_imports.py): LibCST's answer, cheaper.

A rule that drops the last use of `from openai import X` asks RemoveImportsVisitor to remove the import; the
targeted removal must return the very tree text LibCST's visitor returns, and give up (None) whenever that text
needs LibCST's scopes: a name spelled in a string LibCST reads as code (an annotation, a TypeVar, `__all__`), or
bound some other way too.
"""

from __future__ import annotations

import textwrap
from dataclasses import replace

import libcst as cst
import pytest
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import RemoveImportsVisitor
from libcst.metadata import MetadataWrapper

from migrate.rewrite.rules import _imports
from migrate.rewrite.rules._names import ImportIndex
from tests.rewrite.conftest import run_rules
from tests.rewrite.test_names import SHADOWING, _case_sources, _example_sources


def _libcst(source: str, removals) -> str:
    context = CodemodContext()
    for module, obj, asname in removals:
        RemoveImportsVisitor.remove_unused_import(context, module, obj, asname)
    visitor = RemoveImportsVisitor(context)
    wrapper = MetadataWrapper(cst.parse_module(source))
    with visitor.resolve(wrapper):
        visitor.context = replace(visitor.context, wrapper=wrapper)
        return visitor.transform_module_impl(wrapper.module).code


def _targeted(source: str, removals) -> str | None:
    context = CodemodContext()
    for module, obj, asname in removals:
        RemoveImportsVisitor.remove_unused_import(context, module, obj, asname)
    index = ImportIndex(source)
    tree = _imports._targeted_removal(context, cst.parse_module(source), index.other if index.usable else None)
    return None if tree is None else tree.code


AZURE = [("openai", "AzureOpenAI", None)]

# (id, source, removals, whether the targeted path may answer)
CASES = [
    ("unused", "from openai import AzureOpenAI, OpenAI\nclient = OpenAI()\n", AZURE, True),
    ("alone", "import os\nfrom openai import AzureOpenAI\nx = 1\n", AZURE, True),
    ("parenthesized-with-comments", "from openai import (\n    AzureOpenAI,  # azure\n    OpenAI,  # plain\n)\nOpenAI()\n",
     AZURE, True),
    ("last-of-several", "from openai import OpenAI, AzureOpenAI\nOpenAI()\n", AZURE, True),
    ("in-function", "def f():\n    from openai import AzureOpenAI\n    return 1\n", AZURE, True),
    ("in-try", "try:\n    from openai import AzureOpenAI\nexcept ImportError:\n    pass\n", AZURE, True),
    ("one-line-suite", "if True: from openai import AzureOpenAI\n", AZURE, True),
    ("alias-asked", "from openai import AzureOpenAI as AZ\nx = 1\n", [("openai", "AzureOpenAI", "AZ")], True),
    ("alias-not-asked", "from openai import AzureOpenAI as AZ\nx = 1\n", AZURE, True),
    ("twice", "from openai import AzureOpenAI\nfrom openai import AzureOpenAI\n", AZURE, True),
    ("other-module", "from azure import AzureOpenAI\nx = 1\n", AZURE, True),
    ("relative", "from . import AzureOpenAI\nx = 1\n", AZURE, True),
    ("still-used", "from openai import AzureOpenAI\nclient = AzureOpenAI()\n", AZURE, True),
    ("still-used-one-of-two", "from openai import AzureOpenAI, OpenAI\nAzureOpenAI()\n",
     [*AZURE, ("openai", "OpenAI", None)], True),
    ("used-and-quoted", "from openai import AzureOpenAI\nc = AzureOpenAI()\nprint('AzureOpenAI')\n", AZURE, True),
    ("used-as-attribute-name", "from openai import AzureOpenAI\nx = lib.AzureOpenAI\n", AZURE, True),
    ("used-as-keyword-name", "from openai import AzureOpenAI\nf(AzureOpenAI=1)\n", AZURE, True),
    ("shadowed-in-function", "from openai import AzureOpenAI\ndef f(AzureOpenAI):\n    return AzureOpenAI\n", AZURE,
     False),
    ("quoted-only", "from openai import AzureOpenAI\nprint('AzureOpenAI is gone')\n", AZURE, True),
    ("docstring", 'from openai import AzureOpenAI\ndef f():\n    """Builds an AzureOpenAI client."""\n', AZURE, True),
    ("exported", "from openai import AzureOpenAI\n__all__ = ['AzureOpenAI']\n", AZURE, False),
    ("exported-later", "from openai import AzureOpenAI\n__all__ = []\n__all__ += ['AzureOpenAI']\n", AZURE, False),
    ("string-annotation", "from openai import AzureOpenAI\ndef f(c: 'AzureOpenAI'): ...\n", AZURE, False),
    ("string-in-annotation", "from openai import AzureOpenAI\nx: list['AzureOpenAI'] = []\n", AZURE, False),
    ("typevar-bound", "from openai import AzureOpenAI\nfrom typing import TypeVar\nT = TypeVar('T', bound='AzureOpenAI')\n",
     AZURE, False),
    ("typing-typevar-bound", "import typing\nfrom openai import AzureOpenAI\nT = typing.TypeVar('T', 'AzureOpenAI', str)\n",
     AZURE, False),
    ("in-f-string-text", "from openai import AzureOpenAI\nx = f'AzureOpenAI {y}'\n", AZURE, True),
    ("rebound", "from openai import AzureOpenAI\nAzureOpenAI = None\n", AZURE, False),
    ("whole-module", "import openai\nx = 1\n", [("openai", None, None)], True),
    ("whole-module-of-several", "import os, openai\nx = os.sep\n", [("openai", None, None)], True),
    ("whole-module-alias", "import openai as oa\nx = 1\n", [("openai", None, "oa")], True),
    ("whole-module-used", "import openai\nopenai.api_key = k\n", [("openai", None, None)], True),
    ("whole-module-quoted", "import openai\nprint('openai')\n", [("openai", None, None)], True),
    ("whole-module-dotted", "import openai.lib\nx = 1\n", [("openai.lib", None, None)], False),
]


@pytest.mark.parametrize("source,removals,answers", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_same_tree_as_libcst(source, removals, answers):
    fast = _targeted(source, removals)
    assert (fast is not None) is answers
    if fast is not None:
        assert fast == _libcst(source, removals)


def test_comment_mentions_do_not_count():
    source = "from openai import AzureOpenAI  # was AzureOpenAI\n# AzureOpenAI is gone\nx = 1\n"
    assert _targeted(source, AZURE) == _libcst(source, AZURE) == "# AzureOpenAI is gone\nx = 1\n"


def test_rules_give_the_same_answers_without_it(monkeypatch):
    """Every source of the rule tests, the examples and the shadowing cases: the same text, review items and
    counts with LibCST's removal as with the targeted one."""
    sources = [*_case_sources(), *_example_sources(), *SHADOWING]
    used = []
    real = _imports._targeted_removal

    def spy(context, tree, bound_elsewhere):
        result = real(context, tree, bound_elsewhere)
        used.append(result is not None)
        return result

    monkeypatch.setattr(_imports, "_targeted_removal", spy)
    fast = [_result(source) for source in sources]
    assert any(used), "no source exercised the targeted removal"
    monkeypatch.setattr(_imports, "_targeted_removal", lambda context, tree, bound_elsewhere: None)
    slow = [_result(source) for source in sources]
    for source, a, b in zip(sources, fast, slow):
        assert a == b, textwrap.shorten(source, 300)


def _result(source: str):
    result = run_rules(source)
    return result.after, sorted(result.review), result.counts, result.failure
