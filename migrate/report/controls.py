"""Control characters in model output, made visible before they reach a report.

Model answers are untrusted bytes: a NUL, an ESC (terminal escape sequences), a backspace or a C1 control
would reach the Markdown posted as a PR comment, or the HTML page, raw. In HTML and Markdown every C0 control
but tab and newline becomes its Unicode Control Picture (NUL -> U+2400 '␀', ESC -> U+241B '␛', DEL -> '␡'),
every C1 control the text `\\x85`, and a lone surrogate (which UTF-8 cannot encode) U+FFFD. CRLF line ends
become LF. The JSON report stays exact: there these characters are written as JSON escapes (`\\u001b`).
"""

from __future__ import annotations

import re

from migrate.jsonl import escape_json_text

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_PICTURES = {c: chr(0x2400 + c) for c in range(0x20) if chr(c) not in "\t\n"}
_PICTURES[0x7F] = "\u2421"
_PICTURES.update({c: f"\\x{c:02x}" for c in range(0x80, 0xA0)})
_PICTURES.update({c: "\ufffd" for c in range(0xD800, 0xE000)})


def visible_controls(text: str) -> str:
    """`text` with every control character but tab and newline shown as a visible symbol (see the module doc)."""
    if not _CONTROLS.search(text):
        return text
    return text.replace("\r\n", "\n").translate(_PICTURES)


def escape_json_controls(text: str) -> str:
    """JSON text with DEL, C1 controls, U+2028/9 and lone surrogates escaped (`\\u0085`): the same JSON value."""
    return escape_json_text(text)
