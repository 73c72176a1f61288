"""Values both front ends give expressions, with the same meaning in every language.

A statically known string and a read of the environment are the same thing in Python and in JavaScript; the
detectors, the cross-module settling and the findings read them the same way (`value`, `origin`, `var`,
`default`). A module export is a front end's own class (its spelling of a module differs) with the core's
`qualified_name`. The values that carry a language's syntax (a Python class body, a JS object literal) stay in the
front end's own values module, next to the code that evaluates them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Str:
    """A statically known string (a model name, a URL) and where it came from: "literal", "constant MODEL
    (line 3)", "default of parameter model", "template literal", ..."""

    value: str
    origin: str = "literal"


@dataclass(frozen=True, slots=True)
class Env:
    """A read of an environment variable, with its literal fallback when the code gives one:
    os.getenv("MODEL", "gpt-4o") in Python, process.env.MODEL ?? "gpt-4o" in JavaScript."""

    var: str
    default: Str | None = None


class ModuleExport:
    """A value that is a name another module exports (or an attribute chain on one), known by its qualified name:
    what the detector registry (registry.py) dispatches on. Python's `Q("langchain_openai.ChatOpenAI")` and the
    JS front end's `Import("@langchain/openai", "ChatOpenAI")` ("@langchain/openai:ChatOpenAI") are both."""

    __slots__ = ()

    @property
    def qualified_name(self) -> str:
        raise NotImplementedError


def known_text(value) -> str | None:
    """The text a value is known to have: a string's, or the default of an environment read."""
    if isinstance(value, Str):
        return value.value
    if isinstance(value, Env) and value.default is not None:
        return value.default.value
    return None
