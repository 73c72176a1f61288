"""The abstract values the detector computes for expressions: "an OpenAI client", "the string 'gpt-4o'", ...

An expression evaluates to one of these, or to None when the detector cannot tell (a value it does not
track, or one that depends on run time). None is the sound default: nothing is reported on it unless the
call has the SDK's exact shape in a module that imports openai (see docs/detection.md).

The value algebra is the language-neutral core's (migrate/scan/detect/core/values.py): Client, ResourcePath (Res),
Function (Func), ClassValue (Klass), Instance (Inst), Str, Env; Q and QCall are Python's spellings of the core's
ModuleExport and Pending; the others (dict and tuple literals, functools.partial, HTTP clients) carry Python syntax.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from migrate.scan.detect.core.values import (  # noqa: F401 - re-exported: the front end's names for the core's values
    ClassValue, Client, Env, Function, Instance, ModuleExport, Pending, ResourcePath, Str,
)

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
class QCall(Pending):
    """The result of calling an imported callable that is not openai's, then maybe attributes on it:
    `make_client().chat` is QCall("myapp.clients.make_client", ("chat",)). Settled across modules
    (crossmodule.py)."""

    name: str
    attrs: tuple[str, ...] = ()

    def get(self, name: str) -> "QCall":
        return QCall(self.name, self.attrs + (name,))

    def call(self) -> "QCall":
        return QCall(self.name, self.attrs + ("()",))


# The core's values under the names the Python front end has always used.
Res = ResourcePath  # client.chat.completions.create -> Res(client, ("chat", "completions", "create"))
Func = Function  # Function(node: ast.FunctionDef, scope: its own Scope, owner: the ModuleAnalyzer, klass)
Klass = ClassValue  # ClassValue(node: ast.ClassDef, scope, owner, self_attrs: name -> [(line, kind, payload, scope)])
Inst = Instance  # Instance(klass): an instance of a class of the module


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
