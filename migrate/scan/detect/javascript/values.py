"""The values the JS/TS evaluator gives expressions: what a name or an expression stands for, as far as OpenAI
use is concerned: a client, a path through it, a module export, a value to settle in another module. The value
algebra is the core's (migrate/scan/detect/core/values.py), shared with the Python front end: Client, ResourcePath
(Member), Function, ClassValue, Instance, Str, Env; Import and Pending are JS's spellings of the core's
ModuleExport and Pending; AiModel, Dynamic and ObjectValue carry what only JS has. See docs/detection.md, "One
evaluator, a front end per language".
"""

from __future__ import annotations

from dataclasses import dataclass

from migrate.scan.detect.core.registry import javascript_name
from migrate.scan.detect.core.values import (  # noqa: F401 - re-exported: the front end's names for the core's values
    ClassValue, Client, Env, Function, Instance, ModuleExport, ResourcePath, Str,
)
from migrate.scan.detect.core.values import Pending as CorePending


@dataclass(frozen=True)
class Import(ModuleExport):
    """A binding imported from a module: `name` is an export, "default", or "*" for the namespace."""

    module: str  # the specifier as written: "openai", "@ai-sdk/openai", "./lib/openai", "@/lib/openai"
    name: str

    @property
    def qualified_name(self) -> str:
        return javascript_name(self.module, self.name)


# The core's values under the names the JS/TS front end has always used.
Member = ResourcePath  # a path through a client: `client.chat.completions` is Member(client, ("chat", "completions"))
# Client(cls, api=, line=, endpoint=, options=, dynamic=): api "openai", "openai-node-v3", "openai-edge",
# "azure-openai", "ai-sdk", "langchain", "llamaindex", "http" (endpoint: the HTTP client's base URL)
# Function(node, scope, owner): a function or arrow function of the module whose evaluator is `owner`
# ClassValue(node, scope, owner): a class (declaration or expression); Instance(owner=...): `this` in its methods,
# fields read on first use from `source` (class node, class scope); `inherited` a Pending base class


@dataclass(frozen=True)
class AiModel:
    """An AI SDK model from an OpenAI provider: `openai("gpt-4o")`, `openai.embedding("text-embedding-3-small")`."""

    provider: Client
    endpoint: str
    model: "Str | Env | Dynamic | None"
    start_byte: int  # the model call: reported on its own when no generateText-like call uses it


@dataclass(frozen=True)
class Dynamic:
    """A value the evaluator cannot know statically, with a description for the report."""

    origin: str = ""


@dataclass(frozen=True)
class Pending(CorePending):
    """A value through a module of the project: settled once the whole tree is read (crossmodule.py)."""

    source: Import
    steps: tuple[tuple[str, str], ...] = ()  # ("get", name) / ("call", "")
    importer: str = ""  # the file whose import this is (its specifier is relative to it)

    def get(self, name: str) -> "Pending":
        return Pending(self.source, self.steps + (("get", name),), self.importer)

    def call(self) -> "Pending":
        return Pending(self.source, self.steps + (("call", ""),), self.importer)


@dataclass(eq=False)
class ObjectValue:
    """An object literal whose properties are known: `export default { client }`, `const ai = { openai: ... }`."""

    props: dict  # name -> (value node, scope)
    owner: object  # the evaluator of its module


UNKNOWN = Dynamic()
