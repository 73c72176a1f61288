"""The three replay engines (single process, Ray, offline generation on Ray) check their arguments and the run file
with the same code, before anything starts: the same errors, and no Ray started to say them."""

from __future__ import annotations

import json

import pytest

from migrate.parity.cluster import RayEngine
from migrate.parity.cluster.offline import generate_offline
from migrate.parity.replay import run_replay


class RayStarted(AssertionError):
    pass


@pytest.fixture
def no_ray(monkeypatch):
    """Starting Ray (either engine's way) fails the test: every error here must come before it."""
    def refuse(*args, **kwargs):
        raise RayStarted("Ray was started before the arguments were checked")

    monkeypatch.setattr(RayEngine, "ray", refuse)
    monkeypatch.setattr("migrate.parity.cluster.runtime.connect", refuse)


def _engines():
    return {
        "single": lambda recs, out, **kw: run_replay(recs, out, candidate_url="http://127.0.0.1:9/v1", **kw),
        "ray": lambda recs, out, **kw: RayEngine().replay(recs, out, candidate_url="http://127.0.0.1:9/v1", **kw),
        "offline": lambda recs, out, **kw: generate_offline(recs, out, model="m", **kw),
    }


@pytest.fixture
def recs(tmp_path):
    path = tmp_path / "recs.jsonl"
    path.write_text(json.dumps({"id": "a", "endpoint": "/v1/chat/completions",
                                "request": {"model": "m", "messages": [{"role": "user", "content": "x"}]}}) + "\n")
    return path


@pytest.mark.parametrize("engine", sorted(_engines()))
def test_missing_recordings_and_bad_samples_are_refused_alike(engine, tmp_path, recs, no_ray):
    run = _engines()[engine]
    with pytest.raises(FileNotFoundError, match=r"nope\.jsonl: recordings file not found"):
        run(tmp_path / "nope.jsonl", tmp_path / "run.jsonl")
    with pytest.raises(ValueError, match="samples must be at least 1, got 0"):
        run(recs, tmp_path / "run.jsonl", samples=0)
    assert not (tmp_path / "run.jsonl").exists()


@pytest.mark.parametrize("engine", ["single", "ray"])
@pytest.mark.parametrize("bad,message", [({"concurrency": 0}, "concurrency must be at least 1"),
                                         ({"rate": 0}, "rate must be a positive number")])
def test_the_live_engines_refuse_bad_pacing_alike(engine, bad, message, tmp_path, recs, no_ray):
    with pytest.raises(ValueError, match=message):
        _engines()[engine](recs, tmp_path / "run.jsonl", **bad)


@pytest.mark.parametrize("engine", sorted(_engines()))
def test_an_existing_run_file_needs_resume_in_every_engine(engine, tmp_path, recs, no_ray):
    out = tmp_path / "run.jsonl"
    out.write_text('{"type":"header"}\n{"type":"result","key":"a#0"}\n{"type":"res')
    with pytest.raises(FileExistsError, match=r"run\.jsonl: run file already exists; resume it \(--resume\)"):
        _engines()[engine](recs, out)
    assert out.read_text().endswith('{"type":"res')  # refused: the torn line is left as it was
