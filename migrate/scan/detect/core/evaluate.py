"""The core evaluator: the operations over the core's values (values.py) that every front end shares.

A front end lowers its syntax to these operations and answers a few questions only its language can:

    core (this class)                               front end (a subclass)
    eval(node, scope): memoised per node, a value   lower(node, scope): the value of one syntax node
      being computed reads as unknown
    get(value, name): member access                 export_member (Q("os").path, an import's namespace),
      client -> ResourcePath -> longer path;          instance_member, class_member, other_member
      a response variant; Pending.get
    apply(callee, call, scope): a call              call_export (after the registered handlers), call_client,
      module export -> the handlers registered        call_path, instantiate, call_other
      for its prefix (PrefixRegistry); Function ->
      its return value; Pending.call
    construct(callee, call, scope): `new X(...)`    the handlers registered in `constructors`
    return_value(function): memoised, guarded       function_returns(function): what its body returns

`unknown` is what the front end says when it cannot tell (None in Python, a `Dynamic` in JS). Nothing here
imports a parser: `call` and `scope` are the front end's objects, passed through to its handlers and hooks.
"""

from __future__ import annotations

from typing import Callable

from migrate.scan.detect.core.registry import PrefixRegistry
from migrate.scan.detect.core.values import (
    _NOT_YET, ClassValue, Client, Env, Function, Instance, ModuleExport, Pending, ResourcePath, Str,
)

_COMPUTING = object()  # a memo entry whose value is being computed (the recursion guard)


class CoreEvaluator:
    """The language-neutral evaluator. A front end subclasses it, sets the class attributes below and
    implements `lower`, `function_returns` and the hooks it needs (the defaults say "unknown")."""

    unknown: object = None
    # attribute names that mark a response variant of a resource path (Python's with_raw_response, ...)
    variants: frozenset[str] = frozenset()
    # methods of a client that give the client back (JS's client.withOptions(...))
    same_client: frozenset[str] = frozenset()
    # what calling a module export returns / what `new X(...)` builds, per meaning of the name's prefix
    calls: PrefixRegistry | None = None
    constructors: PrefixRegistry | None = None

    _memo: dict

    # -- memoisation and the recursion guard ---------------------------------------------------------------------
    def memoised(self, table: dict, key, compute: Callable, *args):
        """table[key], computed once by compute(*args); while it is being computed (a cycle), unknown."""
        if key in table:
            value = table[key]
            return self.unknown if value is _COMPUTING else value
        table[key] = _COMPUTING
        try:
            value = compute(*args)
        except RecursionError:
            value = self.unknown
        table[key] = value
        return value

    def eval(self, node, scope):
        """The value of a syntax node, memoised per node (a front end whose nodes evaluate differently per scope,
        like JS's closures, overrides this and memoises per binding instead)."""
        key = id(node)
        memo = self._memo
        if key in memo:
            value = memo[key]
            return self.unknown if value is _COMPUTING else value
        memo[key] = _COMPUTING
        try:
            value = self.lower(node, scope)
        except RecursionError:
            value = self.unknown
        memo[key] = value
        return value

    def lower(self, node, scope):
        raise NotImplementedError

    # -- member access -------------------------------------------------------------------------------------------
    def get(self, base, name: str):
        """`base.name`: a path through a client, a member of an instance or class, an export's attribute."""
        if base is None or base is self.unknown:
            return self.unknown
        if isinstance(base, ModuleExport):
            return self.export_member(base, name)
        if isinstance(base, ResourcePath):
            if name in self.variants:
                return ResourcePath(base.client, base.path, name)
            return ResourcePath(base.client, base.path + (name,), base.variant)
        if isinstance(base, Client):
            if name in self.same_client:
                return base
            if name in self.variants:
                return ResourcePath(base, (), name)
            return ResourcePath(base, (name,))
        if isinstance(base, Pending):
            return base.get(name)
        if isinstance(base, Instance):
            return self.instance_member(base, name)
        if isinstance(base, ClassValue):
            return self.class_member(base, name)
        return self.other_member(base, name)

    def export_member(self, export: ModuleExport, name: str):
        return self.unknown

    def instance_member(self, instance: Instance, name: str):
        return self.unknown

    def class_member(self, klass: ClassValue, name: str):
        return self.unknown

    def other_member(self, base, name: str):
        return self.unknown

    # -- calls ---------------------------------------------------------------------------------------------------
    def apply(self, callee, call, scope):
        """What calling `callee` returns (`call` is the front end's call node, for the arguments)."""
        if isinstance(callee, ModuleExport):
            calls = self.calls
            if calls is not None:
                for handler in calls.handlers(callee.qualified_name):
                    value = handler(self, callee, call, scope)
                    if value is not None:
                        return value
            return self.call_export(callee, call, scope)
        if isinstance(callee, Function):
            return callee.owner.return_value(callee)
        if isinstance(callee, Pending):
            return callee.call()
        if isinstance(callee, ResourcePath):
            return self.call_path(callee, call, scope)
        if isinstance(callee, Client):
            return self.call_client(callee, call, scope)
        if isinstance(callee, ClassValue):
            return self.instantiate(callee, call, scope)
        return self.call_other(callee, call, scope)

    def construct(self, callee, call, scope):
        """What `new callee(...)` builds: the handlers registered for the meaning of the export's prefix."""
        constructors = self.constructors
        if constructors is not None and isinstance(callee, ModuleExport):
            for handler in constructors.handlers(callee.qualified_name):
                value = handler(self, callee, call, scope)
                if value is not None:
                    return value
        return self.unknown

    def call_export(self, export: ModuleExport, call, scope):
        return self.unknown

    def call_path(self, path: ResourcePath, call, scope):
        return self.unknown

    def call_client(self, client: Client, call, scope):
        return self.unknown

    def instantiate(self, klass: ClassValue, call, scope):
        return self.unknown

    def call_other(self, callee, call, scope):
        return self.unknown

    # -- return values -------------------------------------------------------------------------------------------
    def return_value(self, function: Function):
        """What calling `function` returns, computed once by the evaluator of its module (a function being
        computed reads as unknown: recursion, mutual factories)."""
        owner = function.owner
        if owner is not self and owner is not None:
            return owner.return_value(function)
        value = function.returned
        if value is _NOT_YET:
            function.returned = _COMPUTING
            value = self.function_returns(function)
            function.returned = value
            return value
        return self.unknown if value is _COMPUTING else value

    def function_returns(self, function: Function):
        raise NotImplementedError


# -- where a client points: its options' values judged by the catalog (migrate/catalog/providers.py) -------------
def option_evidence(value, opaque: str):
    """What the value of a client option (base URL, API key) says about where the client points: a known string,
    an environment read (and its default), else the source text the front end gives (`opaque`)."""
    from migrate.catalog.providers import Evidence

    if isinstance(value, Str):
        return Evidence.of_literal(value.value)
    if isinstance(value, Env):
        return Evidence.of_env(value.var, value.default.value if value.default else None)
    return Evidence(opaque=opaque)


def client_endpoint(base_url=None, api_key=None, named=None) -> str:
    """A client's `endpoint`: "endpoint: other-provider: OpenRouter (...)", from the evidence of its base URL and
    API key (or `named`, a classification the front end made from a variable's name)."""
    from migrate.catalog.providers import classify_client

    found = named or classify_client(base_url, api_key)
    return f"endpoint: {found.role.value}: {found.describe()}"
