"""Capture real prompts and the baseline's answers as recordings (docs/formats/recordings.md).

    import migrate.record
    client = migrate.record.instrument(OpenAI(), "recs.jsonl", tags=["checkout"])       # SDK hook
    client = OpenAI(http_client=migrate.record.recording_http_client("recs.jsonl"))   # or build it in
    migrate.record.RecordingProxy("https://api.openai.com/v1", "recs.jsonl")           # or a proxy
    migrate.record.Shadow("http://vllm:8000/v1", "shadow.jsonl")  # shadow= of either: mirror to a candidate
    migrate.record.import_batch("batch_input.jsonl", "batch_output.jsonl", "recs.jsonl")  # or files

Names are imported lazily: `import migrate.record` costs nothing until one is used.
"""

from __future__ import annotations

from migrate._lazy import lazy_exports

_LAZY = {
    "Recording": "migrate.record.format",
    "read_recordings": "migrate.record.format",
    "instrument": "migrate.record.hook",
    "uninstrument": "migrate.record.hook",
    "recording_http_client": "migrate.record.hook",
    "RecordingProxy": "migrate.record.proxy",
    "Shadow": "migrate.shadow",
    "import_batch": "migrate.record.importers",
    "import_prompts": "migrate.record.importers",
    "ImportSummary": "migrate.record.importers",
    "Scrubber": "migrate.record.scrub",
    "RecordingWriter": "migrate.record.exchange",
    "StreamAssembler": "migrate.record.sse",
}


__getattr__, __dir__ = lazy_exports(__name__, globals(), _LAZY)


__all__ = sorted(_LAZY)
