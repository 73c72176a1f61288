"""Notebooks: move what the rules inserted to where the cells can run it.

The rules see a notebook's code cells as one module (see notebook.py) and insert where a module wants it:
imports at the top, setup after the imports. In a notebook the top is the first cell, which may be a cell
magic (`%%capture` must stay its cell's first line) and runs before the cell that imports `openai`. So after
the rules, statements they inserted are moved, top-level statements only, user code never:

- an inserted import goes to the cell that first uses a name it binds, after that cell's leading magics and
  imports, or to an earlier cell that imports from the same module (with the imports it has); it is dropped
  when an earlier cell already imports the name;
- an inserted statement that reads a name bound only in a later cell (`client = openai.OpenAI(...)` above
  the cell with `import openai`) moves just after that binding (after its cell's leading imports), unless
  something between uses what the statement binds.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

import libcst as cst

from migrate.rewrite.notebook import MARKER, MASK

_SIMILAR = 0.6  # below this, a statement in a changed block is taken as inserted, not as an edited one


def place(before: str, after: str) -> tuple[str, Callable[[int], int]]:
    """`after` (the rules' output for the joined cells `before`) with inserted statements moved; and a map from
    1-based lines of `after` to lines of the result."""
    old, new = cst.parse_module(before), cst.parse_module(after)
    first_marker = next((i for i, s in enumerate(new.body) if _call_name(s) == MARKER), None)
    if first_marker is None:
        return after, lambda line: line
    prefix, order = list(new.body[:first_marker]), list(new.body[first_marker:])
    movable = _inserted(old, new, order)
    imports = [s for s in prefix if _is_import(s)]
    others = [s for s in prefix if not _is_import(s)]
    order[0] = order[0].with_changes(leading_lines=())  # the blank line that separated the imports from it
    slot = _slot_end(order, 0)
    order[slot:slot] = others
    movable.update(id(s) for s in others)

    anchors: dict[int, int] = {}  # id(binding statement) -> id(last statement moved after it)
    imported = set().union(*(binds(s) for s in imports))  # placed below, before their first use
    for stmt in [s for s in order if id(s) in movable and not _is_import(s)]:
        _move_after_bindings(order, stmt, anchors, imported)
    homes = _import_cells(old)
    for stmt in imports:
        _place_import(order, stmt.with_changes(leading_lines=()), original=stmt, homes=homes)
    _memo.clear()
    if order == list(new.body):
        return after, lambda line: line
    result = new.with_changes(body=order)
    return result.code, _line_map(new, result)


def _inserted(old: cst.Module, new: cst.Module, order: list) -> set[int]:
    """ids of the statements of `order` that the rules inserted (not edited in place)."""
    old_code = [_key(old, s) for s in old.body]
    new_code = [_key(new, s) for s in order]
    out: set[int] = set()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_code, new_code, autojunk=False).get_opcodes():
        if tag == "insert":
            out.update(id(order[j]) for j in range(j1, j2))
        elif tag == "replace":
            for j in range(j1, j2):
                if not any(_similar(new_code[j], old_code[i]) for i in range(i1, i2)):
                    out.add(id(order[j]))
    return out


def _similar(a: str, b: str) -> bool:
    # Characters for a short statement, lines for a long one (a class): the char-level ratio is quadratic.
    long = len(a) + len(b) > 1000
    matcher = difflib.SequenceMatcher(None, a.splitlines() if long else a, b.splitlines() if long else b,
                                      autojunk=False)
    return matcher.real_quick_ratio() >= _SIMILAR and matcher.quick_ratio() >= _SIMILAR and matcher.ratio() >= _SIMILAR


def _move_after_bindings(order: list, stmt, anchors: dict[int, int], imported: set[str]) -> None:
    p = next(i for i, s in enumerate(order) if s is stmt)
    bound_before = set().union(*(binds(s) for s in order[:p]))
    wanted = reads(stmt) - binds(stmt) - bound_before - imported
    firsts = {}
    for i in range(p + 1, len(order)):
        for name in wanted & binds(order[i]):
            firsts.setdefault(name, i)
    if not firsts:
        return
    b = max(firsts.values())
    own = binds(stmt)
    if own and any(reads_now(s) & own for s in order[p + 1:b + 1]):
        return  # a statement in between uses what this one defines: moving it would break that one
    binding = order[b]
    order.pop(p)
    b -= 1
    if id(binding) in anchors:  # keep statements moved after the same binding in their order
        target = next(i for i, s in enumerate(order) if id(s) == anchors[id(binding)]) + 1
    else:
        cell = max(i for i in range(b + 1) if _call_name(order[i]) == MARKER)
        slot = _slot_end(order, cell)
        target = slot if b < slot else b + 1
    order.insert(target, stmt)
    anchors[id(binding)] = id(stmt)


def _place_import(order: list, stmt, original, homes: dict[str, str]) -> None:
    names = binds(original)
    use = next((i for i, s in enumerate(order) if _call_name(s) not in (MARKER, MASK) and reads(s) & names), None)
    if use is None:
        use = min(len(order) - 1, 1)
    imported = set().union(*(binds(s) for s in order[:use] if _is_import(s)))
    if names <= imported:
        return  # an earlier cell already imports it
    cell = max(i for i in range(use + 1) if _call_name(order[i]) == MARKER)
    home = homes.get(_imported_module(original))
    # With the cell's own imports of that module (the one `from openai import AzureOpenAI` was in), if it runs first.
    cell = next((i for i in range(cell) if _code(order[i]) == home), cell)
    order.insert(_slot_end(order, cell), stmt)


def _import_cells(module: cst.Module) -> dict[str, str]:
    """Top-level module name -> the marker of the first cell that imports from it."""
    homes: dict[str, str] = {}
    marker = None
    for stmt in module.body:
        if _call_name(stmt) == MARKER:
            marker = _code(stmt)
        elif _is_import(stmt) and marker is not None:
            homes.setdefault(_imported_module(stmt), marker)
    return homes


def _imported_module(stmt) -> str:
    small = stmt.body[0]
    if isinstance(small, cst.ImportFrom):
        return "." if small.module is None or small.relative else _code(small.module).split(".")[0]
    return _code(small.names[0].name).split(".")[0]


def _code(node) -> str:
    return cst.Module([]).code_for_node(node.with_changes(leading_lines=()) if hasattr(node, "leading_lines") else node)


def _slot_end(order: list, cell: int) -> int:
    """Index just after the leading magics and imports of the cell whose marker is at `cell`."""
    i = cell + 1
    while i < len(order) and (_call_name(order[i]) == MASK or _is_import(order[i])):
        i += 1
    return i


def _line_map(before: cst.Module, after: cst.Module) -> Callable[[int], int]:
    """Lines of `before` -> lines of `after`, statement by statement (the two hold the same statements, some
    moved, some with fewer leading lines)."""
    spans_before, spans_after = _spans(before), _spans(after)
    starts_after: dict[str, list[tuple[int, int]]] = {}
    for stmt, span in zip(after.body, spans_after):
        starts_after.setdefault(_key(after, stmt), []).append(span)
    seen: dict[str, int] = {}
    targets = []
    for stmt, span in zip(before.body, spans_before):
        key = _key(before, stmt)
        k = seen.get(key, 0)
        seen[key] = k + 1
        candidates = starts_after.get(key, [])
        targets.append((span, candidates[k] if k < len(candidates) else None))

    def mapped(line: int) -> int:
        for (start, n), target in targets:
            if start <= line < start + n:
                if target is None:
                    return line
                from_end = start + n - 1 - line
                return max(target[0] + target[1] - 1 - from_end, target[0])
        return line

    return mapped


def _spans(module: cst.Module) -> list[tuple[int, int]]:
    line = 1 + len(module.header)
    out = []
    for stmt in module.body:
        n = module.code_for_node(stmt).count("\n")
        out.append((line, n))
        line += n
    return out


def _key(module: cst.Module, stmt) -> str:
    return module.code_for_node(stmt.with_changes(leading_lines=()))


def _is_import(stmt) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body)


def _call_name(stmt) -> str | None:
    """`__migrate_cell__` or `__migrate_magic__` for the statements notebook.py puts in the joined module."""
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr):
        call = stmt.body[0].value
        if isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value in (MARKER, MASK):
            return call.func.value
    return None


# -- the names a statement reads and binds ---------------------------------------------------------------------

_memo: dict[tuple[str, int], tuple[object, frozenset[str]]] = {}


def _cached(kind: str, stmt, compute) -> frozenset[str]:
    hit = _memo.get((kind, id(stmt)))
    if hit is not None and hit[0] is stmt:
        return hit[1]
    value = compute(stmt)
    _memo[(kind, id(stmt))] = (stmt, value)
    return value


def reads(stmt) -> frozenset[str]:
    return _cached("reads", stmt, _reads)


def reads_now(stmt) -> frozenset[str]:
    """The names a top-level statement reads when it runs (not those its functions read when called)."""
    return _cached("reads_now", stmt, lambda s: _reads(s, deferred=False))


def binds(stmt) -> frozenset[str]:
    """Names a top-level statement binds in the module's namespace (not inside functions or classes)."""
    return _cached("binds", stmt, _binds)


def _reads(stmt, deferred: bool = True) -> frozenset[str]:
    visitor = _Reads(deferred)
    stmt.visit(visitor)
    return frozenset(visitor.names)


def _binds(stmt) -> frozenset[str]:
    visitor = _Binds()
    stmt.visit(visitor)
    return frozenset(visitor.names)


def _target_names(node) -> list[cst.Name]:
    if isinstance(node, cst.Name):
        return [node]
    if isinstance(node, (cst.Tuple, cst.List)):
        return [n for e in node.elements for n in _target_names(e.value)]
    if isinstance(node, cst.StarredElement):
        return _target_names(node.value)
    return []


class _Reads(cst.CSTVisitor):
    def __init__(self, deferred: bool = True) -> None:
        self.names: set[str] = set()
        self.skip: set[int] = set()
        self.deferred = deferred  # also the names read inside function bodies and lambdas

    def _skip(self, *nodes) -> None:
        for node in nodes:
            self.skip.update(id(n) for n in _target_names(node))

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self.skip:
            self.names.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.skip.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.skip.add(id(node.keyword))

    def visit_ImportAlias(self, node: cst.ImportAlias) -> bool:
        return False

    def visit_AsName(self, node: cst.AsName) -> bool:
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.skip.add(id(node.name))
        if self.deferred:
            return True
        for part in (*node.decorators, node.params, node.returns):
            if part is not None:
                part.visit(self)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        if not self.deferred:
            node.params.visit(self)
        return self.deferred

    def visit_Param(self, node: cst.Param) -> None:
        self.skip.add(id(node.name))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.skip.add(id(node.name))

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._skip(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._skip(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._skip(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._skip(node.target)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._skip(node.target)

    def visit_Global(self, node: cst.Global) -> bool:
        return False

    def visit_Nonlocal(self, node: cst.Nonlocal) -> bool:
        return False


class _Binds(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: set[str] = set()

    def _add(self, node) -> None:
        self.names.update(n.value for n in _target_names(node))

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if alias.asname is not None:
                self._add(alias.asname.name)
            else:
                self.names.add(cst.Module([]).code_for_node(alias.name).split(".")[0])

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            self._add(alias.asname.name if alias.asname is not None else alias.name)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._add(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._add(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._add(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._add(node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._add(node.asname.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._add(node.target)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._add(node.name.name)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.names.add(node.name.value)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.names.add(node.name.value)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ListComp(self, node) -> bool:
        return False

    def visit_SetComp(self, node) -> bool:
        return False

    def visit_DictComp(self, node) -> bool:
        return False

    def visit_GeneratorExp(self, node) -> bool:
        return False
