"""Notebooks: the code cells are rewritten as one module; outputs, metadata and magics are kept.

Cells share one namespace at run time (imports in the first cell, calls in later ones), so the rules see all
code cells together, joined with marker statements, and the result is split back at the markers. IPython
syntax the parser cannot read is masked first and restored after: line magics (`%pip install ...`), shell
escapes (`!ls`, `files = !ls`) and help (`obj?`). Cells whose first line is a cell magic (`%%bash`, ...) are
not Python and are left alone. The JSON keeps its layout (indent, key order, non-ASCII as written), and the
result is checked with nbformat's validator.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

_MARKER = "__migrate_cell__({})"
_SPLIT = re.compile(r"(?m)^__migrate_cell__\((\d+)\)\n")
_MAGIC_LINE = re.compile(r"^([ \t]*)(?:[%!].*|[\w.]+[ \t]*=[ \t]*[%!].*|[\w.\[\]()]+\?{1,2})$")
_MASK = "__migrate_magic__({})"
_MASK_LINE = re.compile(r"^([ \t]*)__migrate_magic__\((\d+)\)$")
_PYTHON_CELL_MAGICS = ("%%time", "%%timeit", "%%capture", "%%prun", "%%debug")


class NotebookError(ValueError):
    pass


@dataclass
class NotebookSource:
    nb: dict
    cells: list[int]  # index (in nb["cells"]) of each code cell joined into the module
    combined: str
    masks: list[str] = field(default_factory=list)
    indent: int | None = 1
    trailing_newline: bool = True
    ensure_ascii: bool = False


def load(text: str) -> NotebookSource:
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as e:
        raise NotebookError(f"not valid JSON (line {e.lineno}: {e.msg})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError("not a notebook (no cells list)")
    masks: list[str] = []
    parts: list[str] = []
    cells: list[int] = []
    for index, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = _source_text(cell.get("source", ""))
        first = source.lstrip().split("\n", 1)[0]
        if first.startswith("%%") and not first.startswith(_PYTHON_CELL_MAGICS):
            continue
        masked = []
        for line in source.split("\n"):
            hit = _MAGIC_LINE.match(line)
            if hit and not line.lstrip().startswith("#"):
                masked.append(f"{hit.group(1)}{_MASK.format(len(masks))}")
                masks.append(line)
            else:
                masked.append(line)
        cells.append(index)
        parts.append(_MARKER.format(index) + "\n" + "\n".join(masked) + "\n")
    indent = _detect_indent(text)
    return NotebookSource(
        nb=nb, cells=cells, combined="".join(parts), masks=masks, indent=indent,
        trailing_newline=text.endswith("\n"), ensure_ascii=_all_ascii_escaped(text),
    )


def split(nbs: NotebookSource, combined: str) -> dict[int, str]:
    """The new source of each joined cell, magics restored. Raises NotebookError if markers were lost."""
    pieces = _SPLIT.split(combined)
    prefix, rest = pieces[0], pieces[1:]
    indexes = [int(i) for i in rest[0::2]]
    if indexes != nbs.cells:
        raise NotebookError("cell boundaries were lost")
    result: dict[int, str] = {}
    for n, (index, body) in enumerate(zip(indexes, rest[1::2])):
        if n == 0 and prefix.strip():
            body = prefix.strip("\n") + "\n" + body  # imports added at the top of the module go to the first cell
        lines = [_restore(nbs, line) for line in body.split("\n")]
        text = "\n".join(lines).rstrip("\n")
        original = _source_text(nbs.nb["cells"][index].get("source", ""))
        result[index] = text + "\n" * (len(original) - len(original.rstrip("\n")))
    return result


def _restore(nbs: NotebookSource, line: str) -> str:
    mask = _MASK_LINE.match(line)
    return nbs.masks[int(mask.group(2))] if mask else line


def rebuild(nbs: NotebookSource, sources: dict[int, str], original_text: str) -> str:
    changed = False
    for index, new in sources.items():
        cell = nbs.nb["cells"][index]
        if _source_text(cell.get("source", "")) == new:
            continue
        changed = True
        if isinstance(cell.get("source"), list):
            cell["source"] = new.splitlines(keepends=True)
        else:
            cell["source"] = new
    if not changed:
        return original_text
    text = json.dumps(nbs.nb, indent=nbs.indent, ensure_ascii=nbs.ensure_ascii)
    if nbs.trailing_newline:
        text += "\n"
    validate(text)
    return text


def validate(text: str) -> None:
    import nbformat

    try:
        nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
        nbformat.validate(nb)
    except Exception as e:  # noqa: BLE001 - nbformat raises several kinds
        raise NotebookError(f"the rewritten notebook does not validate: {str(e).splitlines()[0]}") from None


def _source_text(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def _detect_indent(text: str) -> int | None:
    hit = re.search(r"\n( +)\"", text[:2000])
    return len(hit.group(1)) if hit else None


def _all_ascii_escaped(text: str) -> bool:
    return "\\u" in text and text.isascii()
