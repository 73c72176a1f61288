"""What every Python rule shares: the codemod base class, `# migrate:` notes, and small CST builders.

A rule is a LibCST `VisitorBasedCodemodCommand`. It resolves names with `QualifiedNameProvider`, so
`import openai as oa` and `from openai import OpenAI as C` are seen for what they are, records each edit with
`self.edited()`, and records what a human must finish with `self.review(node, message)`, which also writes a
`# migrate: ...` comment above the statement (once: a second run finds the comment and adds nothing, even when
the comment has since moved away from its statement or the code it quotes has changed).
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import libcst as cst
import libcst.matchers as m
from libcst import CSTTransformer
from libcst.codemod import Codemod, CodemodContext, VisitorBasedCodemodCommand
from libcst.metadata import (
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
)
from libcst.metadata.base_provider import LazyValue

from migrate.catalog.clients import azure_clients, plain_clients
from migrate.catalog.endpoints import model_call_tails
from migrate.rewrite.rules import _walk as walk

NOTE_PREFIX = "# migrate: "

# Client classes by qualified name, one table with the scan (derived from the SDK: migrate/catalog/clients.py):
# "openai._client.OpenAI" -> "OpenAI"; Azure ones -> the plain class that replaces them.
CLIENT_CLASSES = plain_clients()
AZURE_CLASSES = azure_clients()

# Model-call endpoint methods, by the tail of the attribute chain: client.chat.completions.create(...). One table
# with the scan (migrate/catalog/endpoints.py), past spellings (client.beta.chat.completions.parse) included.
ENDPOINT_TAILS: dict[tuple[str, ...], str] = model_call_tails()


@dataclass
class FileState:
    """Shared by the rules that run on one file (bump-pydantic's two-phase context, per file)."""

    path: str
    config: object  # migrate.config.Config
    options: dict  # [tool.migrate.rewrite] and derived settings (parameter policy, ...)
    active: frozenset[str]  # the rule ids that run
    review: list = field(default_factory=list)  # (rule, line in the rule's input, message)
    counts: dict[str, int] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)  # every identifier in the module (to pick fresh names)
    flow: object = None  # migrate.rewrite.flow.FileFacts: responses that cross functions and modules
    _wrapper: object = None  # the MetadataWrapper of the current tree, shared by rules until one changes it
    source: str | None = None  # the text of the current tree, when the engine knows it (see import_index)
    _index: object = None
    _parents: tuple | None = None
    # id(top-level statement) -> (it, the module's indent and newline, its positions printed alone): the node is kept,
    # so its id is not reused while the entry lives
    _positions: dict = field(default_factory=dict)
    _outline: tuple | None = None  # (module, its _prune.Outline or None)
    _bindings: object = None  # the _bindings.Bindings of the current tree
    _legacy: dict | None = None  # see legacy_only
    _shared: dict = field(default_factory=dict)  # name -> (tree, analysis): see shared
    # the text of each construction OAI002 made a plain client of: its calls vLLM does not serve stay on Azure
    from_azure: set = field(default_factory=set)

    def shared(self, name: str, module: cst.Module, compute):
        """compute(module), once per tree for all the rules that ask for it by `name`: an analysis two rules make of
        the same tree (a rule that changes the tree makes a new one, which is analysed again)."""
        held = self._shared.get(name)
        if held is None or held[0] is not module:
            held = self._shared[name] = (module, compute(module))
        return held[1]

    def import_index(self):
        """The ImportIndex of the current text (qualified names without scope analysis), or None."""
        return None if self.source is None else self.index_of(self.source)

    def index_of(self, text: str):
        """The ImportIndex of `text` (a rule's pre-filter asks before the text is the current one), kept for the
        rules that then run on it."""
        if self._index is None or self._index[0] is not text:
            from migrate.rewrite.rules._names import ImportIndex

            self._index = (text, ImportIndex(text))
        return self._index[1]

    def ast_of(self, text: str) -> ast.Module | None:
        """Python's tree of `text`: the import index's when it is of that text, else parsed now; None when the
        running Python cannot parse it."""
        if self._index is not None and self._index[0] is text:
            return self._index[1].tree
        try:
            return ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None

    def parsed(self, text: str) -> bool:
        """Python's parser has read `text` already (for the import index a rule asked for), without an error."""
        return self._index is not None and self._index[0] is text and self._index[1].tree is not None

    def parents(self, module: cst.Module) -> dict:
        """Node -> parent for the whole tree (ParentNodeProvider's map, without its two rebuilds per node), shared
        by the rules until one changes the tree."""
        if self._parents is None or self._parents[0] is not module:
            order: list = []
            self._parents = (module, walk.parents(module, order), order, {})
        return self._parents[1]

    def nodes(self, module: cst.Module, types) -> list:
        """`walk.find(module, types)`, from the walk that builds the parent map (one walk for both)."""
        self.parents(module)
        found = self._parents[3]
        hit = found.get(types)
        if hit is None:
            order = self._parents[2]
            # isinstance against LibCST's abstract bases, once per node type met rather than once per node
            matching = {t for t in set(map(type, order)) if issubclass(t, types)}
            hit = found[types] = [node for node in order if node.__class__ in matching]
        return hit

    def legacy_only(self, module: cst.Module) -> dict:
        """The code of the file that runs only on openai<1 (_legacy_only.py), found once, on the first tree a rule
        sees: no rule enters it, so those nodes stay the same objects in every later tree (the dict holds them)."""
        if self._legacy is None:
            from migrate.rewrite.rules._legacy_only import legacy_only

            self._legacy = ({} if self.source is None
                            else legacy_only(module, self.source, lambda types: self.nodes(module, types)))
        return self._legacy

    def bindings(self, module: cst.Module):
        """Where `module` binds each name (_bindings.Bindings: what a name refers to without scope analysis),
        shared by the rules until one changes the tree."""
        if self._bindings is None or self._bindings.module is not module:
            from migrate.rewrite.rules._bindings import Bindings

            index = self.import_index()
            usable = index is not None and index.usable and index.tree is not None
            self._bindings = Bindings(module, index.tangled if usable else None)
        return self._bindings

    def outline(self, module: cst.Module):
        """Where the statements of the current text lie (_prune.Outline), for `module`, the tree of that text: the
        spans the rules' statement filters read and the lines review items are numbered from, shared by the rules
        until one changes the tree. None when Python's parser cannot read the text."""
        if self._outline is None or self._outline[0] is not module:
            index = self.import_index()
            outline = None
            if index is not None and index.usable and index.tree is not None:
                from migrate.rewrite.rules._prune import Outline

                outline = Outline(self.source, index.tree)
                outline.enter(module)
            self._outline = (module, outline)
        return self._outline[1]

    def statement_positions(self, module: cst.Module, top: cst.CSTNode):
        """PositionProvider's table for the top-level statement `top` of `module` printed alone, shared by the rules:
        a statement no rule has rebuilt since (the same node) prints the same, so its table is computed once."""
        layout = (module.default_indent, module.default_newline)
        found = self._positions.get(id(top))
        if found is None or found[0] is not top or found[1] != layout:
            alone = module.with_changes(body=[top], header=[], footer=[])
            found = self._positions[id(top)] = (top, layout,
                                                walk.Wrapper(alone, unsafe_skip_copy=True).resolve(PositionProvider))
        return found[2]

    def wrapper(self, module: cst.Module):
        if self._wrapper is None or self._wrapper.module is not module:
            # No deep copy: trees are immutable, and each rule's output is a new tree anyway.
            self._wrapper = walk.Wrapper(module, unsafe_skip_copy=True)
        return self._wrapper


class RuleTransformer(VisitorBasedCodemodCommand):
    RULE_ID = ""
    # Metadata is resolved lazily, on first use, from the wrapper the rules share (see FileState.wrapper): a rule
    # that never asks for qualified names does not pay for scope analysis.
    METADATA_DEPENDENCIES = ()

    def __init__(self, context: CodemodContext, state: FileState) -> None:
        if _plain_dispatch(type(self)):
            # LibCST's matcher-decorator set-up inspects every method of the class on each instance; a rule without
            # those decorators needs none of it (see _plain_dispatch).
            Codemod.__init__(self, context)
            CSTTransformer.__init__(self)
            self._extra_visit_funcs = {}
            self._extra_leave_funcs = {}
            self._MatcherDecoratableTransformer__matchers = {}
            if not _attribute_hooks(type(self)):
                # Called twice per field of every node visited: without visit_<Node>_<field> hooks, nothing to do.
                self.on_visit_attribute = self.on_leave_attribute = _no_attribute_hook
        else:
            super().__init__(context)
        self.state = state
        self._hooks: dict = {}  # (prefix, node type) -> this class's visit_X / leave_X, or None
        self._stack: list[cst.CSTNode] = []
        self.config = state.config
        self.edits = 0
        self.notes_added = 0
        self._notes: list[list[str]] = []
        self._notes_found: Counter[str] = Counter()  # note key -> notes asked for that were already there
        self._notes_written: dict[str, list[cst.EmptyLine]] = {}  # note key -> the comment lines written
        self._metadata: dict = {}
        self._outline = None  # statement spans, when the rule has a statement_filter (see _start_pruning)
        self._filter = None
        self._skipped: cst.CSTNode | None = None
        self._hot: set[int] | None = None  # when set, the ids of the only statements the walk enters (visit_only)
        self._zero_only: dict[int, cst.CSTNode] = {}  # code that runs only on openai<1, which no rule enters

    def _meta(self, provider):
        table = self._metadata.get(provider)
        if table is None:
            table = self._metadata[provider] = self.context.wrapper.resolve(provider)
        return table

    @contextmanager
    def _handle_metadata_reference(self, module: cst.Module):
        # As LibCST's, but the wrapper (and what it resolved) is shared by the rules that run on one tree.
        oldwrapper = self.context.wrapper
        wrapper = self.state.wrapper(module)
        with self.resolve(wrapper):
            self.context = replace(self.context, wrapper=wrapper)
            try:
                yield wrapper.module
            finally:
                self.context = replace(self.context, wrapper=oldwrapper)

    # -- bookkeeping ------------------------------------------------------------------------------------------
    def edited(self, n: int = 1) -> None:
        self.edits += n
        self.state.counts[self.RULE_ID] = self.state.counts.get(self.RULE_ID, 0) + n

    def review(self, node: cst.CSTNode, message: str, *, note: str | None = None, comment: bool = True) -> None:
        """Leave a place for a human: a ReviewItem, and (unless comment=False) a `# migrate:` comment."""
        line = self.line_of(node)  # 0 for a node this rule built
        # it may quote code written over several lines; reports list one item a line (other spaces may be quoted too)
        message = re.sub(r"[ \t]*\n\s*", " ", re.sub(r"([(\[{])[ \t]*\n\s*|[ \t]*,?[ \t]*\n\s*([)\]}])", r"\1\2", message))
        self.state.review.append((self.RULE_ID, line, message))
        if comment and self._notes:
            text = note or message
            if text not in self._notes[-1]:
                self._notes[-1].append(text)

    # -- statements the walk skips -----------------------------------------------------------------------------
    def statement_filter(self):
        """A compiled pattern that the text of every statement this rule may act on matches: edit, review, or
        gather state that matters elsewhere (see _prune.py). A statement whose text does not match is skipped
        whole. None (the default): every statement is visited. Called once per walk, after __init__."""
        return None

    def names_filter(self, packages):
        """A statement_filter for a rule that acts only on expressions whose qualified names lie inside
        `packages`: a statement must spell a package's name or a name some import binds into one (the same
        reasoning as ImportIndex.cannot_be_in); None (visit everything) when the import index cannot say."""
        index = self.state.import_index()
        if index is None or not index.usable:
            return None
        from migrate.rewrite.rules._prune import words_pattern

        return words_pattern(set().union(*(index.bound_to(p) for p in packages)))

    def visit_only(self, module: cst.Module, nodes: Iterable[cst.CSTNode]) -> None:
        """From now on, the walk enters only the statements that hold one of `nodes` (nodes of `module`): for a
        rule whose analysis (in visit_Module) has found every node its hooks act on. A statement skipped is kept
        as it is, as with a statement_filter."""
        parents = self.state.parents(module)
        hot: set[int] = set()
        for node in nodes:
            current = node
            while current is not None:
                if _is_statement(type(current)):
                    if id(current) in hot:
                        break  # and so are the statements around it
                    hot.add(id(current))
                current = parents.get(current)
        self._hot = hot

    def runs_on_one(self, module: cst.Module, nodes: Iterable[cst.CSTNode]) -> list[cst.CSTNode]:
        """`nodes` (of `module`) less those in code that runs only on openai<1, which the walk does not enter: for
        an analysis in visit_Module that looks at the whole tree (see _legacy_only.py)."""
        if not self._zero_only:
            return list(nodes)
        from migrate.rewrite.rules._legacy_only import inside

        parents = self.state.parents(module)
        return [node for node in nodes if not inside(node, parents, self._zero_only)]

    def filter_statements(self, module: cst.Module, pattern) -> None:
        """As a statement_filter, for a rule whose pattern comes from its analysis of the tree: call it from
        visit_Module. From then on the walk skips every statement whose text does not match `pattern` (a no-op
        where the statement spans are not known, see _prune.py)."""
        self._outline = self.state.outline(module)
        self._filter = pattern

    def _start_pruning(self, module: cst.Module) -> None:
        self._zero_only = self.state.legacy_only(module)
        pattern = self.statement_filter()
        self._outline = self.state.outline(module) if pattern is not None else None
        self._filter = pattern

    # Notes collect per statement and become comment lines above it when the statement is left.
    def on_visit(self, node: cst.CSTNode) -> bool:
        self._stack.append(node)
        outline = self._outline
        if self._zero_only and self._zero_only.get(id(node)) is node:
            if _is_statement(type(node)):
                self._notes.append([])
            self._skipped = node
            return False
        if _is_statement(type(node)):
            self._notes.append([])
            if self._hot is not None and id(node) not in self._hot:
                self._skipped = node
                return False
            if outline is not None:
                span = outline.span(node)
                if span is not None and not self._filter.search(outline.source, span[0], span[1]):
                    self._skipped = node  # its children are not visited: on_leave comes next, for it
                    return False
                outline.enter(node)
        elif outline is not None and node.__class__ is cst.Module:
            outline.enter(node)
        if not _plain_dispatch(type(self)):
            return super().on_visit(node)
        hook = _hook(self._hooks, type(self), "visit_", type(node))
        return hook is None or hook(self, node) is not False

    def on_leave(self, original_node, updated_node):
        if original_node is self._skipped:
            self._skipped = None
            self._stack.pop()
            if _is_statement(type(original_node)):
                self._notes.pop()
            return updated_node
        if _plain_dispatch(type(self)):
            hook = _hook(self._hooks, type(self), "leave_", type(original_node))
            result = updated_node if hook is None else hook(self, original_node, updated_node)
        else:
            result = super().on_leave(original_node, updated_node)
        self._stack.pop()
        if _is_statement(type(original_node)):
            notes = self._notes.pop()
            if notes:
                result = self._attach_notes(result, notes)
        return result

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        if not _plain_dispatch(type(self)):
            super().on_visit_attribute(node, attribute)
        elif _attribute_hooks(type(self)):
            CSTTransformer.on_visit_attribute(self, node, attribute)

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        if not _plain_dispatch(type(self)):
            super().on_leave_attribute(original_node, attribute)
        elif _attribute_hooks(type(self)):
            CSTTransformer.on_leave_attribute(self, original_node, attribute)

    def _instantiate_and_run(self, transform, tree: cst.Module) -> cst.Module:
        # The import fix-ups LibCST runs after a codemod (AddImportsVisitor, RemoveImportsVisitor), run the cheap
        # way: on the same tree without a deep copy, and adding imports without walking into the code below them.
        from migrate.rewrite.rules._imports import run_fixup

        index = self.state.import_index()
        result = run_fixup(transform, self.context, tree, index.other if index is not None and index.usable else None)
        self._fixups[transform.__name__] = (tree, result)
        return result

    def transform_module(self, tree: cst.Module) -> cst.Module:
        self._fixups: dict[str, tuple[cst.Module, cst.Module]] = {}
        result = super().transform_module(tree)
        removed = self._fixups.get("RemoveImportsVisitor")
        if removed is not None and removed[0] is not removed[1]:
            from migrate.rewrite.rules._imports import settle

            result = settle(self._fixups.get("AddImportsVisitor"), removed)
        return result

    def _attach_notes(self, result, notes: list[str]):
        target = result
        if isinstance(result, cst.FlattenSentinel):
            target = result.nodes[0] if result.nodes else None
        if not isinstance(target, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            if self._notes:  # the statement went away: the note moves to the enclosing statement
                self._notes[-1].extend(n for n in notes if n not in self._notes[-1])
            return result
        present = [line.comment.value[len(NOTE_PREFIX):] for line in target.leading_lines
                   if line.comment is not None and line.comment.value.startswith(NOTE_PREFIX)]
        wanted = [_one_line(n) for n in notes]
        missing = _missing_notes(wanted, present)
        for text in wanted:
            self._notes_found[note_key(text)] += 1
        new_lines = []
        for text in missing:
            self._notes_found[note_key(text)] -= 1
            line = cst.EmptyLine(indent=True, comment=cst.Comment(NOTE_PREFIX + text))
            self._notes_written.setdefault(note_key(text), []).append(line)
            new_lines.append(line)
        if not new_lines:
            return result
        self.notes_added += len(new_lines)
        updated = target.with_changes(leading_lines=[*target.leading_lines, *new_lines])
        if isinstance(result, cst.FlattenSentinel):
            return cst.FlattenSentinel([updated, *result.nodes[1:]])
        return updated

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        self._start_pruning(tree)
        if _plain_dispatch(type(self)):
            # LibCST's walk rebuilds every node it enters; this one keeps what the hooks did not change.
            result = walk.transform(tree, self, attributes=_attribute_hooks(type(self)), trivia=_trivia_matters(type(self)))
        else:
            result = super().transform_module_impl(tree)
        if not self._notes_written:
            return result
        # A note the file already holds, but not right above its statement (the first statement's comments are
        # the module's header; an earlier run's rule moved the statement or the comment), is not written twice:
        # every such stray copy accounts for one note written now.
        source = self.state.source
        found = _note_lines(source, self.state.import_index()) if source is not None else None
        held = Counter(note_key(text) for text in (found if found is not None else _note_comments(tree)))
        drop: set[int] = set()
        for key, lines in self._notes_written.items():
            stray = min(max(held[key] - self._notes_found[key], 0), len(lines))
            drop.update(id(line) for line in lines[len(lines) - stray:])
        if drop:
            result = walk.transform(result, _DropLines(drop))
            self.notes_added -= len(drop)
        return result

    # -- name resolution --------------------------------------------------------------------------------------
    def qnames(self, node: cst.CSTNode, *, called_by: cst.Call | None = None) -> set[str]:
        """`called_by`: the call whose callee `node` is, for a node off the visit stack (its place is then known
        enough: a callee is neither inside an import nor an attribute's or a keyword's name)."""
        index = self.state.import_index()
        if index is not None:
            parents = self._parents(node)
            if parents is None and called_by is not None and called_by.func is node:
                parents = [called_by]
            known = index.certain(node, parents)
            if known is None and not (parents and isinstance(parents[0], cst.Module)):
                # off the visit stack: the node's place from the tree's parent map (one walk, shared by the rules)
                # answers where it matters, for far less than LibCST's scope analysis
                parents = self._tree_parents(node)
                if parents is not None:
                    known = index.certain(node, parents)
            if known is not None:
                return known
        value = self._meta(QualifiedNameProvider).get(node, ())
        if isinstance(value, LazyValue):
            value = value()
        return {q.name for q in value}

    def qname_in(self, node: cst.CSTNode, names: Iterable[str], *, called_by: cst.Call | None = None) -> str | None:
        names = set(names) if not isinstance(names, (set, frozenset, dict)) else names
        index = self.state.import_index()
        if index is not None and index.cannot_be_in(node, names):
            return None
        for q in self.qnames(node, called_by=called_by):
            if q in names:
                return q
        return None

    def qnames_if(self, node: cst.CSTNode, packages: Iterable[str], *, called_by: cst.Call | None = None) -> set[str]:
        """qnames(node) unchanged, or the empty set when none of them can start with one of `packages` (answered
        without scope analysis, see _names.py): for a caller that only looks at the names inside those packages."""
        index = self.state.import_index()
        if index is not None and index.cannot_be_in(node, packages):
            return set()
        return self.qnames(node, called_by=called_by)

    def qnames_in(self, node: cst.CSTNode, package: str) -> set[str]:
        """The qualified names of `node` inside `package` ("openai": openai and openai.*).

        Ask this rather than filtering qnames(): a node that cannot have such a name is answered without LibCST's
        scope analysis (see _names.py).
        """
        index = self.state.import_index()
        if index is not None and index.cannot_be_in(node, (package,)):
            return set()
        dotted = package + "."
        return {q for q in self.qnames(node) if q == package or q.startswith(dotted)}

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        # The nodes being visited are their own parents' children: the visit stack answers without the full
        # traversal ParentNodeProvider costs; any other node is looked up there.
        stack = self._stack
        for i in range(len(stack) - 1, -1, -1):
            if stack[i] is node:
                return stack[i - 1] if i else None
        if ParentNodeProvider in self._metadata:
            return self._metadata[ParentNodeProvider].get(node)
        return self.state.parents(self.context.wrapper.module).get(node)

    def _parents(self, node: cst.CSTNode) -> list[cst.CSTNode] | None:
        """The nodes from the module down to `node`'s parent, when the visit stack holds them; else None."""
        stack = self._stack
        for i in range(len(stack) - 1, -1, -1):
            if stack[i] is node:
                return stack[:i]
        if stack and _is_child(stack[-1], node):
            return list(stack)
        return None

    def place(self, node: cst.CSTNode) -> list[cst.CSTNode] | None:
        """The nodes from the module down to `node`'s parent: the visit stack's, else the tree's parent map's."""
        parents = self._parents(node)
        if parents and isinstance(parents[0], cst.Module):
            return parents
        return self._tree_parents(node)

    def _tree_parents(self, node: cst.CSTNode) -> list[cst.CSTNode] | None:
        """The nodes from the module down to `node`'s parent, from the current tree's parent map; None for a node
        that is not in the tree."""
        wrapper = self.context.wrapper
        if wrapper is None:
            return None
        module = wrapper.module
        table = self.state.parents(module)
        chain = []
        current = table.get(node)
        while current is not None:
            chain.append(current)
            current = table.get(current)
        if not chain or chain[-1] is not module:
            return None
        chain.reverse()
        return chain

    def line_of(self, node: cst.CSTNode) -> int:
        if PositionProvider not in self._metadata:
            line = self._line_in_statement(node)
            if line is not None:
                return line
        position = self._meta(PositionProvider).get(node)
        return position.start.line if position is not None else 0

    def _line_in_statement(self, node: cst.CSTNode) -> int | None:
        """The line of a node on the visit stack, from the innermost statement around it alone.

        PositionProvider prints the whole module to number its lines; a review item needs one line. Python's own
        parser (already run for the import index) says where each statement of the module's, a class's or a
        function's body starts (_prune.Outline, which checks the two trees line up), and printing the innermost
        such statement alone says how far into it the node is: a call in a method of a long class costs the
        method's print, not the class's. Else the top-level statement's. None when the node's place is not known.
        """
        inner = self._inner_statement(node)
        if inner is not None:
            module, statement, start = inner
            if statement is node:
                return start
            if not _is_statement(type(node)):
                # where the node's first line is written in the statement's text, when it is written there once
                # (a statement's own code starts with the comments above it: not for those)
                line = self.state.outline(module).locate(statement, code(node).split("\n", 1)[0])
                if line is not None:
                    return line
            if not any(top is statement for top in module.body):  # a top-level one: _statement_position
                positions = self.state.statement_positions(module, statement)
                if node in positions:
                    return start + positions[node].start.line - positions[statement].start.line
        found = self._statement_position(node)
        if found is None:
            return None
        start, position, top_position = found
        return start + position.start.line - top_position.start.line

    def _inner_statement(self, node: cst.CSTNode):
        """(module, the innermost statement around `node` (or `node` itself) whose line Python's parser gives, that
        line), for a node on the visit stack; None when there is none."""
        parents = self.place(node)
        if not parents or not isinstance(parents[0], cst.Module):
            return None
        outline = self.state.outline(parents[0])
        if outline is None:
            return None
        path = [*parents[1:], node]
        found = None
        for current in path:
            if not _is_statement(type(current)):
                continue  # an indented block, an expression: the statements inside it may still be known
            line = outline.line(current)
            if line is None:
                break  # and so is every statement inside it (Outline records only bodies of known statements)
            found = (current, line)
            outline.enter(current)
        if found is None:
            return None
        return parents[0], *found  # the top-level statement perhaps: _statement_position has its table

    def _statement_position(self, node: cst.CSTNode):
        """(first line of the top-level statement around `node`, the node's position and the statement's, both in
        the statement printed alone), for a node on the visit stack; None when its place is not known."""
        parents = self.place(node)
        index = self.state.import_index()
        if not parents or index is None or not isinstance(parents[0], cst.Module):
            return None
        module = parents[0]
        top = parents[1] if len(parents) > 1 else node
        starts = index.statement_lines
        if starts is None or len(starts) != len(module.body):
            return None
        k = next((i for i, stmt in enumerate(module.body) if stmt is top), None)
        if k is None:
            return None
        positions = self.state.statement_positions(module, top)
        if node not in positions:
            return None
        return starts[k], positions[node], positions[top]

    def column_of(self, node: cst.CSTNode) -> int:
        if PositionProvider not in self._metadata:
            column = self._column_in_line(node)
            if column is not None:
                return column
            # A top-level statement starts its line, so a column inside it is the same printed alone (see above).
            found = self._statement_position(node)
            if found is not None:
                return found[1].start.column
        position = self._meta(PositionProvider).get(node)
        return position.start.column if position is not None else 0

    def _column_in_line(self, node: cst.CSTNode) -> int | None:
        """The column of a node on the visit stack, read off its line of the text: where the node's first line is
        written there, when it is written there once (no print of the statement around it). None otherwise, and
        for a parenthesized node (whose position LibCST counts from inside its parentheses)."""
        source = self.state.source
        if source is None or getattr(node, "lpar", None) or _is_statement(type(node)):
            return None  # a statement prints differently alone (`elif` as `if`, the comments above it first)
        line = self._line_in_statement(node)
        outline = self.state.outline(self.context.wrapper.module) if line is not None else None
        text = outline.line_text(line) if outline is not None else None
        if text is None:
            return None
        first = code(node).split("\n", 1)[0]
        at = text.find(first) if first else -1
        if at < 0 or text.find(first, at + 1) >= 0 or (at and (text[at - 1].isalnum() or text[at - 1] == "_")):
            return None
        return at

    # -- environment expressions ------------------------------------------------------------------------------
    def base_url_expr(self) -> cst.BaseExpression:
        return self.env_expr(self.config.base_url_env, self.config.base_url_default)

    def api_key_expr(self) -> cst.BaseExpression:
        return self.env_expr(self.config.api_key_env, self.config.api_key_default)

    def env_expr(self, var: str, default: str) -> cst.BaseExpression:
        self.add_needed_import("os")
        return env_get(var, default)

    def is_configured(self, node: cst.BaseExpression, which: str) -> bool:
        if which == "base_url":
            want = (self.config.base_url_env, self.config.base_url_default)
        else:
            want = (self.config.api_key_env, self.config.api_key_default)
        read = env_read(node)
        return read is not None and (read[0], read[1]) == want


# -- dispatch -------------------------------------------------------------------------------------------------
# A LibCST codemod is a MatcherDecoratableTransformer: for every node and every attribute of every node it checks
# the matcher decorators (@m.visit, @m.call_if_inside, ...) before calling visit_X / leave_X. The rules use none,
# and that check costs about five times the traversal itself, so a rule class without them gets
# CSTTransformer's plain dispatch, with each hook looked up once per run and node type (not once per class: a
# method replaced on the class between two runs is seen).
_PLAIN: dict[type, bool] = {}


def _plain_dispatch(cls: type) -> bool:
    plain = _PLAIN.get(cls)
    if plain is None:
        from libcst.matchers._decorators import (
            CONSTRUCTED_LEAVE_MATCHER_ATTR,
            CONSTRUCTED_VISIT_MATCHER_ATTR,
            VISIT_NEGATIVE_MATCHER_ATTR,
            VISIT_POSITIVE_MATCHER_ATTR,
        )

        marks = (VISIT_POSITIVE_MATCHER_ATTR, VISIT_NEGATIVE_MATCHER_ATTR, CONSTRUCTED_VISIT_MATCHER_ATTR,
                 CONSTRUCTED_LEAVE_MATCHER_ATTR)
        plain = _PLAIN[cls] = not any(
            any(hasattr(value, mark) for mark in marks) for klass in cls.__mro__ for value in vars(klass).values()
        )
    return plain


def _hook(hooks: dict, cls: type, prefix: str, node_type: type):
    key = (prefix, node_type)
    try:
        return hooks[key]
    except KeyError:
        hook = walk.own_hook(cls, prefix + node_type.__name__)  # (LibCST's typed no-op stubs are none)
        hooks[key] = hook
        return hook


def _no_attribute_hook(node: cst.CSTNode, attribute: str) -> None:
    return None


_STATEMENT_TYPES: dict[type, bool] = {}


def _trivia_matters(cls: type) -> bool:
    """Whether a rule's walk must enter whitespace and punctuation nodes: when the rule has a hook for one of their
    types, or an on_visit / on_leave of its own that does not declare TRIVIA_BLIND (RuleTransformer's do nothing
    there but keep the visit stack, and no hook ever asks about such a node)."""
    if walk.trivia_hooked(cls):
        return True
    for klass in cls.__mro__:
        if klass is RuleTransformer:
            return False
        own = vars(klass)
        if ("on_visit" in own or "on_leave" in own) and not own.get("TRIVIA_BLIND", False):
            return True
    return True


def _is_statement(node_type: type) -> bool:
    """isinstance(node, (SimpleStatementLine, BaseCompoundStatement)), once per node type: the check against an
    abstract base class costs more than the rest of a visit."""
    found = _STATEMENT_TYPES.get(node_type)
    if found is None:
        found = _STATEMENT_TYPES[node_type] = issubclass(node_type, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
    return found


def _attribute_hooks(cls: type) -> bool:
    """Whether the class has any visit_<Node>_<attribute> / leave_<Node>_<attribute> hook (LibCST's typed no-op
    stubs, which every transformer inherits, do not count)."""
    return walk.attribute_hooks(cls)


def _is_child(parent: cst.CSTNode, node: cst.CSTNode) -> bool:
    for name in parent.__dataclass_fields__:
        value = getattr(parent, name)
        if value is node or (isinstance(value, (list, tuple)) and any(v is node for v in value)):
            return True
    return False


def openai_alias(module: cst.Module) -> str | None:
    """The name `import openai` binds at module level ("openai", or its `as` alias), or None."""
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Import):
                    for alias in small.names:
                        if code(alias.name) == "openai":
                            return alias.asname.name.value if alias.asname else "openai"
    return None


# Notebooks (see migrate/rewrite/notebook.py): the statements that separate code cells and stand for IPython
# magics. Code inserted after the imports goes after them too: never above a cell's first line.
_NOTEBOOK_STATEMENT = m.SimpleStatementLine(
    body=[m.Expr(m.Call(func=m.Name("__migrate_cell__") | m.Name("__migrate_magic__")))]
)


def imports_end(module: cst.Module) -> int:
    """Index in module.body just after the leading block of imports (docstring, __future__, try-imports)."""
    end = 0
    for i, stmt in enumerate(module.body):
        if m.matches(stmt, _NOTEBOOK_STATEMENT):
            if end == i:  # past the magics of the first cells; once there are imports, stay in their cell
                end = i + 1
            continue
        if isinstance(stmt, cst.SimpleStatementLine) and all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body):
            end = i + 1
        elif i == 0 and m.matches(stmt, m.SimpleStatementLine(body=[m.Expr(m.SimpleString() | m.ConcatenatedString())])):
            end = 1
        elif isinstance(stmt, cst.Try) and _only_imports(stmt.body):
            end = i + 1
        elif isinstance(stmt, cst.If) and m.matches(stmt.test, m.Name("TYPE_CHECKING") | m.Attribute(attr=m.Name("TYPE_CHECKING"))):
            continue
        else:
            break
    return end


def setup_end(module: cst.Module) -> int:
    """Index in module.body after the imports, any import of openai, and any top-level load_dotenv() call: where
    code that uses the openai module and reads the environment can go."""
    position = imports_end(module)
    for i, stmt in enumerate(module.body):
        if isinstance(stmt, cst.SimpleStatementLine) and any(_is_setup(small) for small in stmt.body):
            position = max(position, i + 1)
    return position


def _is_setup(small: cst.BaseSmallStatement) -> bool:
    if isinstance(small, cst.Import):
        return any(_top_package(a.name) == "openai" for a in small.names)
    if isinstance(small, cst.ImportFrom):
        return small.module is not None and _top_package(small.module) == "openai"
    return isinstance(small, cst.Expr) and isinstance(small.value, cst.Call) and \
        cst.Module([]).code_for_node(small.value.func).endswith("load_dotenv")


def _top_package(name: cst.BaseExpression) -> str:
    return cst.Module([]).code_for_node(name).split(".")[0]


def _only_imports(block) -> bool:
    return all(
        isinstance(s, cst.SimpleStatementLine) and all(isinstance(x, (cst.Import, cst.ImportFrom, cst.Pass)) for x in s.body)
        for s in block.body
    )


# -- building blocks (no metadata needed) ---------------------------------------------------------------------

def env_get(var: str, default: str) -> cst.Call:
    """os.environ.get("VAR", "default")"""
    return cst.Call(
        func=cst.Attribute(cst.Attribute(cst.Name("os"), cst.Name("environ")), cst.Name("get")),
        args=[
            cst.Arg(string(var), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
            cst.Arg(string(default)),
        ],
    )


def string(value: str) -> cst.SimpleString:
    return cst.SimpleString(_quote(value))


def _quote(value: str) -> str:
    if '"' not in value:
        return '"' + value.replace("\\", "\\\\").replace("\n", "\\n") + '"'
    return repr(value)


def literal_str(node: cst.CSTNode | None) -> str | None:
    """The value of a plain (non-f, non-bytes) string literal, including implicit concatenation."""
    if isinstance(node, cst.SimpleString):
        prefix = node.prefix.lower()
        if "b" in prefix or "f" in prefix:
            return None
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001 - odd escapes: treat as not a literal
            return None
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = literal_str(node.left), literal_str(node.right)
        return None if left is None or right is None else left + right
    return None


def env_read(node: cst.CSTNode | None) -> tuple[str, str | None] | None:
    """(VAR, default) for os.environ["VAR"], os.environ.get("VAR"[, d]), os.getenv("VAR"[, d]), getenv(...)."""
    if isinstance(node, cst.Subscript) and _is_environ(node.value) and len(node.slice) == 1:
        index = node.slice[0].slice
        if isinstance(index, cst.Index):
            var = literal_str(index.value)
            return (var, None) if var else None
        return None
    if isinstance(node, cst.Call):
        func = node.func
        is_get = isinstance(func, cst.Attribute) and func.attr.value == "get" and _is_environ(func.value)
        is_getenv = (isinstance(func, cst.Attribute) and func.attr.value == "getenv" and m.matches(func.value, m.Name("os"))) or (
            isinstance(func, cst.Name) and func.value == "getenv"
        )
        if (is_get or is_getenv) and 1 <= len(node.args) <= 2 and all(a.keyword is None and not a.star for a in node.args):
            var = literal_str(node.args[0].value)
            if var is None:
                return None
            default = literal_str(node.args[1].value) if len(node.args) == 2 else None
            return var, default
    return None


def sdk_endpoint(call: cst.Call, catalog) -> tuple[str, int, bool] | None:
    """The SDK endpoint a call's attribute chain ends in: (name, parts, served by vLLM). A chain that goes on
    through the SDK's resource names before the endpoint it ends in is an endpoint of theirs that the catalog no
    longer knows (`beta.assistants.files.create`, assistants v1, ends in `files.create`): not served. OAI001 keeps
    the unserved ones on OpenAI; OAI003 leaves their model names alone."""
    tail = request_tail(call.func)
    if not isinstance(call.func, cst.Attribute):
        return None
    for size in (5, 4, 3, 2):
        if len(tail) > size:
            endpoint = catalog.endpoint(".".join(tail[-size:]))
            if endpoint is not None:
                longer = size
                words = _resource_words(catalog)
                while len(tail) > longer + 1 and tail[-longer - 1] in words:
                    longer += 1
                if longer > size:
                    return ".".join(tail[-longer:]), longer, False
                return endpoint.name, size, endpoint.served
    return None


_WORDS: dict[int, frozenset[str]] = {}


def _resource_words(catalog) -> frozenset[str]:
    """Every resource name of the catalog's endpoints (`beta`, `assistants`, `threads`, `chat`, `completions`)."""
    words = _WORDS.get(id(catalog))
    if words is None:
        words = _WORDS[id(catalog)] = frozenset(
            part for name in catalog.endpoints for part in name.split(".")[:-1])
    return words


def statements_before(node: cst.CSTNode, parent_of) -> Iterator[cst.CSTNode]:
    """The statements that run before `node` in its function (or module): the earlier statements of each block
    around it, innermost first. `parent_of`: node -> parent (a rule's `parent`)."""
    current = node
    while current is not None and not isinstance(current, (cst.FunctionDef, cst.Module)):
        parent = parent_of(current)
        body = parent.body if isinstance(parent, (cst.IndentedBlock, cst.Module)) else None
        if isinstance(body, (list, tuple)):
            for stmt in body:
                if stmt is current:
                    break
                yield stmt
        current = parent


def env_settings(nodes: Iterable[cst.CSTNode], names: Iterable[str]) -> list[tuple[str, cst.BaseExpression]]:
    """(variable, value) for each value the code puts in one of the environment variables `names`
    (`os.environ["OPENAI_API_BASE"] = URL`, `os.environ.setdefault("OPENAI_BASE_URL", URL)`), among `nodes` (the
    module's assignments and calls): where a client takes its endpoint from the environment, these say what that
    endpoint is (an Ollama URL set before `ChatOpenAI()`)."""
    wanted = set(names)
    found: list[tuple[str, cst.BaseExpression]] = []
    for node in nodes:
        if isinstance(node, cst.Assign):
            for target in node.targets:
                read = env_read(target.target)
                if read is not None and read[0] in wanted:
                    found.append((read[0], node.value))
        elif (isinstance(node.func, cst.Attribute) and node.func.attr.value == "setdefault"
              and _is_environ(node.func.value) and len(node.args) == 2
              and (var := literal_str(node.args[0].value)) in wanted):
            found.append((var, node.args[1].value))
    return found


def _is_environ(node: cst.CSTNode) -> bool:
    return m.matches(node, m.Attribute(value=m.Name("os"), attr=m.Name("environ")) | m.Name("environ"))


def attr_chain(node: cst.CSTNode) -> list[str] | None:
    """a.b.c -> ["a", "b", "c"]; None when the chain holds anything but names (calls, subscripts)."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return parts[::-1]
    return None


# `client.chat.completions.with_raw_response.create(...)`: the same request as without the variant (the response
# is the raw HTTP one: OAI006 reads attr_tail, which keeps it).
SDK_VARIANTS = frozenset({"with_raw_response", "with_streaming_response"})


def request_tail(node: cst.CSTNode) -> list[str]:
    """attr_tail less the variant names: the request a call makes, `chat.completions.create` for
    `client.chat.completions.with_raw_response.create`."""
    return [part for part in attr_tail(node) if part not in SDK_VARIANTS]


def request_receiver(func: cst.BaseExpression, size: int) -> cst.BaseExpression:
    """What `func` (a callee whose request_tail ends in an endpoint of `size` parts) is called on: `size` attribute
    levels off, and the variant ones among them (one before the endpoint's first part is the receiver's)."""
    levels = 0
    while levels < size and isinstance(func, cst.Attribute):
        if func.attr.value not in SDK_VARIANTS:
            levels += 1
        func = func.value
    return func


def strip_variants(receiver: cst.BaseExpression) -> cst.BaseExpression:
    """`client.with_raw_response` -> `client`: the object a variant is read off."""
    while isinstance(receiver, cst.Attribute) and receiver.attr.value in SDK_VARIANTS:
        receiver = receiver.value
    return receiver


def attr_tail(node: cst.CSTNode) -> list[str]:
    """The trailing attribute names of any expression: self.client.chat.completions.create -> [..., "create"]."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
    return parts[::-1]


def endpoint_of(call: cst.Call) -> str | None:
    """The current-SDK endpoint a call's attribute chain ends in, e.g. "chat.completions.create" (through a
    with_raw_response / with_streaming_response variant too)."""
    tail = request_tail(call.func)
    for size in (4, 3, 2):
        if len(tail) > size:  # there must be a receiver before the resource
            hit = ENDPOINT_TAILS.get(tuple(tail[-size:]))
            if hit:
                return hit
    return None


def get_arg(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def has_star_kwargs(call: cst.Call) -> bool:
    return any(arg.star == "**" for arg in call.args)


def is_simple_value(node: cst.CSTNode) -> bool:
    """An expression whose evaluation has no side effects worth keeping (so an argument may be dropped)."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float, cst.Imaginary, cst.Name)):
        return True
    if isinstance(node, cst.Attribute):
        return is_simple_value(node.value)
    if isinstance(node, cst.UnaryOperation):
        return is_simple_value(node.expression)
    if isinstance(node, cst.FormattedString):
        return all(
            isinstance(p, cst.FormattedStringText) or is_simple_value(p.expression) for p in node.parts
        )
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        return all(isinstance(e, cst.Element) and is_simple_value(e.value) for e in node.elements)
    if isinstance(node, cst.Dict):
        return all(
            isinstance(e, cst.DictElement) and is_simple_value(e.key) and is_simple_value(e.value) for e in node.elements
        )
    if isinstance(node, cst.Subscript):
        return is_simple_value(node.value) and all(
            isinstance(s.slice, cst.Index) and is_simple_value(s.slice.value) for s in node.slice
        )
    return False


# -- argument list surgery that keeps the call's layout -------------------------------------------------------

def remove_args(call: cst.Call, names: set[str]) -> cst.Call:
    args = list(call.args)
    keep = [a for a in args if not (a.keyword is not None and a.keyword.value in names)]
    if len(keep) == len(args):
        return call
    if keep and args and keep[-1] is not args[-1]:
        # The new last argument takes the old last argument's trailing comma (or its absence), but keeps its own
        # end-of-line comment: the removed argument's comment goes with it.
        comma = args[-1].comma
        own = keep[-1].comma
        if isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace):
            first = comma.whitespace_after.first_line
            if isinstance(own, cst.Comma) and isinstance(own.whitespace_after, cst.ParenthesizedWhitespace):
                first = own.whitespace_after.first_line
            else:
                first = first.with_changes(comment=None, whitespace=cst.SimpleWhitespace(""))
            comma = comma.with_changes(whitespace_after=comma.whitespace_after.with_changes(first_line=first))
        keep[-1] = keep[-1].with_changes(comma=comma)
    return call.with_changes(args=keep)


def _separator(call: cst.Call) -> cst.Comma:
    args = call.args
    for arg in args[:-1]:
        if isinstance(arg.comma, cst.Comma):
            return arg.comma
    if isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace):
        return cst.Comma(whitespace_after=call.whitespace_before_args)
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def kwarg(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )


def insert_args(call: cst.Call, new: Sequence[cst.Arg], index: int | None = None) -> cst.Call:
    """Insert keyword arguments at `index` (default: before the first keyword or ** argument, else at the end)."""
    args = list(call.args)
    if index is None:
        index = next((i for i, a in enumerate(args) if a.keyword is not None or a.star == "**"), len(args))
    sep = _separator(call)
    new = [a.with_changes(comma=sep) for a in new]
    if not args:
        new[-1] = new[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return call.with_changes(args=new)
    if index >= len(args):
        last = args[-1]
        new[-1] = new[-1].with_changes(comma=last.comma)
        args[-1] = last.with_changes(comma=sep)
        return call.with_changes(args=[*args, *new])
    return call.with_changes(args=[*args[:index], *new, *args[index:]])


def replace_arg_value(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    return call.with_changes(
        args=[a.with_changes(value=value) if a.keyword is not None and a.keyword.value == name else a for a in call.args]
    )


def rename_arg(call: cst.Call, old: str, new: str) -> cst.Call:
    return call.with_changes(
        args=[a.with_changes(keyword=cst.Name(new)) if a.keyword is not None and a.keyword.value == old else a for a in call.args]
    )


def explode(call: cst.Call, indent: str = "    ") -> cst.Call:
    """One argument per line, with a trailing comma (black's layout)."""
    if not call.args:
        return call
    inner = cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace(indent))
    close = cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace(""))
    args = [a.with_changes(comma=cst.Comma(whitespace_after=inner)) for a in call.args[:-1]]
    args.append(call.args[-1].with_changes(comma=cst.Comma(whitespace_after=close)))
    return call.with_changes(whitespace_before_args=inner, args=args)


def fresh_name(taken: set[str], *candidates: str) -> str:
    for name in candidates:
        if name not in taken:
            return name
    base, i = candidates[-1], 2
    while f"{base}{i}" in taken:
        i += 1
    return f"{base}{i}"


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


_QUOTED = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"")


def note_key(text: str) -> str:
    """What identifies a note: its words, not the code or names it quotes (which may have changed since)."""
    return _QUOTED.sub("_", _one_line(text))


def _missing_notes(wanted: list[str], present: list[str]) -> list[str]:
    """The wanted notes a statement does not carry yet: same text, or else same words around other quoted code."""
    present = list(present)
    unmatched = []
    for text in wanted:
        if text in present:
            present.remove(text)
        else:
            unmatched.append(text)
    missing = []
    for text in unmatched:
        same = next((p for p in present if note_key(p) == note_key(text)), None)
        if same is None:
            missing.append(text)
        else:
            present.remove(same)
    return missing


_NOTE_LINE = re.compile(r"^[ \t\f]*" + re.escape(NOTE_PREFIX) + r"([^\r\n]*)", re.MULTILINE)


def _note_lines(source: str, index) -> list[str] | None:
    """What _note_comments finds, read off the text (`index`: its ImportIndex): the `# migrate:` comments on lines of
    their own, less those inside a string that spans lines. None where the text alone cannot say."""
    if NOTE_PREFIX not in source:
        return []
    if "\r" in source.replace("\r\n", ""):
        return None  # lines ended by a lone \r, which `^` does not see
    found = [(source.count("\n", 0, match.start()) + 1, match.group(1)) for match in _NOTE_LINE.finditer(source)]
    if found and ('"""' in source or "'''" in source or "\\\n" in source):
        if index is None or not index.usable or index.tree is None:
            return None
        inside = set()
        for node in ast.walk(index.tree):
            if isinstance(node, (ast.Constant, ast.JoinedStr)) and node.end_lineno > node.lineno:
                inside.update(range(node.lineno + 1, node.end_lineno + 1))
        found = [(line, text) for line, text in found if line not in inside]
    return [_one_line(text) for _, text in found]


def _note_comments(tree: cst.Module) -> list[str]:
    found: list[str] = []

    class Notes(cst.CSTVisitor):
        def visit_EmptyLine(self, node: cst.EmptyLine) -> None:
            if node.comment is not None and node.comment.value.startswith(NOTE_PREFIX):
                found.append(_one_line(node.comment.value[len(NOTE_PREFIX):]))

    walk.visit(tree, Notes())
    return found


class _DropLines(cst.CSTTransformer):
    def __init__(self, ids: set[int]) -> None:
        super().__init__()
        self.ids = ids

    def leave_EmptyLine(self, original: cst.EmptyLine, updated: cst.EmptyLine):
        return cst.RemoveFromParent() if id(original) in self.ids else updated


def code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def needs_parens(parent: cst.CSTNode | None) -> bool:
    """Whether an `a or b` / `a + b` / conditional replacing a primary expression needs parentheses here."""
    return not isinstance(
        parent,
        (cst.Arg, cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Return, cst.Element, cst.DictElement, cst.Expr,
         cst.Index, cst.Yield, cst.NamedExpr, cst.Lambda, cst.IndentedBlock, cst.SimpleStatementLine),
    )
