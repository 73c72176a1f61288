"""Code that runs only on openai<1: the 0.x side of a version guard, which the rewrite leaves as it is.

Libraries that supported both SDK generations branch on the version:

    if is_openai_v1():                                  self.client = (
        client.chat.completions.create(...)                 openai.OpenAI(**params).chat.completions
    else:                                                   if is_openai_v1() else openai.ChatCompletion
        openai.ChatCompletion.create(...)               )

    try:                                                try:
        from openai import RateLimitError                   import openai.error
    except ImportError:                                     ERRORS = (openai.error.RateLimitError,)
        from openai.error import RateLimitError         except Exception:
                                                            ERRORS = (openai.RateLimitError,)

On openai>=1 the 0.x side never runs. Upgrading it would turn dead code into a second copy of the live path (a
new module client, notes about settings the live path still reads, response-shape notes it then causes); a
reviewer wants it untouched. The live side is the rules' as any other code.

A side counts as 0.x-only when the guard says so and nothing contradicts it: the condition's meaning where it
can be read (`OPENAI_LEGACY`, `not is_openai_v1()`, `openai.__version__.startswith("0")`,
`int(openai.version.__version__[0]) == 0`, `parse(version("openai")) >= Version("1.0")` ...), else what the
two sides call (one the 0.x module API, the other not), under a condition about a version; for `try`, an import
that fails on one generation. Module functions called only from 0.x-only code are 0.x-only too.
"""

from __future__ import annotations

import re

import libcst as cst

from migrate.catalog import legacy as _legacy
from migrate.rewrite.rules import _walk as walk
from migrate.rewrite.rules._legacy_text import LEGACY_NAME as _LEGACY_NAME, VERSIONISH as _VERSIONISH, ZERO as _ZERO, candidate

# Names openai 0.x exported at its top level besides its resources and settings: importing them works on both.
_BOTH = frozenset({"APIError", "InvalidRequestError", "OpenAIError", "error", "version", "api_key", "organization",
                   "util", "cli"})
_ZERO_ONLY_NAMES = frozenset({*_legacy.CLASSES, *_legacy.SETTINGS, "api_base", "api_type", "api_version"})

# The 1.x API: client classes, the default client's resources, response models.
_ONE = re.compile(
    r"\b(?:Async)?(?:Azure)?OpenAI\s*\(|\.chat\.completions\b|\.model_dump\(|\bfrom\s+openai\.(?:types|lib)\b"
    r"|\bopenai\.(?:chat|completions|embeddings|images|moderations|audio|models|files|fine_tuning|beta|responses"
    r"|base_url)\b")
_MODERN_NAME = re.compile(r"(?<![a-z])v[12](?![0-9a-z])|openai_?[12](?![0-9])|new_?openai", re.IGNORECASE)
_FALLBACK_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "AttributeError", "Exception", "BaseException"})

LEGACY, MODERN = "0.x", "1.x"


_READ = (cst.If, cst.IfExp, cst.Try, cst.IndentedBlock, cst.Module, cst.Assign, cst.AnnAssign)


def legacy_only(module: cst.Module, source: str, nodes=None) -> dict[int, cst.CSTNode]:
    """id -> node for the statements and expressions of `module` (the tree of `source`) that run only on openai<1.
    Empty where the text has no version guard over 0.x code (most files: decided on the text alone). `nodes`:
    `walk.find(module, types)` from a walk the caller makes anyway (FileState.nodes), when it has one."""
    if not candidate(source):
        return {}
    global _ASSIGNED
    _FLAGS.clear()
    _ASSIGNED = None
    found: dict[int, cst.CSTNode] = {}
    read = nodes(_READ) if nodes is not None else walk.find(module, _READ)
    _ASSIGNMENTS[:] = [node for node in read if isinstance(node, (cst.Assign, cst.AnnAssign))]
    for node in read:
        if isinstance(node, (cst.Assign, cst.AnnAssign)):
            continue
        if isinstance(node, cst.If):
            _if(module, node, found)
        elif isinstance(node, cst.IfExp):
            side = _sides(module, node.test, node.body, node.orelse)
            if side is not None:
                found[id(side)] = side
        elif isinstance(node, cst.Try):
            _try(module, node, found)
        else:
            _early_exit(module, node, found)
    if found:
        _functions(module, found)
    return found


def _if(module, node: cst.If, found) -> None:
    orelse = node.orelse
    other = orelse.body if isinstance(orelse, cst.Else) else orelse  # an elif is the other side whole
    side = _sides(module, node.test, node.body, other)
    if side is not None:
        found[id(side)] = side


def _early_exit(module, block, found) -> None:
    """`if OPENAI_LEGACY: return old(...)` then the 1.x code: the statements after an `if` whose body always
    leaves, and that has no else, are its other side."""
    body = list(block.body)
    for at, statement in enumerate(body[:-1]):
        if not isinstance(statement, cst.If) or statement.orelse is not None or not _leaves(statement.body):
            continue
        rest = body[at + 1:]
        side = _sides(module, statement.test, statement.body, rest)
        if side is None:
            continue
        if side is statement.body:
            found[id(side)] = side
        else:
            found.update((id(s), s) for s in rest)
        return


def _leaves(block) -> bool:
    last = block.body[-1] if block.body else None
    if isinstance(last, cst.SimpleStatementLine):
        return isinstance(last.body[-1], (cst.Return, cst.Raise))
    return False


def _sides(module, test, body, other):
    """Which of `body` (runs when `test` holds) and `other` (runs when it does not; may be None or a list of
    statements) runs only on 0.x; None where that cannot be said."""
    polarity = _polarity(module, test)
    text = module.code_for_node(test)
    if polarity is None and not _VERSIONISH.search(text.replace("api_version", "")):
        return None
    body_text = module.code_for_node(body)
    other_text = _text(module, other)
    zero_body, zero_other = bool(_ZERO.search(body_text)), bool(_ZERO.search(other_text))
    one_body, one_other = bool(_ONE.search(body_text)), bool(_ONE.search(other_text))
    if polarity == LEGACY:
        legacy, legacy_zero, legacy_one, live_zero = body, zero_body, one_body, zero_other
    elif polarity == MODERN:
        legacy, legacy_zero, legacy_one, live_zero = other, zero_other, one_other, zero_body
    elif zero_body != zero_other:  # a version test whose direction the code shows
        legacy, legacy_zero, legacy_one, live_zero = ((body, zero_body, one_body, zero_other) if zero_body
                                                      else (other, zero_other, one_other, zero_body))
    else:
        return None
    if legacy is None or (legacy_one and not legacy_zero) or (live_zero and not legacy_zero):
        return None  # the code says otherwise
    about_sdk = "openai" in text.lower() or "__version__" in text or _flag(module, test) is not None
    if not legacy_zero and not (polarity is not None and about_sdk):
        return None  # a side without 0.x code, under a flag that need not be about the SDK
    return legacy


_FLAGS: dict[str, str | None] = {}  # flag's text -> the polarity of what it is assigned, for the module in hand
_ASSIGNMENTS: list = []  # every assignment of the module in hand (legacy_only's walk finds them)
# a lone assignment target's text -> the values assigned it (_ASSIGNMENTS by target), built by the first flag read
_ASSIGNED: dict[str, list] | None = None


def _flag(module, test) -> str | None:
    """The polarity of a flag the module sets from a version test (`self._v1 = openai.__version__.startswith("1.")`,
    chromadb 0.5.5, then `if self._v1:`): every assignment of it reads the same way; None otherwise."""
    global _ASSIGNED
    while isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        test = test.expression
    if not isinstance(test, (cst.Name, cst.Attribute)):
        return None
    name = module.code_for_node(test)
    if name not in _FLAGS:
        if _ASSIGNED is None:  # once per module, however many flags it tests
            _ASSIGNED = {}
            for a in _ASSIGNMENTS:
                if a.value is not None and (isinstance(a, cst.AnnAssign) or len(a.targets) == 1):
                    target = a.target if isinstance(a, cst.AnnAssign) else a.targets[0].target
                    _ASSIGNED.setdefault(module.code_for_node(target), []).append(a.value)
        values = _ASSIGNED.get(name, [])
        readings = {(_polarity(module, v) if not isinstance(v, (cst.Name, cst.Attribute)) else None) for v in values}
        _FLAGS[name] = readings.pop() if len(readings) == 1 else None
    return _FLAGS[name]


def _text(module, node) -> str:
    if node is None:
        return ""
    if isinstance(node, list):
        return "".join(module.code_for_node(s) for s in node)
    return module.code_for_node(node)


def _polarity(module, test) -> str | None:
    """LEGACY where `test` holds exactly on openai<1, MODERN where it holds on openai>=1, None where it cannot be
    read. Conjunctions are not read (a side of `legacy and x` need not run on every 0.x)."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = _polarity(module, test.expression)
        return None if inner is None else (MODERN if inner == LEGACY else LEGACY)
    if isinstance(test, (cst.Name, cst.Attribute)) or (isinstance(test, cst.Call) and not test.args):
        flag = _flag(module, test) if not isinstance(test, cst.Call) else None
        if flag is not None:
            return flag
        name = module.code_for_node(test.func if isinstance(test, cst.Call) else test)
        if "version" in name.lower() and "api_version" not in name:
            return None
        if _LEGACY_NAME.search(name):
            return LEGACY
        if _MODERN_NAME.search(name):
            return MODERN
        return None
    if isinstance(test, cst.Call):
        callee = module.code_for_node(test.func)
        if callee == "hasattr" and len(test.args) == 2 and module.code_for_node(test.args[0].value) == "openai":
            attribute = module.code_for_node(test.args[1].value).strip("\"'")
            return MODERN if attribute in {"OpenAI", "AsyncOpenAI", "chat", "base_url"} else None
        if callee.endswith(".startswith") and test.args and _about_version(module, test.func):
            digit = module.code_for_node(test.args[0].value).strip("\"'")[:1]
            return LEGACY if digit == "0" else MODERN if digit in "123456789" and digit else None
        return None
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and _about_version(module, test.left):
        target = test.comparisons[0]
        number = re.search(r"\d+(?:\.\d+)?", module.code_for_node(target.comparator))
        if number is None:
            return None
        value = float(number.group())
        operator = type(target.operator)
        holds_on_zero = {cst.GreaterThanEqual: value <= 0, cst.GreaterThan: value < 0, cst.LessThan: value > 0,
                         cst.LessThanEqual: value >= 0, cst.Equal: value < 1, cst.NotEqual: value >= 1}.get(operator)
        holds_on_one = {cst.GreaterThanEqual: value <= 1, cst.GreaterThan: value < 1, cst.LessThan: value > 1,
                        cst.LessThanEqual: value >= 1, cst.Equal: value >= 1, cst.NotEqual: value < 1}.get(operator)
        if holds_on_zero is None or holds_on_zero == holds_on_one:
            return None
        return LEGACY if holds_on_zero else MODERN
    return None


def _about_version(module, node) -> bool:
    text = module.code_for_node(node)
    return "openai" in text.lower() and "version" in text.lower() and "api_version" not in text


def _try(module, node: cst.Try, found) -> None:
    if not node.handlers or not all(_fallback(h) for h in node.handlers):
        return
    body = list(node.body.body)
    first_zero = next((at for at, s in enumerate(body) if _imports(s, zero=True)), None)
    if first_zero is not None:
        # on 1.x the import fails and the rest never runs; where the handler puts the 1.x API in its place, that
        # is all (where it falls back to None or a stub, the loss is worth a note: the rules see it)
        if all(_uses_openai(h.body) and not _ZERO.search(module.code_for_node(h.body)) for h in node.handlers):
            found.update((id(s), s) for s in body[first_zero:])
        return
    if any(_imports(s, zero=False) for s in body):
        for handler in node.handlers:
            if _ZERO.search(module.code_for_node(handler.body)):
                found[id(handler.body)] = handler.body


def _uses_openai(block) -> bool:
    """The block reads the openai module in code (`openai.RateLimitError`, `from openai import ...`), not only in
    a message ("please install openai")."""
    for node in walk.find(block, (cst.Attribute, cst.ImportFrom)):
        if isinstance(node, cst.ImportFrom):
            if node.module is not None and _dotted(node.module).split(".")[0] == "openai":
                return True
        elif isinstance(node.value, cst.Name) and node.value.value == "openai":
            return True
    return False


def _fallback(handler: cst.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
    names = {(t.value if isinstance(t, cst.Element) else t) for t in types}
    return all(isinstance(n, cst.Name) and n.value in _FALLBACK_ERRORS for n in names)


def _imports(statement, *, zero: bool) -> bool:
    """Whether `statement` imports something only openai 0.x has (zero=True) or only openai>=1 has."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, cst.ImportFrom) and small.relative == () and small.module is not None:
            module = _dotted(small.module)
            if module == "openai" and not isinstance(small.names, cst.ImportStar):
                names = {alias.name.value for alias in small.names if isinstance(alias.name, cst.Name)}
                if zero and names & _ZERO_ONLY_NAMES:
                    return True
                if not zero and names - _ZERO_ONLY_NAMES - _BOTH:
                    return True
            elif module.startswith("openai."):
                part = module.split(".")[1]
                if zero and (part in _legacy.REMOVED_MODULES or part == "error"):
                    return True
                if not zero and part in {"types", "lib", "_exceptions", "_client"}:
                    return True
        elif isinstance(small, cst.Import) and zero:
            for alias in small.names:
                parts = _dotted(alias.name).split(".")
                if parts[0] == "openai" and len(parts) > 1 and (parts[1] in _legacy.REMOVED_MODULES or parts[1] == "error"):
                    return True
    return False


def _dotted(node) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _functions(module: cst.Module, found: dict[int, cst.CSTNode]) -> None:
    """Module functions whose every use is inside 0.x-only code (or another such function) are 0.x-only."""
    defs = {}
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            defs.setdefault(statement.name.value, []).append(statement)
    if not defs:
        return
    parents = walk.parents(module)
    uses: dict[str, list[cst.Name]] = {}
    for name in walk.find(module, cst.Name):
        if name.value in defs and not any(name is d.name for d in defs[name.value]):
            uses.setdefault(name.value, []).append(name)
    changed = True
    while changed:
        changed = False
        for name, statements in defs.items():
            if id(statements[0]) in found or not uses.get(name):
                continue
            if all(inside(use, parents, found) for use in uses[name]):
                found.update((id(s), s) for s in statements)
                changed = True


def inside(node, parents, found) -> bool:
    """Whether `node` lies in `found` (legacy_only's answer); `parents`: the tree's parent map."""
    current = node
    while current is not None:
        if id(current) in found and found[id(current)] is current:
            return True
        current = parents.get(current)
    return False


Span = tuple[tuple[int, int], tuple[int, int]]  # (line, column) of the start and of the end, as ast counts them


def legacy_spans(source: str) -> list[Span]:
    """Where the code that runs only on openai<1 lies in `source`, for readers that work on `ast` (the repo-wide
    response flow: a 0.x call there never answers on openai>=1). LibCST parses only the rare file that passes the
    text check (flow.py asks first whether the text names the SDK's version, which needs no LibCST); [] where it
    cannot."""
    if not candidate(source):
        return []
    try:
        module = cst.parse_module(source)
    except Exception:  # noqa: BLE001 - LibCST's parser errors; ast may still read the file
        return []
    found = legacy_only(module, source)
    if not found:
        return []
    from libcst.metadata import MetadataWrapper, PositionProvider

    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    return [((p.start.line, p.start.column), (p.end.line, p.end.column))
            for node in found.values() if (p := positions.get(node)) is not None]
