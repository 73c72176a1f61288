"""OAI005 legacy-errors: `openai.error.*` (0.x) becomes the current SDK's exception classes.

    except openai.error.RateLimitError as e:        except openai.RateLimitError as e:
        log(e.http_status)                    ->        log(e.status_code)
    from openai.error import InvalidRequestError    from openai import BadRequestError

The 0.x classes map by the HTTP status they were raised for (api_requestor.handle_error_response in
openai 0.28): 400/404/415 InvalidRequestError -> BadRequestError, 409 TryAgain -> ConflictError,
503 ServiceUnavailableError -> InternalServerError. Every target name exists in the installed SDK (a test
imports each from `openai`). In `except ... as e:` blocks, the 0.x attribute names on `e` are renamed too;
`e.body` holds only the JSON's "error" member, so `e.json_body["error"]` and `e.json_body.get("error")`
become `e.body`, and `e.http_body` (the raw text) gets a note. The body of `if isinstance(e, <0.x error>):`
is treated like a handler, and `super().__init__(...)` in a subclass of a 0.x error is checked like a
constructor call (below). `e.http_status` of a variable that may hold a connection error or a timeout
(OpenAIError, APIError, ... handlers) becomes `getattr(e, "status_code", None)`: only status errors have
status_code in openai>=1, where 0.x gave every error an http_status.

0.x also exported some of them from `openai` itself: `from openai import InvalidRequestError` and
`openai.InvalidRequestError` (an ImportError / AttributeError on openai>=1) are renamed the same way, but not
`openai.Timeout`, which openai>=1 exports as httpx's timeout setting. The table lives in the catalog
(`migrate.catalog.facts.LEGACY_EXCEPTION_CLASSES`), with the arguments each current constructor requires:

    raise RateLimitError("slow down")        ->  kept, with a `# migrate:` note: openai>=1 needs response= and
                                                 body= (an httpx.Response) for status errors, request= for
                                                 connection errors and timeouts
"""

from __future__ import annotations

import re

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from migrate.catalog.facts import (
    LEGACY_ERROR_ATTRIBUTES,
    LEGACY_EXCEPTION_CLASSES,
    LEGACY_EXCEPTION_NAMES_REUSED,
    ExceptionFact,
)
from migrate.rewrite.rules._base import RuleTransformer, code, get_arg, literal_str, openai_alias
from migrate.rewrite.rules._prune import word_search

ERRORS: dict[str, str] = {name: fact.current for name, fact in LEGACY_EXCEPTION_CLASSES.items()}
# 0.x names that `from openai import X` / `openai.X` still spell in 0.x code, and that openai>=1 lacks
TOP_LEVEL_RENAMES = {name: new for name, new in ERRORS.items()
                     if name != new and name not in LEGACY_EXCEPTION_NAMES_REUSED}
# every class whose openai>=1 constructor needs more than a message, by its current name
_CONSTRUCTORS: dict[str, ExceptionFact] = {f.current: f for f in LEGACY_EXCEPTION_CLASSES.values() if f.required}
NOTES = {
    "InvalidRequestError": "0.x InvalidRequestError also covered HTTP 404/415; the current SDK raises NotFoundError "
    "for 404 (an unknown model name on vLLM): catch it too if you relied on that",
    "SignatureVerificationError": "check this handler: 0.x SignatureVerificationError and the current "
    "InvalidWebhookSignatureError are raised in different places",
}
SHORT_NOTES = {
    "InvalidRequestError": "a 404 (an unknown model, say) now raises NotFoundError, not BadRequestError",
    "SignatureVerificationError": "InvalidWebhookSignatureError is raised in other places than 0.x's error",
}
# 0.x OpenAIError attributes -> current APIError / APIStatusError attributes (migrate/catalog/facts.py).
ATTRIBUTES = LEGACY_ERROR_ATTRIBUTES


# The keyword arguments of 0.x's OpenAIError.__init__ (openai 0.28 error.py), besides message.
_LEGACY_CONSTRUCTOR_KEYWORDS = ("http_body", "http_status", "json_body", "headers", "code")

_NAMES = re.compile(r"(?:%s)\b" % "|".join(sorted({*ERRORS, *_CONSTRUCTORS})))


def wanted(source: str, state) -> bool:
    return "openai.error" in source or "error import" in source or word_search(_NAMES, source)


class Transformer(RuleTransformer):
    RULE_ID = "OAI005"

    def __init__(self, context, state) -> None:
        super().__init__(context, state)
        self.alias = "openai"
        self.have_openai_import = False
        self.renamed: dict[str, str] = {}  # local name bound by `from openai.error import X` -> new local name
        self.handler_vars: list[str | None] = []
        # a handler's (or an isinstance test's) variable -> the 0.x classes it may hold (None: not a 0.x class)
        self.var_classes: dict[str, list[str | None]] = {}
        self.defined: set[str] = set()  # names the module binds at its top level besides imports, and its __all__

    def statement_filter(self):
        # Every hook acts on names from openai: its imports, the names they bind, the `except` clauses catching them
        # (a handler's variable is used inside its own `try` statement).
        names = self.names_filter(("openai",))
        # and `super().__init__(...)` in a class deriving from a 0.x exception
        return None if names is None else re.compile(rf"{names.pattern}|\bsuper\(\)\s*\.\s*__init__\b")

    def visit_Module(self, node: cst.Module) -> None:
        alias = openai_alias(node)
        self.have_openai_import = alias is not None
        self.alias = alias or "openai"
        self.defined = _module_defines(node)

    # from openai.error import InvalidRequestError, RateLimitError as RLE  ->  from openai import ...
    # from openai import InvalidRequestError                              ->  from openai import BadRequestError
    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom):
        if updated.relative or updated.module is None or code(updated.module) not in ("openai.error", "openai"):
            return updated
        legacy_module = code(updated.module) == "openai.error"
        if isinstance(updated.names, cst.ImportStar):
            if legacy_module:
                self.review(original, "`from openai.error import *` has no current-SDK equivalent: import the "
                                      "exception classes you use from `openai`")
            return updated
        names = []
        changed = legacy_module
        for alias in updated.names:
            old = alias.name.value if isinstance(alias.name, cst.Name) else code(alias.name)
            if not legacy_module and old not in TOP_LEVEL_RENAMES:
                names.append(alias)
                continue
            new = ERRORS.get(old)
            if new is None:
                self.review(original, f"openai.error.{old} has no current-SDK counterpart")
                new = "OpenAIError"
            changed = True
            if alias.asname is None and new != old:
                if new in self.state.names - {old} or self._reexports() or old in self.defined:
                    # The new name is taken in this module, or the module is a package's face that others import
                    # the old name from (`from litellm import InvalidRequestError`), or it defines the old name
                    # itself (`class InvalidRequestError(InvalidRequestError)`, `__all__ = [...]`: its own error
                    # that other modules import by that name): keep the old local name.
                    alias = alias.with_changes(name=cst.Name(new), asname=cst.AsName(cst.Name(old)))
                else:
                    self.renamed[old] = new
                    alias = alias.with_changes(name=cst.Name(new))
            else:
                alias = alias.with_changes(name=cst.Name(new))
            names.append(alias)
            if old in NOTES:
                self.review(original, NOTES[old], note=SHORT_NOTES[old])
        if not changed:
            return updated
        self.edited()
        return updated.with_changes(module=cst.Name("openai"), names=names)

    def _reexports(self) -> bool:
        return self.state.path.replace("\\", "/").rsplit("/", 1)[-1] == "__init__.py"

    # import openai.error [as oe]  ->  import openai (or nothing, when openai is imported already)
    def leave_Import(self, original: cst.Import, updated: cst.Import):
        names = []
        changed = False
        for alias in updated.names:
            if code(alias.name) == "openai.error":
                changed = True
                if alias.asname is None and not self.have_openai_import:
                    names.append(alias.with_changes(name=cst.Name("openai")))
                    self.have_openai_import = True
                elif alias.asname is not None:
                    AddImportsVisitor.add_needed_import(self.context, "openai")
                continue
            names.append(alias)
        if not changed:
            return updated
        self.edited()
        if not names:
            return cst.RemoveFromParent()
        names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(names=names)

    # openai.error.X / oe.X  ->  openai.Y ;  openai.InvalidRequestError  ->  openai.BadRequestError
    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        for q in self.qnames_in(original, "openai"):
            if q.startswith("openai.error.") and q.count(".") == 2:
                old = q.rsplit(".", 1)[1]
                new = ERRORS.get(old)
                if new is None:
                    self.review(original, f"openai.error.{old} has no current-SDK counterpart: catch openai.OpenAIError")
                    return updated
                if old in NOTES:
                    self.review(original, NOTES[old], note=SHORT_NOTES[old])
                self.edited()
                if (isinstance(original.value, cst.Attribute) and isinstance(original.value.value, cst.Name)
                        and original.value.value.value == "openai"):
                    # openai.error.X: `openai` is bound here already (often by an `import openai` inside the
                    # function, where the package is an optional dependency): no module-level import
                    return cst.Attribute(value=cst.Name("openai"), attr=cst.Name(new))
                if not self.have_openai_import:
                    AddImportsVisitor.add_needed_import(self.context, "openai")
                return cst.Attribute(value=cst.Name(self.alias), attr=cst.Name(new))
            if q.count(".") == 1 and q.startswith("openai.") and q[7:] in TOP_LEVEL_RENAMES:
                old = q[7:]
                if old in NOTES:
                    self.review(original, NOTES[old], note=SHORT_NOTES[old])
                self.edited()
                return updated.with_changes(attr=cst.Name(TOP_LEVEL_RENAMES[old]))
        # e.http_status inside `except openai.error.X as e:` (or `if isinstance(e, openai.error.X):`)
        if (
            isinstance(updated.value, cst.Name)
            and updated.attr.value in ATTRIBUTES
            and (updated.value.value in self.handler_vars or updated.value.value in self._narrowed(original))
        ):
            self.edited()
            if updated.attr.value == "http_body":
                self.review(original, f"{code(original)} was the raw text of the response; {updated.value.value}.body "
                                      f"is the parsed JSON's \"error\" object (or None): use "
                                      f"{updated.value.value}.response.text for the text of a status error",
                            note=f"{updated.value.value}.body is the parsed error object, not the raw text "
                                 f"{code(original)} was")
            var = updated.value.value
            classes = self.var_classes.get(var, [None])
            status_only = all(c in LEGACY_EXCEPTION_CLASSES and "response" in LEGACY_EXCEPTION_CLASSES[c].required
                              for c in classes)
            if not status_only and updated.attr.value == "http_status" and not isinstance(
                    self.parent(original), (cst.AssignTarget, cst.AugAssign)):
                # 0.x gave every error an http_status (None without a response); openai>=1 has status_code only on
                # status errors: a connection error or a timeout raises AttributeError where it was None
                return cst.Call(func=cst.Name("getattr"), args=[
                    cst.Arg(updated.value, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                    cst.Arg(cst.SimpleString('"status_code"'), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                    cst.Arg(cst.Name("None"))])
            if not status_only and updated.attr.value == "headers":
                self.review(original, f"{var}.response.headers: only status errors have a response in openai>=1 (a "
                                      f"connection error or a timeout raises AttributeError here)",
                            note=f"{var}.response exists only on status errors (not on connection errors, timeouts)")
            new = ATTRIBUTES[updated.attr.value]
            head, _, rest = new.partition(".")
            node = updated.with_changes(attr=cst.Name(head))
            return cst.Attribute(value=node, attr=cst.Name(rest)) if rest else node
        return updated

    def leave_Name(self, original: cst.Name, updated: cst.Name):
        new = self.renamed.get(original.value)
        if new is None:
            return updated
        parent = self.parent(original)
        if isinstance(parent, (cst.ImportAlias, cst.Attribute)) and getattr(parent, "attr", None) is original:
            return updated
        if isinstance(parent, cst.ImportAlias):
            return updated
        if self.qname_in(original, (f"openai.error.{original.value}", f"openai.{original.value}")) is not None:
            self.edited()
            return updated.with_changes(value=new)
        return updated

    def _json_body(self, node: cst.BaseExpression) -> bool:
        """`e.json_body` of a handler's exception variable (0.x: the whole JSON of the error response)."""
        return (isinstance(node, cst.Attribute) and node.attr.value == "json_body" and isinstance(node.value, cst.Name)
                and (node.value.value in self.handler_vars or node.value.value in self._narrowed(node)))

    def _legacy_class(self, node: cst.BaseExpression) -> str | None:
        """The 0.x exception class an expression names (openai.error.X, or a 0.x-only top-level openai.X)."""
        for q in self.qnames_in(node, "openai"):
            if q.startswith("openai.error.") and q.count(".") == 2:
                return q.rsplit(".", 1)[1]
            if q.count(".") == 1 and q[7:] in TOP_LEVEL_RENAMES:
                return q[7:]
        return None

    def _narrowed(self, node: cst.CSTNode) -> set[str]:
        """The names that `if isinstance(name, <0.x error>):` (alone or in an `and`) around `node`, in the if's
        body, says hold a 0.x exception: their 0.x attributes (e.http_status) are renamed as in a handler."""
        chain = [*(self._parents(node) or []), node]
        found: set[str] = set()
        for k, parent in enumerate(chain[:-1]):
            if not (isinstance(parent, cst.If) and chain[k + 1] is parent.body):
                continue
            tests = [parent.test]
            while tests:
                test = tests.pop()
                if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
                    tests += [test.left, test.right]
                elif (isinstance(test, cst.Call) and isinstance(test.func, cst.Name) and test.func.value == "isinstance"
                      and len(test.args) == 2 and isinstance(test.args[0].value, cst.Name)):
                    classes = test.args[1].value
                    elements = [e.value for e in classes.elements] if isinstance(classes, cst.Tuple) else [classes]
                    if elements and all(self._legacy_class(e) is not None for e in elements):
                        found.add(test.args[0].value.value)
                        self.var_classes[test.args[0].value.value] = [self._legacy_class(e) for e in elements]
        return found

    def _super_init_class(self, call: cst.Call) -> str | None:
        """`super().__init__(...)` in a class deriving from a 0.x exception: that exception's 0.x name."""
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "__init__" and isinstance(func.value, cst.Call)
                and isinstance(func.value.func, cst.Name) and func.value.func.value == "super"):
            return None
        for parent in reversed(self._parents(call) or []):
            if isinstance(parent, cst.ClassDef):
                return next((name for base in parent.bases if (name := self._legacy_class(base.value))), None)
        return None

    # e.json_body["error"] / e.json_body.get("error")  ->  e.body: openai>=1 keeps the JSON's "error" member alone
    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript):
        if (self._json_body(original.value) and len(original.slice) == 1
                and isinstance(original.slice[0].slice, cst.Index)
                and literal_str(original.slice[0].slice.value) == "error"):
            self.edited()
            return updated.value
        return updated

    # RateLimitError("slow down"): openai>=1 status errors need the HTTP response and body too
    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if (isinstance(original.func, cst.Attribute) and original.func.attr.value == "get"
                and self._json_body(original.func.value) and original.args and original.args[0].keyword is None
                and not original.args[0].star and literal_str(original.args[0].value) == "error"
                and isinstance(updated.func, cst.Attribute)):
            self.edited()
            return updated.func.value
        fact, legacy = None, False
        for q in self.qnames_if(original.func, ("openai",)):
            parts = q.split(".")
            if parts[0] != "openai" or len(parts) not in (2, 3) or len(parts) == 3 and parts[1] != "error":
                continue
            name = parts[-1]
            if len(parts) == 2 and name in LEGACY_EXCEPTION_NAMES_REUSED:
                continue  # openai.Timeout(...) is httpx's timeout setting now
            legacy = len(parts) == 3 or name in TOP_LEVEL_RENAMES
            fact = _CONSTRUCTORS.get(ERRORS.get(name, name) if legacy else name)
            if fact is not None:
                break
        base = self._super_init_class(original) if fact is None and not legacy else None
        if base is not None:
            # class InvalidRequestError(openai.error.InvalidRequestError): ... super().__init__(message, model)
            fact, legacy = _CONSTRUCTORS.get(ERRORS.get(base, base)), True
        if legacy:
            dropped = [a.keyword.value for a in original.args if a.keyword is not None
                       and a.keyword.value in _LEGACY_CONSTRUCTOR_KEYWORDS]
            if dropped:
                what = "super().__init__(...)" if base is not None else f"{code(updated.func)}(...)"
                self.review(original, f"{what} passes {', '.join(k + '=' for k in dropped)}, which the 0.x errors took and no openai>=1 "
                                      f"error does (TypeError): drop them (status_code, body and response are read "
                                      f"from the HTTP response)",
                            note=f"openai>=1 errors take no {'/'.join(dropped)} arguments")
        if fact is None or any(a.star for a in original.args):
            return updated
        positional = sum(1 for a in original.args if a.keyword is None)
        # A 0.x constructor's positional arguments were (message, http_body, http_status, ...): only the message
        # carries over; a current one's fill the required arguments in order.
        covered = set(fact.required[:positional])
        if legacy:
            covered = {"message"} & covered if fact.required[:1] == ("message",) else set()
        missing = [name for name in fact.required if name not in covered and get_arg(original, name) is None]
        if missing:
            example = ('response=httpx.Response(429, request=httpx.Request("POST", url))' if "response" in missing
                       else 'request=httpx.Request("POST", url)')
            self.review(original, f"openai.{fact.current}(...) needs {', '.join(missing)} in openai>=1 "
                                  f"(openai.{fact.current}({', '.join(fact.required)})): pass them (in tests, "
                                  f"{example}), or raise an exception of your own",
                        # the note names the whole signature, not what is missing: once the class is renamed, a
                        # second run reads the old positional arguments as the new ones and would word it otherwise
                        note=f"openai.{fact.current}(...) takes ({', '.join(fact.required)}) in openai>=1")
        return updated

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        var = None
        if node.name is not None and isinstance(node.name.name, cst.Name) and node.type is not None:
            types = [e.value for e in node.type.elements] if isinstance(node.type, cst.Tuple) else [node.type]
            if any(any(q.startswith("openai.error.") or q[7:] in TOP_LEVEL_RENAMES for q in self.qnames_in(t, "openai"))
                   for t in types):
                var = node.name.name.value
                self.var_classes[var] = [self._legacy_class(t) for t in types]
        self.handler_vars.append(var)

    def leave_ExceptHandler(self, original, updated):
        self.handler_vars.pop()
        return updated


def _module_defines(module: cst.Module) -> set[str]:
    """The names a module binds at its top level other than by importing them (a class, a function, an
    assignment), and the names its `__all__` lists: names it offers to other modules, which import them by the
    old spelling (`from .exceptions import InvalidRequestError`), so a rename would break them."""
    found: set[str] = set()
    for stmt in module.body:
        if isinstance(stmt, (cst.ClassDef, cst.FunctionDef)):
            found.add(stmt.name.value)
        elif isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if not isinstance(small, (cst.Assign, cst.AnnAssign)):
                    continue
                targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                for target in targets:
                    if isinstance(target, cst.Name):
                        found.add(target.value)
                        if target.value == "__all__" and isinstance(small.value, (cst.List, cst.Tuple)):
                            found.update(e.value.evaluated_value for e in small.value.elements
                                         if isinstance(e.value, cst.SimpleString)
                                         and isinstance(e.value.evaluated_value, str))
    return found
