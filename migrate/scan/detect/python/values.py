"""The abstract values the detector computes for expressions: "an OpenAI client", "the string 'gpt-4o'", ...

An expression evaluates to one of these, or to None when the detector cannot tell (a value it does not
track, or one that depends on run time). None is the sound default: nothing is reported on it unless the
call has the SDK's exact shape in a module that imports openai (see docs/detection.md).

Str and Env are the language-neutral core's (migrate/scan/detect/core/values.py); the others carry Python syntax.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from migrate.scan.detect.core.values import Env, ModuleExport, Str  # noqa: F401 - Env, Str re-exported: shared with the JS/TS front end

if TYPE_CHECKING:
    import ast

    from migrate.scan.detect.python.scopes import Scope


@dataclass(frozen=True, slots=True)
class Q(ModuleExport):
    """A name imported from another module, or an attribute chain on one: "openai.OpenAI", "os.getenv",
    "myapp.clients.client.chat". Resolution inside openai happens on use; other modules may be resolved
    across the scanned tree later (see crossmodule.py)."""

    name: str

    @property
    def qualified_name(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class QCall:
    """The result of calling an imported callable that is not openai's, then maybe attributes on it:
    `make_client().chat` is QCall("myapp.clients.make_client", ("chat",))."""

    name: str
    attrs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Client:
    """An OpenAI client instance. cls is the SDK class ("OpenAI", "AsyncAzureOpenAI", "module" for the
    module-level client); origin says how the detector knows ("factory make_client()", ...); via names a
    library that patched the client (instructor)."""

    cls: str
    origin: str = ""
    via: str | None = None
    endpoint: str = ""  # "endpoint: other-provider: OpenRouter (...)" when the client is not OpenAI's to migrate


@dataclass(frozen=True, slots=True)
class Res:
    """A resource or method reached from a client: client.chat.completions.create -> path (chat, completions, create)."""

    client: Client
    path: tuple[str, ...]
    variant: str | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Func:
    node: Any  # ast.FunctionDef | ast.AsyncFunctionDef
    scope: "Scope"  # the function's own scope
    klass: "Klass | None" = None  # the class a method belongs to


@dataclass(frozen=True, slots=True, eq=False)
class Klass:
    node: Any  # ast.ClassDef
    scope: "Scope"
    self_attrs: dict = field(default_factory=dict)  # name -> [(line, kind, payload, method scope)]


@dataclass(frozen=True, slots=True, eq=False)
class Inst:
    klass: Klass


@dataclass(frozen=True, slots=True, eq=False)
class DictV:
    node: "ast.Dict"
    scope: "Scope"


@dataclass(frozen=True, slots=True, eq=False)
class TupleV:
    node: "ast.Tuple"
    scope: "Scope"


@dataclass(frozen=True, slots=True)
class Partial:
    """functools.partial over an SDK method: reported where the partial is made."""

    res: Res


MODULE_CLIENT = Client("module")


@dataclass(frozen=True, slots=True)
class HttpClient:
    """An HTTP client object built with a base URL (httpx.Client(base_url=...), aiohttp.ClientSession(url)):
    requests through it go to base_url + the path they name."""

    library: str
    base_url: str


@dataclass(frozen=True, slots=True)
class HttpMethod:
    client: HttpClient
    method: str
