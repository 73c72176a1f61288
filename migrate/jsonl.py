"""Streaming JSON Lines: read one line at a time, report bad lines by number, never load a whole file."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator


# What json.dumps(ensure_ascii=False) leaves raw: DEL and C1 controls (valid JSON, but invisible bytes),
# U+2028/9 (line breaks to JavaScript) and lone surrogates (valid in JSON, not encodable as UTF-8).
_JSON_RAW = re.compile(r"[\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def escape_json_text(text: str) -> str:
    """JSON text with those characters written as escapes (`\\u0085`): the same JSON value, plain UTF-8."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _JSON_RAW.search(text) else text


def dumps_line(obj: Any) -> str:
    """One compact JSON line (no newline), readable UTF-8, every control character escaped."""
    return escape_json_text(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))


@dataclass(frozen=True)
class BadLine:
    path: str
    line: int  # 1-based
    error: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.error}"


def iter_jsonl(path: str | Path, *, bad: list[BadLine] | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object) for each JSON object line; blank lines are skipped.

    A line that is not a JSON object is appended to `bad` (or raised as ValueError when `bad` is None).
    A final line without a newline that does not parse is a torn write from an interrupted run: it is
    reported like any other bad line.
    """
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            obj = parse_line(path, number, raw)
            if isinstance(obj, BadLine):
                if bad is None:
                    raise ValueError(str(obj)) from None
                bad.append(obj)
                continue
            yield number, obj


def parse_line(path: str | Path, number: int, raw: bytes | str) -> dict[str, Any] | BadLine:
    """One non-blank line as a JSON object, or the BadLine saying why it is not one (as `iter_jsonl` reports it)."""
    try:
        obj = json.loads(raw)
        if not isinstance(obj, dict):
            raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
    except (ValueError, UnicodeDecodeError) as e:
        return BadLine(str(path), number, f"not a JSON object ({e})")
    return obj


class JsonlAppender:
    """Append objects to a JSONL file, one complete line per write, flushed (and optionally fsynced).

    Opening repairs a torn last line left by a crash (a line without its newline) so that the next append
    starts on a line of its own; the torn fragment stays and is reported as bad by readers.
    """

    def __init__(self, path: str | Path, *, fsync: bool = False):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "ab")
        self._fsync = fsync
        if self._fh.tell() > 0:
            with open(self.path, "rb") as check:
                check.seek(-1, os.SEEK_END)
                if check.read(1) != b"\n":
                    self._fh.write(b"\n")

    def write(self, obj: dict[str, Any]) -> None:
        self.write_text(dumps_line(obj))

    def write_text(self, line: str) -> None:
        """Append one line already serialised with `dumps_line` (no newline)."""
        self._fh.write(line.encode("utf-8") + b"\n")
        self._fh.flush()
        if self._fsync:
            os.fsync(self._fh.fileno())

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> "JsonlAppender":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
