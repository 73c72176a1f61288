"""Notebooks: the code cells are rewritten as one module; every byte outside the changed cells' sources is kept.

Cells share one namespace at run time (imports in the first cell, calls in later ones), so the rules see all
code cells together, joined with marker statements, and the result is split back at the markers. IPython
syntax the parser cannot read is masked first and restored after, line by line: line magics (`%pip install`),
shell escapes (`!ls`, `files = !ls`, continued with a backslash), help (`obj?`, `?obj`) and the first line of a
Python cell magic (`%%capture`). Cells run by another interpreter (`%%bash`, ...) are not joined, nor is a cell
that does not parse on its own (the caller reports it and rewrites the others).

The file is never re-serialised: the new `source` of each changed cell is spliced into the original text at
the place it came from, written the way the file writes it (a string or a list of lines, its indentation, its
line endings, \\u escapes or not). A cell whose source uses CRLF gets CRLF back. The result is checked with
nbformat's validator.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from migrate.scan.detect.source import notebook_language

MARKER = "__migrate_cell__"
MASK = "__migrate_magic__"
_SPLIT = re.compile(rf"(?m)^{MARKER}\((\d+)\)\n")
_MARKER_LINE = re.compile(rf"^{MARKER}\((\d+)\)$")
_MAGIC_LINE = re.compile(
    r"^([ \t]*)(?:[%!]|\?{1,2}[\w.]|[\w.]+[ \t]*=[ \t]*[%!]|[\w.\[\]()]+\?{1,2}[ \t]*$)"
)
_MASK_LINE = re.compile(rf"^[ \t]*{MASK}\((\d+)\)$")
# Cell magics whose body is Python run in the notebook's namespace: the body is rewritten, the first line kept.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})


class NotebookError(ValueError):
    pass


@dataclass
class NotebookSource:
    text: str  # the file as read
    nb: dict
    spans: dict[int, tuple[int, int]]  # cell index -> (start, end) of its "source" value in `text`
    sources: dict[int, str]  # cell index -> source of every Python code cell, as in the file
    masked: dict[int, str]  # cell index -> source with "\n" newlines and IPython syntax masked
    masks: list[str] = field(default_factory=list)  # original line of each mask
    skip: frozenset[int] = frozenset()  # cells left out of the module (they do not parse)

    @property
    def cells(self) -> list[int]:
        """The cells joined into the module, in order."""
        return [i for i in self.masked if i not in self.skip]

    @property
    def combined(self) -> str:
        return "".join(f"{MARKER}({i})\n{_terminated(self.masked[i])}" for i in self.cells)

    def without(self, cells) -> NotebookSource:
        return NotebookSource(self.text, self.nb, self.spans, self.sources, self.masked, self.masks,
                              self.skip | frozenset(cells))


def load(text: str) -> NotebookSource:
    body = text.removeprefix("\ufeff")
    try:
        nb = json.loads(body)
    except json.JSONDecodeError as e:
        raise NotebookError(f"not valid JSON (line {e.lineno}: {e.msg})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError("not a notebook (no cells list)")
    offset = len(text) - len(body)
    spans = {i: (s + offset, e + offset) for i, (s, e) in _source_spans(body).items()}
    sources: dict[int, str] = {}
    masked: dict[int, str] = {}
    masks: list[str] = []
    if notebook_language(nb) not in (None, "python"):
        return NotebookSource(text, nb, spans, sources, masked, masks)
    for index, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        elif not isinstance(source, str):
            raise NotebookError(f"cell {index}: 'source' is neither a string nor a list of strings")
        if index not in spans:
            continue  # a duplicate or odd key layout: leave the cell alone rather than guess where it is
        unix = source.replace("\r\n", "\n")
        first = unix.lstrip().split("\n", 1)[0]
        if first.startswith("%%") and (first[2:].split() or [""])[0] not in PYTHON_CELL_MAGICS:
            continue  # %%bash, %%html, %%writefile, ...: not Python run here
        sources[index] = source
        masked[index] = _mask(unix, masks)
    return NotebookSource(text, nb, spans, sources, masked, masks)


def _mask(source: str, masks: list[str]) -> str:
    out: list[str] = []
    indent: str | None = None  # set while a masked line continues with a backslash
    for line in source.split("\n"):
        hit = None if indent is not None else _MAGIC_LINE.match(line)
        if indent is not None or hit:
            if hit:
                indent = hit.group(1)
            out.append(f"{indent}{MASK}({len(masks)})")
            masks.append(line)
            indent = indent if line.rstrip().endswith("\\") else None
        else:
            out.append(line)
    return "\n".join(out)


def cell_starts(combined: str) -> list[tuple[int, int]]:
    """(1-based line of the first line of the cell's code, cell index) for each cell of a joined module."""
    return [(n + 2, int(hit.group(1))) for n, line in enumerate(combined.split("\n"))
            if (hit := _MARKER_LINE.match(line))]


def split(nbs: NotebookSource, combined: str) -> dict[int, str]:
    """The new source of each joined cell, magics and newlines restored. Raises NotebookError if markers were lost."""
    pieces = _SPLIT.split(combined)
    prefix, rest = pieces[0], pieces[1:]
    indexes = [int(i) for i in rest[0::2]]
    if indexes != nbs.cells or prefix.strip():
        raise NotebookError("cell boundaries were lost")
    result: dict[int, str] = {}
    for index, body in zip(indexes, rest[1::2]):
        lines = [_restore(nbs, line) for line in body.split("\n")]
        text = "\n".join(lines).rstrip("\n")
        original = nbs.sources[index]
        newline = "\r\n" if "\r\n" in original else "\n"
        text += "\n" * _trailing_newlines(original)
        result[index] = text.replace("\n", newline) if newline != "\n" else text
    return result


def _trailing_newlines(source: str) -> int:
    stripped = source.replace("\r\n", "\n")
    return len(stripped) - len(stripped.rstrip("\n"))


def _restore(nbs: NotebookSource, line: str) -> str:
    mask = _MASK_LINE.match(line)
    return nbs.masks[int(mask.group(1))] if mask else line


def rebuild(nbs: NotebookSource, sources: dict[int, str]) -> str:
    """The file with the changed cells' sources replaced, every other byte as it was."""
    changed = sorted((nbs.spans[i], i) for i, new in sources.items() if new != nbs.sources[i])
    if not changed:
        return nbs.text
    text = nbs.text
    ensure_ascii = text.isascii() and "\\u" in text
    newline = "\r\n" if "\r\n" in text else "\n"
    out, last = [], 0
    for (start, end), index in changed:
        out.append(text[last:start])
        out.append(_format_source(sources[index], text, start, end, ensure_ascii, newline))
        last = end
    out.append(text[last:])
    result = "".join(out)
    try:
        validate(result)
    except NotebookError:
        try:
            validate(text)
        except NotebookError:
            json.loads(result.removeprefix("\ufeff"))  # it was not valid before either: still JSON is what counts
            return result
        raise
    return result


def _format_source(source: str, text: str, start: int, end: int, ensure_ascii: bool, newline: str) -> str:
    original = text[start:end]
    if original.startswith('"'):
        return json.dumps(source, ensure_ascii=ensure_ascii)
    lines = re.findall(r"[^\n]*\n|[^\n]+", source)
    if not lines:
        return "[]"
    items = [json.dumps(line, ensure_ascii=ensure_ascii) for line in lines]
    inner = original[1:].lstrip(" \t\r\n")
    if "\n" in original and inner and not inner.startswith("]"):
        opening = original[1:len(original) - len(inner)]  # newline and indent before the first element
        closing = original[len(original.rstrip()[:-1].rstrip()):-1]  # newline and indent before "]"
        return "[" + opening + ("," + opening).join(items) + closing + "]"
    if "\n" not in original and inner and not inner.startswith("]"):
        return "[" + ", ".join(items) + "]"
    # An empty list: lay the lines out like the rest of the file, one level below the key.
    line_start = text.rfind("\n", 0, start) + 1
    key_indent = re.match(r"[ \t]*", text[line_start:start]).group(0)
    unit = _indent_unit(text)
    opening = newline + key_indent + unit
    return "[" + opening + ("," + opening).join(items) + newline + key_indent + "]"


def _indent_unit(text: str) -> str:
    hit = re.search(r"\n([ \t]+)\"", text[:2000])
    return hit.group(1) if hit else " "


def validate(text: str) -> None:
    import warnings

    import nbformat

    try:
        with warnings.catch_warnings():  # e.g. cells without ids: the file's own business, not the rewrite's
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text.removeprefix("\ufeff"), as_version=nbformat.NO_CONVERT)
            nbformat.validate(nb)
    except Exception as e:  # noqa: BLE001 - nbformat raises several kinds
        raise NotebookError(f"the rewritten notebook does not validate: {str(e).splitlines()[0]}") from None


def _terminated(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


# -- where each cell's "source" value is in the text -----------------------------------------------------------

_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\n\r]*")


def _source_spans(text: str) -> dict[int, tuple[int, int]]:
    spans: dict[int, tuple[int, int]] = {}
    start = _skip(text, 0)
    for key, value_start, _ in _members(text, start, descend={"cells"}):
        if key != "cells":
            continue
        if text[value_start] == "[":
            for index, cell_start in enumerate(_elements(text, value_start)):
                found = [(s, e) for k, s, e in _members(text, cell_start) if k == "source"]
                if len(found) == 1:
                    spans[index] = found[0]
        break  # nothing after the cells is needed
    return spans


def _skip(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()


def _members(text: str, pos: int, descend=frozenset()):
    """(key, value start, value end) of each member of the object at `pos`; values named in `descend` are not
    decoded here (their end is None: the caller walks them)."""
    if text[pos] != "{":
        return
    i = _skip(text, pos + 1)
    if text[i] == "}":
        return
    while True:
        key, i = _DECODER.raw_decode(text, i)
        i = _skip(text, i)
        i = _skip(text, i + 1)  # the ":"
        if key in descend:
            yield key, i, None
            end = _end_of(text, i)
        else:
            _, end = _DECODER.raw_decode(text, i)
            yield key, i, end
        i = _skip(text, end)
        if text[i] != ",":
            return
        i = _skip(text, i + 1)


def _elements(text: str, pos: int):
    """Start offset of each element of the array at `pos`."""
    i = _skip(text, pos + 1)
    if text[i] == "]":
        return
    while True:
        yield i
        i = _skip(text, _end_of(text, i))
        if text[i] != ",":
            return
        i = _skip(text, i + 1)


def _end_of(text: str, pos: int) -> int:
    return _DECODER.raw_decode(text, pos)[1]


def unparsable_cells(nbs: NotebookSource) -> list[tuple[int, str]]:
    """(cell index, parser message) of each joined cell that does not parse on its own."""
    import libcst as cst

    from migrate.rewrite.python import _parse_message as parse_message

    bad = []
    for index in nbs.cells:
        try:
            cst.parse_module(_terminated(nbs.masked[index]))
        except (cst.ParserSyntaxError, RecursionError) as e:
            bad.append((index, parse_message(e)))
    return bad
