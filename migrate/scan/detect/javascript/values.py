"""The values the JS/TS evaluator gives expressions: what a name or an expression stands for, as far as OpenAI
use is concerned: a client, a path through it, a module export, a value to settle in another module. Strings and
environment reads are the core's (migrate/scan/detect/core/values.py), shared with the Python front end; see
docs/detection.md, "One evaluator, a front end per language".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from migrate.scan.detect.core.registry import javascript_name
from migrate.scan.detect.core.values import Env, ModuleExport, Str  # noqa: F401 - Env, Str shared with the Python front end


@dataclass(frozen=True)
class Import(ModuleExport):
    """A binding imported from a module: `name` is an export, "default", or "*" for the namespace."""

    module: str  # the specifier as written: "openai", "@ai-sdk/openai", "./lib/openai", "@/lib/openai"
    name: str

    @property
    def qualified_name(self) -> str:
        return javascript_name(self.module, self.name)


@dataclass(frozen=True)
class Client:
    """An object that sends requests to OpenAI (or could: `role` says where its options point)."""

    api: str  # "openai", "openai-node-v3", "openai-edge", "azure-openai", "ai-sdk", "langchain", "llamaindex"
    cls: str  # "OpenAI", "AzureOpenAI", "OpenAIApi", "createOpenAI", "ChatOpenAI", ...
    line: int = 0
    role: str = ""  # "endpoint: openai: ..." as migrate/catalog/providers.py describes it
    options: tuple[str, ...] = ()  # the options it was built with (`baseURL`, `apiKey`, ...)
    dynamic: bool = False  # options not statically known (a spread, a variable)


@dataclass(frozen=True)
class Member:
    """A path through a client: `client.chat.completions` is Member(client, ("chat", "completions"))."""

    base: Client
    path: tuple[str, ...]


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
class Pending:
    """A value through a module of the project: settled once the whole tree is read (crossmodule.py)."""

    source: Import
    steps: tuple[tuple[str, str], ...] = ()  # ("get", name) / ("call", "")
    importer: str = ""  # the file whose import this is (its specifier is relative to it)

    def get(self, name: str) -> "Pending":
        return Pending(self.source, self.steps + (("get", name),), self.importer)

    def call(self) -> "Pending":
        return Pending(self.source, self.steps + (("call", ""),), self.importer)


@dataclass(eq=False)
class Function:
    """A function or arrow function: calling it gives what it returns (factories)."""

    node: object
    scope: object
    ev: object  # the Evaluator of the module the node belongs to
    returns: list = field(default_factory=list)  # memo: [value] once evaluated


@dataclass(eq=False)
class ObjectValue:
    """An object literal whose properties are known: `export default { client }`, `const ai = { openai: ... }`."""

    props: dict  # name -> (value node, scope)
    ev: object


@dataclass(eq=False)
class ClassValue:
    """A class of a module (declaration or expression): its instances' fields are read from its body."""

    node: object
    scope: object
    ev: object


@dataclass(eq=False)
class Instance:
    """An instance of a class of the file (`this.client` inside its methods)."""

    fields: dict | None  # name -> ("expr", node, scope) / ("value", value); None until first read
    ev: object
    source: object = None  # (class node, class scope): how the owning detector reads the fields
    inherited: object = None  # a Pending base class of another module: fields it sets are settled there


UNKNOWN = Dynamic()
