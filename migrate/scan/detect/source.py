"""Turn a file's bytes into Python source, or say precisely why not.

Every problem becomes `Unreadable(reason, detail, line)`, which the scan reports as a Skipped entry:
binary files, files too large or minified to be hand-written code, bytes that are neither UTF-8 nor the
encoding a PEP 263 coding cookie declares, Python 2 code, syntax errors and broken notebooks.
"""

from __future__ import annotations

import ast
import re

MAX_FILE_BYTES = 5_000_000  # larger files are generated or data: skipped as "too large"
MINIFIED_MIN_BYTES = 200_000  # a file this big with very long lines on average is generated/minified
MINIFIED_AVG_LINE = 1_000

NUL = bytes(1)
_COOKIE_RE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_PY2_LINE_RE = re.compile(
    r"""^\s*(?:print\s+(?:["'\w(>]|$)|print\s*$|exec\s+["'\w]|except\s+[\w.]+\s*,\s*\w+\s*:|raise\s+\w+\s*,|"""
    r"""(?:from\s+__future__\s+import\s+)?\w+\s*=\s*u?r?["'].*["']\s*%\s*\w|.*`[^`]+`|.*\b0[0-7]+\b|.*\b\d+L\b|.*<>)"""
)
_PY2_MESSAGES = ("Missing parentheses in call to 'print'", "Missing parentheses in call to 'exec'",
                 "leading zeros in decimal integer literals", "multiple exception types must be parenthesized")


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def code_lines(source: str) -> list[str]:
    """The lines of Python source as Python's parser (and LibCST) number them, without their line breaks.

    `str.splitlines` also breaks at a form feed, \\x1c-\\x1e, \\x85 and \\u2028/\\u2029, which Python code may hold
    (a form feed between sections is an old convention): every line after one would be off by one."""
    lines = _LINE_BREAK.split(source)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


class Unreadable(Exception):
    def __init__(self, reason: str, detail: str = "", line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail
        self.line = line


def check_bytes(data: bytes) -> None:
    """Raise Unreadable for binary, oversized or minified content."""
    size = len(data)
    if size > MAX_FILE_BYTES:
        raise Unreadable("too large", f"{size:,} bytes (limit {MAX_FILE_BYTES:,}): generated or data, not scanned")
    if NUL in data:
        raise Unreadable("binary", f"NUL byte at offset {data.index(NUL)}")
    if size > MINIFIED_MIN_BYTES:
        lines = data.count(b"\n") + 1
        if size / lines > MINIFIED_AVG_LINE:
            raise Unreadable("too large", f"{size:,} bytes on {lines:,} lines: looks generated or minified, not scanned")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else the encoding of a PEP 263 coding cookie in the first two lines."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        error = e
    encoding = coding_cookie(data)
    if encoding is not None and encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        try:
            return data.decode(encoding)
        except LookupError:
            raise Unreadable("not UTF-8", f"unknown encoding {encoding!r} in the coding cookie", 1) from None
        except UnicodeDecodeError as e:
            line = data.count(b"\n", 0, e.start) + 1
            raise Unreadable("not UTF-8", f"byte 0x{data[e.start]:02x} at offset {e.start} is not valid {encoding}", line) from None
    line = data.count(b"\n", 0, error.start) + 1
    raise Unreadable(
        "not UTF-8",
        f"byte 0x{data[error.start]:02x} at offset {error.start} is not valid UTF-8, and no coding cookie "
        "(PEP 263) declares another encoding",
        line,
    )


def coding_cookie(data: bytes) -> str | None:
    for raw in data.split(b"\n", 2)[:2]:
        match = _COOKIE_RE.match(raw)
        if match:
            return match.group(1).decode("ascii", "replace")
        if raw.strip() and not raw.lstrip().startswith(b"#"):
            break
    return None


def parse_any(source: str, filename: str) -> ast.Module:
    """ast.parse, and for syntax newer than the running interpreter the downgrade of modern.py (which imports
    LibCST, so only when ast.parse has failed). Raises the SyntaxError of ast.parse."""
    try:
        return ast.parse(source, filename=filename)
    except SyntaxError as error:
        from migrate.scan.detect import modern

        try:
            return modern.parse_newer(source, filename)
        except modern.NotNewerPython:
            raise error from None


def parse(source: str, filename: str) -> ast.Module:
    """ast.parse, with syntax errors turned into Unreadable ("python 2 syntax" or "syntax error").

    Syntax newer than the running interpreter (Python 3.12+ f-strings, type parameters) is parsed by
    modern.py, so a file that a newer Python accepts is scanned whatever Python runs the scan."""
    try:
        return parse_any(source, filename)
    except SyntaxError as e:
        line = e.lineno
        text = (e.text or "").rstrip("\n")
        if not text and line:
            lines = code_lines(source)
            text = lines[line - 1] if 0 < line <= len(lines) else ""
        reason = "python 2 syntax" if _looks_python2(e.msg or "", text, source) else "syntax error"
        where = f"line {line}" + (f", column {e.offset}" if e.offset else "")
        detail = f"{e.msg} ({where})" + (f": {text.strip()[:120]}" if text.strip() else "")
        if reason == "python 2 syntax":
            detail += "; port it to Python 3 (e.g. with pyupgrade/2to3) to scan it"
        raise Unreadable(reason, detail, line) from None
    except (ValueError, RecursionError, MemoryError) as e:  # NUL bytes, absurd nesting
        raise Unreadable("syntax error", f"{type(e).__name__}: {e}") from None


def _looks_python2(message: str, line: str, source: str) -> bool:
    if any(m in message for m in _PY2_MESSAGES):
        return True
    if _PY2_LINE_RE.match(line):
        return True
    # The first error is not always at the Python 2 construct: look for print statements anywhere.
    return bool(re.search(r"^\s*print\s+[\"'\w]", source, re.MULTILINE)) and "print(" not in source


# -- notebooks ----------------------------------------------------------------------------------------------------
_MAGIC_RE = re.compile(r"^\s*(?:[%!?]|\w+\s*=\s*[%!]|.*\?\s*$)")
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "writefile_not"})


class Notebook:
    """The code cells of a notebook as one module, magics blanked so that line numbers stay right."""

    def __init__(self, cells: list[tuple[int, str]]) -> None:
        self.cells = cells  # (cell index among all cells, source)

    def combined(self, skip: frozenset[int] = frozenset()) -> tuple[str, list[tuple[int, int]]]:
        """Source of the kept cells joined, and per cell (first global line, cell index)."""
        parts, starts, line = [], [], 1
        for index, source in self.cells:
            if index in skip:
                continue
            starts.append((line, index))
            text = source if source.endswith("\n") else source + "\n"
            parts.append(text)
            line += text.count("\n")
        return "".join(parts), starts


def read_notebook(data: bytes) -> Notebook:
    import json

    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise Unreadable("broken notebook", f"not UTF-8 at byte offset {e.start}") from None
    except json.JSONDecodeError as e:
        raise Unreadable("broken notebook", f"not valid JSON: {e.msg} (line {e.lineno}, column {e.colno})", e.lineno) from None
    if not isinstance(doc, dict):
        raise Unreadable("broken notebook", "the top level is not a JSON object")
    cells = doc.get("cells")
    if cells is None and isinstance(doc.get("worksheets"), list):  # nbformat 3
        cells = [c for ws in doc["worksheets"] if isinstance(ws, dict) for c in ws.get("cells", ())]
    if not isinstance(cells, list):
        raise Unreadable("broken notebook", "no 'cells' list (not an nbformat 3/4 notebook)")
    language = notebook_language(doc)
    if language and language != "python":
        return Notebook([])
    out = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            raise Unreadable("broken notebook", f"cell {index} is not a JSON object")
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", cell.get("input", ""))
        if isinstance(source, list):
            if not all(isinstance(s, str) for s in source):
                raise Unreadable("broken notebook", f"cell {index}: 'source' is not a list of strings")
            source = "".join(source)
        elif not isinstance(source, str):
            raise Unreadable("broken notebook", f"cell {index}: 'source' is neither a string nor a list of strings")
        out.append((index, blank_magics(source)))
    return Notebook(out)


def notebook_language(doc: dict) -> str | None:
    """The kernel language a notebook names in its metadata (lower case), or None when it names none."""
    metadata = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    for key in ("language_info", "kernelspec"):
        info = metadata.get(key)
        if isinstance(info, dict):
            name = info.get("name") if key == "language_info" else info.get("language")
            if isinstance(name, str) and name:
                return name.lower()
    return None


def blank_magics(source: str) -> str:
    """Replace IPython magics and shell escapes with empty lines (keeping the line count)."""
    if "%" not in source and "!" not in source and "?" not in source:
        return source
    lines = source.split("\n")
    first = lines[0].lstrip()
    if first.startswith("%%"):
        magic = first[2:].split(None, 1)[0] if len(first) > 2 else ""
        if magic not in _PYTHON_CELL_MAGICS:
            return "\n" * (len(lines) - 1)  # a %%bash / %%html / ... cell: not Python
        lines[0] = ""
    out, continued = [], False
    for line in lines:
        if continued or _MAGIC_RE.match(line) and _is_magic(line):
            continued = line.rstrip().endswith("\\")
            out.append("")
        else:
            out.append(line)
    return "\n".join(out)


def _is_magic(line: str) -> bool:
    stripped = line.strip()
    if stripped.startswith(("%", "!")):
        return True
    if stripped.startswith("?") or (stripped.endswith("?") and not stripped.startswith("#")):
        return "#" not in stripped and "'" not in stripped and '"' not in stripped
    head, _, rest = stripped.partition("=")
    return head.strip().isidentifier() and rest.lstrip().startswith(("!", "%")) and not rest.lstrip().startswith("%=")
