"""pytest fixtures for the scripted fault server; import them into a test module to use them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

import pytest

from migrate.record.format import Recording
from tests.parity.faults.server import FaultServer


@pytest.fixture
def fault_server():
    with FaultServer() as server:
        yield server


def chat_recording(rid: str, text: str, *, stream: bool = False, model: str = "gpt-4o", **extra) -> Recording:
    request = {"model": model, "messages": [{"role": "user", "content": text}], **extra}
    if stream:
        request["stream"] = True
    return Recording(endpoint="/v1/chat/completions", request=request, id=rid, stream=stream,
                     response={"choices": [{"index": 0, "message": {"role": "assistant", "content": "recorded"}}]}, status=200,
                     latency_ms=100.0)


def write_recordings(path: Path, recordings: Iterable[Recording | str]) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for item in recordings:
            fh.write((item if isinstance(item, str) else json.dumps(item.to_dict())) + "\n")
    return path


def read_results(path: Path) -> list[dict]:
    lines = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    return [line for line in lines if line.get("type") == "result"]
