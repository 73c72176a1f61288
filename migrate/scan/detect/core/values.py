"""The one value algebra of the scan's name resolution: what an expression can stand for, in every language.

An expression evaluates to one of these, or to the front end's "unknown" (None in Python, `Dynamic` in JS) when
the evaluator cannot tell. The classes and their meaning are shared; what is language-specific stays in fields
(the syntax node of a function or class, the scope it was declared in, the evaluator of its module):

    Str, Env          a statically known string and its origin; a read of the environment and its default
    ModuleExport      a name another module exports, known by its qualified name (the registry dispatches on it):
                      Python's Q("openai.OpenAI"), JS's Import("openai", "default") are front-end spellings
    Client            an object that sends requests to OpenAI (or says where it points instead: `endpoint`)
    ResourcePath      a path through a client: client.chat.completions.create
    Function          a function of the module: calling it gives what it returns (factories)
    ClassValue        a class of the module; Instance, an instance of one
    Pending           a value through another module of the project, settled once the whole tree is read

The operations over them (member access, calls, return values, memoisation) are the core evaluator's
(evaluate.py); docs/detection.md ("One evaluator, a front end per language") has the whole split.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass(frozen=True, slots=True)
class Client:
    """An object that sends requests to OpenAI, or could: `endpoint` says where its options point
    ("endpoint: other-provider: OpenRouter (...)", see migrate/catalog/providers.py; "" when nothing says).

    cls is the class or factory that built it ("OpenAI", "AsyncAzureOpenAI", "createOpenAI", "ChatOpenAI";
    "module" for Python's module-level client). The other fields are filled by the front ends that know them:
    origin (how the evaluator knows: "factory make_client()", "annotation of client: OpenAI"), via (a library
    that patched the client: instructor), api (the JS SDK family: "openai", "openai-node-v3", "ai-sdk", ...),
    line (where it is built), options (the option names it was built with), dynamic (options not statically
    known)."""

    cls: str
    origin: str = ""
    via: str | None = None
    endpoint: str = ""
    api: str = ""
    line: int = 0
    options: tuple[str, ...] = ()
    dynamic: bool = False


@dataclass(frozen=True, slots=True)
class ResourcePath:
    """A resource or method reached from a client: client.chat.completions.create is
    ResourcePath(client, ("chat", "completions", "create")); `variant` is a response variant the path went
    through (Python's with_raw_response / with_streaming_response)."""

    client: Client
    path: tuple[str, ...]
    variant: str | None = None


_NOT_YET = object()  # Function.returned before the first evaluation


@dataclass(eq=False, slots=True)
class Function:
    """A function of a module: calling it gives what it returns (a factory's client). node and scope are the
    front end's (a Python FunctionDef and its own scope, a JS function node and the scope it closes over);
    owner is the evaluator of the module it belongs to; klass the class a method belongs to."""

    node: object
    scope: object
    owner: object = None
    klass: "ClassValue | None" = None
    returned: object = _NOT_YET  # memo of the core evaluator's return_value()


@dataclass(eq=False, slots=True)
class ClassValue:
    """A class of a module: its members are read from its body (the front end's node and scope); self_attrs are
    the `self.x = ...` bindings of its methods, when the front end collects them up front (Python)."""

    node: object
    scope: object
    owner: object = None
    self_attrs: dict = field(default_factory=dict)


@dataclass(eq=False, slots=True)
class Instance:
    """An instance of a class of the module. A front end either names the class (`klass`: members are looked
    up in it) or collects the fields its instances get (`fields`, read on first use from `source`);
    `inherited` is a Pending base class of another module, whose fields are settled there."""

    klass: ClassValue | None = None
    fields: dict | None = None
    owner: object = None
    source: object = None
    inherited: object = None


class Pending:
    """A value through another module of the project, settled once the whole tree is read (the front end's
    crossmodule.py): an attribute of it or a call of it is pending too. Python's QCall and JS's Pending are the
    front ends' spellings (a dotted name and its attributes; an import, its steps and the importing file)."""

    __slots__ = ()

    def get(self, name: str) -> "Pending":
        raise NotImplementedError

    def call(self) -> "Pending":
        raise NotImplementedError


def known_text(value) -> str | None:
    """The text a value is known to have: a string's, or the default of an environment read."""
    if isinstance(value, Str):
        return value.value
    if isinstance(value, Env) and value.default is not None:
        return value.default.value
    return None
