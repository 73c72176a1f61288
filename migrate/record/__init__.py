"""Capture real prompts and the baseline's answers as recordings (docs/formats/recordings.md).

    import migrate.record
    client = migrate.record.instrument(OpenAI(), "recs.jsonl", tags=["checkout"])       # SDK hook
    client = OpenAI(http_client=migrate.record.recording_http_client("recs.jsonl"))   # or build it in
    migrate.record.RecordingProxy("https://api.openai.com/v1", "recs.jsonl")           # or a proxy
    migrate.record.import_batch("batch_input.jsonl", "batch_output.jsonl", "recs.jsonl")  # or files

Names are imported lazily: `import migrate.record` costs nothing until one is used.
"""

from __future__ import annotations

import importlib

_LAZY = {
    "Recording": "migrate.record.format",
    "read_recordings": "migrate.record.format",
    "instrument": "migrate.record.hook",
    "uninstrument": "migrate.record.hook",
    "recording_http_client": "migrate.record.hook",
    "RecordingProxy": "migrate.record.proxy",
    "import_batch": "migrate.record.importers",
    "import_prompts": "migrate.record.importers",
    "ImportSummary": "migrate.record.importers",
    "Scrubber": "migrate.record.scrub",
    "RecordingWriter": "migrate.record.exchange",
    "StreamAssembler": "migrate.record.sse",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'migrate.record' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted([*globals(), *_LAZY])


__all__ = sorted(_LAZY)
