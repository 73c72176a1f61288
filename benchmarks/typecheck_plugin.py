"""mypy plugin for benchmarks/typecheck.py: the SDK's TypedDict parameters accept any value.

The SDK declares request parameters (`messages`, `tools`, `response_format`, ...) as TypedDicts. mypy never
infers a TypedDict for a dict display built apart from the call (`messages = [{"role": "user", ...}]`), so
every such call gets an arg-type error, and the overload it then falls back to returns a union that breaks
every use of the response. None of that fails at run time, and it is not what a rewrite is judged on: the
parameters whose type holds a TypedDict are made `Any`, in every method and function of the `openai` package.
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.plugin import FunctionSigContext, MethodSigContext, Plugin
from mypy.types import (
    AnyType,
    FunctionLike,
    Instance,
    TupleType,
    Type,
    TypedDictType,
    TypeOfAny,
    UnionType,
    get_proper_type,
)

SDK_PREFIX = "openai."


def _holds_typed_dict(t: Type, depth: int = 0) -> bool:
    """Does the type hold a TypedDict anywhere (a union member, a type argument)? mypy is compiled, so its
    TypeQuery visitors cannot be subclassed here: a small walk over the shapes parameters use."""
    if depth > 8:
        return False
    p = get_proper_type(t)
    if isinstance(p, TypedDictType):
        return True
    if isinstance(p, UnionType):
        return any(_holds_typed_dict(i, depth + 1) for i in p.items)
    if isinstance(p, Instance):
        return any(_holds_typed_dict(a, depth + 1) for a in p.args)
    if isinstance(p, TupleType):
        return any(_holds_typed_dict(i, depth + 1) for i in p.items)
    return False


def _loosen(signature):
    loose = [AnyType(TypeOfAny.explicit) if _holds_typed_dict(t) else t for t in signature.arg_types]
    return signature.copy_modified(arg_types=loose)


def _method_hook(ctx: MethodSigContext) -> FunctionLike:
    return _loosen(ctx.default_signature)


def _function_hook(ctx: FunctionSigContext) -> FunctionLike:
    return _loosen(ctx.default_signature)


class LooseSdkParams(Plugin):
    def get_method_signature_hook(self, fullname: str) -> Callable[[MethodSigContext], FunctionLike] | None:
        return _method_hook if fullname.startswith(SDK_PREFIX) else None

    def get_function_signature_hook(self, fullname: str) -> Callable[[FunctionSigContext], FunctionLike] | None:
        return _function_hook if fullname.startswith(SDK_PREFIX) else None


def plugin(version: str) -> type[Plugin]:
    return LooseSdkParams
